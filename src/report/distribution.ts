/** The score distribution by management category, with the band cut-offs as vertical lines. */
import * as Plot from "@observablehq/plot";
import { ownValue } from "../base/lookup.ts";
import type { BandCut } from "../model/scoring.ts";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";
import { bandColor, CATEGORY_COLORS, CATEGORY_ORDER, categoryLabel } from "./labels.ts";
import type { ScoreBin } from "./prepare.ts";

const defaults = { width: 720, height: 300 };

/** Options of {@link scoreDistributionFigure}. */
export interface ScoreDistributionOptions {
  bands?: readonly BandCut[];
  width?: number;
  height?: number;
  /** Render into this document (a server-side one for SVG files); the page's by default. */
  document?: PlotDocument;
}

/** The categories of the bins, stacked in this order: contract order first, then any other in order of appearance. */
export function distributionCategories(bins: readonly ScoreBin[]): string[] {
  const categories: string[] = CATEGORY_ORDER.filter((c) => bins.some((b) => b.category === c));
  for (const b of bins) if (!categories.includes(b.category)) categories.push(b.category);
  return categories;
}

/** The figure's colour scale (and legend): each category's fixed colour, grey for an unknown one. */
export function distributionColor(categories: readonly string[]): {
  domain: string[];
  range: string[];
  tickFormat: (category: string) => string;
} {
  return {
    domain: [...categories],
    range: categories.map((c) => ownValue(CATEGORY_COLORS, c) ?? "#9d9d9d"),
    tickFormat: categoryLabel,
  };
}

/** The Plot options of the figure: stacked bins by category, band lines labelled with their id and min. */
export function scoreDistributionSpec(
  bins: readonly ScoreBin[],
  options: ScoreDistributionOptions = {},
): Plot.PlotOptions {
  const bands = options.bands ?? [];
  const categories = distributionCategories(bins);
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", defaults.width),
    height: positiveInteger(options.height, "height", defaults.height),
    marginLeft: 50,
    x: { label: "人均得分 Per-capita score →" },
    y: { label: "↑ 户数 Households", grid: true },
    color: { ...distributionColor(categories), legend: options.document === undefined },
    marks: [
      Plot.rectY(
        bins,
        Plot.stackY({ x1: "x0", x2: "x1", y: "count", fill: "category", order: categories, inset: 0.5 }),
      ),
      Plot.ruleY([0]),
      Plot.ruleX(bands, { x: "min", stroke: (_d: BandCut, i: number) => bandColor(i, bands[i].id), strokeWidth: 2 }),
      // One label per band, each a line lower, so labels of close cut-offs do not overlap.
      ...bands.map((b, i) =>
        Plot.text([b], {
          x: "min",
          frameAnchor: "top",
          dy: 2 + 12 * i,
          dx: 4,
          textAnchor: "start",
          text: (d: BandCut) => `${d.id} ≥ ${d.min}`,
          fill: bandColor(i, b.id),
        })
      ),
    ],
  };
}

/** The figure element (SVG, or a figure with an HTML legend in a page). */
export function scoreDistributionFigure(bins: readonly ScoreBin[], options: ScoreDistributionOptions = {}): Figure {
  return Plot.plot(scoreDistributionSpec(bins, options));
}
