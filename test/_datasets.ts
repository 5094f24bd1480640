/** Test helpers: small datasets written from strings, loaded on either engine. */
import { type Db, type EngineName, openDb } from "../src/db/mod.ts";
import { type DatasetFile, loadDataset, type LoadOptions, type LoadReport } from "../src/ingest/mod.ts";

/** A dataset as file name → content. */
export type Files = Record<string, string | Uint8Array>;

/** The two engines, for suites that must hold on both. */
export const ENGINES: EngineName[] = ["native", "wasm"];

/** Files in memory, as ingest takes them. */
export function memoryFiles(files: Files): DatasetFile[] {
  return Object.entries(files).map(([name, content]) => ({
    name,
    source: { bytes: typeof content === "string" ? new TextEncoder().encode(content) : content },
  }));
}

/** Loads a dataset given as strings into a fresh database. */
export async function load(
  engine: EngineName,
  files: Files,
  options: LoadOptions = {},
): Promise<{ db: Db; report: LoadReport }> {
  const db = await openDb(engine);
  const report = await loadDataset(db, memoryFiles(files), { folder: "ds", ...options });
  return { db, report };
}

/** A minimal valid dataset: two households, three members. */
export const VALID: Files = {
  "households.csv": "household_id,village,category\nH1,王家村,dibao\nH2,李家湾,tekun\n",
  "members.csv": "person_id,household_id,age\nP1,H1,70\nP2,H1,8\nP3,H2,45\n",
};
