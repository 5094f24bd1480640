/**
 * Snapshot tests of the figure builders (src/report): each named case builds a figure from fixed,
 * seeded data on a server-side document and compares its SVG with the stored file in
 * `__snapshots__/` (update with `vitest run -u`).
 */
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import {
  bandChangeFigure,
  bandTransitions,
  departmentWorkload,
  dispatchChain,
  scoreDistributionFigure,
  scoreHistogram,
  thresholdCurves,
  thresholdMetricsFigure,
  villageWarnings,
  warningsCurveFigure,
  waterfallFigure,
  waterfallSteps,
  workloadFigure,
} from "../../src/report/mod.ts";
import { assignBands, buildFrame, packCoefficients, rescore } from "../../src/simulate/mod.ts";
import type { IndicatorCoefficient } from "../../src/model/mod.ts";
import { mulberry32 as rng } from "../../src/base/random.ts";

const { document } = parseHTML("<!doctype html><html><body></body></html>");

const BANDS = [{ id: "red", min: 18 }, { id: "orange", min: 16 }, { id: "yellow", min: 14.5 }];
const CATEGORIES = ["dibao", "tekun", "monitored", "near_dibao", "rigid_expense", "other"];

/** 400 seeded households: scores, categories, villages, and survey / warning labels. */
function sample() {
  const r = rng(7);
  const n = 400;
  const perCapita = new Float64Array(n);
  const categories: string[] = [];
  const villages: string[] = [];
  const survey = { labeled: new Uint8Array(n), need: new Uint8Array(n) };
  const warning = { labeled: new Uint8Array(n), need: new Uint8Array(n) };
  for (let h = 0; h < n; h++) {
    const c = Math.floor(r() * CATEGORIES.length);
    categories.push(CATEGORIES[c]);
    villages.push(`V${Math.floor(r() * 6)}`);
    perCapita[h] = Math.round((r() * 20 + (c < 2 ? 6 : 0) - 2) * 4) / 4;
    const needs = r() < perCapita[h] / 30;
    if (villages[h] === "V0" || villages[h] === "V1") {
      survey.labeled[h] = 1;
      survey.need[h] = needs ? 1 : 0;
    }
    if (perCapita[h] >= 14.5 && r() < 0.7) {
      warning.labeled[h] = 1;
      warning.need[h] = needs ? 1 : 0;
    }
  }
  return { perCapita, categories, villages, survey, warning };
}

function svg(figure: { outerHTML: string }): string {
  return figure.outerHTML.replaceAll("><", ">\n<") + "\n";
}

describe("figure builders", () => {
  const s = sample();

  it("the score distribution stacks households by category and draws each band's cut-off", async () => {
    const { bins } = scoreHistogram(s.perCapita, s.categories, { bins: 30 });
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(400);
    await expect(svg(scoreDistributionFigure(bins, { bands: BANDS, document }))).toMatchFileSnapshot(
      "__snapshots__/distribution.svg.snap",
    );
  });

  it("threshold curves give precision in both frames and recall only in the survey frame", async () => {
    const curves = thresholdCurves(s.perCapita, [
      { name: "survey", labels: s.survey, recall: true },
      { name: "warning", labels: s.warning, recall: false },
    ], { points: 40 });
    expect(curves.filter((p) => p.frame === "warning").every((p) => p.recall === null)).toBe(true);
    expect(curves.some((p) => p.frame === "survey" && p.recall !== null)).toBe(true);
    await expect(svg(thresholdMetricsFigure(curves, { threshold: 14.5, document }))).toMatchFileSnapshot(
      "__snapshots__/thresholds.svg.snap",
    );
    await expect(svg(warningsCurveFigure(curves, { threshold: 14.5, document }))).toMatchFileSnapshot(
      "__snapshots__/warnings_curve.svg.snap",
    );
  });

  it("the warnings count at a threshold equals the households scoring at least that much", () => {
    const curves = thresholdCurves(s.perCapita, [{ name: "survey", labels: s.survey, recall: true }], { points: 25 });
    for (const p of curves) expect(p.warnings).toBe(s.perCapita.filter((v) => v >= p.threshold).length);
  });

  it("village workload shows current bars against baseline ticks", async () => {
    const current = assignBands(s.perCapita, BANDS);
    const baseline = assignBands(s.perCapita.map((v) => v + 1), BANDS);
    const now = villageWarnings(s.villages, current);
    const before = new Map(villageWarnings(s.villages, baseline).map((r) => [r.village, r.warnings]));
    const rows = now.map((r) => ({ name: r.village, current: r.warnings, baseline: before.get(r.village) ?? 0 }));
    await expect(svg(workloadFigure(rows, { label: "村 Village", document }))).toMatchFileSnapshot(
      "__snapshots__/workload.svg.snap",
    );
  });

  it("the band change matrix counts every household once", async () => {
    const current = assignBands(s.perCapita, BANDS);
    const baseline = assignBands(s.perCapita.map((v) => v - 1.5), BANDS);
    const cells = bandTransitions(baseline, current, BANDS.map((b) => b.id));
    expect(cells.reduce((a, c) => a + c.count, 0)).toBe(400);
    await expect(svg(bandChangeFigure(cells, { bands: BANDS.map((b) => b.id), document }))).toMatchFileSnapshot(
      "__snapshots__/band_changes.svg.snap",
    );
  });

  it("a waterfall of contributions ÷ members ends exactly at the per-capita score", async () => {
    const indicators = [
      { id: "B02", name_zh: "低保家庭", points_total: 3 },
      { id: "M01", name_zh: "家庭成员患大病", points_total: 6 },
      { id: "P04", name_zh: "拥有车辆", points_total: -3 },
      { id: "E02", name_zh: "高中/中职在读", points_total: 0 },
      { id: "H01", name_zh: "D级危房", points_total: 5 },
    ];
    const steps = waterfallSteps(indicators, 3);
    expect(steps.map((x) => x.id)).toEqual(["B02", "M01", "P04", "H01", "total"]);
    expect(steps.at(-1)!.end).toBe((3 + 6 - 3 + 5) / 3);
    await expect(svg(waterfallFigure(steps, { bands: BANDS, document }))).toMatchFileSnapshot(
      "__snapshots__/waterfall.svg.snap",
    );
  });
});

describe("dispatch and workload", () => {
  function coefficient(index: number, points: number, otherwise = 0): IndicatorCoefficient {
    return {
      index,
      id: `I${index}`,
      level: "member",
      category: "c",
      weight: 1,
      points,
      otherwise,
      weightedPoints: points,
      weightedOtherwise: otherwise,
      column: `h${index}_I${index}`,
      parameters: [],
      columns: [],
      units: null,
    };
  }

  it("a warned household is dispatched once to each department of its fired indicators with positive points", () => {
    const frame = buildFrame({
      householdIds: ["H1", "H2", "H3"],
      villages: ["v", "v", "w"],
      categories: ["dibao", "dibao", "other"],
      members: [2, 1, 1],
      hits: [[2, 0, 1], [1, 1, 0], [0, 1, 1]],
    });
    const k = packCoefficients([coefficient(0, 5), coefficient(1, 4), coefficient(2, -3)]);
    const { perCapita } = rescore(frame, k);
    const warned = assignBands(perCapita, [{ id: "yellow", min: 2 }]);
    expect(Array.from(warned)).toEqual([0, -1, 0]);
    // Indicators 0 and 1 belong to department 0 (medical), indicator 2 to department 1.
    const counts = departmentWorkload(frame, k, Int32Array.from([0, 0, 1]), 2, warned);
    expect(Array.from(counts)).toEqual([2, 0]);
  });

  it("the department adding the most points is responsible and civil affairs is competent", () => {
    const chain = dispatchChain(
      [
        { id: "M01", department: "medical_insurance", hits: 2, weight: 1, points: 3 },
        { id: "E02", department: "education", hits: 1, weight: 1, points: 8 },
        { id: "P04", department: "civil_affairs", hits: 1, weight: 1, points: -3 },
        { id: "H01", department: "housing", hits: 0, weight: 1, points: 5 },
      ],
      "orange",
      [],
    );
    expect(chain.departments.map((d) => [d.department, d.roles])).toEqual([
      ["civil_affairs", ["competent"]],
      ["education", ["responsible"]],
      ["medical_insurance", ["executing"]],
    ]);
    expect(chain.status).toBe("awaiting");
  });

  it("a household that is not warned is dispatched nowhere", () => {
    const chain = dispatchChain(
      [{ id: "M01", department: "medical_insurance", hits: 1, weight: 1, points: 6 }],
      null,
      [],
    );
    expect(chain.departments).toEqual([]);
    expect(chain.status).toBe("not_warned");
  });
});
