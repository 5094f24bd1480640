/**
 * DuckDB-wasm's blocking node build, for Deno and tests. Loaded with `createRequire` so DuckDB and
 * apache-arrow are the same single copy (toolchain.md: two copies lose data silently).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readFile } from "node:fs/promises";
import { arrowColumns, arrowRows, type ArrowTableLike, WASM_SETUP_SQL } from "./_arrow.ts";
import { copyOptionsSql, type Db, type FileSource, quoteText, writtenBytes, type WrittenSource } from "./types.ts";

const require = createRequire(import.meta.url);

async function bytesOf(source: FileSource | WrittenSource): Promise<Uint8Array> {
  if ("write" in source) return await writtenBytes(source);
  return "bytes" in source ? source.bytes : new Uint8Array(await readFile(source.path));
}

/** Parquet bytes → Arrow IPC stream bytes, through parquet-wasm (duckdb-wasm has no Parquet offline). */
export async function parquetToIpc(bytes: Uint8Array): Promise<Uint8Array> {
  const parquet = await import("parquet-wasm");
  const table = parquet.readParquet(bytes);
  return table.intoIPCStream();
}

/** Opens an in-memory DuckDB-wasm database with the blocking node bindings. */
export async function openWasmDb(): Promise<Db> {
  const duckdb = require("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs");
  const dist = dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs"));
  const bundles = {
    mvp: { mainModule: join(dist, "duckdb-mvp.wasm"), mainWorker: "" },
    eh: { mainModule: join(dist, "duckdb-eh.wasm"), mainWorker: "" },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate();
  const conn = db.connect();
  for (const sql of WASM_SETUP_SQL) conn.query(sql);
  const files: string[] = [];
  const run = (sql: string): ArrowTableLike => conn.query(sql);

  return {
    engine: "wasm",
    exec(sql) {
      return Promise.resolve(void run(sql));
    },
    all(sql) {
      return Promise.resolve(arrowRows(run(sql)));
    },
    columns(sql) {
      return Promise.resolve(arrowColumns(run(sql)));
    },
    async registerFile(name, source) {
      db.registerFileBuffer(name, await bytesOf(source));
      files.push(name);
      return quoteText(name);
    },
    unregisterFile(name) {
      const i = files.indexOf(name);
      if (i >= 0) {
        files.splice(i, 1);
        db.dropFile(name);
      }
      return Promise.resolve();
    },
    copyTo(sql, path, format) {
      if (format === "parquet") {
        return Promise.reject(
          new TypeError("Expected the native engine to write Parquet but found wasm (it has no Parquet offline)"),
        );
      }
      // The node runtime of DuckDB-wasm writes to the real file system, but drops a name's ".tmp"
      // ending: it writes under a name of its own, renamed to `path` afterwards.
      const written = `${path}.${crypto.randomUUID().slice(0, 8)}.copy`;
      try {
        run(`COPY (${sql}) TO ${quoteText(written)} ${copyOptionsSql(format, ["use_tmp_file false"])}`);
        return Deno.rename(written, path);
      } catch (error) {
        return Deno.remove(written).catch(() => {}).then(() => Promise.reject(error));
      }
    },
    async importParquet(table, source) {
      const ipc = await parquetToIpc(await bytesOf(source));
      conn.insertArrowFromIPCStream(ipc, { name: table, create: true });
    },
    close() {
      conn.close();
      for (const f of files) db.dropFile(f);
      db.reset?.();
      return Promise.resolve();
    },
  };
}
