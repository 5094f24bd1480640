/**
 * The calibrate page's headline figures (notebooks/lib/calibrate_view.ts): counted over each
 * frame's labeled households only, they equal `frameCounts` over every household; a tick updates
 * the previous row's texts in place, keeping its nodes.
 */
import { parseHTML } from "linkedom";
import { beforeAll, describe, expect, it } from "vitest";
import { frameCounts, type FrameLabels } from "../src/evaluate/frames.ts";
import { mulberry32 as rng } from "../src/base/random.ts";
import type { PageScores } from "../notebooks/lib/scoring.ts";

let view: typeof import("../notebooks/lib/calibrate_view.ts");
beforeAll(async () => {
  // The view builds its nodes with the page's document.
  const { document, Node } = parseHTML("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { document, Node });
  view = await import("../notebooks/lib/calibrate_view.ts");
});

const N = 3000;
const r = rng(11);
const frame = (p: number): FrameLabels => {
  const labeled = new Uint8Array(N), need = new Uint8Array(N);
  for (let h = 0; h < N; h++) if (r() < p) [labeled[h], need[h]] = [1, r() < 0.4 ? 1 : 0];
  return { labeled, need };
};
const labels = { survey: frame(0.05), warning: frame(0.03), application: frame(0.02) };

/** Scores with `warned` of the households warned, in three bands. */
function scores(warned: number): PageScores {
  const band = new Int8Array(N).fill(-1);
  let warnings = 0;
  for (let h = 0; h < N; h++) if (r() < warned) [band[h], warnings] = [Math.floor(r() * 3), warnings + 1];
  const overall = {
    warnings,
    labeled_warnings: 10,
    true_positives: 4,
    precision: 0.4,
    precision_ci95: [0.17, 0.69] as [number, number],
    labeled_positives: 8,
    recall: 0.5,
    coverage: 0.01,
  };
  return { band, bandIds: ["red", "orange", "yellow"], warnings, overall } as unknown as PageScores;
}

describe("the calibrate page's headline figures", () => {
  it("count each frame as frameCounts does over every household", () => {
    const s = scores(0.2);
    const figures = view.kpisOf(s, scores(0.1), labels);
    const byLabel = (start: string) => figures.find((f) => f[0].startsWith(start))!;
    const sv = frameCounts(labels.survey, s.band), wf = frameCounts(labels.warning, s.band);
    const ap = frameCounts(labels.application, s.band);
    expect(sv.labeledWarnings).toBeGreaterThan(0);
    expect(byLabel("样本村摸排")[2]).toContain(`precision ${sv.truePositives}/${sv.labeledWarnings}`);
    expect(byLabel("样本村摸排")[2]).toContain(`(${sv.truePositives}/${sv.labeledPositives})`);
    expect(byLabel("预警核实")[2]).toBe(`precision among ${wf.labeledWarnings} verified warnings`);
    expect(byLabel("主动申请")[1]).toBe(String(ap.labeledPositives - ap.truePositives));
  });

  it("a tick updates the previous row in place", () => {
    const base = scores(0.1);
    const first = view.kpisView(view.kpisOf(scores(0.2), base, labels));
    const nodes = [...first.querySelectorAll("*")];
    const next = view.kpisOf(scores(0.3), base, labels);
    const again = view.kpisView(next, first);
    expect(again).toBe(first);
    expect([...again.querySelectorAll("*")]).toEqual(nodes);
    expect([...again.querySelectorAll(".value")].map((v) => v.textContent)).toEqual(next.map((f) => f[1]));
    expect([...again.querySelectorAll(".sub")].map((v) => v.textContent)).toEqual(next.map((f) => f[2]));
    // Other figures (here: one fewer) make a new row.
    expect(view.kpisView(next.slice(1), first)).not.toBe(first);
  });
});
