/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The calibrate page's score distribution as an SVG that a slider tick updates in place: the
 * same figure as `scoreDistributionFigure` (src/report, Observable Plot) — stacked bins by
 * management category, the band cut-offs as lines labelled with their id and minimum, the same
 * scales, ticks, margins and colours — but drawn once and then only moved. A tick sets a few
 * attributes (one path per category, the ticks, the band lines) instead of building ~300 new
 * nodes and a stylesheet, so it costs the page no new style rules and almost no layout or paint.
 * The legend is Plot's own (built once). The geometry is pure ({@link distributionGeometry}) and
 * tested against Plot's SVG.
 */
import * as Plot from "@observablehq/plot";
import type { BandCut } from "../../src/model/scoring.ts";
import { bandColor, distributionCategories, distributionColor, type ScoreBin } from "../../src/report/mod.ts";

/** Plot's frame for this figure: its default margins (marginLeft 50 as the spec sets it) and tick spacing. */
const MARGIN = { top: 20, right: 20, bottom: 30, left: 50 };
const SPACING = { x: 80, y: 35 };

/** One axis tick: its position (px) and label. */
export interface Tick {
  at: number;
  label: string;
}

/** Everything the figure draws, in pixels: what a tick updates. */
export interface DistributionGeometry {
  width: number;
  height: number;
  /** Per category (stacking order, bottom first): its colour and its bars as [x, y, width, height]. */
  bars: { category: string; color: string; rects: [number, number, number, number][] }[];
  xTicks: Tick[];
  yTicks: Tick[];
  /** The baseline (y = 0). */
  zeroY: number;
  /** Per band: its line's x, its colour and its label. */
  bands: { x: number; color: string; label: string }[];
}

// d3-array's ticks and tick step (as Plot's linear scales use them), so the ticks are Plot's.
const e10 = Math.sqrt(50), e5 = Math.sqrt(10), e2 = Math.sqrt(2);
function tickSpec(start: number, stop: number, count: number): [number, number, number] {
  const step = (stop - start) / Math.max(0, count), power = Math.floor(Math.log10(step));
  const error = step / Math.pow(10, power);
  const factor = error >= e10 ? 10 : error >= e5 ? 5 : error >= e2 ? 2 : 1;
  let i1, i2, inc;
  if (power < 0) {
    inc = Math.pow(10, -power) / factor;
    i1 = Math.round(start * inc);
    i2 = Math.round(stop * inc);
    if (i1 / inc < start) ++i1;
    if (i2 / inc > stop) --i2;
    inc = -inc;
  } else {
    inc = Math.pow(10, power) * factor;
    i1 = Math.round(start / inc);
    i2 = Math.round(stop / inc);
    if (i1 * inc < start) ++i1;
    if (i2 * inc > stop) --i2;
  }
  if (i2 < i1 && 0.5 <= count && count < 2) return tickSpec(start, stop, count * 2);
  return [i1, i2, inc];
}

/** d3's `ticks(start, stop, count)` for start ≤ stop. */
export function niceTicks(start: number, stop: number, count: number): number[] {
  if (!(count > 0)) return [];
  if (start === stop) return [start];
  const [i1, i2, inc] = tickSpec(start, stop, count);
  if (!(i2 >= i1)) return [];
  const out: number[] = [];
  for (let i = i1; i <= i2; i++) out.push(inc < 0 ? i / -inc : i * inc);
  return out;
}

/** d3's default tick format for these ticks: thousands separators, the step's decimals, a real minus sign. */
export function tickFormat(start: number, stop: number, count: number): (v: number) => string {
  const inc = start === stop ? 1 : tickSpec(start, stop, count)[2];
  const step = inc < 0 ? 1 / -inc : inc;
  const exponent = Number(Math.abs(step).toExponential().split("e")[1]);
  const digits = Number.isFinite(exponent) ? Math.max(0, -exponent) : 0;
  return (v) => {
    const text = Math.abs(v).toFixed(digits);
    const [whole, fraction] = text.split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const negative = v < 0 && Number(text) !== 0;
    return `${negative ? "−" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
  };
}

/** d3's linear scale from `domain` to `range` (the middle of the range for an empty domain). */
function linear([d0, d1]: [number, number], [r0, r1]: [number, number]): (v: number) => number {
  const span = d1 - d0;
  return (v) => {
    const t = span ? (v - d0) / span : 0.5;
    return r0 * (1 - t) + r1 * t;
  };
}

/**
 * The figure's geometry for `bins` and `bands`, as Plot lays out `scoreDistributionSpec`: x over
 * the bins' edges and the cut-offs, y from 0 to the tallest stack, each rect inset by 0.5 px.
 */
export function distributionGeometry(
  bins: readonly ScoreBin[],
  bands: readonly BandCut[],
  width: number,
  height: number,
  categories: readonly string[] = distributionCategories(bins),
): DistributionGeometry {
  let x0 = Infinity, x1 = -Infinity;
  for (const b of bins) {
    if (b.x0 < x0) x0 = b.x0;
    if (b.x1 > x1) x1 = b.x1;
  }
  for (const b of bands) {
    if (b.min < x0) x0 = b.min;
    if (b.min > x1) x1 = b.min;
  }
  if (!(x0 <= x1)) [x0, x1] = [0, 1];
  // Stack each bin's categories in order, bottom first (Plot's stackY with `order: categories`).
  const rank = new Map(categories.map((c, i) => [c, i]));
  const byEdge = new Map<number, ScoreBin[]>();
  for (const b of bins) {
    const list = byEdge.get(b.x0);
    if (list) list.push(b);
    else byEdge.set(b.x0, [b]);
  }
  const stacks: { bin: ScoreBin; y1: number; y2: number }[] = [];
  let top = 0;
  for (const list of byEdge.values()) {
    list.sort((a, b) => (rank.get(a.category) ?? 0) - (rank.get(b.category) ?? 0));
    let y = 0;
    for (const bin of list) {
      stacks.push({ bin, y1: y, y2: y + bin.count });
      y += bin.count;
    }
    if (y > top) top = y;
  }
  const xr: [number, number] = [MARGIN.left, width - MARGIN.right];
  const yr: [number, number] = [height - MARGIN.bottom, MARGIN.top];
  const x = linear([x0, x1], xr), y = linear([0, top], yr);
  const color = distributionColor(categories);
  const bars = categories.map((category, i) => ({
    category,
    color: color.range[i],
    rects: [] as [number, number, number, number][],
  }));
  for (const { bin, y1, y2 } of stacks) {
    const left = x(bin.x0), right = x(bin.x1), lo = y(y1), hi = y(y2);
    bars[rank.get(bin.category) ?? 0].rects.push([
      Math.min(left, right) + 0.5,
      Math.min(lo, hi) + 0.5,
      Math.max(0, Math.abs(right - left) - 1),
      Math.max(0, Math.abs(lo - hi) - 1),
    ]);
  }
  const axis = (domain: [number, number], range: [number, number], spacing: number, at: (v: number) => number) => {
    const count = Math.abs(range[1] - range[0]) / spacing;
    const format = tickFormat(domain[0], domain[1], count);
    return niceTicks(domain[0], domain[1], count).map((v) => ({ at: at(v), label: format(v) }));
  };
  return {
    width,
    height,
    bars,
    xTicks: axis([x0, x1], xr, SPACING.x, x),
    yTicks: axis([0, top], yr, SPACING.y, y),
    zeroY: y(0),
    bands: bands.map((b, i) => ({ x: x(b.min), color: bandColor(i, b.id), label: `${b.id} ≥ ${b.min}` })),
  };
}

const SVG = "http://www.w3.org/2000/svg";
const round = (v: number) => String(Math.round(v * 100) / 100);

/** Sets an attribute only when it changes (an unchanged one costs no style or paint invalidation). */
function set(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** An SVG element with attributes. */
function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const el = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Keeps `n` children in `group`, making new ones with `make`. */
function pool<T extends Element>(group: Element, n: number, make: () => T): T[] {
  while (group.childElementCount < n) group.append(make());
  while (group.childElementCount > n) group.lastElementChild!.remove();
  return [...group.children] as T[];
}

/**
 * The live figure: `element` (a figure with Plot's legend and the SVG), updated by
 * {@link LiveDistribution.update}. Built for one set of categories and one size.
 */
export class LiveDistribution {
  readonly element: HTMLElement;
  readonly categories: readonly string[];
  readonly width: number;
  readonly height: number;
  #grid: SVGGElement;
  #yTicks: SVGGElement;
  #yLabels: SVGGElement;
  #xTicks: SVGGElement;
  #xLabels: SVGGElement;
  #bars: SVGPathElement[];
  #zero: SVGLineElement;
  #rules: SVGGElement;
  #labels: SVGGElement;

  constructor(categories: readonly string[], width: number, height = 300, doc: Document = document) {
    this.categories = categories;
    this.width = width;
    this.height = height;
    const root = svg(doc, "svg", {
      fill: "currentColor",
      "font-family": "system-ui, sans-serif",
      "font-size": 10,
      "text-anchor": "middle",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      style: "display: block; height: auto; max-width: 100%",
    });
    const g = (attrs: Record<string, string | number>) => root.appendChild(svg(doc, "g", attrs));
    this.#grid = g({ "aria-label": "y-grid", "aria-hidden": "true", stroke: "currentColor", "stroke-opacity": 0.1 });
    this.#yTicks = g({ "aria-label": "y-axis tick", "aria-hidden": "true", fill: "none", stroke: "currentColor" });
    this.#yLabels = g({ "aria-label": "y-axis tick label", "text-anchor": "end", "font-variant": "tabular-nums" });
    const yLabel = g({ "aria-label": "y-axis label", "text-anchor": "start" });
    yLabel.append(svg(doc, "text", { x: MARGIN.left - 46.5, y: MARGIN.top - 16.5, dy: "0.71em" }));
    yLabel.firstChild!.textContent = "↑ 户数 Households";
    this.#xTicks = g({ "aria-label": "x-axis tick", "aria-hidden": "true", fill: "none", stroke: "currentColor" });
    this.#xLabels = g({ "aria-label": "x-axis tick label", "font-variant": "tabular-nums" });
    const xLabel = g({ "aria-label": "x-axis label", "text-anchor": "end" });
    xLabel.append(svg(doc, "text", { x: width - MARGIN.right + 17.5, y: height - MARGIN.bottom + 27.5 }));
    xLabel.firstChild!.textContent = "人均得分 Per-capita score →";
    const bars = g({ "aria-label": "rect" });
    const color = distributionColor(categories);
    this.#bars = categories.map((c, i) =>
      bars.appendChild(svg(doc, "path", { fill: color.range[i], "aria-label": color.tickFormat(c), d: "" }))
    );
    this.#zero = g({ "aria-label": "rule", stroke: "currentColor" }).appendChild(
      svg(doc, "line", { x1: MARGIN.left, x2: width - MARGIN.right }),
    );
    this.#rules = g({ "aria-label": "rule", "stroke-width": 2 });
    this.#labels = g({ "aria-label": "text", "text-anchor": "start" });
    // Plot's swatches, as the figure's own legend (`document` works in legends too, though untyped).
    const options = { color: { ...distributionColor(categories), type: "ordinal" }, document: doc };
    const legend = Plot.legend(options as Parameters<typeof Plot.legend>[0]);
    this.element = doc.createElement("figure");
    this.element.className = "live-figure";
    this.element.style.maxWidth = "initial"; // as Plot's figure
    this.element.append(legend as unknown as Node, root);
  }

  /** Redraws for new bins and bands, changing only the attributes and texts that differ. */
  update(bins: readonly ScoreBin[], bands: readonly BandCut[]): DistributionGeometry {
    const geo = distributionGeometry(bins, bands, this.width, this.height, this.categories);
    const doc = this.element.ownerDocument;
    const top = MARGIN.top, bottom = this.height - MARGIN.bottom;
    const left = MARGIN.left, right = this.width - MARGIN.right;
    const grid = pool(this.#grid, geo.yTicks.length, () => svg(doc, "line", { x1: left, x2: right }));
    const yTicks = pool(this.#yTicks, geo.yTicks.length, () => svg(doc, "path", { d: `M${left},0h-6` }));
    const yLabels = pool(this.#yLabels, geo.yTicks.length, () => svg(doc, "text", { x: left - 8.5, dy: "0.32em" }));
    geo.yTicks.forEach((t, i) => {
      const y = round(t.at + 0.5);
      set(grid[i], "y1", y);
      set(grid[i], "y2", y);
      set(yTicks[i], "transform", `translate(0,${y})`);
      set(yLabels[i], "y", y);
      if (yLabels[i].textContent !== t.label) yLabels[i].textContent = t.label;
    });
    const xTicks = pool(this.#xTicks, geo.xTicks.length, () => svg(doc, "path", { d: `M0,${bottom}v6` }));
    const xLabels = pool(this.#xLabels, geo.xTicks.length, () => svg(doc, "text", { y: bottom + 9.5, dy: "0.71em" }));
    geo.xTicks.forEach((t, i) => {
      const x = round(t.at + 0.5);
      set(xTicks[i], "transform", `translate(${x},0)`);
      set(xLabels[i], "x", x);
      if (xLabels[i].textContent !== t.label) xLabels[i].textContent = t.label;
    });
    geo.bars.forEach((b, i) => {
      let d = "";
      for (const [x, y, w, h] of b.rects) d += `M${round(x)},${round(y)}h${round(w)}v${round(h)}h${round(-w)}z`;
      set(this.#bars[i], "d", d);
    });
    const zero = round(geo.zeroY + 0.5);
    set(this.#zero, "y1", zero);
    set(this.#zero, "y2", zero);
    const rules = pool(this.#rules, geo.bands.length, () => svg(doc, "line", { y1: top, y2: bottom }));
    const labels = pool(this.#labels, geo.bands.length, () => svg(doc, "text", { dy: "0.71em" }));
    geo.bands.forEach((b, i) => {
      const x = round(b.x + 0.5);
      set(rules[i], "x1", x);
      set(rules[i], "x2", x);
      set(rules[i], "stroke", b.color);
      set(labels[i], "x", round(b.x + 4.5));
      set(labels[i], "y", String(top + 2.5 + 12 * i));
      set(labels[i], "fill", b.color);
      if (labels[i].textContent !== b.label) labels[i].textContent = b.label;
    });
    return geo;
  }
}
