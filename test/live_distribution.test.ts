/**
 * The calibrate page's live score distribution (notebooks/lib/live_distribution.ts) draws what
 * Plot's `scoreDistributionFigure` draws — the same ticks and labels, bars and band lines, to the
 * pixel — and a tick updates the same nodes in place.
 */
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { type ScoreBin, scoreDistributionFigure, scoreHistogram } from "../src/report/mod.ts";
import { distributionGeometry, LiveDistribution, niceTicks, tickFormat } from "../notebooks/lib/live_distribution.ts";
import { mulberry32 as rng } from "../src/base/random.ts";

const { document } = parseHTML("<!doctype html><html><body></body></html>");
const CATEGORIES = ["dibao", "tekun", "monitored", "near_dibao", "rigid_expense", "other", "unknown"];

/** Seeded per-capita scores over `span`, with a category each. */
function bins(seed: number, n: number, span: number, shift: number): ScoreBin[] {
  const r = rng(seed);
  const perCapita = new Float64Array(n);
  const categories: string[] = [];
  for (let h = 0; h < n; h++) {
    categories.push(CATEGORIES[Math.floor(r() * r() * CATEGORIES.length)]);
    perCapita[h] = h === 0 ? NaN : Math.round((r() * r() * span + shift) * 4) / 4;
  }
  return scoreHistogram(perCapita, categories).bins;
}

/** Numbers of a `translate(x,y)`. */
const translate = (el: Element) =>
  el.getAttribute("transform")!.match(/translate\(([^,]+),([^)]+)\)/)!.slice(1).map(Number);
const near = (a: number, b: number) => Math.abs(a - b) < 0.01;

/** What Plot drew: tick labels and positions, rects by colour, band lines and labels. */
function plotted(figure: Element) {
  const group = (label: string) => [...figure.querySelectorAll(`g[aria-label="${label}"]`)];
  const labels = (label: string, axis: 0 | 1) =>
    [...group(label)[0].querySelectorAll("text")].map((t) => ({ at: translate(t)[axis], label: t.textContent }));
  const rects = new Map<string, number[][]>();
  for (const r of group("rect")[0].querySelectorAll("rect")) {
    const list = rects.get(r.getAttribute("fill")!) ?? [];
    list.push(["x", "y", "width", "height"].map((k) => Number(r.getAttribute(k))));
    rects.set(r.getAttribute("fill")!, list);
  }
  const rules = [...(group("rule")[1]?.querySelectorAll("line") ?? [])].map((l) => Number(l.getAttribute("x1")));
  const texts = group("text").map((g) => g.querySelector("text")!.textContent);
  return { x: labels("x-axis tick label", 0), y: labels("y-axis tick label", 1), rects, rules, texts };
}

const CASES: { name: string; bins: ScoreBin[]; bands: { id: string; min: number }[]; width: number }[] = [
  {
    name: "county-like",
    bins: bins(1, 5000, 40, -12),
    bands: [{ id: "red", min: 17 }, { id: "orange", min: 14.5 }, { id: "yellow", min: 12.4 }],
    width: 798,
  },
  { name: "narrow, decimal ticks", bins: bins(2, 300, 2, 0.5), bands: [{ id: "yellow", min: 1.25 }], width: 500 },
  { name: "cut-off beyond the scores", bins: bins(3, 2000, 10, 3), bands: [{ id: "red", min: 30 }], width: 640 },
  { name: "no bands, large counts", bins: bins(4, 60000, 25, -5), bands: [], width: 720 },
];

describe("the live score distribution", () => {
  for (const c of CASES) {
    it(`lays out what Plot lays out: ${c.name}`, () => {
      const plot = plotted(scoreDistributionFigure(c.bins, { bands: c.bands, width: c.width, document }) as Element);
      const geo = distributionGeometry(c.bins, c.bands, c.width, 300);
      expect(geo.xTicks.map((t) => t.label)).toEqual(plot.x.map((t) => t.label));
      expect(geo.yTicks.map((t) => t.label)).toEqual(plot.y.map((t) => t.label));
      geo.xTicks.forEach((t, i) => expect(near(t.at, plot.x[i].at)).toBe(true));
      geo.yTicks.forEach((t, i) => expect(near(t.at, plot.y[i].at)).toBe(true));
      expect(geo.bands.map((b) => b.label)).toEqual(plot.texts);
      geo.bands.forEach((b, i) => expect(near(b.x, plot.rules[i])).toBe(true));
      // Rects by colour (two categories may share the grey of an unknown one).
      const text = (rects: number[][]) => rects.map((r) => r.map((v) => v.toFixed(2)).join(" ")).sort();
      const ours = new Map<string, number[][]>();
      for (const bar of geo.bars) ours.set(bar.color, [...(ours.get(bar.color) ?? []), ...bar.rects]);
      expect([...ours.keys()].sort()).toEqual([...plot.rects.keys()].sort());
      for (const [color, rects] of ours) expect(text(rects)).toEqual(text(plot.rects.get(color)!));
      expect(geo.bars.reduce((n, b) => n + b.rects.length, 0)).toBe(c.bins.length);
    });
  }

  it("a tick updates the same nodes, and draws the new bins", () => {
    const [first, second] = [CASES[0].bins, bins(9, 5000, 30, -8)];
    const categories = ["dibao", "tekun", "monitored", "near_dibao", "rigid_expense", "other", "unknown"];
    const live = new LiveDistribution(categories, 798, 300, document as unknown as Document);
    live.update(first, CASES[0].bands);
    const before = [...live.element.querySelectorAll("*")];
    const paths = [...live.element.querySelectorAll('g[aria-label="rect"] path')].map((p) => p.getAttribute("d"));
    const geo = live.update(second, [{ id: "red", min: 15 }, ...CASES[0].bands.slice(1)]);
    const after = [...live.element.querySelectorAll("*")];
    // Same nodes, unless the number of ticks changed; new bars and the moved cut-off drawn.
    expect(after.filter((n) => !before.includes(n)).length).toBeLessThanOrEqual(6);
    const now = [...live.element.querySelectorAll('g[aria-label="rect"] path')].map((p) => p.getAttribute("d"));
    expect(now).not.toEqual(paths);
    now.forEach((d, i) => expect((d!.match(/M/g) ?? []).length).toBe(geo.bars[i].rects.length));
    const texts = [...live.element.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent);
    expect(texts).toEqual(["red ≥ 15", "orange ≥ 14.5", "yellow ≥ 12.4"]);
    const yLabels = [...live.element.querySelectorAll('g[aria-label="y-axis tick label"] text')];
    expect(yLabels.map((t) => t.textContent)).toEqual(geo.yTicks.map((t) => t.label));
  });

  it("formats and places ticks as d3 does", () => {
    expect(niceTicks(-15, 27, 9.1)).toEqual([-15, -10, -5, 0, 5, 10, 15, 20, 25]);
    expect(niceTicks(0, 7780, 7.14)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    expect(niceTicks(0.5, 2.75, 5).map(tickFormat(0.5, 2.75, 5))).toEqual(["0.5", "1.0", "1.5", "2.0", "2.5"]);
    expect([-15, 0, 1500].map(tickFormat(-15, 1500, 5))).toEqual(["−15", "0", "1,500"]);
  });
});
