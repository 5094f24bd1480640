/**
 * The browser engine: wraps an instantiated DuckDB-wasm `AsyncDuckDB` (worker build) as a `Db`.
 * The page creates the worker and the database (DOM code stays in notebooks/); this only adapts it.
 */
import { arrowColumns, arrowRows, type ArrowTableLike, WASM_SETUP_SQL } from "./_arrow.ts";
import { type Db, quoteText, writtenBytes } from "./types.ts";

/** The part of `AsyncDuckDB` this adapter needs. */
export interface AsyncDuckDBLike {
  connect(): Promise<{
    query(sql: string): Promise<ArrowTableLike>;
    insertArrowFromIPCStream(buffer: Uint8Array, options: { name: string; create?: boolean }): Promise<void>;
    close(): Promise<void>;
  }>;
  registerFileBuffer(name: string, buffer: Uint8Array): Promise<void>;
  dropFile(name: string): Promise<void>;
}

/**
 * Adapts a worker DuckDB. `parquetToIpc` converts Parquet bytes to an Arrow IPC stream
 * (parquet-wasm in the page), since duckdb-wasm cannot read Parquet offline.
 */
export async function wrapAsyncDuckDB(
  db: AsyncDuckDBLike,
  parquetToIpc?: (bytes: Uint8Array) => Promise<Uint8Array>,
): Promise<Db> {
  const conn = await db.connect();
  for (const sql of WASM_SETUP_SQL) await conn.query(sql);
  const files: string[] = [];
  return {
    engine: "wasm",
    async exec(sql) {
      await conn.query(sql);
    },
    async all(sql) {
      return arrowRows(await conn.query(sql));
    },
    async columns(sql) {
      return arrowColumns(await conn.query(sql));
    },
    async registerFile(name, source) {
      if ("write" in source) source = { bytes: await writtenBytes(source) };
      if (!("bytes" in source)) {
        throw new TypeError(`Expected file bytes in the browser but found path "${source.path}"`);
      }
      await db.registerFileBuffer(name, source.bytes);
      files.push(name);
      return quoteText(name);
    },
    async unregisterFile(name) {
      const i = files.indexOf(name);
      if (i >= 0) {
        files.splice(i, 1);
        await db.dropFile(name);
      }
    },
    copyTo(_sql, path) {
      return Promise.reject(new TypeError(`Expected a file system to write "${path}" but found the browser`));
    },
    async importParquet(table, source) {
      if (!("bytes" in source)) {
        throw new TypeError(`Expected file bytes in the browser but found path "${source.path}"`);
      }
      if (!parquetToIpc) {
        throw new TypeError("Expected a Parquet converter to read Parquet in the browser but found none");
      }
      await conn.insertArrowFromIPCStream(await parquetToIpc(source.bytes), { name: table, create: true });
    },
    async close() {
      await conn.close();
      for (const f of files) await db.dropFile(f);
    },
  };
}
