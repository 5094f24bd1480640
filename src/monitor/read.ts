/**
 * Reading a monitoring database file that is attached as `m` to any DuckDB (native on the command
 * line, duckdb-wasm in the notebooks): its schema version, its snapshots and batches, and the SQL
 * that rebuilds a snapshot's tables — and a batch's verified rows — exactly as the loader left them.
 * Nothing here writes, and nothing here needs the native engine.
 */
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { type ColumnType, type DatasetSchema, InputError } from "../contract/mod.ts";
import type { Db, Row } from "../db/types.ts";

/** The schema version this toolkit writes into `m.meta` and reads; a file of any other version is refused. */
export const SCHEMA_VERSION = "1";

/** The tables a monitoring database of {@link SCHEMA_VERSION} has besides the snapshot tables. */
export const FILE_TABLES = ["meta", "snapshots", "batches", "batch_rows", "contributions", "dispatch", "feedback"];

/** The three dataset tables a snapshot stores. */
export const SNAPSHOT_TABLES = ["households", "members", "verified"] as const;

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

type Reader = Pick<Db, "all">;

function problem(file: string, message: string): InputError {
  return new InputError([{ file, message }]);
}

/** The refusal of a file that DuckDB cannot attach (not a DuckDB file, or a storage version it cannot read). */
export function notDuckDbFile(file: string, error: unknown): InputError {
  const reason = String((error as Error)?.message ?? error).split("\n")[0];
  return problem(
    file,
    `cannot be opened as a DuckDB database (${reason}); give the monitoring database file (the file was not changed)`,
  );
}

/** The tables of the attached file `m`. */
export async function fileTables(db: Reader): Promise<Set<string>> {
  const rows = await db.all(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'm'`);
  return new Set(rows.map((r) => String(r.table_name)));
}

/**
 * Checks that the attached file `m` is a monitoring database of {@link SCHEMA_VERSION}: returns
 * "empty" for a DuckDB file with no table at all, "ok" otherwise, and throws an InputError naming
 * the file and the fix for a DuckDB file that is not ours, one of another (older, newer or unknown)
 * schema version, or one that lacks a table.
 */
export async function checkMonitorFile(db: Reader, file: string): Promise<"empty" | "ok"> {
  const tables = await fileTables(db);
  if (tables.size === 0) return "empty";
  if (!tables.has("meta")) {
    throw problem(
      file,
      "is a DuckDB database but not a monitoring database (it has no meta table); give the monitoring database file, or a new file name to start one",
    );
  }
  const rows = await db.all(`SELECT CAST(value AS VARCHAR) AS value FROM m.meta WHERE key = 'version'`);
  const version = rows.length > 0 ? String(rows[0].value) : null;
  if (version !== SCHEMA_VERSION) {
    const newer = version !== null && /^\d+$/.test(version) && Number(version) > Number(SCHEMA_VERSION);
    throw problem(
      file,
      newer
        ? `is a monitoring database of schema version ${version}, written by a newer toolkit; this toolkit reads schema version ${SCHEMA_VERSION}: update the toolkit to open it (the file was not changed)`
        : `is a monitoring database of schema version ${
          version ?? "none"
        }, which this toolkit does not read (it reads schema version ${SCHEMA_VERSION}): open it with the toolkit that wrote it, or import the dataset folders into a new file (the file was not changed)`,
    );
  }
  const missing = FILE_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) {
    throw problem(
      file,
      `is damaged: a monitoring database of schema version ${SCHEMA_VERSION} has the tables ${
        FILE_TABLES.join(", ")
      }, but ${missing.join(", ")} ${
        missing.length > 1 ? "are" : "is"
      } missing; restore the file from a backup, or import the dataset folders into a new file`,
    );
  }
  return "ok";
}

/** The snapshots in the attached file, oldest first. */
export async function snapshotsOf(db: Reader): Promise<SnapshotInfo[]> {
  const rows = await db.all(
    `SELECT as_of, folder, digest, imported_at, households, members, verified FROM m.snapshots ORDER BY as_of`,
  );
  return rows as unknown as SnapshotInfo[];
}

/** The batches in the attached file with their status counts, oldest first. */
export async function batchesOf(db: Reader): Promise<BatchInfo[]> {
  const rows = await db.all(`SELECT b.batch_id, b.as_of, b.model_id, b.model_version, b.model_sha256,
  b.previous_batch, b.created_at, b.warned,
  count(r.status) FILTER (WHERE r.status = 'new')::INTEGER AS new,
  count(r.status) FILTER (WHERE r.status = 'continued')::INTEGER AS continued,
  count(r.status) FILTER (WHERE r.status = 'changed')::INTEGER AS changed,
  count(r.status) FILTER (WHERE r.status = 'cleared')::INTEGER AS cleared,
  (SELECT count(DISTINCT household_id) FROM m.dispatch d WHERE d.batch_id = b.batch_id)::INTEGER AS dispatched,
  (SELECT count(*) FROM m.feedback f WHERE f.batch_id = b.batch_id)::INTEGER AS returns
FROM m.batches b LEFT JOIN m.batch_rows r USING (batch_id)
GROUP BY ALL ORDER BY b.as_of, b.created_at, b.batch_id`);
  return rows as unknown as BatchInfo[];
}

/** The dataset schema stored with the snapshot of `asOf`, or null when the file has no such snapshot. */
export async function snapshotSchema(db: Reader, asOf: string): Promise<DatasetSchema | null> {
  const rows = await db.all(`SELECT schema_json FROM m.snapshots WHERE as_of = ${lit(asOf)}`);
  return rows.length === 0 ? null : JSON.parse(String(rows[0].schema_json)) as DatasetSchema;
}

/** The DuckDB type the loader gives a column of a contract type. */
export function sqlTypeOf(type: ColumnType): string {
  return type === "number" ? "DOUBLE" : type === "boolean" ? "BOOLEAN" : type === "date" ? "DATE" : "VARCHAR";
}

/**
 * The query that rebuilds one snapshot table as the loader left it: households and members with
 * exactly the snapshot's columns in their order and types (a file table holds the union of every
 * month's columns), verified with every column the file's table has.
 */
export function snapshotTableSql(table: (typeof SNAPSHOT_TABLES)[number], asOf: string, schema: DatasetSchema): string {
  const where = `FROM m.${q(table)} WHERE snapshot = ${lit(asOf)}`;
  if (table === "verified") return `SELECT * EXCLUDE (snapshot) ${where}`;
  const columns = Object.entries(schema[table]).map(([c, t]) => `CAST(${q(c)} AS ${sqlTypeOf(t)}) AS ${q(c)}`);
  return `SELECT ${columns.join(", ")} ${where}`;
}

/** The empty `verified` table the loader creates for a dataset without one. */
export const EMPTY_VERIFIED_SQL =
  `SELECT CAST(NULL AS VARCHAR) AS household_id, CAST(NULL AS VARCHAR) AS batch, CAST(NULL AS VARCHAR) AS channel, CAST(NULL AS BOOLEAN) AS need, CAST(NULL AS VARCHAR) AS assistance, CAST(NULL AS DOUBLE) AS amount_yuan, CAST(NULL AS DATE) AS verified_on LIMIT 0`;

/**
 * What "verified" means for a batch: the verified rows of the batch's snapshot (every batch and
 * channel the folder carried, as imported) plus the departments' returns stored for this batch by
 * `feedback`, each as a row `household_id, batch = <batch id>, channel = warning, need, assistance,
 * amount_yuan, verified_on, department` (one row per department's return, accepted or not — every
 * return states `need`; a household is in need when any row says so). `base` is the query of the
 * snapshot's verified rows.
 */
export function batchVerifiedSql(base: string, batchId: string): string {
  return `SELECT * FROM (${base}) UNION ALL BY NAME
SELECT household_id, batch_id AS batch, 'warning' AS channel, need, assistance, amount_yuan,
  CAST(verified_on AS DATE) AS verified_on, department
FROM m.feedback WHERE batch_id = ${lit(batchId)}`;
}

/** The departments' returns of a batch in a fixed order, as digest input. */
export async function feedbackRowsOf(db: Reader, batchId: string): Promise<Row[]> {
  return await db.all(
    `SELECT household_id, department, accepted, need, assistance, amount_yuan, verified_on FROM m.feedback
WHERE batch_id = ${lit(batchId)} ORDER BY household_id, department`,
  );
}

/** The known batch ids, for messages: "a, b" or "none (run deno task db warn first)". */
export function batchList(batches: readonly BatchInfo[]): string {
  return batches.length ? batches.map((b) => b.batch_id).join(", ") : "none (run deno task db warn first)";
}
