/**
 * Precision and recall against the threshold (the lowest band's min), per frame, with Wilson
 * interval ribbons; and the number of warnings against the threshold.
 */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";
import { frameLabel } from "./labels.ts";
import type { ThresholdPoint } from "./prepare.ts";

const defaults = { width: 720, height: 260 };

/** Options of the threshold figures. */
export interface ThresholdOptions {
  /** The current lowest band cut-off, drawn as a vertical line. */
  threshold?: number;
  /** The cut-off before a change (calibration): drawn dashed, and both lines are labelled. */
  before?: number;
  width?: number;
  height?: number;
  document?: PlotDocument;
}

const frameName = frameLabel;

/** Long rows for the metric lines: one per point, metric and frame (nulls dropped). */
function metricRows(points: readonly ThresholdPoint[]) {
  const rows: { threshold: number; series: string; value: number; lo: number; hi: number }[] = [];
  for (const p of points) {
    if (p.precision !== null) {
      rows.push({
        threshold: p.threshold,
        series: `精确率 Precision · ${frameName(p.frame)}`,
        value: p.precision,
        lo: p.precision_lo!,
        hi: p.precision_hi!,
      });
    }
    if (p.recall !== null) {
      rows.push({
        threshold: p.threshold,
        series: `召回率 Recall · ${frameName(p.frame)}`,
        value: p.recall,
        lo: p.recall_lo!,
        hi: p.recall_hi!,
      });
    }
  }
  return rows;
}

/** Plot options: precision and recall lines with 95% Wilson ribbons, and the current threshold. */
export function thresholdMetricsSpec(
  points: readonly ThresholdPoint[],
  options: ThresholdOptions = {},
): Plot.PlotOptions {
  const rows = metricRows(points);
  const series = [...new Set(rows.map((r) => r.series))];
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", defaults.width),
    height: positiveInteger(options.height, "height", defaults.height),
    marginLeft: 50,
    x: { label: "预警线 Threshold (lowest band min) →" },
    y: { label: "↑ 比例 Proportion (95% Wilson interval)", domain: [0, 1], grid: true, percent: false },
    color: { domain: series, scheme: "tableau10", legend: options.document === undefined },
    marks: [
      Plot.areaY(rows, { x: "threshold", y1: "lo", y2: "hi", z: "series", fill: "series", fillOpacity: 0.15 }),
      Plot.lineY(rows, { x: "threshold", y: "value", z: "series", stroke: "series", strokeWidth: 1.5 }),
      options.threshold === undefined
        ? null
        : Plot.ruleX([options.threshold], { stroke: "#333", strokeDasharray: "4,3" }),
    ],
  };
}

/** The precision / recall figure. */
export function thresholdMetricsFigure(points: readonly ThresholdPoint[], options: ThresholdOptions = {}): Figure {
  return Plot.plot(thresholdMetricsSpec(points, options));
}

/** One point of the warnings curve: how many households a lowest band at `threshold` warns. */
export interface WarningsPoint {
  /** Only the first frame's points are drawn (every frame has the same warnings). */
  frame?: string;
  threshold: number;
  warnings: number;
}

/** The labelled before / after lines of a calibration. */
function beforeAfterMarks(before: number, after: number | undefined): Plot.Markish[] {
  const label = (value: number, text: string, dy: number, fill: string) =>
    Plot.text([value], {
      x: (d: number) => d,
      frameAnchor: "top",
      dy,
      text: () => text,
      textAnchor: "start",
      dx: 3,
      fill,
    });
  return [
    Plot.ruleX([before], { stroke: "#999", strokeDasharray: "4,3" }),
    label(before, "原 before", 10, "#777"),
    after === undefined ? null : Plot.ruleX([after], { stroke: "#111" }),
    after === undefined ? null : label(after, "新 after", 24, "#111"),
  ];
}

/** Plot options: the number of warnings a lowest band at each threshold would give. */
export function warningsCurveSpec(points: readonly WarningsPoint[], options: ThresholdOptions = {}): Plot.PlotOptions {
  const first = points.length > 0 ? points[0].frame : undefined;
  const rows = points.filter((p) => p.frame === first);
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", defaults.width),
    height: positiveInteger(options.height, "height", 200),
    marginLeft: 60,
    x: { label: "预警线 Threshold →" },
    y: { label: "↑ 预警户数 Warnings", grid: true },
    marks: [
      Plot.lineY(rows, { x: "threshold", y: "warnings", stroke: "#4e79a7", strokeWidth: 1.5 }),
      ...(options.before !== undefined
        ? beforeAfterMarks(options.before, options.threshold)
        : options.threshold === undefined
        ? []
        : [Plot.ruleX([options.threshold], { stroke: "#333", strokeDasharray: "4,3" })]),
      Plot.ruleY([0]),
    ],
  };
}

/** The warnings-against-threshold figure. */
export function warningsCurveFigure(points: readonly WarningsPoint[], options: ThresholdOptions = {}): Figure {
  return Plot.plot(warningsCurveSpec(points, options));
}

/** Every k-th point so that at most `max` remain (always keeping the first and last). */
export function thin<T>(rows: readonly T[], max = 600): T[] {
  if (rows.length <= max) return [...rows];
  const step = Math.ceil(rows.length / max);
  const out = rows.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== rows[rows.length - 1]) out.push(rows[rows.length - 1]);
  return out;
}

/** One point of the fit frame's precision curve (src/calibrate). */
export interface PrecisionCurvePoint {
  threshold: number;
  precision: number;
  /** The Wilson interval. */
  lower: number;
  upper: number;
}

/** Options of {@link precisionCurveSpec}. */
export interface PrecisionCurveOptions {
  /** The target of the Wilson lower bound, drawn as a horizontal line. */
  target?: number;
  /** The chosen threshold, drawn as a vertical line. */
  chosen?: number;
  width?: number;
  document?: PlotDocument;
}

/** The target and chosen-threshold lines, labelled. */
function targetMarks(options: PrecisionCurveOptions, right: number): Plot.Markish[] {
  const { target, chosen } = options;
  return [
    target === undefined ? null : Plot.ruleY([target], { stroke: "#333", strokeDasharray: "2,2" }),
    target === undefined ? null : Plot.text([target], {
      x: right,
      y: (d: number) => d,
      text: () => "目标 target",
      textAnchor: "end",
      dy: -6,
      fill: "#333",
    }),
    chosen === undefined ? null : Plot.ruleX([chosen], { stroke: "#111" }),
    chosen === undefined ? null : Plot.text([chosen], {
      x: (d: number) => d,
      y: 0.04,
      text: (d: number) => `t = ${d}`,
      textAnchor: "start",
      dx: 4,
      fill: "#111",
    }),
  ];
}

/**
 * Plot options: precision of the fit frame's labeled households with per-capita ≥ t against t,
 * with its Wilson band, the lower bound dashed, the target and the chosen t; the key is SVG text.
 */
export function precisionCurveSpec(
  points: readonly PrecisionCurvePoint[],
  options: PrecisionCurveOptions = {},
): Plot.PlotOptions {
  const rows = thin(points);
  const right = rows.length ? Math.max(...rows.map((r) => r.threshold)) : 1;
  const line = { x: "threshold", curve: "step-after" } as const;
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 760),
    height: 300,
    marginLeft: 52,
    marginRight: 20,
    x: { label: "预警线（每人得分 ≥ t） Threshold t: per-capita score ≥ t →" },
    y: { label: "↑ 精确率 Precision", domain: [0, 1], grid: true },
    marks: [
      Plot.areaY(rows, { ...line, y1: "lower", y2: "upper", fill: "#4e79a7", fillOpacity: 0.15 }),
      Plot.lineY(rows, { ...line, y: "precision", stroke: "#4e79a7", strokeWidth: 1.5 }),
      Plot.lineY(rows, { ...line, y: "lower", stroke: "#e15759", strokeWidth: 1.2, strokeDasharray: "4,3" }),
      ...targetMarks(options, right),
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
  };
}

/** The precision curve figure. */
export function precisionCurveFigure(
  points: readonly PrecisionCurvePoint[],
  options: PrecisionCurveOptions = {},
): Figure {
  return Plot.plot(precisionCurveSpec(points, options));
}
