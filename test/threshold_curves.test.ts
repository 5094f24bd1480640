/**
 * Threshold curves (src/report/prepare.ts `thresholdCurves`), worked by hand: at each grid
 * threshold t, the households scoring ≥ t; among them the labeled and the labeled in need.
 */
import { describe, expect, it } from "vitest";
import { thresholdCurves } from "../src/report/mod.ts";

describe("thresholdCurves", () => {
  // Scores 1, 2, 2.5, 3 and a household without members (NaN); grid 1, 2, 3 over the domain [1, 3].
  const perCapita = Float64Array.from([1, 2, 2.5, 3, NaN]);
  const labels = { labeled: Uint8Array.from([1, 1, 0, 1, 1]), need: Uint8Array.from([0, 1, 0, 1, 1]) };

  it("counts households at or above each threshold, exactly at the grid points", () => {
    const curves = thresholdCurves(perCapita, [{ name: "survey", labels, recall: true }], {
      points: 3,
      domain: [1, 3],
    });
    expect(curves.map((p) => p.threshold)).toEqual([1, 2, 3]);
    // ≥1: four households; ≥2: 2, 2.5, 3; ≥3: one. NaN never counts as warned.
    expect(curves.map((p) => p.warnings)).toEqual([4, 3, 1]);
    // Labeled among them: 1, 2, 3 | 2, 3 | 3; in need: 2, 3 | 2, 3 | 3.
    expect(curves.map((p) => p.labeled_warnings)).toEqual([3, 2, 1]);
    expect(curves.map((p) => p.true_positives)).toEqual([2, 2, 1]);
    expect(curves.map((p) => p.precision)).toEqual([2 / 3, 1, 1]);
    // Recall's denominator counts every labeled household in need, the NaN one too: 3.
    expect(curves.map((p) => p.recall)).toEqual([2 / 3, 2 / 3, 1 / 3]);
  });

  it("gives no recall in a frame without it, and nothing below the lowest score", () => {
    const curves = thresholdCurves(perCapita, [{ name: "warning", labels, recall: false }], {
      points: 2,
      domain: [3.5, 4],
    });
    expect(curves.map((p) => [p.warnings, p.precision, p.recall])).toEqual([[0, null, null], [0, null, null]]);
  });
});
