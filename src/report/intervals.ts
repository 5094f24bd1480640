/**
 * Proportions with their intervals, one row per batch or group: a dot at the estimate, a bar for
 * the 95% Wilson interval and, where given, a thinner bar for the village-cluster bootstrap
 * interval; rows with too few labeled cases are drawn hollow.
 */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";

/** One row: an estimate and its intervals. */
export interface IntervalPoint {
  label: string;
  value: number;
  lo: number;
  hi: number;
  /** The village-cluster bootstrap interval, when computed. */
  bootLo?: number | null;
  bootHi?: number | null;
  /** Fewer labeled cases than the audit's minimum: drawn hollow. */
  few?: boolean;
  /** Flagged (e.g. a disparity outside 0.8–1.25): drawn red. */
  flagged?: boolean;
}

/** Options of {@link intervalsFigure}. */
export interface IntervalsOptions {
  /** The x axis label, which should name the figure and the frame. */
  label: string;
  /** A reference value drawn as a dashed line (the overall, or the reference group's value). */
  reference?: number | null;
  /** The x domain; [0, 1] by default (pass a smaller one for small rates). */
  domain?: [number, number];
  width?: number;
  document?: PlotDocument;
}

/** Plot options of the interval figure (x from 0 to 1 unless told otherwise). */
export function intervalsSpec(rows: readonly IntervalPoint[], options: IntervalsOptions): Plot.PlotOptions {
  const color = (r: IntervalPoint) => (r.flagged ? "#d62728" : "#2f5d8a");
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 640),
    height: 40 + 22 * Math.max(1, rows.length) + 20,
    marginLeft: 170,
    marginRight: 50,
    x: { domain: options.domain ?? [0, 1], label: `${options.label} →`, grid: true, percent: true },
    y: { domain: rows.map((r) => r.label), label: null },
    marks: [
      options.reference === undefined || options.reference === null
        ? null
        : Plot.ruleX([options.reference], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.ruleY(rows.filter((r) => r.bootLo != null && r.bootHi != null), {
        y: "label",
        x1: "bootLo",
        x2: "bootHi",
        stroke: color,
        strokeWidth: 7,
        strokeOpacity: 0.25,
      }),
      Plot.ruleY(rows, { y: "label", x1: "lo", x2: "hi", stroke: color, strokeWidth: 2 }),
      Plot.dot(rows, {
        y: "label",
        x: "value",
        r: 4,
        stroke: color,
        fill: (r: IntervalPoint) => (r.few ? "white" : color(r)),
      }),
      Plot.text(rows, {
        y: "label",
        x: "hi",
        text: (r: IntervalPoint) => `${(100 * r.value).toFixed(1)}%`,
        textAnchor: "start",
        dx: 6,
      }),
    ],
  };
}

/** The interval figure. */
export function intervalsFigure(rows: readonly IntervalPoint[], options: IntervalsOptions): Figure {
  return Plot.plot(intervalsSpec(rows, options));
}
