/**
 * Computes the notebooks' first-view summary (notebooks/lib/summary.ts) of the served dataset and
 * model with the command line's own code on native DuckDB: the same validation as the page runs,
 * the same hit counts, the same verified rows. Prints the gzipped summary to stdout; prints nothing
 * (exit 0) when the dataset is not valid, so the pages then simply open without a summary.
 *
 *   deno run -A scripts/_notebook_summary.ts > summary.json.gz   (NOTEBOOK_DATA / NOTEBOOK_MODEL as for the build)
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { readVerified } from "../src/evaluate/mod.ts";
import { loadDataset } from "../src/ingest/load.ts";
import { compileModel } from "../src/model/mod.ts";
import { readHits } from "../src/score/mod.ts";
import { encodeSummary, rulesDigest } from "../notebooks/lib/summary.ts";
import { notebookAssets, notebookDataFolder, notebookModelFile } from "./_notebook_data.ts";

/** The gzipped summary of the served dataset and model, or undefined when the dataset does not load. */
export async function notebookSummary(env: Record<string, string | undefined> = process.env) {
  const { index } = notebookAssets(env);
  const folder = notebookDataFolder(env);
  const modelFile = notebookModelFile(env);
  const files = index.files.map((name) => ({
    name,
    source: { bytes: new Uint8Array(readFileSync(join(folder, name))) },
  }));
  const db = await openDb("native");
  try {
    const report = await loadDataset(db, files, { folder: index.label, lenient: false });
    if (!report.valid) return undefined;
    const model = parseModel(readFileSync(modelFile, "utf8"), index.model);
    const compiled = compileModel(model, report.schema, index.model);
    const [hits, verified] = [await readHits(db, compiled), await readVerified(db)];
    const text = encodeSummary({ data: index.digest, rules: await rulesDigest(model), report, hits, verified });
    return new Uint8Array(gzipSync(text, { level: 6 }));
  } finally {
    await db.close();
  }
}

if (import.meta.main) {
  const bytes = await notebookSummary();
  if (bytes) await Deno.stdout.write(bytes);
}
