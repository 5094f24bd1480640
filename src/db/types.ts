/** The one database interface every module uses; engines live behind it. */

/** A value as it crosses the engine boundary: plain JavaScript, dates as `YYYY-MM-DD` text. */
export type Value = number | string | boolean | null;
/** A result row keyed by column name. */
export type Row = Record<string, Value>;

/** Where a file's bytes come from: a path on disk (command line) or bytes in memory (browser, tests). */
export type FileSource = { path: string } | { bytes: Uint8Array };

/**
 * A file made piece by piece, for {@link Db.registerFile}: `write` hands each piece to `sink` in
 * order and resolves when the file is whole (one too large to hold in memory at once).
 */
export type WrittenSource = { write: (sink: (piece: Uint8Array) => Promise<void>) => Promise<void> };

/** The whole file a {@link WrittenSource} makes, in one buffer (the browser's engines take buffers only). */
export async function writtenBytes(source: WrittenSource): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  await source.write((piece) => {
    pieces.push(piece.slice());
    return Promise.resolve();
  });
  return concatBytes(pieces);
}

/**
 * How {@link Db.copyTo} writes a query's rows: `lines` writes the query's single text column as is,
 * its name as the first line, then one line per row (the caller has already written each line, e.g.
 * as CSV cells); `csv` is DuckDB's
 * CSV with a header; `parquet` is Parquet (native engine only).
 */
export type CopyFormat = "lines" | "csv" | "parquet";

/** Which DuckDB runs the SQL: native `@duckdb/node-api`, or DuckDB-wasm (blocking in Deno, worker in the browser). */
export type EngineName = "native" | "wasm";

/**
 * A DuckDB database, whichever engine. SQL in, plain values out; both engines must give the same
 * rows for the same SQL (one shared test suite proves it).
 */
export interface Db {
  readonly engine: EngineName;
  /** Runs statements that return nothing of interest. */
  exec(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  all(sql: string): Promise<Row[]>;
  /** Runs a query and returns each column as an array, for the typed-array fast paths. */
  columns(sql: string): Promise<{ names: string[]; columns: Value[][] }>;
  /** Makes a file readable from SQL (`read_csv(<returned literal>)`); returns the quoted path literal. */
  registerFile(name: string, source: FileSource | WrittenSource): Promise<string>;
  /** Removes a file made readable by {@link registerFile} (the native engine's copy of in-memory bytes is deleted). */
  unregisterFile(name: string): Promise<void>;
  /**
   * Writes the rows of `sql` straight to the file at `path` (DuckDB's `COPY`, no rows through
   * JavaScript). The browser engine has no paths and refuses.
   */
  copyTo(sql: string, path: string, format: CopyFormat): Promise<void>;
  /** Loads a Parquet file into a new table `table` (native: read_parquet; wasm: parquet-wasm → Arrow). */
  importParquet(table: string, source: FileSource): Promise<void>;
  /**
   * Opens another connection to the same database, for statements that run at the same time as this
   * one's (native engine only; absent where the engine has one connection). It shares the tables,
   * views and registered files, not the temporary tables; its `close()` closes only the connection.
   */
  connect?(): Promise<Db>;
  /** Frees the database. */
  close(): Promise<void>;
}

/**
 * Runs `work` on every item, at the same time on connections of their own where the engine has
 * {@link Db.connect} (the first item on `db` itself), else one after another on `db`; the results
 * come back in the items' order. `work` must not touch temporary tables (they are per connection).
 */
export async function inParallel<T, R>(
  db: Db,
  items: readonly T[],
  work: (db: Db, item: T) => Promise<R>,
): Promise<R[]> {
  if (!db.connect || items.length < 2) {
    const out: R[] = [];
    for (const item of items) out.push(await work(db, item));
    return out;
  }
  const connections = [db, ...await Promise.all(items.slice(1).map(() => db.connect!()))];
  try {
    return await Promise.all(items.map((item, i) => work(connections[i], item)));
  } finally {
    for (const c of connections.slice(1)) await c.close();
  }
}

import { quoteIdent, quoteText } from "../base/sql.ts";
import { concatBytes } from "../base/bytes.ts";
export { quoteIdent, quoteText };

/**
 * Drops the table or view `name` of the current database, whichever it is, if it exists (`DROP TABLE
 * IF EXISTS` refuses a view: a table loaded in place is one).
 */
export async function dropTableOrView(db: Db, name: string): Promise<void> {
  const [{ views }] = await db.all(
    `SELECT count(*) AS views FROM duckdb_views() WHERE view_name = ${quoteText(name)} ` +
      `AND database_name = current_database()`,
  );
  await db.exec(Number(views) > 0 ? `DROP VIEW ${quoteIdent(name)}` : `DROP TABLE IF EXISTS ${quoteIdent(name)}`);
}

/** The `COPY … TO` options of a {@link CopyFormat} (`extra`: more options, e.g. wasm's `use_tmp_file false`). */
export function copyOptionsSql(format: CopyFormat, extra: string[] = []): string {
  const options = format === "parquet" ? ["FORMAT parquet"] : format === "csv"
    ? ["FORMAT csv", "HEADER true"]
    // One text column written as it is: no quoting, and a delimiter that is never needed.
    : ["FORMAT csv", "HEADER true", "QUOTE ''", "ESCAPE ''", "DELIMITER '\u0001'"];
  return `(${[...options, ...extra].join(", ")})`;
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Normalizes an engine's JavaScript value (bigint, Date, decimal object) to a `Value`. */
export function normalizeValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "number":
    case "string":
    case "boolean":
      return v;
    case "bigint":
      return Number(v);
  }
  if (v instanceof Date) return isoDate(v);
  return String(v);
}
