/**
 * Disparity ratios of the group audit: each group's figure ÷ the reference group's, on a log
 * scale, with the 0.8–1.25 band shaded and flagged ratios in red.
 */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";

/** One ratio: its label (which names the figure and the frame), value and flag. */
export interface DisparityPoint {
  label: string;
  ratio: number;
  flagged: boolean;
}

/** Options of {@link disparityFigure}. */
export interface DisparityOptions {
  /** The x axis label, which should name the reference group. */
  label: string;
  width?: number;
  document?: PlotDocument;
}

/** Plot options: ratios (> 0) on a log axis from 1, the 0.8–1.25 band shaded. */
export function disparitySpec(rows: readonly DisparityPoint[], options: DisparityOptions): Plot.PlotOptions {
  const labels = rows.map((r) => r.label);
  const values = rows.map((r) => r.ratio);
  const lo = Math.min(0.5, ...values), hi = Math.max(2, ...values);
  const color = (r: DisparityPoint) => (r.flagged ? "#d62728" : "#4e79a7");
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 640),
    height: 46 + 22 * Math.max(1, labels.length),
    marginLeft: 260,
    marginRight: 30,
    x: { type: "log", domain: [lo * 0.9, hi * 1.1], label: options.label, grid: true, tickFormat: "~g" },
    y: { domain: labels, label: null },
    marks: [
      Plot.rectX([{ x1: 0.8, x2: 1.25 }], { x1: "x1", x2: "x2", fill: "#e8f0fe" }),
      Plot.ruleX([1], { stroke: "#777" }),
      Plot.ruleY(rows, { y: "label", x1: 1, x2: "ratio", stroke: color }),
      Plot.dot(rows, { y: "label", x: "ratio", r: 3.5, fill: color }),
    ],
  };
}

/** The disparity figure. */
export function disparityFigure(rows: readonly DisparityPoint[], options: DisparityOptions): Figure {
  return Plot.plot(disparitySpec(rows, options));
}
