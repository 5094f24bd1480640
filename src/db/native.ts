/** The native engine: `@duckdb/node-api`, for the command line and large files (Parquet built in). */
import {
  copyOptionsSql,
  type Db,
  type FileSource,
  normalizeValue,
  quoteIdent,
  quoteText,
  type Row,
  type Value,
  type WrittenSource,
} from "./types.ts";

/** How a native database uses the machine. */
export interface NativeOptions {
  /** Worker threads (default: every core). */
  threads?: number;
  /** DuckDB's memory limit, e.g. "4GiB" (default: three quarters of the machine's memory, at most 4 GiB). */
  memoryLimit?: string;
}

let defaults: NativeOptions = {};

/** Sets the options every later `openNativeDb()` uses when it is given none (the CLI's `--threads`, `--memory-limit`). */
export function setNativeDefaults(options: NativeOptions): void {
  defaults = { ...defaults, ...options };
}

/** The options `openNativeDb()` uses when it is given none. */
export function nativeDefaults(): NativeOptions {
  return { ...defaults };
}

async function defaultThreads(): Promise<number> {
  const { availableParallelism, cpus } = await import("node:os");
  return Math.max(1, typeof availableParallelism === "function" ? availableParallelism() : cpus().length);
}

/** The largest default memory limit: a province (14.5M persons) stays well under 6 GiB and spills the rest. */
const DEFAULT_LIMIT_MIB = 4096;

async function defaultMemoryLimit(): Promise<string> {
  const { totalmem } = await import("node:os");
  // Three quarters of the machine, at most 4 GiB: DuckDB's limit covers its buffers only, and the
  // process also holds the JavaScript heap; what does not fit spills to the run's temporary folder.
  const mib = Math.max(256, Math.min(DEFAULT_LIMIT_MIB, Math.floor((totalmem() * 0.75) / 1024 ** 2)));
  return `${mib}MiB`;
}

/** Temporary folders of databases still open, removed at exit, on a signal or an uncaught error if `close()` was never reached. */
const openTempDirs = new Set<string>();
let hooked = false;

function removeOpenTempDirs(): void {
  for (const d of openTempDirs) {
    try {
      Deno.removeSync(d, { recursive: true });
    } catch {
      // already gone
    }
  }
  openTempDirs.clear();
}

function onSignal(code: number): () => void {
  return () => {
    removeOpenTempDirs();
    // Later, so that other listeners (atomic writes removing their temporary files) run first.
    setTimeout(() => Deno.exit(code), 0);
  };
}

function removeAtExit(dir: string): void {
  openTempDirs.add(dir);
  if (hooked) return;
  hooked = true;
  globalThis.addEventListener?.("unload", removeOpenTempDirs);
  // An uncaught error ends the process without "unload": remove the folders and let it be reported.
  globalThis.addEventListener?.("error", removeOpenTempDirs);
  globalThis.addEventListener?.("unhandledrejection", removeOpenTempDirs);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    try {
      Deno.addSignalListener(signal, onSignal(code));
    } catch {
      // A platform without this signal.
    }
  }
}

/**
 * Opens an in-memory native DuckDB with `threads` worker threads, a memory limit, and a temporary
 * folder of its own (where DuckDB spills what exceeds the limit, and where in-memory files are
 * written), removed on `close()` (or at exit, on SIGINT/SIGTERM and on an uncaught error).
 */
export async function openNativeDb(options: NativeOptions = defaults): Promise<Db> {
  // Imported here, not at the top, so that importing this module (for `setNativeDefaults`) is cheap.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const { mkdtemp, open, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const threads = options.threads ?? defaults.threads ?? await defaultThreads();
  const memoryLimit = options.memoryLimit ?? defaults.memoryLimit ?? await defaultMemoryLimit();
  const tempDir = await mkdtemp(join(tmpdir(), "cw-db-"));
  removeAtExit(tempDir);
  const spill = join(tempDir, "spill");
  const instance = await DuckDBInstance.create(":memory:", {
    threads: String(threads),
    memory_limit: memoryLimit,
    temp_directory: spill,
  });
  /** Copies written from in-memory bytes, by registered name. */
  const copies = new Map<string, string>();

  /** Writes a file piece by piece; removes what was written if making it fails. */
  async function writePieces(file: string, source: WrittenSource): Promise<void> {
    const handle = await open(file, "w");
    try {
      await source.write(async (piece) => {
        await handle.write(piece);
      });
    } catch (error) {
      await handle.close();
      await rm(file, { force: true });
      throw error;
    }
    await handle.close();
  }

  function pathOf(name: string, source: FileSource | WrittenSource): Promise<string> | string {
    if ("path" in source) return source.path;
    const file = join(tempDir, name.replaceAll(/[^A-Za-z0-9_.-]/g, "_"));
    copies.set(name, file);
    if ("bytes" in source) return writeFile(file, source.bytes).then(() => file);
    return writePieces(file, source).then(() => file);
  }

  /** A `Db` over one connection; `close` closes the connection, and for the first also the database. */
  function over(conn: Awaited<ReturnType<typeof instance.connect>>, first: boolean): Db {
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
      async unregisterFile(name) {
        const file = copies.get(name);
        copies.delete(name);
        if (file) await rm(file, { force: true });
      },
      async copyTo(sql, path, format) {
        await conn.run(`COPY (${sql}) TO ${quoteText(path)} ${copyOptionsSql(format)}`);
      },
      async importParquet(table, source) {
        const path = await pathOf(table + ".parquet", source);
        await conn.run(`CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_parquet(${quoteText(path)})`);
      },
      async connect() {
        return over(await instance.connect(), false);
      },
      async close() {
        conn.closeSync();
        if (!first) return;
        instance.closeSync();
        await rm(tempDir, { recursive: true, force: true });
        openTempDirs.delete(tempDir);
      },
    };
  }
  return over(await instance.connect(), true);
}
