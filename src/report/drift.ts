/** Batch-to-batch drift: the population stability index (PSI) of each indicator's firing rate. */
import * as Plot from "@observablehq/plot";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";

/** One bar: an indicator (its label may carry the two rates) and its PSI. */
export interface PsiPoint {
  label: string;
  psi: number;
}

/** Options of {@link psiFigure}. */
export interface PsiOptions {
  width?: number;
  document?: PlotDocument;
}

/** The colour of a PSI by its verdict: stable green, moderate orange, major red. */
function psiColor(r: PsiPoint): string {
  return r.psi >= 0.25 ? "#d62728" : r.psi >= 0.1 ? "#f28e2b" : "#59a14f";
}

/** Plot options: PSI bars with the 0.1 and 0.25 verdict lines dashed. */
export function psiSpec(rows: readonly PsiPoint[], options: PsiOptions = {}): Plot.PlotOptions {
  const labels = rows.map((r) => r.label);
  const max = Math.max(0.3, ...rows.map((r) => r.psi));
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 640),
    height: 50 + 16 * Math.max(1, labels.length),
    marginLeft: 260,
    marginRight: 30,
    x: { label: "PSI →", domain: [0, max * 1.05], grid: true },
    y: { domain: labels, label: null },
    marks: [
      Plot.barX(rows, { y: "label", x: "psi", fill: psiColor }),
      Plot.ruleX([0.1], { stroke: "#f28e2b", strokeDasharray: "4,3" }),
      Plot.ruleX([0.25], { stroke: "#d62728", strokeDasharray: "4,3" }),
      Plot.ruleX([0]),
    ],
  };
}

/** The PSI figure. */
export function psiFigure(rows: readonly PsiPoint[], options: PsiOptions = {}): Figure {
  return Plot.plot(psiSpec(rows, options));
}
