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
  /** A second series (e.g. "before" / "after", "A" / "B"): each drawn in its colour, offset, with a legend. */
  series?: string;
}

/** Options of {@link intervalsFigure}. */
export interface IntervalsOptions {
  /** The x axis label, which should name the figure and the frame. */
  label: string;
  /** A reference value drawn as a dashed line (the overall, or the reference group's value). */
  reference?: number | null;
  /** The x domain; [0, 1] by default (pass a smaller one for small rates). */
  domain?: [number, number];
  /** Room for the row labels; 170 by default. */
  marginLeft?: number;
  width?: number;
  document?: PlotDocument;
}

const SERIES_COLORS = ["#2f5d8a", "#f28e2b", "#59a14f", "#e15759"];

/** The legend of the series, drawn as SVG text (Plot's colour legend is HTML). */
function seriesLegend(series: readonly string[], color: (s: string) => string): Plot.Markish[] {
  return series.map((s, i) =>
    Plot.text([s], {
      frameAnchor: "top-left",
      dx: i * 150,
      dy: -26,
      fill: color(s),
      fontSize: 11,
      text: (d: string) => `● ${d}`,
    })
  );
}

/**
 * Plot options of the interval figure (x from 0 to 1 unless told otherwise). Rows of several
 * series share a label's line, each series offset and in its own colour, with an SVG legend.
 */
export function intervalsSpec(rows: readonly IntervalPoint[], options: IntervalsOptions): Plot.PlotOptions {
  const series = [...new Set(rows.map((r) => r.series ?? ""))];
  const legend = series.some((s) => s !== "");
  const seriesColor = (s: string) => SERIES_COLORS[Math.max(0, series.indexOf(s)) % SERIES_COLORS.length];
  const color = (r: IntervalPoint) => (r.flagged ? "#d62728" : seriesColor(r.series ?? ""));
  const labels = [...new Set(rows.map((r) => r.label))];
  const dy = (r: IntervalPoint) =>
    series.length > 1 ? (series.indexOf(r.series ?? "") - (series.length - 1) / 2) * 6 : 0;
  const bySeries = series.map((name) => rows.filter((r) => (r.series ?? "") === name));
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 640),
    height: 40 + 22 * Math.max(1, labels.length) + 20 + (legend ? 16 : 0),
    marginLeft: positiveInteger(options.marginLeft, "marginLeft", 170),
    marginRight: 50,
    marginTop: legend ? 34 : undefined,
    // `percent` scales the values by 100, so the domain (given in proportions) is scaled too.
    x: {
      domain: (options.domain ?? [0, 1]).map((d) => 100 * d),
      label: `${options.label} →`,
      grid: true,
      percent: true,
    },
    y: { domain: labels, label: null },
    marks: [
      options.reference === undefined || options.reference === null
        ? null
        : Plot.ruleX([options.reference], { stroke: "#888", strokeDasharray: "4,3" }),
      ...bySeries.flatMap((mine) => {
        const offset = mine.length > 0 ? dy(mine[0]) : 0;
        return [
          Plot.ruleY(mine.filter((r) => r.bootLo != null && r.bootHi != null), {
            y: "label",
            x1: "bootLo",
            x2: "bootHi",
            stroke: color,
            strokeWidth: 7,
            strokeOpacity: 0.25,
            dy: offset,
          }),
          Plot.ruleY(mine, { y: "label", x1: "lo", x2: "hi", stroke: color, strokeWidth: 2, dy: offset }),
          Plot.dot(mine, {
            y: "label",
            x: "value",
            r: 4,
            stroke: color,
            fill: (r: IntervalPoint) => (r.few ? "white" : color(r)),
            dy: offset,
          }),
          Plot.text(mine, {
            y: "label",
            x: "hi",
            text: (r: IntervalPoint) => `${(100 * r.value).toFixed(1)}%`,
            textAnchor: "start",
            dx: 6,
            dy: offset,
          }),
        ];
      }),
      ...(legend ? seriesLegend(series, seriesColor) : []),
    ],
  };
}

/** The interval figure. */
export function intervalsFigure(rows: readonly IntervalPoint[], options: IntervalsOptions): Figure {
  return Plot.plot(intervalsSpec(rows, options));
}
