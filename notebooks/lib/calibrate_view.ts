/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The calibrate page's figures, each a function of cell values returning DOM (the page's cells
 * call them; the numbers come from src/). Plot figures are built by src/report. The first
 * screen's two (KPIs, score distribution) take the cell's previous node and update it in place
 * when they can, so a slider tick changes attributes and texts instead of building new DOM.
 */
import type { Model } from "../../src/contract/mod.ts";
import { type FrameCounts, frameCounts, type FrameLabels, type FrameName } from "../../src/evaluate/frames.ts";
import {
  bandChangeFigure,
  bandTransitions,
  categoryLabel,
  distributionCategories,
  extent,
  scoreHistogram,
  thresholdCurves,
  thresholdMetricsFigure,
  type ThresholdPoint,
  warningsCurveFigure,
  workloadFigure,
} from "../../src/report/mod.ts";
import type { ScoreFrame } from "../../src/simulate/mod.ts";
import { LiveDistribution } from "./live_distribution.ts";
import type { PageScores } from "./scoring.ts";
import { h, int, interval, kpi, pct } from "./ui.ts";

function delta(now: number, before: number): string {
  const d = now - before;
  return d === 0 ? "baseline unchanged" : `baseline ${int(before)} (${d > 0 ? "+" : ""}${int(d)})`;
}

const ratioText = (a: number, b: number) => (b === 0 ? "—" : pct(a / b));

/** A frame's labeled households: their positions, their labels, and a buffer for their bands. */
const labeledOnly = new WeakMap<FrameLabels, { at: Int32Array; labels: FrameLabels; band: Int8Array }>();

/**
 * `frameCounts` over the frame's labeled households only (a few thousand, not every household):
 * the same labeled, labeled-warning, true-positive and labeled-positive counts; its `households`
 * and `warnings` are of those households only.
 */
function labeledCounts(labels: FrameLabels, band: Int8Array): FrameCounts {
  let only = labeledOnly.get(labels);
  if (!only) {
    const at: number[] = [];
    for (let h = 0; h < labels.labeled.length; h++) if (labels.labeled[h]) at.push(h);
    const positions = Int32Array.from(at);
    only = {
      at: positions,
      labels: { labeled: new Uint8Array(at.length).fill(1), need: Uint8Array.from(at, (h) => labels.need[h]) },
      band: new Int8Array(at.length),
    };
    labeledOnly.set(labels, only);
  }
  for (let i = 0; i < only.at.length; i++) only.band[i] = band[only.at[i]];
  return frameCounts(only.labels, only.band);
}

/** A headline figure as {@link kpi} shows it. */
export type KpiFigure = Parameters<typeof kpi>;

/** The headline figures: warnings, precision and recall overall, and each frame's own figure. */
export function kpisOf(s: PageScores, base: PageScores, labels: Record<FrameName, FrameLabels>): KpiFigure[] {
  const o = s.overall;
  const counts = new Int32Array(s.bandIds.length);
  for (let h = 0; h < s.band.length; h++) if (s.band[h] >= 0) counts[s.band[h]]++;
  const perBand = s.bandIds.map((id, i) => `${id} ${int(counts[i])}`).join(" · ");
  const sv = labeledCounts(labels.survey, s.band), wf = labeledCounts(labels.warning, s.band);
  const ap = labeledCounts(labels.application, s.band);
  const figures: (KpiFigure | null)[] = [
    ["预警户数 Warnings", int(s.warnings), `${delta(s.warnings, base.warnings)} · ${perBand}`, "warnings"],
    [
      "精确率 Precision (all verified, = deno task evaluate)",
      pct(o.precision),
      `95% CI ${interval(o.precision_ci95)} · ${o.true_positives}/${o.labeled_warnings}`,
      "precision",
    ],
    [
      "召回率 Recall (all verified)",
      pct(o.recall),
      `coverage ${pct(o.coverage)} · ${o.true_positives}/${o.labeled_positives}`,
    ],
    [
      "预警核实 Warning frame",
      ratioText(wf.truePositives, wf.labeledWarnings),
      `precision among ${wf.labeledWarnings} verified warnings`,
    ],
    sv.labeled > 0
      ? [
        "样本村摸排 Survey frame",
        ratioText(sv.truePositives, sv.labeledWarnings),
        `precision ${sv.truePositives}/${sv.labeledWarnings} · recall ${
          ratioText(sv.truePositives, sv.labeledPositives)
        } (${sv.truePositives}/${sv.labeledPositives})`,
      ]
      : null,
    [
      "主动申请 Application frame",
      `${int(ap.labeledPositives - ap.truePositives)}`,
      `applicants in need the model does not warn (of ${int(ap.labeledPositives)})`,
    ],
  ];
  return figures.filter((x): x is KpiFigure => x !== null);
}

/** Sets a node's text only when it differs (the same text costs no re-layout). */
function text(node: Element | null, value: string | undefined): void {
  if (node && node.textContent !== (value ?? "")) node.textContent = value ?? "";
}

/**
 * The headline figures' row: `previous` updated in place when it shows the same figures (only
 * the texts that changed are set), else a new row.
 */
export function kpisView(figures: KpiFigure[], previous?: HTMLElement): HTMLElement {
  const same = previous?.childElementCount === figures.length && figures.every((f, i) => {
    const el = previous.children[i];
    return el.querySelector(".label")?.textContent === f[0] && (el.querySelector(".sub") !== null) === Boolean(f[2]) &&
      (el.querySelector(".value")?.getAttribute("data-testid") ?? undefined) === f[3];
  });
  if (!previous || !same) return h("div", {}, figures.map((f) => kpi(...f)));
  figures.forEach(([, value, sub], i) => {
    const el = previous.children[i];
    text(el.querySelector(".value"), value);
    text(el.querySelector(".sub"), sub);
  });
  return previous;
}

const lives = new WeakMap<HTMLElement, LiveDistribution>();

/**
 * The per-capita score histogram by management category, with the band cut-offs: the figure of
 * `scoreDistributionFigure`, drawn by {@link LiveDistribution} so that a tick moves the bars,
 * ticks and cut-offs of `previous` in place (same categories and width) instead of redrawing.
 */
export function distributionView(
  s: PageScores,
  frame: ScoreFrame,
  model: Model,
  width: number,
  previous?: HTMLElement,
): HTMLElement {
  const { bins } = scoreHistogram(s.perCapita, frame.categories);
  const categories = distributionCategories(bins);
  const live = previous && lives.get(previous);
  if (live && live.width === width && live.categories.join("\n") === categories.join("\n")) {
    live.update(bins, model.bands);
    return previous;
  }
  const fresh = new LiveDistribution(categories, width);
  fresh.update(bins, model.bands);
  const el = h("div", {}, h("h3", {}, "人均得分分布 Score distribution by management category"), fresh.element);
  lives.set(el, fresh);
  return el;
}

/** Precision, recall and warnings at each threshold, from a little below the lowest band to the top score. */
export function curvesOf(s: PageScores, model: Model, labels: Record<FrameName, FrameLabels>): ThresholdPoint[] {
  const frames = [];
  if (labels.survey.labeled.some((x) => x === 1)) frames.push({ name: "survey", labels: labels.survey, recall: true });
  frames.push({ name: "warning", labels: labels.warning, recall: false });
  const lowest = model.bands.at(-1)?.min;
  const [lo, hi] = extent(s.perCapita);
  const domain: [number, number] = [Math.max(lo, Math.min((lowest ?? lo) - 10, hi - 1)), hi];
  return thresholdCurves(s.perCapita, frames, { points: 120, domain });
}

/** Precision and recall against the threshold, with interval ribbons. */
export function thresholdsView(curves: ThresholdPoint[], model: Model, width: number): HTMLElement {
  return h(
    "div",
    {},
    h("h3", {}, "精确率 / 召回率 vs 预警线 Precision and recall against the threshold"),
    thresholdMetricsFigure(curves, { threshold: model.bands.at(-1)?.min, width }),
    h(
      "p",
      { class: "small muted" },
      "Recall only from the survey frame (fully surveyed sample villages); the warning frame only knows outcomes of households that were warned. Ribbons: 95% Wilson intervals.",
    ),
  );
}

/** Warnings against the threshold. */
export function warningsCurveView(curves: ThresholdPoint[], model: Model, width: number): HTMLElement {
  return h(
    "div",
    {},
    h("h3", {}, "预警户数 vs 预警线 Warnings against the threshold"),
    warningsCurveFigure(curves, { threshold: model.bands.at(-1)?.min, width }),
  );
}

/** Households moving between bands, baseline → adjusted. */
export function bandChangesView(base: PageScores, s: PageScores): HTMLElement {
  const cells = bandTransitions(base.band, s.band, s.bandIds);
  const moved = cells.filter((c) => c.from !== c.to).reduce((a, c) => a + c.count, 0);
  return h(
    "div",
    {},
    h("h3", {}, `谁换了档 Who changes band: ${int(moved)} households`),
    bandChangeFigure(cells, { bands: s.bandIds }),
  );
}

/** A workload bar chart (departments or villages), current against baseline. */
export function workloadView(
  title: string,
  rows: { name: string; current: number; baseline: number }[],
  width: number,
  options: { limit?: number; note?: string } = {},
): HTMLElement {
  return h(
    "div",
    {},
    h("h3", {}, title),
    workloadFigure(rows, { width: Math.min(width, 640), limit: options.limit }),
    options.note ? h("p", { class: "small muted" }, options.note) : null,
  );
}

/** The households changing band, largest score change first (first 100). */
export function changersView(s: PageScores, base: PageScores, f: ScoreFrame): HTMLElement {
  const rows: number[] = [];
  for (let i = 0; i < s.band.length; i++) if (s.band[i] !== base.band[i]) rows.push(i);
  rows.sort((a, b) => Math.abs(s.perCapita[b] - base.perCapita[b]) - Math.abs(s.perCapita[a] - base.perCapita[a]));
  const name = (b: number) => (b < 0 ? "—" : s.bandIds[b]);
  const head = ["户 Household", "村 Village", "类别 Category", "基线 Baseline", "现 Adjusted", "基线得分 Score before"];
  return h(
    "div",
    {},
    h("h3", {}, `换档名单 Households changing band (${int(rows.length)}; largest score change first, first 100)`),
    rows.length === 0 ? h("p", { class: "muted" }, "No household changes band.") : h(
      "table",
      { class: "grid" },
      h("thead", {}, h("tr", {}, [...head, "现得分 Score now"].map((t) => h("th", {}, t)))),
      h(
        "tbody",
        {},
        rows.slice(0, 100).map((i) =>
          h(
            "tr",
            {},
            h(
              "td",
              {},
              h("a", { href: `./household.html?id=${encodeURIComponent(f.householdIds[i])}` }, f.householdIds[i]),
            ),
            h("td", {}, f.villages[i] ?? ""),
            h("td", {}, categoryLabel(f.categories[i])),
            h("td", {}, name(base.band[i])),
            h("td", {}, name(s.band[i])),
            h("td", { class: "num" }, base.perCapita[i].toFixed(3)),
            h("td", { class: "num" }, s.perCapita[i].toFixed(3)),
          )
        ),
      ),
    ),
  );
}
