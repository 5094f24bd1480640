/**
 * A snapshot (or a batch) of the monitoring database written out as a dataset folder's files:
 * `households.csv`, `members.csv`, `verified.csv` and a `dataset.json` that pins every column to
 * the type it had when the month was imported. Loading these files gives back the snapshot's
 * tables, so a page that opens the database file runs the loader and everything after it exactly
 * as on a picked folder. Works on any engine with the file attached as `m` (the notebooks use
 * duckdb-wasm); it only reads.
 */
import { toCsv } from "../base/csv.ts";
import { InputError } from "../contract/mod.ts";
import type { Db } from "../db/types.ts";
import type { DatasetFile } from "../ingest/types.ts";
import {
  batchesOf,
  type BatchInfo,
  batchList,
  batchVerifiedSql,
  checkMonitorFile,
  EMPTY_VERIFIED_SQL,
  fileTables,
  SNAPSHOT_TABLES,
  type SnapshotInfo,
  snapshotSchema,
  snapshotsOf,
  snapshotTableSql,
} from "./read.ts";

/** What a database file offers to open: its months, and its batches (with their returns). */
export interface DatabaseChoices {
  snapshots: SnapshotInfo[];
  batches: BatchInfo[];
}

/**
 * A month to open: its snapshot as imported, or — with `batchId`, a batch of that month — the
 * snapshot with the batch's returns added to the verified rows (what `evaluate --db --batch` reads).
 */
export interface SnapshotChoice {
  asOf: string;
  batchId?: string;
}

/** Checks the attached file `m` (read.ts checkMonitorFile; an empty DuckDB file is refused too) and lists what it holds. */
export async function databaseChoices(db: Pick<Db, "all">, file: string): Promise<DatabaseChoices> {
  if ((await checkMonitorFile(db, file)) === "empty") {
    throw new InputError([{ file, message: "is an empty DuckDB database, not a monitoring database" }]);
  }
  return { snapshots: await snapshotsOf(db), batches: await batchesOf(db) };
}

/**
 * The dataset files of a snapshot or batch of the attached file `m`, named as in a dataset folder.
 * CSV text is written as data (no formula neutralisation: the loader reads it back), dates as
 * `YYYY-MM-DD`, numbers in JavaScript's shortest exact form.
 */
export async function snapshotDatasetFiles(
  db: Pick<Db, "all">,
  file: string,
  choice: SnapshotChoice,
): Promise<DatasetFile[]> {
  const schema = await snapshotSchema(db, choice.asOf);
  if (schema === null) {
    const months = (await snapshotsOf(db)).map((s) => s.as_of);
    throw new InputError([{
      file,
      message: `holds no snapshot of ${choice.asOf} (snapshots: ${months.join(", ") || "none"})`,
    }]);
  }
  if (choice.batchId !== undefined) {
    const batches = await batchesOf(db);
    const batch = batches.find((b) => b.batch_id === choice.batchId);
    if (!batch || batch.as_of !== choice.asOf) {
      throw new InputError([{
        file,
        message: `holds no batch "${choice.batchId}" of ${choice.asOf}; batches: ${batchList(batches)}`,
      }]);
    }
  }
  const tables = await fileTables(db);
  const encoder = new TextEncoder();
  const files: DatasetFile[] = [];
  for (const table of SNAPSHOT_TABLES) {
    let sql = tables.has(table) ? snapshotTableSql(table, choice.asOf, schema) : EMPTY_VERIFIED_SQL;
    if (table === "verified" && choice.batchId !== undefined) sql = batchVerifiedSql(sql, choice.batchId);
    const { names, rows } = await rowsOf(db, sql);
    files.push({ name: `${table}.csv`, source: { bytes: encoder.encode(toCsv(names, rows, { formulas: "keep" })) } });
  }
  const description = {
    description: `Snapshot ${choice.asOf}${
      choice.batchId ? ` with the returns of batch ${choice.batchId}` : ""
    } of ${file}`,
    tables: Object.fromEntries(
      (["households", "members"] as const).map((t) => [
        t,
        Object.fromEntries(Object.entries(schema[t]).map(([c, type]) => [c, { type }])),
      ]),
    ),
  };
  files.push({ name: "dataset.json", source: { bytes: encoder.encode(JSON.stringify(description, null, 2) + "\n") } });
  return files;
}

/** A query's column names and rows, in a fixed order (sorted by every column). */
async function rowsOf(db: Pick<Db, "all">, sql: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const rows = await db.all(`SELECT * FROM (${sql}) ORDER BY ALL`);
  const names = rows.length > 0 ? Object.keys(rows[0]) : await columnNames(db, sql);
  return { names, rows: rows.map((r) => names.map((n) => r[n])) };
}

async function columnNames(db: Pick<Db, "all">, sql: string): Promise<string[]> {
  const rows = await db.all(`DESCRIBE SELECT * FROM (${sql})`);
  return rows.map((r) => String(r.column_name));
}
