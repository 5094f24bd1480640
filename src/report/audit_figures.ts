/**
 * Figures of the audit, calibration and comparison reports: pure functions of (rows, options)
 * that return inline SVG text, drawn with Observable Plot on a server-side (linkedom) document.
 * Plot's colour legends are HTML, so series are labelled with `Plot.text` marks inside the SVG.
 * Every figure's caption names its frame.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** A document Plot can draw on. */
export type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

let shared: PlotDocument | undefined;

/** A server-side document to draw on (one per process). */
export function serverDocument(): PlotDocument {
  shared ??= (parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: PlotDocument }).document;
  return shared;
}

function svgOf(options: Plot.PlotOptions): string {
  const figure = Plot.plot({ ...options, document: options.document ?? serverDocument() }) as unknown as {
    outerHTML: string;
  };
  return figure.outerHTML;
}

/** Every k-th point so that at most `max` remain (always keeping the first and last). */
export function thin<T>(rows: readonly T[], max = 600): T[] {
  if (rows.length <= max) return [...rows];
  const step = Math.ceil(rows.length / max);
  const out = rows.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== rows[rows.length - 1]) out.push(rows[rows.length - 1]);
  return out;
}

/** One point of a precision curve. */
export interface CurvePoint {
  threshold: number;
  precision: number;
  lower: number;
  upper: number;
}

/**
 * Precision of the fit frame's labeled households against the threshold, with the Wilson band,
 * its lower bound dashed, the target (horizontal) and the chosen threshold (vertical).
 */
export function precisionCurveSvg(
  points: readonly CurvePoint[],
  options: { target?: number; chosen?: number; width?: number; document?: PlotDocument },
): string {
  const rows = thin(points);
  const xs = rows.map((r) => r.threshold);
  const right = xs.length ? Math.max(...xs) : 1;
  return svgOf({
    document: options.document,
    width: options.width ?? 760,
    height: 300,
    marginLeft: 52,
    marginRight: 20,
    x: { label: "预警线（每人得分 ≥ t） Threshold t: per-capita score ≥ t →" },
    y: { label: "↑ 精确率 Precision", domain: [0, 1], grid: true },
    marks: [
      Plot.areaY(rows, {
        x: "threshold",
        y1: "lower",
        y2: "upper",
        fill: "#4e79a7",
        fillOpacity: 0.15,
        curve: "step-after",
      }),
      Plot.lineY(rows, { x: "threshold", y: "precision", stroke: "#4e79a7", strokeWidth: 1.5, curve: "step-after" }),
      Plot.lineY(rows, {
        x: "threshold",
        y: "lower",
        stroke: "#e15759",
        strokeWidth: 1.2,
        strokeDasharray: "4,3",
        curve: "step-after",
      }),
      options.target === undefined ? null : Plot.ruleY([options.target], { stroke: "#333", strokeDasharray: "2,2" }),
      options.target === undefined ? null : Plot.text([options.target], {
        x: right,
        y: (d: number) => d,
        text: () => "目标 target",
        textAnchor: "end",
        dy: -6,
        fill: "#333",
      }),
      options.chosen === undefined ? null : Plot.ruleX([options.chosen], { stroke: "#111" }),
      options.chosen === undefined ? null : Plot.text([options.chosen], {
        x: (d: number) => d,
        y: 0.04,
        text: (d: number) => `t = ${d}`,
        textAnchor: "start",
        dx: 4,
        fill: "#111",
      }),
      Plot.text([
        "精确率 precision (蓝 blue) · Wilson 95% 区间 interval (阴影 band) · 下界 lower bound (红虚线 red dashed)",
      ], {
        frameAnchor: "top-left",
        dx: 4,
        dy: 4,
        fill: "#333",
        fontSize: 11,
      }),
    ],
  });
}

/** Warnings against the threshold, with the chosen threshold. */
export function warningsCurveSvg(
  points: readonly { threshold: number; warnings: number }[],
  options: { chosen?: number; before?: number; width?: number; document?: PlotDocument },
): string {
  const rows = thin(points);
  return svgOf({
    document: options.document,
    width: options.width ?? 760,
    height: 220,
    marginLeft: 60,
    x: { label: "预警线 Threshold t →" },
    y: { label: "↑ 预警户数 Warnings (households ≥ t)", grid: true },
    marks: [
      Plot.lineY(rows, { x: "threshold", y: "warnings", stroke: "#4e79a7", strokeWidth: 1.5, curve: "step-after" }),
      options.before === undefined ? null : Plot.ruleX([options.before], { stroke: "#999", strokeDasharray: "4,3" }),
      options.before === undefined ? null : Plot.text([options.before], {
        x: (d: number) => d,
        frameAnchor: "top",
        dy: 10,
        text: () => "原 before",
        textAnchor: "start",
        dx: 3,
        fill: "#777",
      }),
      options.chosen === undefined ? null : Plot.ruleX([options.chosen], { stroke: "#111" }),
      options.chosen === undefined ? null : Plot.text([options.chosen], {
        x: (d: number) => d,
        frameAnchor: "top",
        dy: 24,
        text: () => "新 after",
        textAnchor: "start",
        dx: 3,
        fill: "#111",
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** One estimate with its interval, for dot-and-whisker figures. */
export interface IntervalRow {
  label: string;
  value: number | null;
  lo: number | null;
  hi: number | null;
  /** A second series (e.g. "before" / "after"), drawn in another colour and offset. */
  series?: string;
  /** Drawn hollow (e.g. fewer than 30 labeled cases). */
  weak?: boolean;
}

/** Horizontal dot-and-whisker figure of proportions with their intervals (one row per label). */
export function intervalSvg(
  rows: readonly IntervalRow[],
  options: {
    xLabel: string;
    reference?: number | null;
    domain?: [number, number];
    width?: number;
    document?: PlotDocument;
  },
): string {
  const shown = rows.filter((r) => r.value !== null);
  const labels = [...new Set(rows.map((r) => r.label))];
  const series = [...new Set(rows.map((r) => r.series ?? ""))];
  const colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];
  const color = (s: string | undefined) => colors[Math.max(0, series.indexOf(s ?? "")) % colors.length];
  const legend = series.some((s) => s !== "");
  return svgOf({
    document: options.document,
    width: options.width ?? 640,
    height: 46 + 22 * Math.max(1, labels.length) + (legend ? 16 : 0),
    marginLeft: 260,
    marginRight: 30,
    marginTop: legend ? 34 : 20,
    x: { label: options.xLabel, domain: options.domain ?? [0, 1], grid: true, tickFormat: "%" },
    y: { domain: labels, label: null },
    marks: [
      options.reference === undefined || options.reference === null
        ? null
        : Plot.ruleX([options.reference], { stroke: "#999", strokeDasharray: "4,3" }),
      ...series.flatMap((name, i) => {
        const dy = series.length > 1 ? (i - (series.length - 1) / 2) * 6 : 0;
        const mine = shown.filter((r) => (r.series ?? "") === name);
        return [
          Plot.ruleY(mine.filter((r) => r.lo !== null), {
            y: "label",
            x1: "lo",
            x2: "hi",
            stroke: color(name),
            strokeWidth: 1.5,
            dy,
          }),
          Plot.dot(mine, {
            y: "label",
            x: "value",
            r: 3.5,
            stroke: color(name),
            fill: (r: IntervalRow) => (r.weak ? "white" : color(name)),
            dy,
          }),
        ];
      }),
      ...(legend
        ? series.map((s, i) =>
          Plot.text([s], {
            frameAnchor: "top-left",
            dx: i * 150,
            dy: -26,
            fill: color(s),
            fontSize: 11,
            text: (d: string) => `● ${d}`,
          })
        )
        : []),
    ],
  });
}

/** Disparity ratios on a log scale, with the 0.8–1.25 band shaded; flagged ratios in red. */
export function disparitySvg(
  rows: readonly { label: string; ratio: number; flagged: boolean }[],
  options: { xLabel: string; width?: number; document?: PlotDocument },
): string {
  const labels = rows.map((r) => r.label);
  const values = rows.map((r) => r.ratio);
  const lo = Math.min(0.5, ...values), hi = Math.max(2, ...values);
  return svgOf({
    document: options.document,
    width: options.width ?? 640,
    height: 46 + 22 * Math.max(1, labels.length),
    marginLeft: 260,
    marginRight: 30,
    x: { type: "log", domain: [lo * 0.9, hi * 1.1], label: options.xLabel, grid: true, tickFormat: "~g" },
    y: { domain: labels, label: null },
    marks: [
      Plot.rectX([{ x1: 0.8, x2: 1.25 }], { x1: "x1", x2: "x2", fill: "#e8f0fe" }),
      Plot.ruleX([1], { stroke: "#777" }),
      Plot.ruleY(rows, {
        y: "label",
        x1: 1,
        x2: "ratio",
        stroke: (r: { flagged: boolean }) => (r.flagged ? "#d62728" : "#4e79a7"),
      }),
      Plot.dot(rows, {
        y: "label",
        x: "ratio",
        r: 3.5,
        fill: (r: { flagged: boolean }) => (r.flagged ? "#d62728" : "#4e79a7"),
      }),
    ],
  });
}

/** Horizontal bars of B (or after) with a black tick at A (or before), with the change as text. */
export function beforeAfterBarsSvg(
  rows: readonly { label: string; before: number; after: number }[],
  options: { xLabel: string; width?: number; document?: PlotDocument },
): string {
  const labels = rows.map((r) => r.label);
  const text = (r: { before: number; after: number }) => {
    const d = r.after - r.before;
    return `${r.after}${d === 0 ? "" : d > 0 ? ` (+${d})` : ` (${d})`}`;
  };
  return svgOf({
    document: options.document,
    width: options.width ?? 640,
    height: 60 + 20 * Math.max(1, labels.length),
    marginLeft: 260,
    marginRight: 80,
    marginTop: 30,
    x: { label: options.xLabel, grid: true },
    y: { domain: labels, label: null },
    marks: [
      Plot.barX(rows, { y: "label", x: "after", fill: "#4e79a7", fillOpacity: 0.85 }),
      Plot.tickX(rows, { y: "label", x: "before", stroke: "#111", strokeWidth: 2 }),
      Plot.text(rows, {
        y: "label",
        x: (r: { before: number; after: number }) => Math.max(r.before, r.after),
        text,
        textAnchor: "start",
        dx: 4,
      }),
      Plot.text(["条 bar = 新 after / B · 黑线 tick = 原 before / A"], {
        frameAnchor: "top-left",
        dy: -22,
        fill: "#333",
        fontSize: 11,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** PSI bars with the 0.1 and 0.25 verdict lines. */
export function psiSvg(
  rows: readonly { label: string; psi: number }[],
  options: { width?: number; document?: PlotDocument },
): string {
  const labels = rows.map((r) => r.label);
  const max = Math.max(0.3, ...rows.map((r) => r.psi));
  return svgOf({
    document: options.document,
    width: options.width ?? 640,
    height: 50 + 16 * Math.max(1, labels.length),
    marginLeft: 260,
    marginRight: 30,
    x: { label: "PSI →", domain: [0, max * 1.05], grid: true },
    y: { domain: labels, label: null },
    marks: [
      Plot.barX(rows, {
        y: "label",
        x: "psi",
        fill: (r: { psi: number }) => (r.psi >= 0.25 ? "#d62728" : r.psi >= 0.1 ? "#f28e2b" : "#59a14f"),
      }),
      Plot.ruleX([0.1], { stroke: "#f28e2b", strokeDasharray: "4,3" }),
      Plot.ruleX([0.25], { stroke: "#d62728", strokeDasharray: "4,3" }),
      Plot.ruleX([0]),
    ],
  });
}

/** Transition counts as a matrix of cells (rows: model A's band; columns: model B's). */
export function transitionSvg(
  cells: readonly { from: string; to: string; count: number }[],
  options: { rows: string[]; columns: string[]; width?: number; document?: PlotDocument },
): string {
  const max = Math.max(1, ...cells.filter((c) => c.from !== c.to).map((c) => c.count));
  return svgOf({
    document: options.document,
    width: options.width ?? 420,
    height: 70 + 34 * options.rows.length,
    marginLeft: 90,
    marginTop: 50,
    padding: 0.05,
    x: { domain: options.columns, label: "模型 B →", axis: "top" },
    y: { domain: options.rows, label: "模型 A ↓" },
    color: { type: "linear", range: ["#fff5eb", "#d94801"], domain: [0, max] },
    marks: [
      Plot.cell(cells.filter((c) => c.from !== c.to), { x: "to", y: "from", fill: "count", stroke: "#ccc" }),
      Plot.cell(cells.filter((c) => c.from === c.to), { x: "to", y: "from", fill: "#eeeeee", stroke: "#ccc" }),
      Plot.text(cells, { x: "to", y: "from", text: (c: { count: number }) => String(c.count), fill: "#111" }),
    ],
  });
}
