import { describe, expect, it } from "vitest";
import { evaluateByBatch, type VerifiedRow, warningMetrics, wilsonInterval } from "../src/evaluate/mod.ts";

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
