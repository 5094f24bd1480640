/** The native engine: `@duckdb/node-api`, for the command line and large files (Parquet built in). */
import { type Db, type FileSource, normalizeValue, quoteIdent, quoteText, type Row, type Value } from "./types.ts";

/** How a native database uses the machine. */
export interface NativeOptions {
  /** Worker threads (default: every core). */
  threads?: number;
  /** DuckDB's memory limit, e.g. "4GiB" (default: three quarters of the machine's memory). */
  memoryLimit?: string;
}

let defaults: NativeOptions = {};

/** Sets the options every later `openNativeDb()` uses when it is given none (the CLI's `--threads`). */
export function setNativeDefaults(options: NativeOptions): void {
  defaults = { ...options };
}

async function defaultThreads(): Promise<number> {
  const { availableParallelism, cpus } = await import("node:os");
  return Math.max(1, typeof availableParallelism === "function" ? availableParallelism() : cpus().length);
}

async function defaultMemoryLimit(): Promise<string> {
  const { totalmem } = await import("node:os");
  // Three quarters of the machine (DuckDB's own default is 80%): a province scores in memory where it fits
  // (~11.5 GiB for 14.5M persons) and spills to the run's temporary folder where it does not.
  const mib = Math.max(256, Math.floor((totalmem() * 0.75) / 1024 ** 2));
  return `${mib}MiB`;
}

/** Temporary folders of databases still open, removed at exit if `close()` was never reached. */
const openTempDirs = new Set<string>();
let exitHook = false;

function removeAtExit(dir: string): void {
  openTempDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  globalThis.addEventListener?.("unload", () => {
    for (const d of openTempDirs) {
      try {
        Deno.removeSync(d, { recursive: true });
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Opens an in-memory native DuckDB with `threads` worker threads, a memory limit, and a temporary
 * folder of its own (where DuckDB spills what exceeds the limit, and where in-memory files are
 * written), removed on `close()` (or at exit).
 */
export async function openNativeDb(options: NativeOptions = defaults): Promise<Db> {
  // Imported here, not at the top, so that importing this module (for `setNativeDefaults`) is cheap.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const threads = options.threads ?? await defaultThreads();
  const memoryLimit = options.memoryLimit ?? await defaultMemoryLimit();
  const tempDir = await mkdtemp(join(tmpdir(), "cw-db-"));
  removeAtExit(tempDir);
  const spill = join(tempDir, "spill");
  const instance = await DuckDBInstance.create(":memory:", {
    threads: String(threads),
    memory_limit: memoryLimit,
    temp_directory: spill,
  });
  const conn = await instance.connect();

  function pathOf(name: string, source: FileSource): Promise<string> | string {
    if ("path" in source) return source.path;
    const file = join(tempDir, name.replaceAll(/[^A-Za-z0-9_.-]/g, "_"));
    return writeFile(file, source.bytes).then(() => file);
  }

  return {
    engine: "native",
    async exec(sql) {
      await conn.run(sql);
    },
    async all(sql) {
      const reader = await conn.runAndReadAll(sql);
      const names = reader.columnNames();
      const rows = reader.getRowsJS();
      return rows.map((r) => {
        const row: Row = {};
        names.forEach((n, i) => (row[n] = normalizeValue(r[i])));
        return row;
      });
    },
    async columns(sql) {
      const reader = await conn.runAndReadAll(sql);
      const names = reader.columnNames();
      const cols = reader.getColumnsJS();
      return { names, columns: cols.map((c) => c.map(normalizeValue) as Value[]) };
    },
    async registerFile(name, source) {
      return quoteText(await pathOf(name, source));
    },
    async importParquet(table, source) {
      const path = await pathOf(table + ".parquet", source);
      await conn.run(`CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_parquet(${quoteText(path)})`);
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
      await rm(tempDir, { recursive: true, force: true });
      openTempDirs.delete(tempDir);
    },
  };
}
