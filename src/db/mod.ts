/**
 * The database: one `Db` interface, two engines. Native DuckDB (`@duckdb/node-api`) for the command
 * line and large files; DuckDB-wasm for tests in Deno and (through `wrapAsyncDuckDB`) the browser.
 * SQL in, plain values out; the same test suite runs on both engines.
 *
 * ```ts
 * import { openDb } from "./mod.ts";
 * const db = await openDb("native");
 * const rows = await db.all("select 42 as answer");
 * await db.close();
 * ```
 */
import type { Db, EngineName } from "./types.ts";

export * from "./types.ts";
export { nativeDefaults, type NativeOptions, setNativeDefaults } from "./native.ts";

/** Opens an in-memory database on the named engine (Deno / Node only; the browser uses `wrapAsyncDuckDB`). */
export async function openDb(engine: EngineName = "native"): Promise<Db> {
  if (engine === "native") return (await import("./native.ts")).openNativeDb();
  return (await import("./wasm_blocking.ts")).openWasmDb();
}
