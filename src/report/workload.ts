/**
 * Workload bars: warnings per department or per village under the adjusted model, with the
 * baseline model's count as a tick, so a researcher sees whose workload a change moves.
 */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";

/** One bar: a department or village, its warnings under the baseline and under the current model. */
export interface WorkloadRow {
  name: string;
  baseline: number;
  current: number;
}

/** Options of {@link workloadFigure}. */
export interface WorkloadOptions {
  /** The axis label of the names (department, village). */
  label?: string;
  /** Show at most this many rows, the largest current counts first. Default 25. */
  limit?: number;
  /** The x axis label; "预警户数 Warnings →" by default. */
  xLabel?: string;
  /** A key drawn above the bars as SVG text (e.g. which model the bars and ticks are). */
  legend?: string;
  width?: number;
  document?: PlotDocument;
}

/** Rows sorted by current count (then baseline, then name), cut to the limit. */
export function topWorkload(rows: readonly WorkloadRow[], limit: number): WorkloadRow[] {
  return [...rows]
    .sort((a, b) =>
      b.current - a.current || b.baseline - a.baseline || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    )
    .slice(0, limit);
}

/** Plot options: bars for the current counts, black ticks for the baseline, the change as text. */
export function workloadSpec(rows: readonly WorkloadRow[], options: WorkloadOptions = {}): Plot.PlotOptions {
  const limit = positiveInteger(options.limit, "limit", 25);
  const shown = topWorkload(rows, limit);
  const names = shown.map((r) => r.name);
  const delta = (r: WorkloadRow) => {
    const d = r.current - r.baseline;
    return `${r.current}${d === 0 ? "" : d > 0 ? ` (+${d})` : ` (${d})`}`;
  };
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 460),
    height: 30 + 18 * Math.max(1, shown.length) + 20 + (options.legend ? 10 : 0),
    marginLeft: 190,
    marginRight: 80,
    marginTop: options.legend ? 30 : undefined,
    x: { label: options.xLabel ?? "预警户数 Warnings →", grid: true },
    y: { label: options.label ?? null, domain: names },
    marks: [
      Plot.barX(shown, { y: "name", x: "current", fill: "#4e79a7", fillOpacity: 0.85 }),
      Plot.tickX(shown, { y: "name", x: "baseline", stroke: "#111", strokeWidth: 2 }),
      Plot.text(shown, {
        y: "name",
        x: (r: WorkloadRow) => Math.max(r.current, r.baseline),
        text: delta,
        textAnchor: "start",
        dx: 4,
      }),
      options.legend
        ? Plot.text([options.legend], { frameAnchor: "top-left", dy: -22, fill: "#333", fontSize: 11 })
        : null,
      Plot.ruleX([0]),
    ],
  };
}

/** The workload figure. */
export function workloadFigure(rows: readonly WorkloadRow[], options: WorkloadOptions = {}): Figure {
  return Plot.plot(workloadSpec(rows, options));
}
