import { describe, expect, it } from "vitest";
import { type BandCut, householdTotal, type IndicatorCoefficient } from "../src/model/mod.ts";
import {
  assignBands,
  buildFrame,
  packCoefficients,
  rescore,
  ScoreSorter,
  Simulator,
  sweep,
} from "../src/simulate/mod.ts";
import { mulberry32 as rng } from "../src/base/random.ts";

function coefficient(
  index: number,
  level: "member" | "household",
  weight: number,
  points: number,
  otherwise: number,
): IndicatorCoefficient {
  return {
    index,
    id: `I${index}`,
    level,
    category: "c",
    weight,
    points,
    otherwise,
    weightedPoints: weight * points,
    weightedOtherwise: weight * otherwise,
    column: `h${index}_I${index}`,
    parameters: [],
    columns: [],
    units: null,
  };
}

describe("fast re-scoring from hit counts", () => {
  it("a household of two with one member hit at 6 points and a household rule at -2 scores 4 / 2 = 2", () => {
    const frame = buildFrame({
      householdIds: ["H1"],
      villages: ["v"],
      categories: ["dibao"],
      members: [2],
      hits: [[1], [1]],
    });
    const k = packCoefficients([coefficient(0, "member", 1, 6, 0), coefficient(1, "household", 1, -2, 0)]);
    const { total, perCapita } = rescore(frame, k);
    expect([total[0], perCapita[0]]).toEqual([4, 2]);
  });

  it("otherwise applies to every member that did not hit", () => {
    const frame = buildFrame({
      householdIds: ["H1"],
      villages: ["v"],
      categories: ["dibao"],
      members: [3],
      hits: [[1]],
    });
    const { total } = rescore(frame, packCoefficients([coefficient(0, "member", 2, 5, -0.5)]));
    expect(total[0]).toBe(1 * 10 + 2 * -1);
  });

  it("equals the scoring arithmetic bit for bit under random points, otherwise and weights", () => {
    const random = rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const k = 1 + Math.floor(random() * 12), n = 1 + Math.floor(random() * 40);
      const members = Array.from({ length: n }, () => 1 + Math.floor(random() * 6));
      const levels = Array.from({ length: k }, () => (random() < 0.6 ? "member" as const : "household" as const));
      const hits = levels.map((level) =>
        members.map((m) => (random() < 0.6 ? 0 : level === "member" ? Math.floor(random() * (m + 1)) : 1))
      );
      const coefficients = levels.map((level, i) =>
        coefficient(
          i,
          level,
          [1, 0.5, 1.3, 2][i % 4],
          Math.round(random() * 200 - 100) / 10,
          random() < 0.3 ? Math.round(random() * 40 - 20) / 7 : 0,
        )
      );
      const frame = buildFrame({
        householdIds: members.map((_, h) => `H${h}`),
        villages: [],
        categories: [],
        members,
        hits,
      });
      const { total, perCapita } = rescore(frame, packCoefficients(coefficients));
      for (let h = 0; h < n; h++) {
        const expected = householdTotal(coefficients, (i) => hits[i][h], members[h]);
        expect(Object.is(total[h], expected) || total[h] === expected).toBe(true);
        expect(perCapita[h]).toBe(expected / members[h]);
      }
    }
  });

  it("assigns the first band whose min is at most the score", () => {
    const bands: BandCut[] = [{ id: "red", min: 30 }, { id: "orange", min: 20 }, { id: "yellow", min: 12 }];
    expect([...assignBands(Float64Array.from([30, 29.999, 20, 12, 11.9]), bands)]).toEqual([0, 1, 1, 2, -1]);
  });
});

describe("threshold sweep", () => {
  it("counts warnings, labeled warnings and true positives at every distinct score", () => {
    const perCapita = Float64Array.from([5, 3, 3, 1, 4]);
    const labels = { labeled: Uint8Array.from([1, 1, 0, 1, 1]), need: Uint8Array.from([1, 0, 0, 1, 0]) };
    const s = sweep(perCapita, labels);
    expect([...s.thresholds]).toEqual([5, 4, 3, 1]);
    expect([...s.warnings]).toEqual([1, 2, 4, 5]);
    expect([...s.labeledWarnings]).toEqual([1, 2, 3, 4]);
    expect([...s.truePositives]).toEqual([1, 1, 1, 2]);
    expect(s.labeledPositives).toBe(2);
  });
});

describe("the interactive simulator", () => {
  it("after random edits it equals a full re-score bit for bit, and its order and sweep match a fresh sort", () => {
    const random = rng(11);
    const n = 400, k = 10;
    const members = Array.from({ length: n }, () => 1 + Math.floor(random() * 5));
    const levels = Array.from(
      { length: k },
      (_, i) => (i % 3 === 0 ? "household" : "member") as "member" | "household",
    );
    const hits = levels.map((level, i) =>
      members.map((
        m,
      ) => (random() < (i === 0 ? 0.02 : 0.2) ? (level === "member" ? 1 + Math.floor(random() * m) : 1) : 0))
    );
    const frame = buildFrame({
      householdIds: members.map((_, h) => `H${h}`),
      villages: [],
      categories: [],
      members,
      hits,
    });
    let coefficients = levels.map((level, i) => coefficient(i, level, 1, i + 1.5, i === 5 ? -0.25 : 0));
    const sim = new Simulator(frame, coefficients);
    const labels = {
      labeled: Uint8Array.from(members, (_, h) => (h % 3 === 0 ? 1 : 0)),
      need: Uint8Array.from(members, (_, h) => (h % 2)),
    };
    let partial = 0;
    for (let step = 0; step < 60; step++) {
      const i = Math.floor(random() * k);
      coefficients = coefficients.map((c) =>
        c.index === i
          ? coefficient(i, c.level, step % 7 === 0 ? 1.5 : 1, Math.round(random() * 80 - 40) / 8, c.otherwise)
          : c
      );
      const rescored = sim.update(coefficients);
      if (rescored < n) partial++;
      const full = rescore(frame, packCoefficients(coefficients));
      expect([...sim.total]).toEqual([...full.total]);
      const fresh = sweep(full.perCapita, labels);
      const mine = sim.sweep(labels);
      expect([...mine.thresholds]).toEqual([...fresh.thresholds]);
      expect([...mine.warnings]).toEqual([...fresh.warnings]);
      expect([...mine.truePositives]).toEqual([...fresh.truePositives]);
    }
    expect(partial).toBeGreaterThan(10); // most edits re-scored only the households they touch
  });

  it("sorts scores with the radix sorter as a comparison sort would, negatives and zeros included", () => {
    const scores = Float64Array.from([3.5, -2, 0, -0, 1e-300, -1e300, 7 / 3, 3.5, -0.5]);
    const order = new ScoreSorter(scores.length).ascending(scores);
    // (-0 and +0 are equal scores; compare them as numbers.)
    expect(Array.from(order, (h) => scores[h] + 0)).toEqual([...scores].sort((a, b) => a - b).map((x) => x + 0));
    const subset = Int32Array.from([8, 0, 6, 1, 7]);
    const sortedSubset = new ScoreSorter(scores.length, 8).ascending(scores, subset, subset.length);
    expect(Array.from(sortedSubset.subarray(0, 5), (h) => scores[h])).toEqual([-2, -0.5, 7 / 3, 3.5, 3.5]);
  });
});
