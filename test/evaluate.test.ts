import { describe, expect, it } from "vitest";
import { parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import {
  evaluateByBatch,
  evaluationOf,
  evaluationOfWarned,
  readVerified,
  scoresCsv,
  type VerifiedRow,
  warningMetrics,
  wilsonInterval,
} from "../src/evaluate/mod.ts";
import { loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { copyScores, scoreHouseholds } from "../src/score/mod.ts";
import { ENGINES } from "./_datasets.ts";

const row = (household_id: string, batch: string, need: boolean, channel = "warning"): VerifiedRow => ({
  household_id,
  batch,
  channel,
  need,
});

describe("Wilson score interval", () => {
  it("matches published values: 5 of 10 gives [0.2366, 0.7634]", () => {
    const [lo, hi] = wilsonInterval(5, 10)!;
    expect(lo).toBeCloseTo(0.236593, 5);
    expect(hi).toBeCloseTo(0.763407, 5);
  });
  it("is not degenerate at 0 successes: 0 of 10 gives [0, 0.2775]", () => {
    const [lo, hi] = wilsonInterval(0, 10)!;
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.277528, 5);
  });
  it("is null with nothing to estimate", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("warning metrics (contract §3)", () => {
  it("counts a household once even with several verified rows, in need if any row says so", () => {
    const warned = new Set(["H1", "H2", "H3", "H4"]);
    const rows = [
      row("H1", "B1", false),
      row("H1", "B2", true),
      row("H2", "B1", false),
      row("H5", "B1", true, "application"),
    ];
    const m = warningMetrics(warned, rows);
    expect(m).toEqual({
      warnings: 4,
      labeled_warnings: 2,
      true_positives: 1,
      precision: 0.5,
      precision_ci95: wilsonInterval(1, 2),
      labeled_positives: 2,
      recall: 0.5,
      coverage: 0.5,
    });
  });

  it("gives null ratios where a denominator is zero", () => {
    const m = warningMetrics(new Set(), [row("H1", "B1", false)]);
    expect(m.precision).toBeNull();
    expect(m.precision_ci95).toBeNull();
    expect(m.recall).toBeNull();
    expect(m.coverage).toBeNull();
  });

  it("computes each batch from that batch's rows only, batches in sorted order", () => {
    const warned = new Set(["H1", "H2"]);
    const { overall, batches } = evaluateByBatch(warned, [
      row("H1", "B2", true),
      row("H2", "B1", false),
      row("H1", "B1", false),
    ]);
    expect(Object.keys(batches)).toEqual(["B1", "B2"]);
    expect(batches.B1).toMatchObject({ labeled_warnings: 2, true_positives: 0, precision: 0 });
    expect(batches.B2).toMatchObject({ labeled_warnings: 1, true_positives: 1, precision: 1 });
    expect(overall).toMatchObject({ labeled_warnings: 2, true_positives: 1, precision: 0.5 });
  });
});

describe("evaluate's scores written by COPY", () => {
  for (const engine of ENGINES) {
    it(`give the rows' scores.csv, warned ids and evaluation.json, on the sample (${engine})`, async () => {
      const db = await openDb(engine);
      const dir = await Deno.makeTempDir({ prefix: "evaluate-copy-" });
      try {
        const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
        const file = "models/county-default.json";
        const model = parseModel(await Deno.readTextFile(file), file);
        const compiled = compileModel(model, report.schema, file);
        const path = `${dir}/scores.csv`;
        const written = await copyScores(db, compiled, path, "lines", { warnedIds: true });
        const rows = await scoreHouseholds(db, compiled);
        const warned = rows.filter((r) => r.band !== null).map((r) => r.household_id).sort();
        expect(warned.length).toBeGreaterThan(0);
        expect(await Deno.readTextFile(path)).toBe(scoresCsv(rows));
        expect(written).toEqual({ households: rows.length, warned: warned.length, warnedIds: warned });
        const verified = await readVerified(db);
        expect(evaluationOfWarned(model, "sha", "digest", new Set(written!.warnedIds), verified))
          .toEqual(evaluationOf(model, "sha", "digest", rows, verified));
      } finally {
        await db.close();
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});
