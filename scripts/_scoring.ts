/** What `score`, `evaluate` and `explain` share: load the data, read and compile the model, score. */
import { type Model, modelDigest } from "../src/contract/mod.ts";
import type { Db } from "../src/db/mod.ts";
import type { LoadReport } from "../src/ingest/mod.ts";
import { type CompiledModel, compileModel } from "../src/model/mod.ts";
import { copyScores, type ScoredRow, scoreHouseholds, type WrittenScores } from "../src/score/mod.ts";
import { scoresCsv } from "../src/evaluate/mod.ts";
import { type Args, openDataset, readModel, required } from "./_cli.ts";
import { InputError } from "../src/contract/mod.ts";
import { ensureOutFolder, joinPath, writeOut } from "./_output.ts";

/** A loaded dataset with a compiled model, ready to score. */
export interface ScoringRun {
  db: Db;
  report: LoadReport;
  model: Model;
  modelSha256: string;
  compiled: CompiledModel;
}

/** Loads `--data`, reads `--model` and compiles it against the data's columns (InputError on any problem). */
export async function prepareRun(args: Args): Promise<ScoringRun> {
  const modelFile = required(args, "model");
  const { model } = await readModel(modelFile);
  const { db, report } = await openDataset(args);
  try {
    const compiled = compileModel(model, report.schema, modelFile);
    return { db, report, model, modelSha256: await modelDigest(model), compiled };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Scores every household in contract order. */
export async function scoreAll(run: ScoringRun): Promise<ScoredRow[]> {
  return await scoreHouseholds(run.db, run.compiled);
}

/** The run manifest written beside the outputs: what model and data produced them. */
export function manifest(run: ScoringRun, command: string): string {
  return JSON.stringify(
    {
      command,
      model: { id: run.model.id, version: run.model.version, sha256: run.modelSha256 },
      data: {
        folder: run.report.folder,
        digest: run.report.digest,
        tables: run.report.tables.map((t) => ({
          table: t.table,
          file: t.file,
          rows_read: t.rowsRead,
          accepted: t.accepted,
          rejected: t.rejected,
        })),
      },
    },
    null,
    2,
  ) + "\n";
}

/**
 * Writes `<folder>/<name>` atomically from a writer that needs a path (DuckDB's `COPY`): `write`
 * gets a temporary path in the same folder, which is renamed over the name when it succeeds and
 * removed when it fails. Returns the path and what `write` returned; a null from `write` means it
 * wrote nothing (the caller writes another way).
 */
export async function copyOut<T>(
  folder: string,
  name: string,
  write: (tmp: string) => Promise<T | null>,
): Promise<{ path: string; result: T } | null> {
  await ensureOutFolder(folder);
  const path = joinPath(folder, name);
  const tmp = joinPath(folder, `.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const remove = () => Deno.remove(tmp).catch(() => {});
  let result: T | null;
  try {
    result = await write(tmp);
  } catch (error) {
    await remove();
    throw error;
  }
  if (result === null) {
    await remove();
    return null;
  }
  try {
    await Deno.rename(tmp, path);
  } catch (error) {
    await remove();
    throw new InputError([{
      file: path,
      message: `cannot be written (${(error as Error).message}); check the folder given to --out`,
    }]);
  }
  return { path, result };
}

/**
 * Writes `<folder>/scores.csv` by DuckDB's `COPY`, or — where a number would print in exponent
 * notation in JavaScript — through the one CSV writer from the scored rows. Returns the path and the
 * counts (with `{ warnedIds: true }` also the warned households' ids), the same either way.
 */
export async function writeScoresCsv(
  run: ScoringRun,
  folder: string,
  options: { warnedIds?: boolean } = {},
): Promise<{ path: string; written: WrittenScores }> {
  const copied = await copyOut(folder, "scores.csv", (tmp) => copyScores(run.db, run.compiled, tmp, "lines", options));
  if (copied) return { path: copied.path, written: copied.result };
  const rows = await scoreAll(run);
  const path = await writeOut(folder, "scores.csv", scoresCsv(rows));
  const warned = rows.filter((r) => r.band !== null).map((r) => r.household_id);
  return {
    path,
    written: { households: rows.length, warned: warned.length, ...(options.warnedIds ? { warnedIds: warned } : {}) },
  };
}
