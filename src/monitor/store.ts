/**
 * The monitoring database file: monthly snapshots of a dataset, warning batches and their rows,
 * kept in one native DuckDB file that the county keeps from month to month. Every write is one
 * transaction: a failed import or batch leaves the file as it was.
 */
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { InputError } from "../contract/mod.ts";
import type { DatasetSchema } from "../contract/mod.ts";
import { type Db, dropTableOrView, openDb, type Row } from "../db/mod.ts";
import type { DatasetFile, LoadReport } from "../ingest/mod.ts";
import { assertLoadable, loadDataset } from "../ingest/mod.ts";
import {
  batchesOf,
  type BatchInfo,
  checkMonitorFile,
  EMPTY_VERIFIED_SQL,
  notDuckDbFile,
  SCHEMA_VERSION,
  SNAPSHOT_TABLES,
  type SnapshotInfo,
  snapshotSchema,
  snapshotsOf,
  snapshotTableSql,
} from "./read.ts";

/** The schema version written into `m.meta` (the same as {@link SCHEMA_VERSION}). */
export const MONITOR_VERSION = SCHEMA_VERSION;

/** The alias under which the database file is attached to the working in-memory database. */
const M = "m";

/** An open monitoring database: an in-memory working database with the file attached as `m`. */
export interface MonitorDb {
  /** The working database (dataset tables of the current command live here; the file is `m.*`). */
  db: Db;
  /** The database file. */
  file: string;
  /** Attached read-only: `audit`, `evaluate` and `status` never change the file. */
  readOnly: boolean;
  close(): Promise<void>;
}

/** `YYYY-MM`, a real month. */
export function checkMonth(value: string, option = "--as-of"): string {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) {
    throw new InputError([{
      file: option,
      message: `${option} needs a month written YYYY-MM (for example 2024-07), but found "${value}"`,
    }]);
  }
  return value;
}

function problem(file: string, message: string): InputError {
  return new InputError([{ file, message }]);
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  const rows = await db.all(
    `SELECT 1 FROM duckdb_tables() WHERE database_name = ${lit(M)} AND table_name = ${lit(table)}`,
  );
  return rows.length > 0;
}

const CREATE_SQL = `BEGIN TRANSACTION;
CREATE TABLE m.meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO m.meta VALUES ('version', ${lit(SCHEMA_VERSION)});
CREATE TABLE m.snapshots (as_of VARCHAR PRIMARY KEY, folder VARCHAR, digest VARCHAR, imported_at VARCHAR,
  households INTEGER, members INTEGER, verified INTEGER, schema_json VARCHAR);
CREATE TABLE m.batches (batch_id VARCHAR PRIMARY KEY, as_of VARCHAR, model_id VARCHAR, model_version VARCHAR,
  model_sha256 VARCHAR, model_json VARCHAR, previous_batch VARCHAR, created_at VARCHAR, warned INTEGER);
CREATE TABLE m.batch_rows (batch_id VARCHAR, household_id VARCHAR, category VARCHAR, members INTEGER,
  total_points DOUBLE, per_capita DOUBLE, band VARCHAR, previous_band VARCHAR, status VARCHAR, indicators VARCHAR);
CREATE TABLE m.contributions (batch_id VARCHAR, household_id VARCHAR, indicator VARCHAR, hits INTEGER,
  weight DOUBLE, points DOUBLE);
CREATE TABLE m.dispatch (batch_id VARCHAR, household_id VARCHAR, department VARCHAR, role VARCHAR,
  dispatched_on VARCHAR, deadline VARCHAR);
CREATE TABLE m.feedback (batch_id VARCHAR, household_id VARCHAR, department VARCHAR, accepted BOOLEAN, need BOOLEAN,
  assistance VARCHAR, amount_yuan DOUBLE, verified_on VARCHAR, file VARCHAR, received_at VARCHAR);
COMMIT;`;

/** Attaches `file` as `m` (always as a DuckDB file: never another format's reader); a sentence when it cannot. */
async function attach(db: Db, file: string, readOnly: boolean): Promise<void> {
  try {
    await db.exec(`ATTACH ${lit(file)} AS ${q(M)} (TYPE duckdb${readOnly ? ", READ_ONLY" : ""})`);
  } catch (error) {
    throw notDuckDbFile(file, error);
  }
}

/**
 * Opens the database file: `create` makes a new one where none exists; `readOnly` attaches it
 * read-only (nothing the command does can change it). The file is first opened read-only and
 * checked (checkMonitorFile: a DuckDB file that is not ours, of another schema version, or
 * damaged, is refused with a sentence and left unchanged), and only then opened for writing.
 */
export async function openMonitor(
  file: string,
  options: { create?: boolean; readOnly?: boolean } = {},
): Promise<MonitorDb> {
  let size = -1;
  try {
    const s = await Deno.stat(file);
    if (!s.isFile) throw problem(file, "--db names a folder, but it takes a database file: give a file's path");
    size = s.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  if (size < 0 && !options.create) {
    throw problem(file, `the database file does not exist; create it with "deno task db import --db ${file} ..."`);
  }
  if (size === 0) {
    throw problem(file, "is an empty file, not a monitoring database; give the database file, or a new file name");
  }
  const readOnly = options.readOnly === true;
  const db = await openDb("native");
  let attached = false;
  const close = async () => {
    try {
      if (attached) await db.exec(`DETACH ${q(M)}`);
    } finally {
      await db.close();
    }
  };
  try {
    let state: "new" | "empty" | "ok" = "new";
    if (size > 0) {
      await attach(db, file, true);
      attached = true;
      state = await checkMonitorFile(db, file);
      if (state === "empty" && !options.create) {
        throw problem(file, "is an empty DuckDB database, not a monitoring database; import a month into it first");
      }
      if (!readOnly) {
        await db.exec(`DETACH ${q(M)}`);
        attached = false;
      }
    }
    if (!attached) {
      await attach(db, file, readOnly);
      attached = true;
    }
    if (state !== "ok" && !readOnly) await db.exec(CREATE_SQL);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, file, readOnly, close };
}

/** Runs `work` in one transaction on the file: any error rolls everything back. */
export async function inTransaction<T>(mdb: MonitorDb, work: () => Promise<T>): Promise<T> {
  await mdb.db.exec("BEGIN TRANSACTION");
  try {
    const result = await work();
    await mdb.db.exec("COMMIT");
    return result;
  } catch (error) {
    try {
      await mdb.db.exec("ROLLBACK");
    } catch {
      // Already rolled back by the engine.
    }
    throw error;
  }
}

/** The snapshots in the file, oldest first. */
export async function listSnapshots(mdb: MonitorDb): Promise<SnapshotInfo[]> {
  return await snapshotsOf(mdb.db);
}

/** The batches in the file with their status counts, oldest first. */
export async function listBatches(mdb: MonitorDb): Promise<BatchInfo[]> {
  return await batchesOf(mdb.db);
}

/** Options of `importSnapshot`. */
export interface ImportOptions {
  /** The folder as the user named it (messages, and recorded in `snapshots`). */
  folder: string;
  /** Replace an existing snapshot of the same month. */
  replace?: boolean;
  /** Called after each table is stored (tests use it to make an import fail midway). */
  afterTable?: (table: string) => void | Promise<void>;
  /** The time recorded as `imported_at` (default now). */
  now?: string;
}

/**
 * Validates a dataset with the loader (the messages of `validate`; an `InputError` when invalid)
 * and stores it as the snapshot of month `asOf`, in one transaction. A second import of the same
 * month is refused unless `replace`.
 */
export async function importSnapshot(
  mdb: MonitorDb,
  files: DatasetFile[],
  asOf: string,
  options: ImportOptions,
): Promise<{ report: LoadReport; snapshot: SnapshotInfo }> {
  checkMonth(asOf);
  const { db } = mdb;
  const existing = await db.all(`SELECT as_of FROM m.snapshots WHERE as_of = ${lit(asOf)}`);
  if (existing.length > 0 && !options.replace) {
    throw problem(
      mdb.file,
      `already holds the snapshot of ${asOf}; add --replace to replace it (its batches stay as they were scored)`,
    );
  }
  // A table left loaded in place by an earlier load is a view.
  for (const t of SNAPSHOT_TABLES) await dropTableOrView(db, t);
  const report = await loadDataset(db, files, { folder: options.folder });
  assertLoadable(report);
  const loaded = new Set(report.tables.map((t) => t.table));
  const counts: Record<string, number> = { households: 0, members: 0, verified: 0 };
  const now = options.now ?? new Date().toISOString();
  await inTransaction(mdb, async () => {
    await db.exec(`DELETE FROM m.snapshots WHERE as_of = ${lit(asOf)}`);
    for (const table of SNAPSHOT_TABLES) {
      if (!loaded.has(table)) continue;
      const target = `${q(M)}.${q(table)}`;
      if (!(await tableExists(db, table))) {
        await db.exec(`CREATE TABLE ${target} AS SELECT CAST(${lit(asOf)} AS VARCHAR) AS snapshot, * FROM ${q(table)}`);
      } else {
        await db.exec(`DELETE FROM ${target} WHERE snapshot = ${lit(asOf)}`);
        const have = new Map(
          (await db.all(
            `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ${lit(M)} AND table_name = ${
              lit(table)
            }`,
          )).map((r) => [r.column_name as string, r.data_type as string]),
        );
        const cols = await db.all(
          `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'memory' AND table_name = ${
            lit(table)
          } ORDER BY column_index`,
        );
        for (const c of cols) {
          const [name, type] = [c.column_name as string, c.data_type as string];
          const stored = have.get(name);
          if (stored === undefined) {
            await db.exec(`ALTER TABLE ${target} ADD COLUMN ${q(name)} ${type}`);
          } else if (stored !== type && stored !== "VARCHAR") {
            // A column whose type changed between months is kept as text; each month reads it back
            // in its own type (read.ts snapshotTableSql), so no month's values change.
            await db.exec(`ALTER TABLE ${target} ALTER COLUMN ${q(name)} TYPE VARCHAR`);
          }
        }
        await db.exec(`INSERT INTO ${target} BY NAME SELECT ${lit(asOf)} AS snapshot, * FROM ${q(table)}`);
      }
      counts[table] = Number((await db.all(`SELECT count(*) AS n FROM ${q(table)}`))[0].n);
      await options.afterTable?.(table);
    }
    await db.exec(
      `INSERT INTO m.snapshots VALUES (${lit(asOf)}, ${lit(options.folder)}, ${lit(report.digest)}, ${
        lit(now)
      }, ${counts.households}, ${counts.members}, ${counts.verified}, ${lit(JSON.stringify(report.schema))})`,
    );
  });
  const snapshot: SnapshotInfo = {
    as_of: asOf,
    folder: options.folder,
    digest: report.digest,
    imported_at: now,
    households: counts.households,
    members: counts.members,
    verified: counts.verified,
  };
  return { report, snapshot };
}

/**
 * Makes the snapshot of `asOf` the working dataset: tables `households`, `members`, `verified`
 * in the in-memory database, as the loader left them (read.ts `snapshotTableSql`; an empty
 * `verified` where the month had none). Returns the dataset schema stored with it.
 */
export async function useSnapshot(mdb: MonitorDb, asOf: string): Promise<DatasetSchema> {
  checkMonth(asOf);
  const { db } = mdb;
  const schema = await snapshotSchema(db, asOf);
  if (schema === null) {
    const months = (await listSnapshots(mdb)).map((s) => s.as_of);
    throw problem(
      mdb.file,
      `holds no snapshot of ${asOf}; import it first (snapshots: ${months.length ? months.join(", ") : "none"})`,
    );
  }
  for (const table of SNAPSHOT_TABLES) {
    await dropTableOrView(db, table);
    const sql = (await tableExists(db, table))
      ? snapshotTableSql(table, asOf, schema)
      : table === "verified"
      ? EMPTY_VERIFIED_SQL
      : null;
    if (sql === null) throw problem(mdb.file, `is damaged: the table m.${table} is missing; restore it from a backup`);
    await db.exec(`CREATE TABLE ${q(table)} AS ${sql}`);
  }
  return schema;
}

/** Rows of a query on the file (for status and tests). */
export async function query(mdb: MonitorDb, sql: string): Promise<Row[]> {
  return await mdb.db.all(sql);
}
