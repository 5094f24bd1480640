/**
 * `evaluate` and `audit` on a batch of the monitoring database (`--db <file> --batch <id>`) instead
 * of a folder (`--data`): the batch's snapshot and its verified rows (src/monitor/source.ts) become
 * the same ScoringRun the folder gives, so the same code measures them. The file is read-only here.
 */
import { formatInt } from "../src/base/format.ts";
import { modelDigest } from "../src/contract/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { batchesOf, batchList, openBatchSource, openMonitor } from "../src/monitor/mod.ts";
import { type Args, printError, readModel, required, UsageError } from "./_cli.ts";
import type { ScoringRun } from "./_scoring.ts";

/** The usage lines both commands share. */
export const SOURCE_USAGE =
  `Data: --data <dataset folder>, or --db <monitoring database file> --batch <id> (a batch of deno task db warn:
its snapshot's tables, and as verified rows the snapshot's verified table plus the departments' returns of that
batch stored by deno task db feedback; --model defaults to the batch's model; the file is only read).`;

/**
 * Which source the arguments name: "db" for `--db` (then `--batch` is required, `--data`,
 * `--lenient` and `--engine wasm` are refused), "data" otherwise. Lists the file's batches when
 * `--batch` is missing.
 */
export async function sourceOf(args: Args): Promise<"data" | "db"> {
  if (args.db === undefined) {
    if (args.batch !== undefined) throw new UsageError("--batch reads a batch of a database: give --db <file> too");
    required(args, "data");
    return "data";
  }
  const file = required(args, "db");
  if (args.data !== undefined) {
    throw new UsageError("Give either --data <dataset folder> or --db <database file> --batch <id>, not both");
  }
  if (args.lenient === true) {
    throw new UsageError("--lenient applies to a folder; a database snapshot was validated when it was imported");
  }
  if (args.engine !== undefined && args.engine !== "native") {
    throw new UsageError("--db is read with the native engine; drop --engine");
  }
  if (args.batch === undefined) {
    const mdb = await openMonitor(file, { readOnly: true });
    const batches = await batchesOf(mdb.db).finally(() => mdb.close());
    throw new UsageError(`--db needs --batch <id>; the batches in ${file}: ${batchList(batches)}`);
  }
  required(args, "batch");
  return "db";
}

/** A ScoringRun on `--db`/`--batch` (model: `--model`, else the batch's own). */
export async function prepareBatchRun(args: Args): Promise<ScoringRun & { batchId: string; file: string }> {
  const file = required(args, "db");
  const batchId = required(args, "batch");
  const modelFile = typeof args.model === "string" ? args.model : undefined;
  const given = modelFile ? (await readModel(modelFile)).model : undefined;
  const source = await openBatchSource(file, batchId);
  try {
    const model = given ?? source.model;
    const compiled = compileModel(model, source.report.schema, modelFile ?? `${file} (model of batch ${batchId})`);
    const verified = source.report.tables.find((t) => t.table === "verified")?.accepted ?? 0;
    printError(
      `${file}: batch ${batchId}, snapshot ${source.batch.as_of}: ${
        formatInt(source.report.tables[0].accepted)
      } households, ${formatInt(source.report.tables[1].accepted)} members, ${formatInt(verified)} verified rows (${
        formatInt(source.returns)
      } of them departments' returns of the batch)`,
    );
    if (source.replacedSince) {
      printError(
        `Note: the snapshot of ${source.batch.as_of} was imported again after batch ${batchId} was scored; the figures are those of the snapshot as it is now`,
      );
    }
    const modelSha256 = await modelDigest(model);
    if (modelSha256 !== source.batch.model_sha256) {
      printError(
        `Note: scoring with ${model.id} ${model.version} from ${modelFile}, not the model batch ${batchId} was scored with (${source.batch.model_id} ${source.batch.model_version})`,
      );
    }
    const db = { ...source.db, close: () => source.mdb.close() };
    return { db, report: source.report, model, modelSha256, compiled, batchId, file };
  } catch (error) {
    await source.mdb.close();
    throw error;
  }
}

/** The run manifest of a batch run: the model, and the database file, batch and snapshot it read. */
export function batchManifest(run: ScoringRun & { batchId: string; file: string }, command: string): string {
  return JSON.stringify(
    {
      command,
      model: { id: run.model.id, version: run.model.version, sha256: run.modelSha256 },
      data: {
        database: run.file,
        batch: run.batchId,
        digest: run.report.digest,
        tables: run.report.tables.map((t) => ({ table: t.table, source: t.file, rows: t.accepted })),
      },
    },
    null,
    2,
  ) + "\n";
}
