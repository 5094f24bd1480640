/**
 * `deno task db <verb> --db <file> …`: the monitoring database (src/monitor). Verbs: import, status,
 * warn. Every mistake exits 2 with a sentence.
 */
import { formatInt } from "../src/base/format.ts";
import { readDatasetFolder } from "../src/ingest/mod.ts";
import {
  batchCsv,
  importSnapshot,
  listBatches,
  listSnapshots,
  type MonitorDb,
  openMonitor,
  query,
  warnBatch,
} from "../src/monitor/mod.ts";
import { outFolder, parseArgs, print, readModel, required, runCommand, UsageError, writeOut } from "./_cli.ts";

const USAGE = `Usage: deno task db <verb> --db <database file> …
  import --data <dataset folder> --as-of YYYY-MM [--replace]
      validates the folder (the messages of validate; exit 2 when invalid) and stores it as the month's
      snapshot, in one transaction; a month already stored is refused unless --replace.
  status
      lists the snapshots with their row counts, the models used and the batches.
  warn --model <model.json> --as-of YYYY-MM --out <folder> [--replace] [--force]
      scores the month's snapshot, records the batch and writes <out>/batch.csv: household_id, band,
      previous_band, status (new, continued, changed, cleared against the model's previous batch) and the
      main indicators behind each warning.`;

async function withDb<T>(file: string, create: boolean, work: (mdb: MonitorDb) => Promise<T>): Promise<T> {
  const mdb = await openMonitor(file, { create });
  try {
    return await work(mdb);
  } finally {
    await mdb.close();
  }
}

async function importVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "data", "as-of"], flags: ["replace"] });
  const file = required(args, "db");
  const folder = required(args, "data");
  const asOf = required(args, "as-of");
  const files = await readDatasetFolder(folder);
  await withDb(file, true, async (mdb) => {
    const { snapshot } = await importSnapshot(mdb, files, asOf, { folder, replace: args.replace === true });
    print(
      `Imported ${folder} as the snapshot of ${asOf}: ${formatInt(snapshot.households)} households, ${
        formatInt(snapshot.members)
      } members, ${formatInt(snapshot.verified)} verified rows. Database: ${file}`,
    );
  });
}

async function statusVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db"] });
  const file = required(args, "db");
  await withDb(file, false, async (mdb) => {
    const snapshots = await listSnapshots(mdb);
    const batches = await listBatches(mdb);
    const lines = [`Monitoring database ${file}`, `Snapshots: ${snapshots.length}`];
    for (const s of snapshots) {
      lines.push(
        `  ${s.as_of}  ${formatInt(s.households)} households, ${formatInt(s.members)} members, ${
          formatInt(s.verified)
        } verified  from ${s.folder} (digest ${s.digest.slice(0, 12)}, imported ${s.imported_at})`,
      );
    }
    const models = await query(
      mdb,
      `SELECT model_id, model_version, model_sha256, count(*)::INTEGER AS batches FROM m.batches GROUP BY ALL ORDER BY ALL`,
    );
    lines.push(`Models used: ${models.length}`);
    for (const m of models) {
      lines.push(
        `  ${m.model_id} ${m.model_version} (sha256 ${String(m.model_sha256).slice(0, 12)}): ${m.batches} batches`,
      );
    }
    lines.push(`Batches: ${batches.length}`);
    for (const b of batches) {
      lines.push(
        `  ${b.batch_id}  ${b.as_of}  ${
          formatInt(b.warned)
        } warned: ${b.new} new, ${b.continued} continued, ${b.changed} changed, ${b.cleared} cleared  (previous ${
          b.previous_batch ?? "none"
        })`,
      );
    }
    print(lines.join("\n"));
  });
}

async function warnVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "model", "as-of", "out"], flags: ["replace", "force"] });
  const file = required(args, "db");
  const modelFile = required(args, "model");
  const asOf = required(args, "as-of");
  const out = await outFolder(args, ["batch.csv"], [modelFile, file]);
  const { model } = await readModel(modelFile);
  await withDb(file, false, async (mdb) => {
    const result = await warnBatch(mdb, model, modelFile, asOf, { replace: args.replace === true });
    const path = await writeOut(out, "batch.csv", batchCsv(result.rows));
    const count = (s: string) => result.rows.filter((r) => r.status === s).length;
    print(
      `Batch ${result.batchId}: scored ${formatInt(result.scored)} households, ${
        result.rows.filter((r) => r.band !== null).length
      } warned (${count("new")} new, ${count("continued")} continued, ${count("changed")} changed, ${
        count("cleared")
      } cleared against ${result.previousBatch ?? "no previous batch"}). Wrote ${path}`,
    );
  });
}

const VERBS: Record<string, (argv: string[]) => Promise<void>> = {
  import: importVerb,
  status: statusVerb,
  warn: warnVerb,
};

await runCommand(USAGE, async () => {
  const [verb, ...rest] = Deno.args;
  const run = verb === undefined ? undefined : VERBS[verb];
  if (!run) {
    throw new UsageError(
      verb === undefined
        ? "Missing the verb"
        : `Unknown verb "${verb}"; expected one of ${Object.keys(VERBS).join(", ")}`,
    );
  }
  await run(rest);
});
