/**
 * What the build serves the notebooks (scripts/_notebook_summary.ts): the committed sample as a
 * typed Parquet copy that DuckDB-wasm (the pages' engine) validates to exactly the build's report
 * and the same hit counts, a summary whose `source` report is the command line's on the CSV files,
 * and the audit's groups and the household page's first household as the command line reads them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelDigest, parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { readMemberGroups, readTowns } from "../src/evaluate/audit.ts";
import { loadDataset } from "../src/ingest/load.ts";
import { compileModel } from "../src/model/mod.ts";
import { explainHousehold, readHits } from "../src/score/mod.ts";
import { decodeSummary, reportKey, type Summary } from "../notebooks/lib/summary.ts";
import { sameHitCounts } from "../notebooks/lib/session.ts";
import { notebookShipped } from "../scripts/_notebook_summary.ts";
import { datasetFiles, filesDigest, ROOT, type ShippedFile } from "../scripts/_notebook_data.ts";

const DATA = join(ROOT, "data", "sample");
const MODEL = join(ROOT, "models", "county-default.json");
const env = { NOTEBOOK_DATA: DATA, NOTEBOOK_MODEL: MODEL, NOTEBOOK_SUMMARY: "1" };
const asFiles = (files: ShippedFile[]) => files.map((f) => ({ name: f.name, source: { bytes: f.bytes } }));

describe("the notebooks' served data", () => {
  let scratch: string;
  let files: ShippedFile[];
  let summary: Summary;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "notebook-served-test-"));
    const shipped = await notebookShipped(scratch, env);
    files = shipped.files;
    summary = decodeSummary(gunzipSync(shipped.summary!).toString("utf8"));
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("is a typed Parquet copy of the sample's tables, beside its dataset.json", () => {
    const own = datasetFiles(DATA);
    expect(files.map((f) => f.name).sort()).toEqual(
      own.map((n) => n.replace(/\.csv$/, ".parquet")).sort(),
    );
    expect(summary.data).toBe(filesDigest(files));
    expect(summary.source?.files).toEqual(own);
  });

  it("validates in DuckDB-wasm to the build's report and hit counts; the source report is the command line's on the CSV", async () => {
    const model = parseModel(readFileSync(MODEL, "utf8"), "models/county-default.json");
    const wasm = await openDb("wasm");
    try {
      const report = await loadDataset(wasm, asFiles(files), { folder: "data/sample" });
      expect(report.valid).toBe(true);
      expect(report.tables.every((t) => t.format === "parquet")).toBe(true);
      expect(reportKey(report)).toBe(reportKey(summary.report));
      const hits = await readHits(wasm, compileModel(model, report.schema, "m"));
      expect(sameHitCounts(hits, summary.hits)).toBe(true);
    } finally {
      await wasm.close();
    }
    const native = await openDb("native");
    try {
      const own = datasetFiles(DATA).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(DATA, name))) }));
      const report = await loadDataset(native, asFiles(own), { folder: "data/sample" });
      expect(reportKey(summary.source!.report)).toBe(reportKey(report));
      const compiled = compileModel(model, report.schema, "m");
      const ids = (await readHits(native, compiled)).householdIds;
      expect(summary.groups?.towns).toEqual(await readTowns(native, report.schema, ids));
      expect(summary.groups?.memberGroups).toEqual(await readMemberGroups(native, report.schema, ids));
      const household = summary.household!;
      expect(household.model).toBe(await modelDigest(model));
      expect(household.explanation).toEqual(await explainHousehold(native, compiled, household.id));
    } finally {
      await native.close();
    }
  });

  it("serves the folder's own files, with no summary, when the data is not valid", async () => {
    const broken = join(scratch, "broken");
    await Deno.mkdir(broken);
    await Deno.writeTextFile(
      join(broken, "households.csv"),
      "household_id,village,category\nH1,V1,dibao\nH1,V1,dibao\n",
    );
    await Deno.writeTextFile(join(broken, "members.csv"), "person_id,household_id\nP1,H1\n");
    const shipped = await notebookShipped(join(scratch, "x"), { ...env, NOTEBOOK_DATA: broken });
    expect(shipped.summary).toBeUndefined();
    expect(shipped.files.map((f) => f.name).sort()).toEqual(["households.csv", "members.csv"]);
  });
});
