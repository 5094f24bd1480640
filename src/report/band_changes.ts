/** Who changes band: the matrix of households by baseline band (rows) and current band (columns). */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";
import { BAND_LABELS, labelText } from "./labels.ts";
import { type BandTransition, NO_BAND } from "./prepare.ts";

/** Options of {@link bandChangeFigure}. */
export interface BandChangeOptions {
  /** Band ids in model order (most severe first). */
  bands: readonly string[];
  /** Band ids of the columns when the current model's bands differ (default: `bands`). */
  columns?: readonly string[];
  /** Axis labels (default: baseline / adjusted). */
  xLabel?: string;
  yLabel?: string;
  width?: number;
  document?: PlotDocument;
}

/** Plot options: one cell per (baseline, current) pair; changed cells coloured, unchanged grey. */
export function bandChangeSpec(cells: readonly BandTransition[], options: BandChangeOptions): Plot.PlotOptions {
  const order = [...options.bands, NO_BAND];
  const columns = options.columns ? [...options.columns, NO_BAND] : order;
  const label = (b: string) => (b === NO_BAND ? labelText(BAND_LABELS.none) : b);
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 360),
    height: 60 + 34 * order.length,
    marginLeft: 90,
    marginTop: 40,
    padding: 0.05,
    x: { domain: columns, label: options.xLabel ?? "现模型 Adjusted →", axis: "top", tickFormat: label },
    y: { domain: order, label: options.yLabel ?? "基线 Baseline ↓", tickFormat: label },
    color: {
      type: "log",
      scheme: "oranges",
      domain: [1, Math.max(2, ...cells.filter((c) => c.from !== c.to).map((c) => c.count))],
    },
    marks: [
      Plot.cell(cells, {
        x: "to",
        y: "from",
        fill: (c: BandTransition) => (c.from === c.to || c.count === 0 ? null : c.count),
        stroke: "#ccc",
      }),
      Plot.cell(cells.filter((c) => c.from === c.to), { x: "to", y: "from", fill: "#eee", stroke: "#ccc" }),
      Plot.text(cells, { x: "to", y: "from", text: (c: BandTransition) => String(c.count), fill: "#111" }),
    ],
  };
}

/** The band change matrix figure. */
export function bandChangeFigure(cells: readonly BandTransition[], options: BandChangeOptions): Figure {
  return Plot.plot(bandChangeSpec(cells, options));
}
