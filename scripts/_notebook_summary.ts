/**
 * What the build ships of the served dataset, made with the command line's own code on native
 * DuckDB:
 * - the dataset's tables as typed Parquet files (the validated tables, copied in file order), so
 *   the pages read typed columns instead of parsing CSV. The copy is loaded and validated again
 *   here and shipped only when it gives exactly the same tables, schema, hit counts and verified
 *   rows as the folder's own files; otherwise the folder's own files are shipped as they are;
 * - the first-view summary (notebooks/lib/summary.ts) of the files shipped and the model: the
 *   validation report, the hit counts, the verified rows, the audit's towns and member groups, and
 *   the household page's first household explained.
 *
 * Writes `summary.json.gz` and `files/<name>` into the folder given; writes only `files/` (the
 * folder's own files) when the dataset is not valid, so the pages then open without a summary.
 *
 *   deno run -A scripts/_notebook_summary.ts <out folder>   (NOTEBOOK_DATA / NOTEBOOK_MODEL as for the build)
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type Model, modelDigest, parseModel, TABLES } from "../src/contract/mod.ts";
import { type Db, openDb, quoteIdent, quoteText } from "../src/db/mod.ts";
import { readMemberGroups, readTowns } from "../src/evaluate/audit.ts";
import { readVerified } from "../src/evaluate/mod.ts";
import { type DatasetFile, loadDataset, type LoadReport } from "../src/ingest/load.ts";
import { compileModel } from "../src/model/mod.ts";
import { explainHousehold, readHits, scoreHouseholds } from "../src/score/mod.ts";
import { householdRows } from "../src/simulate/whatif.ts";
import { encodeSummary, rulesDigest, type Summary, type SummarySource } from "../notebooks/lib/summary.ts";
import {
  filesDigest,
  notebookAssets,
  notebookDataFolder,
  notebookModelFile,
  type ShippedFile,
} from "./_notebook_data.ts";

/** What one load gives the pages: the report, and (valid data only) hit counts and verified rows. */
interface Loaded {
  report: LoadReport;
  summary?: Omit<Summary, "data" | "rules" | "report">;
}

/** Loads `files` into `db` and reads what the summary holds. */
async function load(db: Db, files: DatasetFile[], label: string, model: Model, modelFile: string): Promise<Loaded> {
  const report = await loadDataset(db, files, { folder: label, lenient: false });
  if (!report.valid) return { report };
  const compiled = compileModel(model, report.schema, modelFile);
  const hits = await readHits(db, compiled);
  const verified = await readVerified(db);
  const towns = await readTowns(db, report.schema, hits.householdIds);
  const memberGroups = await readMemberGroups(db, report.schema, hits.householdIds);
  // The household page's first household: the highest per-capita score among the warned (lib/household_view.ts topWarned).
  const first = (await scoreHouseholds(db, compiled)).find((r) => r.band !== null)?.household_id ??
    hits.householdIds[0];
  const explanation = first === undefined ? null : await explainHousehold(db, compiled, first);
  const household = explanation
    ? { model: await modelDigest(model), id: first!, explanation, rows: await householdRows(db, first!) }
    : undefined;
  return { report, summary: { hits, verified, groups: { towns, memberGroups }, ...(household ? { household } : {}) } };
}

/** The loaded tables as typed Parquet files, in file order (`TABLES` of the contract that the folder has). */
async function parquetCopy(db: Db, tables: readonly string[], dir: string): Promise<ShippedFile[]> {
  const out: ShippedFile[] = [];
  for (const table of tables) {
    const path = join(dir, `${table}.parquet`);
    await db.copyTo(`SELECT * FROM ${quoteIdent(table)}`, path, "parquet");
    out.push({ name: `${table}.parquet`, bytes: new Uint8Array(readFileSync(path)) });
  }
  return out;
}

/** Whether `db` (the copy loaded) holds exactly the rows of the Parquet files (the original's tables, copied). */
async function sameTables(db: Db, copy: readonly ShippedFile[], dir: string): Promise<boolean> {
  for (const f of copy) {
    const table = quoteIdent(f.name.replace(/\.parquet$/, ""));
    const file = `read_parquet(${quoteText(join(dir, f.name))})`;
    const [{ n }] = await db.all(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM ${file})) + ` +
        `(SELECT count(*) FROM (SELECT * FROM ${file} EXCEPT ALL SELECT * FROM ${table})) AS n`,
    );
    if (Number(n) !== 0) return false;
  }
  return true;
}

/** The files to serve and the gzipped summary (undefined when the dataset is not valid). */
export async function notebookShipped(
  scratch: string,
  env: Record<string, string | undefined> = process.env,
): Promise<{ files: ShippedFile[]; summary?: Uint8Array }> {
  const { index } = notebookAssets(env);
  const folder = notebookDataFolder(env);
  const modelFile = notebookModelFile(env);
  const own: ShippedFile[] = index.files.map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(join(folder, name))),
  }));
  const asFiles = (files: ShippedFile[]): DatasetFile[] =>
    files.map((f) => ({ name: f.name, source: { bytes: f.bytes } }));
  const model = parseModel(readFileSync(modelFile, "utf8"), index.model);
  const rules = await rulesDigest(model);
  const db = await openDb("native");
  let original: Loaded, copy: ShippedFile[] = [];
  try {
    original = await load(db, asFiles(own), index.label, model, index.model);
    if (!original.summary) return { files: own };
    const tables = original.report.tables.map((t) => t.table).filter((t) => t in TABLES);
    const tableFiles = new Set(original.report.tables.map((t) => t.file.split("/").pop()));
    // Only a folder of CSV or Excel tables is copied (a Parquet one is served as it is).
    if (original.report.tables.every((t) => t.format !== "parquet")) copy = await parquetCopy(db, tables, scratch);
    copy = [...own.filter((f) => !tableFiles.has(f.name)), ...copy];
  } finally {
    await db.close();
  }
  const summaryOf = (data: string, loaded: Loaded, source?: SummarySource) =>
    new Uint8Array(
      gzipSync(
        encodeSummary({ data, rules, report: loaded.report, ...loaded.summary!, ...(source ? { source } : {}) }),
        {
          level: 6,
        },
      ),
    );
  const fallback = () => ({ files: own, summary: summaryOf(index.digest, original) });
  if (!copy.some((f) => f.name.endsWith(".parquet"))) return fallback();
  const check = await openDb("native");
  try {
    const copied = await load(check, asFiles(copy), index.label, model, index.model);
    const same = copied.summary !== undefined &&
      JSON.stringify(copied.report.schema) === JSON.stringify(original.report.schema) &&
      encodeSummary({ data: "", rules, report: original.report, ...copied.summary }) ===
        encodeSummary({ data: "", rules, report: original.report, ...original.summary! }) &&
      await sameTables(check, copy.filter((f) => f.name.endsWith(".parquet")), scratch);
    if (!same) {
      console.warn("The Parquet copy of the served dataset differs from its own files; serving those instead.");
      return fallback();
    }
    const source: SummarySource = { files: index.files, digest: index.digest, report: original.report };
    return { files: copy, summary: summaryOf(filesDigest(copy), copied, source) };
  } finally {
    await check.close();
  }
}

if (import.meta.main) {
  const out = Deno.args[0];
  if (!out) throw new Error("Expected the output folder as the first argument");
  const scratch = Deno.makeTempDirSync({ prefix: "notebook-shipped-" });
  try {
    const { files, summary } = await notebookShipped(scratch);
    mkdirSync(join(out, "files"), { recursive: true });
    for (const f of files) writeFileSync(join(out, "files", f.name), f.bytes);
    if (summary) writeFileSync(join(out, "summary.json.gz"), summary);
  } finally {
    Deno.removeSync(scratch, { recursive: true });
  }
}
