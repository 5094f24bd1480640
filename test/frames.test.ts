/**
 * Frames, Wilson bounds, the village-cluster bootstrap, the full sweep and drift (PSI), on
 * hand-worked cases.
 */
import { describe, expect, it } from "vitest";
import {
  allFrameLabels,
  batchDrift,
  binCounts,
  bootstrapRatio,
  clustersOf,
  drawClusters,
  frameBootstrap,
  frameMetrics,
  populationOf,
  psi,
  psiVerdict,
  quantileEdges,
  quantileSorted,
  ratePsi,
  scorePsi,
  sweepCsv,
  sweepTable,
  sweepVillagesCsv,
  type VerifiedRow,
  wilsonInterval,
  Z95,
} from "../src/evaluate/mod.ts";
import { mulberry32 } from "../src/base/random.ts";
import type { IndicatorCoefficient } from "../src/model/mod.ts";
import { buildFrame, sweep } from "../src/simulate/mod.ts";

/** The Wilson bounds by the textbook closed form, independently of src/evaluate/wilson.ts. */
function closedForm(k: number, n: number, z = Z95): [number, number] {
  const p = k / n, z2 = z * z;
  const root = z * Math.sqrt(z2 + 4 * n * p * (1 - p));
  return [(2 * n * p + z2 - root) / (2 * (n + z2)), (2 * n * p + z2 + root) / (2 * (n + z2))];
}

function coefficient(index: number, points: number, department?: string): IndicatorCoefficient {
  const c: IndicatorCoefficient = {
    index,
    id: `I${index}`,
    level: "household",
    category: "c",
    weight: 1,
    points,
    otherwise: 0,
    weightedPoints: points,
    weightedOtherwise: 0,
    column: `h${index}_I${index}`,
    parameters: [],
    columns: [],
    units: null,
  };
  if (department) c.department = department;
  return c;
}

const row = (household_id: string, channel: string, need: boolean, batch = "B1"): VerifiedRow => ({
  household_id,
  batch,
  channel,
  need,
});

describe("Wilson intervals at z = 1.959964", () => {
  it("9 in need of 9 gives the lower bound 9 / (9 + z²) = 0.700854948…", () => {
    const [lo, hi] = wilsonInterval(9, 9)!;
    expect(lo).toBeCloseTo(0.7008549482729561, 14);
    expect(lo).toBeCloseTo(9 / (9 + Z95 * Z95), 14);
    expect(hi).toBe(1);
  });

  it("agrees with the closed form to 1e-14 for every k of n up to 40", () => {
    for (let n = 1; n <= 40; n++) {
      for (let k = 0; k <= n; k++) {
        const [lo, hi] = wilsonInterval(k, n)!;
        const [a, b] = closedForm(k, n);
        expect(Math.abs(lo - Math.max(0, a))).toBeLessThan(1e-14);
        expect(Math.abs(hi - Math.min(1, b))).toBeLessThan(1e-14);
      }
    }
  });

  it("7 of 10 gives [0.396778…, 0.892209…]", () => {
    const [lo, hi] = wilsonInterval(7, 10)!;
    expect(lo).toBeCloseTo(0.39677814534597083, 14);
    expect(hi).toBeCloseTo(0.8922087334436061, 14);
  });
});

describe("frames kept apart", () => {
  // H1..H6 in villages a, a, b, b, c, c. Warned: H1, H2, H3 (band ≥ 0).
  const ids = ["H1", "H2", "H3", "H4", "H5", "H6"];
  const bands = Int8Array.from([0, 1, 0, -1, -1, -1]);
  const verified = [
    row("H1", "survey", true),
    row("H2", "survey", false),
    row("H4", "survey", true),
    row("H4", "survey", false, "B2"),
    row("H1", "warning", true),
    row("H3", "warning", false),
    row("H5", "application", true),
    row("H6", "application", false),
  ];
  const frames = allFrameLabels(ids, verified);

  it("the survey frame gives precision, recall and miss rate, and no coverage", () => {
    const m = frameMetrics("survey", frames.survey, bands);
    expect(m).toMatchObject({
      frame: "survey",
      households: 6,
      warnings: 3,
      labeled: 3,
      labeled_warnings: 2,
      true_positives: 1,
      false_positives: 1,
      labeled_positives: 2,
      needs_missed: 1,
      precision: 0.5,
      false_discovery_rate: 0.5,
      recall: 0.5,
      miss_rate: 0.5,
      coverage: null,
      missed_share: null,
    });
    expect(m.precision_ci95).toEqual(wilsonInterval(1, 2));
    expect(m.recall_ci95).toEqual(wilsonInterval(1, 2));
    expect(m.flags).toEqual(["few_labeled", "few_labeled_warnings", "few_labeled_positives"]);
  });

  it("a household with a need row and a no-need row in a frame counts as in need", () => {
    expect(frames.survey.need[3]).toBe(1);
  });

  it("the warning frame gives precision among verified warnings and coverage, never recall", () => {
    const m = frameMetrics("warning", frames.warning, bands);
    expect(m).toMatchObject({
      labeled_warnings: 2,
      true_positives: 1,
      precision: 0.5,
      coverage: 2 / 3,
      recall: null,
      miss_rate: null,
      needs_missed: null,
    });
  });

  it("the application frame gives the needs the warnings missed, never precision or recall", () => {
    const m = frameMetrics("application", frames.application, bands);
    expect(m).toMatchObject({
      labeled: 2,
      labeled_positives: 1,
      needs_missed: 1,
      missed_share: 1,
      precision: null,
      recall: null,
    });
  });

  it("restricts to a scope", () => {
    const m = frameMetrics("survey", frames.survey, bands, Uint8Array.from([1, 1, 0, 0, 0, 0]));
    expect(m).toMatchObject({
      households: 2,
      labeled: 2,
      labeled_warnings: 2,
      true_positives: 1,
      labeled_positives: 1,
      recall: 1,
    });
  });
});

describe("the village-cluster bootstrap", () => {
  it("mulberry32 is reproducible from its seed", () => {
    const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
    const xs = Array.from({ length: 5 }, a), ys = Array.from({ length: 5 }, b), zs = Array.from({ length: 5 }, c);
    expect(xs).toEqual(ys);
    expect(xs).not.toEqual(zs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it("percentiles interpolate linearly between order statistics (type 7)", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([5], 0.975)).toBe(5);
    expect(quantileSorted([], 0.5)).toBeNull();
  });

  it("gives the same interval under the same seed and replicates", () => {
    const num = [3, 5, 0, 7, 2, 9, 4, 4, 1, 6, 8, 2], den = [5, 9, 2, 9, 5, 10, 6, 8, 3, 7, 9, 4];
    const one = bootstrapRatio(num, den, drawClusters(12, 500, 7), 500);
    const two = bootstrapRatio(num, den, drawClusters(12, 500, 7), 500);
    const other = bootstrapRatio(num, den, drawClusters(12, 500, 8), 500);
    expect(one).toEqual(two);
    expect(one.ci95).not.toEqual(other.ci95);
    const point = num.reduce((a, b) => a + b) / den.reduce((a, b) => a + b);
    expect(one.ci95![0]).toBeLessThan(point);
    expect(one.ci95![1]).toBeGreaterThan(point);
    expect(one).toMatchObject({
      replicates: 500,
      clusters: 12,
      effective_clusters: 12,
      few_clusters: false,
      undefined_replicates: 0,
    });
  });

  it("villages with the same ratio give a degenerate interval at that ratio", () => {
    const b = bootstrapRatio([1, 2, 3], [2, 4, 6], drawClusters(3, 200, 1), 200);
    expect(b.ci95).toEqual([0.5, 0.5]);
    expect(b.few_clusters).toBe(true);
  });

  it("does not compute an interval carried by a single village", () => {
    const b = bootstrapRatio([3, 0, 0], [4, 0, 0], drawClusters(3, 200, 1), 200);
    expect(b.ci95).toBeNull();
    expect(b.effective_clusters).toBe(1);
    expect(b.undefined_replicates).toBeGreaterThan(0);
  });

  it("resamples only the frame's villages and is reproducible", () => {
    const villages = ["a", "a", "b", "b", "c", "c", "d", "d"];
    const ids = villages.map((_, i) => `H${i}`);
    const frames = allFrameLabels(ids, [
      row("H0", "survey", true),
      row("H1", "survey", false),
      row("H2", "survey", true),
      row("H3", "survey", true),
    ]);
    const bands = Int8Array.from([0, 0, 0, -1, 0, -1, -1, -1]);
    const clusters = clustersOf(villages);
    const a = frameBootstrap("survey", frames.survey, bands, clusters, { seed: 3, replicates: 300 });
    const b = frameBootstrap("survey", frames.survey, bands, clusters, { seed: 3, replicates: 300 });
    expect(a).toEqual(b);
    expect(a.clusters).toBe(2);
    expect(a.coverage).toBeNull();
    expect(a.precision!.clusters).toBe(2);
  });
});

describe("the full sweep", () => {
  // Four households, one point per indicator hit; I0 is civil affairs, I1 education, I2 has negative points.
  const frame = buildFrame({
    householdIds: ["H1", "H2", "H3", "H4"],
    villages: ["v1", "v1", "v2", "v2"],
    categories: ["dibao", "dibao", "tekun", "tekun"],
    members: [1, 1, 1, 1],
    hits: [[1, 1, 0, 1], [1, 0, 1, 0], [0, 0, 0, 1]],
  });
  const population = populationOf(frame, [
    coefficient(0, 3, "civil_affairs"),
    coefficient(1, 2, "education"),
    coefficient(2, -1, "housing"),
  ], [{ id: "warn", min: 2 }]);
  // Scores: H1 = 5, H2 = 3, H3 = 2, H4 = 3 − 1 = 2.
  const labels = allFrameLabels(frame.householdIds, [
    row("H1", "survey", true),
    row("H3", "survey", false),
    row("H4", "survey", true),
  ]);

  it("scores with the fast path", () => {
    expect([...population.perCapita]).toEqual([5, 3, 2, 2]);
  });

  it("counts warnings, frame counts and department workload at every distinct score", () => {
    const t = sweepTable(population, { survey: labels.survey });
    expect([...t.thresholds]).toEqual([5, 3, 2]);
    expect([...t.warnings]).toEqual([1, 2, 4]);
    expect([...t.frames[0].labeledWarnings]).toEqual([1, 1, 3]);
    expect([...t.frames[0].truePositives]).toEqual([1, 1, 2]);
    // Departments of fired positive-points indicators only: housing (negative points) never counts.
    expect(t.departments).toEqual(["civil_affairs", "education", "housing"]);
    expect([...t.byDepartment[0]]).toEqual([1, 2, 3]);
    expect([...t.byDepartment[1]]).toEqual([1, 1, 2]);
    expect([...t.byDepartment[2]]).toEqual([0, 0, 0]);
    expect(t.villages).toEqual(["v1", "v2"]);
    expect([...t.byVillage[0]]).toEqual([1, 2, 2]);
    expect([...t.byVillage[1]]).toEqual([0, 0, 2]);
    const s = sweep(population.perCapita, labels.survey);
    expect([...s.thresholds]).toEqual([...t.thresholds]);
  });

  it("writes recall only for the survey frame and coverage only for the warning frame", () => {
    const csv = sweepCsv(sweepTable(population, { survey: labels.survey, warning: labels.warning }));
    const header = csv.split("\n")[0].split(",");
    expect(header).toContain("survey_recall");
    expect(header).not.toContain("warning_recall");
    expect(header).toContain("warning_coverage");
    expect(header).not.toContain("survey_coverage");
    expect(csv.split("\n")[1].startsWith("5,1,1,1,1,")).toBe(true);
  });

  it("writes village warnings as steps", () => {
    expect(sweepVillagesCsv(sweepTable(population, {}))).toBe("village,threshold,warnings\nv1,5,1\nv1,3,2\nv2,2,2\n");
  });
});

describe("population stability index", () => {
  it("0.5/0.5 against 0.25/0.75 gives 0.25·ln 2 + 0.25·ln 1.5 = 0.27465…, a major shift", () => {
    const value = psi([0.5, 0.5], [0.25, 0.75]);
    expect(value).toBeCloseTo(0.2746530721670274, 14);
    expect(psiVerdict(value)).toBe("major");
  });

  it("counts are normalized to shares", () => {
    expect(psi([50, 50], [1, 3])).toBeCloseTo(0.2746530721670274, 14);
  });

  it("a firing rate from 10% to 20% gives 0.0811, stable", () => {
    expect(ratePsi(0.1, 0.2)).toBeCloseTo(0.08109302162163287, 14);
    expect(psiVerdict(ratePsi(0.1, 0.2))).toBe("stable");
    expect(psiVerdict(0.1)).toBe("moderate");
    expect(psiVerdict(0.25)).toBe("major");
  });

  it("an empty bin uses the 0.0001 floor", () => {
    expect(psi([1, 0], [0.5, 0.5])).toBeCloseTo(
      (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4),
      12,
    );
  });

  it("bins scores at the baseline's deciles, ties merged", () => {
    expect(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2)).toEqual([5.5]);
    expect(binCounts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5.5])).toEqual([5, 5]);
    expect(quantileEdges([1, 1, 1, 1, 2], 4)).toEqual([1]);
    expect(binCounts([0, 1, 2], [1])).toEqual([1, 2]);
    const same = scorePsi([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]);
    expect(same.psi).toBe(0);
    expect(same.verdict).toBe("stable");
  });

  it("compares consecutive batches of the warning channel", () => {
    const frame = buildFrame({
      householdIds: ["H1", "H2", "H3", "H4"],
      villages: ["v", "v", "v", "v"],
      categories: ["dibao", "dibao", "dibao", "dibao"],
      members: [1, 1, 1, 1],
      hits: [[1, 1, 1, 0], [0, 0, 1, 1]],
    });
    const pop = populationOf(frame, [coefficient(0, 1), coefficient(1, 2)], []);
    const d = batchDrift(
      {
        householdIds: frame.householdIds,
        perCapita: pop.perCapita,
        indicators: ["I0", "I1"],
        offsets: frame.offsets,
        indicatorIndex: frame.indicatorIndex,
        hitCount: frame.hitCount,
      },
      [
        row("H1", "warning", true, "B1"),
        row("H2", "warning", true, "B1"),
        row("H3", "warning", true, "B2"),
        row("H4", "warning", true, "B2"),
        row("H4", "survey", true, "S"),
      ],
    );
    expect(d.batches).toEqual([{ batch: "B1", households: 2 }, { batch: "B2", households: 2 }]);
    expect(d.comparisons).toHaveLength(1);
    const c = d.comparisons[0];
    // I0 fires in 2/2 then 1/2; I1 in 0/2 then 2/2.
    expect(c.indicators[0]).toMatchObject({ id: "I0", baseline_rate: 1, rate: 0.5 });
    expect(c.indicators[0].psi).toBeCloseTo(psi([1, 0], [0.5, 0.5]), 14);
    expect(c.indicators[1]).toMatchObject({ id: "I1", baseline_rate: 0, rate: 1, verdict: "major" });
    expect(c.major).toContain("I1");
  });

  it("notes when there are fewer than two batches", () => {
    const d = batchDrift({
      householdIds: [],
      perCapita: new Float64Array(0),
      indicators: [],
      offsets: new Int32Array(1),
      indicatorIndex: new Int32Array(0),
      hitCount: new Int32Array(0),
    }, []);
    expect(d.comparisons).toEqual([]);
    expect(d.notes[0]).toMatch(/at least two batches/);
  });
});
