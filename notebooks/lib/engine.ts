/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The browser's DuckDB: the worker build of DuckDB-wasm, bundled locally (the wasm and worker
 * files are imported with `?url`, so Vite copies them into the build; nothing is fetched from any
 * other origin). Parquet is read through parquet-wasm, loaded only when a Parquet file appears.
 */
import * as duckdb from "@duckdb/duckdb-wasm";
import ehWasm from "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url";
import ehWorker from "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url";
import mvpWasm from "@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url";
import mvpWorker from "@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url";
import { tableToIPC } from "apache-arrow";
import type { Db } from "../../src/db/types.ts";
import { quoteIdent } from "../../src/base/sql.ts";
import { wrapAsyncDuckDB } from "../../src/db/wasm_async.ts";

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
};

/** Parquet bytes → Arrow IPC stream, with parquet-wasm (its wasm file is bundled locally too). */
async function convertParquet(bytes: Uint8Array): Promise<Uint8Array> {
  const [parquet, wasm] = await Promise.all([
    import("parquet-wasm/esm"),
    import("parquet-wasm/esm/parquet_wasm_bg.wasm?url"),
  ]);
  await parquet.default({ module_or_path: wasm.default });
  return parquet.readParquet(bytes).intoIPCStream();
}

/** Conversions started ahead of their import, by the bytes converted. */
const conversions = new WeakMap<Uint8Array, Promise<Uint8Array>>();

/**
 * Starts converting a Parquet file's bytes to Arrow IPC now, while DuckDB is still starting in its
 * worker; when the loader imports those same bytes (`importParquet`), it takes this conversion
 * instead of starting one. The loader reads the file exactly as it would otherwise.
 */
export function prepareParquet(bytes: Uint8Array): void {
  if (!conversions.has(bytes)) conversions.set(bytes, convertParquet(bytes));
}

/** The Arrow IPC stream of Parquet bytes: the conversion {@link prepareParquet} started, else a new one. */
async function parquetToIpc(bytes: Uint8Array): Promise<Uint8Array> {
  const started = conversions.get(bytes);
  conversions.delete(bytes);
  return await (started ?? convertParquet(bytes));
}

/** The shared `Db`, plus moving whole tables in and out as Arrow IPC (the pages' cache). */
export interface BrowserDb extends Db {
  exportTable(table: string): Promise<Uint8Array>;
  importTable(table: string, ipc: Uint8Array): Promise<void>;
}

/** Opens a fresh in-memory DuckDB in a worker. */
export async function openBrowserDb(): Promise<BrowserDb> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const wrapped = await wrapAsyncDuckDB(db as never, parquetToIpc);
  const close = wrapped.close;
  let side: duckdb.AsyncDuckDBConnection | undefined;
  const sideConnection = async () => (side ??= await db.connect());
  return {
    ...wrapped,
    async exportTable(table) {
      const result = await (await sideConnection()).query(`SELECT * FROM ${quoteIdent(table)}`);
      return tableToIPC(result, "stream");
    },
    async importTable(table, ipc) {
      await (await sideConnection()).insertArrowFromIPCStream(ipc, { name: table, create: true });
    },
    // Closing also ends the worker, so a page that opens several datasets does not keep their memory.
    async close() {
      await side?.close();
      await close();
      await db.terminate();
    },
  };
}
