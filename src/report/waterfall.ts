/**
 * One household's per-capita score, line by line: each indicator's contribution divided by the
 * household size, as a waterfall from 0 to the per-capita score, with the band cut-offs.
 */
import * as Plot from "@observablehq/plot";
import type { BandCut } from "../model/scoring.ts";
import { documentOf, type Figure, type PlotDocument, positiveInteger } from "./_options.ts";
import { bandColor } from "./labels.ts";

/** One indicator's part in a household's score, as the waterfall reads it. */
export interface WaterfallInput {
  id: string;
  name?: string;
  name_zh?: string;
  /** The contribution to the household total (after the category weight). */
  points_total: number;
}

/** One step of the waterfall: where the running per-capita score starts and ends. */
export interface WaterfallStep {
  id: string;
  label: string;
  value: number;
  start: number;
  end: number;
  kind: "up" | "down" | "total";
}

/**
 * The steps: indicators with a non-zero contribution in model order, each contribution ÷ members,
 * then the per-capita total. The running sum adds the contributions in model order and divides
 * once at the end (scoring rule 5), so the total equals the score exactly.
 */
export function waterfallSteps(indicators: readonly WaterfallInput[], members: number): WaterfallStep[] {
  const steps: WaterfallStep[] = [];
  let total = 0;
  for (const ind of indicators) {
    if (ind.points_total === 0) continue;
    const start = total / members;
    total = total + ind.points_total;
    const end = total / members;
    const label = `${ind.id} ${ind.name_zh ?? ind.name ?? ""}`.trim();
    steps.push({
      id: ind.id,
      label,
      value: ind.points_total / members,
      start,
      end,
      kind: ind.points_total > 0 ? "up" : "down",
    });
  }
  const score = total / members;
  steps.push({ id: "total", label: "人均得分 Per-capita score", value: score, start: 0, end: score, kind: "total" });
  return steps;
}

/** Options of {@link waterfallFigure}. */
export interface WaterfallOptions {
  bands?: readonly BandCut[];
  width?: number;
  document?: PlotDocument;
}

/** Plot options: horizontal bars from start to end, green up, red down, dark total; band lines. */
export function waterfallSpec(steps: readonly WaterfallStep[], options: WaterfallOptions = {}): Plot.PlotOptions {
  const bands = options.bands ?? [];
  const colors = { up: "#59a14f", down: "#e15759", total: "#333" };
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(4)).toString());
  return {
    document: documentOf(options),
    width: positiveInteger(options.width, "width", 720),
    height: 40 + 22 * steps.length + 30,
    marginLeft: 230,
    marginRight: 60,
    x: { label: "人均得分 Per-capita score →", grid: true },
    y: { domain: steps.map((s) => s.label), label: null },
    marks: [
      Plot.barX(steps, { y: "label", x1: "start", x2: "end", fill: (s: WaterfallStep) => colors[s.kind] }),
      Plot.text(steps, {
        y: "label",
        x: (s: WaterfallStep) => Math.max(s.start, s.end),
        text: (s: WaterfallStep) => (s.kind === "total" ? fmt(s.value) : `${s.value > 0 ? "+" : ""}${fmt(s.value)}`),
        textAnchor: "start",
        dx: 4,
      }),
      Plot.ruleX([0]),
      Plot.ruleX(bands, {
        x: "min",
        stroke: (_b: BandCut, i: number) => bandColor(i, bands[i].id),
        strokeDasharray: "4,3",
      }),
      Plot.text(bands, {
        x: "min",
        frameAnchor: "bottom",
        dy: -2,
        text: (b: BandCut) => b.id,
        fill: (_b: BandCut, i: number) => bandColor(i, bands[i].id),
      }),
    ],
  };
}

/** The waterfall figure. */
export function waterfallFigure(steps: readonly WaterfallStep[], options: WaterfallOptions = {}): Figure {
  return Plot.plot(waterfallSpec(steps, options));
}
