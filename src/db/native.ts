/** The native engine: `@duckdb/node-api`, for the command line and large files (Parquet built in). */
import { DuckDBInstance } from "@duckdb/node-api";
import { type Db, type FileSource, normalizeValue, quoteIdent, quoteText, type Row, type Value } from "./types.ts";

/** Opens an in-memory native DuckDB. */
export async function openNativeDb(): Promise<Db> {
  const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  const conn = await instance.connect();
  let tempDir: string | undefined;

  async function pathOf(name: string, source: FileSource): Promise<string> {
    if ("path" in source) return source.path;
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    tempDir ??= await mkdtemp(join(tmpdir(), "cw-db-"));
    const file = join(tempDir, name.replaceAll(/[^A-Za-z0-9_.-]/g, "_"));
    await writeFile(file, source.bytes);
    return file;
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
      if (tempDir) await (await import("node:fs/promises")).rm(tempDir, { recursive: true, force: true });
    },
  };
}
