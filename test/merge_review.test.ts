import { describe, expect, it } from "vitest";
import {
  clusterSummaries,
  countsAt,
  probabilityOfWeight,
  reviewLinked,
  weightCurve,
  weightOfProbability,
} from "../src/merge/review.ts";
import { uncertaintyRows } from "../src/merge/doubt.ts";

describe("cluster flags", () => {
  it("flags a chain of four records as sparse and a person with more records than sources as large", () => {
    const rows = clusterSummaries(
      [
        { person_id: "P1", rids: [0, 1, 2, 3], sources: 4 }, // a chain 0-1-2-3: 3 of 6 edges
        { person_id: "P2", rids: [4, 5, 6], sources: 2 }, // a triangle, but two records of one source
        { person_id: "P3", rids: [7], sources: 1 },
      ],
      [
        { a: 0, b: 1, weight: 9 },
        { a: 1, b: 2, weight: 3 },
        { a: 2, b: 3, weight: 7 },
        { a: 4, b: 5, weight: 20 },
        { a: 4, b: 6, weight: 18 },
        { a: 5, b: 6, weight: 19 },
        { a: 3, b: 4, weight: -5 }, // across persons: not counted
      ],
    );
    expect(rows).toEqual([
      { person_id: "P1", records: 4, sources: 4, edges: 3, density: 0.5, min_weight: 3, flags: "" },
      { person_id: "P2", records: 3, sources: 2, edges: 3, density: 1, min_weight: 18, flags: "large" },
    ]);
    const chain = clusterSummaries([{ person_id: "P9", rids: [0, 1, 2, 3, 4], sources: 5 }], [
      { a: 0, b: 1, weight: 5 },
      { a: 1, b: 2, weight: 5 },
      { a: 2, b: 3, weight: 5 },
      { a: 3, b: 4, weight: 5 },
    ]);
    expect(chain[0].density).toBe(0.4);
    expect(chain[0].flags).toBe("sparse");
  });
});

describe("the weight curve and the counts at thresholds", () => {
  // Records 0..4; 0 and 3 hold different valid pseudonyms.
  const pairs = [
    { a: 0, b: 1, weight: 12.5, evidence: true, same: true },
    { a: 1, b: 2, weight: 4.2, evidence: true, same: true },
    { a: 2, b: 3, weight: 3.9, evidence: true, same: false }, // would join 0 and 3: refused
    { a: 3, b: 4, weight: 0.5, evidence: true, same: true },
    { a: 1, b: 4, weight: 1.2, evidence: false, same: false }, // name only: never links
  ];
  const curve = weightCurve(5, ["X", null, null, "Y", null], pairs, [], 1);
  it("bins pairs by weight and counts persons linking strongest first, never two valid ids", () => {
    expect(curve).toEqual([
      { from: 0, pairs: 1, evidenced: 1, true_evidenced: 1, persons: 2 },
      { from: 1, pairs: 1, evidenced: 0, true_evidenced: 0, persons: 3 },
      { from: 3, pairs: 1, evidenced: 1, true_evidenced: 0, persons: 3 },
      { from: 4, pairs: 1, evidenced: 1, true_evidenced: 1, persons: 3 },
      { from: 12, pairs: 1, evidenced: 1, true_evidenced: 1, persons: 4 },
    ]);
  });
  it("recounts links, reviews, persons and pairwise precision/recall at the sliders' thresholds", () => {
    // Link from 4 bits, review from 1: links 0-1 and 1-2; reviews 2-3 and 1-4; 3 persons.
    expect(countsAt(curve, 5, 4, 1, 3)).toEqual({ links: 2, reviews: 2, persons: 3, precision: 1, recall: 2 / 3 });
    // Link from 0: every evidenced pair links (2-3 is refused by the cannot-link, so 2 persons).
    expect(countsAt(curve, 5, 0, 0, 3)).toEqual({ links: 4, reviews: 1, persons: 2, precision: 0.75, recall: 1 });
    // Nothing links above 13 bits.
    expect(countsAt(curve, 5, 13, 1, 3).persons).toBe(5);
  });
  it("converts probabilities and weights", () => {
    expect(weightOfProbability(0.8)).toBeCloseTo(2, 12);
    expect(probabilityOfWeight(2)).toBeCloseTo(0.8, 12);
  });
});

describe("the merge if the review pairs were linked", () => {
  it("joins clusters through the pairs, never two valid pseudonyms, and counts each touched household", () => {
    const clusters = [[0, 1], [2], [3], [4]];
    const valid = new Map<number, string | null>([[0, "X"], [1, null], [2, null], [3, "Y"], [4, null]]);
    const joined = reviewLinked(clusters, valid, [[1, 2], [2, 3], [3, 4]]);
    expect(joined).toEqual([[0, 1, 2], [3, 4]]);
    const now = {
      personOf: new Map([[0, "A"], [1, "A"], [2, "B"], [3, "C"], [4, "D"]]),
      householdOf: new Map([["A", "h1"], ["B", "XB"], ["C", "h2"], ["D", "h2"]]),
    };
    const linked = {
      personOf: new Map([[0, "A"], [1, "A"], [2, "A"], [3, "C"], [4, "C"]]),
      householdOf: new Map([["A", "h1"], ["C", "h2"]]),
    };
    expect(uncertaintyRows([[1, 2], [3, 4]], now, linked)).toEqual([
      { household_id: "XB", review_pairs: 1, persons: 1, persons_if_linked: 1, households_if_linked: "h1" },
      { household_id: "h1", review_pairs: 1, persons: 1, persons_if_linked: 1, households_if_linked: "h1" },
      { household_id: "h2", review_pairs: 1, persons: 2, persons_if_linked: 1, households_if_linked: "h2" },
    ]);
  });
});

describe("the page's review pair waterfall", () => {
  it("adds the prior, each comparison's level weight and the term-frequency adjustment to the pair's weight", async () => {
    const { waterfallOfRow, queueAt } = await import("../src/merge/page_data.ts");
    const report = {
      records: { read: 2, linked: 2, rejected: 0 },
      persons: 1,
      households: 1,
      sources: [],
      clustering: {},
      linkage: {
        prior: 1 / 1025, // log2 odds = −10
        pairs_compared: 1,
        thresholds: { link_at: 0.7, review_at: 0.5 },
        comparisons: [
          { id: "name", label: "Name", levels: [{ id: "exact", label: "", m: 0.9, u: 0.9 / 256, weight: 8 }] },
          { id: "birth", label: "Birth", levels: [{ id: "else", label: "", m: 0.05, u: 0.8, weight: -4 }] },
          { id: "village", label: "Village", levels: [{ id: "equal", label: "", m: 1, u: 1 / 32, weight: 5 }] },
        ],
      },
    };
    const row = {
      left: "a/1",
      right: "b/2",
      weight: 0.5,
      probability: 0,
      tf_adjustment: 1.5,
      levels: { name: "exact", birth: "", village: "equal" },
    };
    const w = waterfallOfRow(report, row);
    // −10 (prior) + 8 (name exact) + 0 (birth null) + 5 (village) + 1.5 (tf) = 4.5 bits.
    expect(w.steps.map((s) => [s.comparison, s.level, s.weight + s.tf_adjustment])).toEqual([
      ["prior", "", -10],
      ["name", "exact", 8],
      ["birth", "null", 0],
      ["village", "equal", 5],
      ["tf", "", 1.5],
    ]);
    expect(w.steps.map((s) => s.cumulative)).toEqual([-10, -2, -2, 3, 4.5]);
    expect(w.weight).toBeCloseTo(4.5, 12);
    expect(w.probability).toBeCloseTo(2 ** 4.5 / (1 + 2 ** 4.5), 12);
    const pairs = [0.2, 3, -1, 1.5].map((weight) => ({ ...row, weight }));
    expect(queueAt(pairs, 2, 0).map((p) => p.weight)).toEqual([1.5, 0.2]);
  });
});
