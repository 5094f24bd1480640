/**
 * The monitoring database file: monthly snapshots of a dataset, warning batches and their rows,
 * kept in one native DuckDB file that the county keeps from month to month. Every write is one
 * transaction: a failed import or batch leaves the file as it was.
 */
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { InputError } from "../contract/mod.ts";
import type { DatasetSchema } from "../contract/mod.ts";
import { type Db, openDb, type Row } from "../db/mod.ts";
import type { DatasetFile, LoadReport } from "../ingest/mod.ts";
import { assertLoadable, loadDataset } from "../ingest/mod.ts";

/** The layout version written into `meta`; a file of another version is refused. */
export const MONITOR_VERSION = "1";

/** The alias under which the database file is attached to the working in-memory database. */
const M = "m";

/** The three dataset tables a snapshot stores. */
export const SNAPSHOT_TABLES = ["households", "members", "verified"] as const;

/** An open monitoring database: an in-memory working database with the file attached as `m`. */
export interface MonitorDb {
  /** The working database (dataset tables of the current command live here; the file is `m.*`). */
  db: Db;
  /** The database file. */
  file: string;
  close(): Promise<void>;
}

/** A snapshot as `status` lists it. */
export interface SnapshotInfo {
  as_of: string;
  folder: string;
  digest: string;
  imported_at: string;
  households: number;
  members: number;
  verified: number;
}

/** A batch as `status` lists it. */
export interface BatchInfo {
  batch_id: string;
  as_of: string;
  model_id: string;
  model_version: string;
  model_sha256: string;
  previous_batch: string | null;
  created_at: string;
  warned: number;
  new: number;
  continued: number;
  changed: number;
  cleared: number;
  /** Households dispatched to departments (0 before `dispatch`). */
  dispatched: number;
  /** Departments' returns stored by `feedback`. */
  returns: number;
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

/**
 * Opens (creating when `create`) the database file. A file that is not a DuckDB database, or one
 * written by another layout version, is refused with a sentence (InputError).
 */
export async function openMonitor(file: string, options: { create?: boolean } = {}): Promise<MonitorDb> {
  let exists = true;
  try {
    const s = await Deno.stat(file);
    if (!s.isFile) throw problem(file, "--db names a folder, but it takes a database file: give a file's path");
  } catch (error) {
    if (error instanceof InputError) throw error;
    exists = false;
  }
  if (!exists && !options.create) {
    throw problem(file, `the database file does not exist; create it with "deno task db import --db ${file} ..."`);
  }
  const db = await openDb("native");
  try {
    await db.exec(`ATTACH ${lit(file)} AS ${q(M)}`);
  } catch (error) {
    await db.close();
    throw problem(
      file,
      `cannot be opened as a DuckDB database (${firstLine(error)}); give the monitoring database file`,
    );
  }
  const close = async () => {
    try {
      await db.exec(`DETACH ${q(M)}`);
    } finally {
      await db.close();
    }
  };
  try {
    if (await tableExists(db, "meta")) {
      const rows = await db.all(`SELECT value FROM m.meta WHERE key = 'version'`);
      const version = rows[0]?.value;
      if (version !== MONITOR_VERSION) {
        throw problem(
          file,
          `is a monitoring database of layout version ${
            String(version ?? "none")
          }, but this toolkit reads version ${MONITOR_VERSION}: use the toolkit that wrote it, or start a new file`,
        );
      }
    } else {
      const other = await db.all(`SELECT table_name FROM duckdb_tables() WHERE database_name = ${lit(M)}`);
      if (other.length > 0) {
        throw problem(
          file,
          "is a DuckDB database but not a monitoring database (it has no meta table): give another --db file",
        );
      }
      await db.exec(`BEGIN TRANSACTION;
CREATE TABLE m.meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO m.meta VALUES ('version', ${lit(MONITOR_VERSION)});
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
COMMIT;`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { db, file, close };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
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
  const rows = await mdb.db.all(
    `SELECT as_of, folder, digest, imported_at, households, members, verified FROM m.snapshots ORDER BY as_of`,
  );
  return rows as unknown as SnapshotInfo[];
}

/** The batches in the file with their status counts, oldest first. */
export async function listBatches(mdb: MonitorDb): Promise<BatchInfo[]> {
  const rows = await mdb.db.all(`SELECT b.batch_id, b.as_of, b.model_id, b.model_version, b.model_sha256,
  b.previous_batch, b.created_at, b.warned,
  count(*) FILTER (WHERE r.status = 'new')::INTEGER AS new,
  count(*) FILTER (WHERE r.status = 'continued')::INTEGER AS continued,
  count(*) FILTER (WHERE r.status = 'changed')::INTEGER AS changed,
  count(*) FILTER (WHERE r.status = 'cleared')::INTEGER AS cleared,
  (SELECT count(DISTINCT household_id) FROM m.dispatch d WHERE d.batch_id = b.batch_id)::INTEGER AS dispatched,
  (SELECT count(*) FROM m.feedback f WHERE f.batch_id = b.batch_id)::INTEGER AS returns
FROM m.batches b LEFT JOIN m.batch_rows r USING (batch_id)
GROUP BY ALL ORDER BY b.as_of, b.created_at, b.batch_id`);
  return rows as unknown as BatchInfo[];
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
  for (const t of SNAPSHOT_TABLES) await db.exec(`DROP TABLE IF EXISTS ${q(t)}`);
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
        const have = new Set(
          (await db.all(
            `SELECT column_name FROM duckdb_columns() WHERE database_name = ${lit(M)} AND table_name = ${lit(table)}`,
          )).map((r) => r.column_name as string),
        );
        const cols = await db.all(
          `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'memory' AND table_name = ${
            lit(table)
          } ORDER BY column_index`,
        );
        for (const c of cols) {
          if (!have.has(c.column_name as string)) {
            await db.exec(`ALTER TABLE ${target} ADD COLUMN ${q(c.column_name as string)} ${c.data_type as string}`);
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
 * in the in-memory database, as the loader left them. Returns the dataset schema stored with it.
 */
export async function useSnapshot(mdb: MonitorDb, asOf: string): Promise<DatasetSchema> {
  checkMonth(asOf);
  const { db } = mdb;
  const rows = await db.all(`SELECT schema_json FROM m.snapshots WHERE as_of = ${lit(asOf)}`);
  if (rows.length === 0) {
    const months = (await listSnapshots(mdb)).map((s) => s.as_of);
    throw problem(
      mdb.file,
      `holds no snapshot of ${asOf}; import it first (snapshots: ${months.length ? months.join(", ") : "none"})`,
    );
  }
  const schema = JSON.parse(rows[0].schema_json as string) as DatasetSchema;
  for (const table of SNAPSHOT_TABLES) {
    await db.exec(`DROP TABLE IF EXISTS ${q(table)}`);
    if (!(await tableExists(db, table))) continue;
    const columns = table === "verified"
      ? null
      : Object.keys(schema[table as "households" | "members"]).map(q).join(", ");
    await db.exec(
      `CREATE TABLE ${q(table)} AS SELECT ${columns ?? "* EXCLUDE (snapshot)"} FROM ${q(M)}.${
        q(table)
      } WHERE snapshot = ${lit(asOf)}`,
    );
  }
  return schema;
}

/** Rows of a query on the file (for status and tests). */
export async function query(mdb: MonitorDb, sql: string): Promise<Row[]> {
  return await mdb.db.all(sql);
}
