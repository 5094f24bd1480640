/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The calibrate notebook, as a graph of cells (lib/cells.ts): session → baseline → controls (a
 * view whose value is the adjusted model) → hit counts (SQL, only when a parameter changes) →
 * scores (the typed-array fast path) → figures. Moving a slider recomputes only what depends on it.
 */
import "./style.css";
import type { Model } from "../src/contract/mod.ts";
import { allFrameLabels, type FrameLabels, type FrameName } from "../src/evaluate/mod.ts";
import { departmentWorkload, routingOf, type RoutingTable, routingTableOf, workloadRule } from "../src/model/mod.ts";
import { departmentLabel, type ThresholdPoint, villageWarnings } from "../src/report/mod.ts";
import { notebook, view } from "./lib/cells.ts";
import {
  bandChangesView,
  changersView,
  curvesOf,
  distributionView,
  kpisOf,
  kpisView,
  thresholdsView,
  warningsCurveView,
  workloadView,
} from "./lib/calibrate_view.ts";
import { type ModelControls, modelControls } from "./lib/controls.ts";
import { stagedPageSession } from "./lib/page.ts";
import { type EvaluatedHits, hitsFor, type PageScores, parameterValues, scoreModel } from "./lib/scoring.ts";
import type { Session } from "./lib/session.ts";
import { save, suggestVersion, use } from "./lib/model_file.ts";
import { h, int, renderHeader } from "./lib/ui.ts";

renderHeader("calibrate");
const $ = (id: string) => document.getElementById(id)!;

/** The page's cells and their values. */
interface Cells {
  session: Session;
  baseline: Model;
  labels: Record<FrameName, FrameLabels>;
  departments: RoutingTable;
  baseScores: PageScores;
  baseDepartments: Int32Array;
  baseVillages: Map<string, number>;
  width: number;
  controls: ModelControls;
  model: Model;
  bandError: HTMLElement;
  adjusted: Model;
  evaluated: EvaluatedHits;
  scores: PageScores;
  warnings: number;
  overall: PageScores["overall"];
  kpis: HTMLElement;
  distribution: HTMLElement;
  curves: ThresholdPoint[];
  thresholds: HTMLElement;
  warningsCurve: HTMLElement;
  bandChanges: HTMLElement;
  workload: HTMLElement;
  villages: HTMLElement;
  changers: HTMLElement;
  toolbar: number;
  saving: Model;
  tick: string;
}
// Ready (for tests and the benchmark) once the figures are the live session's, validated in this browser.
const page = notebook<Cells>("calibrate", {
  readyWhen: { cell: "session", when: (s) => (s as Session).stage === "live" },
});
const { cell } = page;

// Inputs: the session (first the build's preview, then the live one), its baseline model, and what
// never changes while the page is open.
cell("session", [], async function* () {
  for await (const session of stagedPageSession(page.hook, page.drawn)) {
    $("model-label").textContent = `${session.model.id} ${session.model.version}${
      session.modelSource === "adjusted" ? " (adjusted)" : ""
    } · ${session.origin.label} · ${int(session.frame.size)} households`;
    yield session;
  }
});
cell("baseline", ["session"], (session) => session.model);
cell("labels", ["session"], (session) => allFrameLabels(session.frame.householdIds, session.verified));
// Departments by the model's routing rule (src/model/routing.ts), as `deno task audit` counts them.
cell("departments", ["baseline"], (baseline) => routingTableOf(routingOf(baseline.routing), baseline.indicators));
cell("baseScores", ["session", "baseline"], (session, baseline) => scoreModel(session, baseline));
cell(
  "baseDepartments",
  ["session", "baseScores", "departments"],
  (session, base, table) => departmentWorkload(table, session.frame, base.packed.weightedPoints, base.band),
);
cell(
  "baseVillages",
  ["session", "baseScores"],
  (session, base) => new Map(villageWarnings(session.frame.villages, base.band).map((r) => [r.village, r.warnings])),
);
cell("width", ["session", "baseline"], (_, baseline) => {
  ($("version") as HTMLInputElement).value = suggestVersion(baseline.version);
  $("toolbar").hidden = false;
  $("layout").hidden = false;
  return Math.max(420, ($("fig-distribution").clientWidth || 600) - 24);
});

// The controls: a view whose value is the adjusted model; undo and reset act on it. The preview's
// controls stay when the live session (of the same model) replaces it, with any moves made on them.
let controlsModel: string | undefined;
cell("controls", ["session", "baseline"], function (session, baseline) {
  if (this && controlsModel === session.modelSha256) return this;
  controlsModel = session.modelSha256;
  const controls = modelControls(baseline, session.compiled);
  $("undo").onclick = (e) => controls.undo(e);
  $("reset").onclick = (e) => controls.reset(e);
  return controls;
}, { show: "controls" });
cell("model", ["controls"], (controls) => view(controls));
cell("bandError", ["model"], function (model) {
  const bad = model.bands.findIndex((b, i) => i > 0 && !(b.min < model.bands[i - 1].min));
  const [b, above] = [model.bands[bad], model.bands[bad - 1]];
  const message = bad < 0 ? "" : `Bands out of order: ${b.id} (${b.min}) must be below ${above.id} (${above.min}).`;
  if (this && this.textContent === message) return this; // unchanged: nothing to lay out again
  return h("div", {}, message === "" ? null : h("div", { class: "error small" }, message));
}, { show: "band-error" });
// The model scored: the latest one whose bands are in order.
cell("adjusted", ["model", "baseline"], function (model, baseline) {
  const ordered = model.bands.every((b, i) => i === 0 || b.min < model.bands[i - 1].min);
  return ordered ? model : this ?? baseline;
});

// Scores: hit counts re-evaluated with SQL only when a parameter changes, then the fast path.
const evaluatedFor = new WeakMap<EvaluatedHits, Session>();
cell("evaluated", ["session", "adjusted"], async function (session, model) {
  const previous = this && evaluatedFor.get(this) === session
    ? this
    : { hits: session.hits, frame: session.frame, parameters: parameterValues(session.model) };
  const evaluated = await hitsFor(session, previous, model, (ids) => {
    $("timing").replaceChildren(h("span", { class: "spinner" }), ` 重新计算 Re-evaluating ${ids.join(", ")} (SQL)…`);
  });
  evaluatedFor.set(evaluated, session);
  return evaluated;
});
cell("scores", ["session", "evaluated", "adjusted"], function (session, evaluated, model) {
  return scoreModel({ ...session, frame: evaluated.frame }, model, this);
}, { compute: true });
cell("warnings", ["scores"], (s) => s.warnings);
cell("overall", ["scores"], (s) => s.overall);

// Figures. The first screen's (KPIs, distribution) are updated in place within the input's frame;
// those below it, and the curves only they read, redraw when the browser is next idle (in view) or
// once the slider pauses (out of view), so a slider move redraws and paints the first screen within
// one frame and the others follow.
const figure = { figure: true };
const below = { figure: true, later: "idle" } as const;
cell("kpis", ["scores", "baseScores", "labels"], function (s, base, labels) {
  return kpisView(kpisOf(s, base, labels), this);
}, { ...figure, show: "kpis" });
cell("distribution", ["scores", "evaluated", "adjusted", "width"], function (s, e, model, width) {
  return distributionView(s, e.frame, model, width, this);
}, { ...figure, show: "fig-distribution" });
cell("curves", ["scores", "adjusted", "labels"], curvesOf, { ...below, watch: ["fig-thresholds", "fig-warnings"] });
cell("thresholds", ["curves", "adjusted", "width"], thresholdsView, { ...below, show: "fig-thresholds" });
cell("warningsCurve", ["curves", "adjusted", "width"], warningsCurveView, { ...below, show: "fig-warnings" });
cell("bandChanges", ["baseScores", "scores"], bandChangesView, { ...below, show: "fig-changes" });
cell("workload", ["evaluated", "scores", "departments", "baseDepartments", "width"], (e, s, d, base, width) => {
  const counts = departmentWorkload(d, e.frame, s.packed.weightedPoints, s.band);
  const rows = d.departments.map((id, i) => ({ name: departmentLabel(id), current: counts[i], baseline: base[i] }));
  return workloadView("各部门派单 Warnings dispatched per department", rows, width, {
    note: `${workloadRule(d.routing)} Black tick: baseline.`,
  });
}, { ...below, show: "fig-departments" });
cell("villages", ["evaluated", "scores", "baseVillages", "width"], (e, s, base, width) => {
  const rows = villageWarnings(e.frame.villages, s.band).map((r) => ({
    name: r.village,
    current: r.warnings,
    baseline: base.get(r.village) ?? 0,
  }));
  return workloadView("各村预警 Warnings per village (top 25)", rows, width, { limit: 25 });
}, { ...below, show: "fig-villages" });
cell("changers", ["scores", "baseScores", "evaluated"], (s, base, e) => changersView(s, base, e.frame), {
  ...below,
  show: "changers",
});

// The toolbar and the save buttons follow the adjusted model.
cell("toolbar", ["controls", "model"], (controls) => {
  const n = controls.changeCount();
  ($("undo") as HTMLButtonElement).disabled = controls.undoSteps === 0;
  ($("reset") as HTMLButtonElement).disabled = n === 0;
  const text = n === 0
    ? "未修改 No changes from the baseline"
    : `${n} 项修改 change${n === 1 ? "" : "s"} from the baseline`;
  if ($("changes").textContent !== text) $("changes").textContent = text; // the same text: no re-layout
  return n;
});
cell("saving", ["session", "baseline", "adjusted"], (session, baseline, model) => {
  $("save").onclick = () => void save(session, baseline, model);
  $("use").onclick = () => void use(session, baseline, model);
  return model;
});

// One tick per input: the first screen's figures redrawn; its timing shown under the figures once
// the browser is idle (not in the tick's own frame).
const drawn = ["kpis", "distribution"] as const;
cell("tick", ["controls", ...drawn], () => `${page.hook.ticks.length}`);
page.tickOn("tick", () => (page.hook.values.controls as ModelControls | undefined)?.takeInputAt(), (t) => {
  const shown = () =>
    $("timing").textContent = `上次更新 Last update: re-score ${
      t.computeMs.toFixed(1)
    } ms (fast path, no SQL) + figures ${t.renderMs.toFixed(1)} ms; input → figures ${t.latencyMs.toFixed(0)} ms.`;
  if (typeof requestIdleCallback === "function") requestIdleCallback(shown, { timeout: 200 });
  else setTimeout(shown, 50);
});
