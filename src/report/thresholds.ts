/**
 * Precision and recall against the threshold (the lowest band's min), per frame, with Wilson
 * interval ribbons; and the number of warnings against the threshold.
 */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";
import { FRAME_LABELS } from "./labels.ts";
import type { ThresholdPoint } from "./prepare.ts";

const defaults = { width: 720, height: 260 };

/** Options of the threshold figures. */
export interface ThresholdOptions {
  /** The current lowest band cut-off, drawn as a vertical line. */
  threshold?: number;
  width?: number;
  height?: number;
  document?: PlotDocument;
}

function frameName(frame: string): string {
  const label = FRAME_LABELS[frame];
  return label ? `${label.zh} ${label.en}` : frame;
}

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

/** Plot options: the number of warnings a lowest band at each threshold would give. */
export function warningsCurveSpec(points: readonly ThresholdPoint[], options: ThresholdOptions = {}): Plot.PlotOptions {
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
      options.threshold === undefined
        ? null
        : Plot.ruleX([options.threshold], { stroke: "#333", strokeDasharray: "4,3" }),
      Plot.ruleY([0]),
    ],
  };
}

/** The warnings-against-threshold figure. */
export function warningsCurveFigure(points: readonly ThresholdPoint[], options: ThresholdOptions = {}): Figure {
  return Plot.plot(warningsCurveSpec(points, options));
}
