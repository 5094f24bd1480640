/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The 闭环 Loop page, as a graph of cells (lib/cells.ts): session → the population (src/evaluate)
 * → the base scenario (scenarios/demo.json, completed with any department the model's routing
 * reaches that it does not list) → the controls (a view: the raw scenario) → the loop's input
 * (src/loop: `scenarioOf`, `prepareLoop`) → the run in a Web Worker (lib/loop_worker.ts, with
 * progress) → the figures (src/loop/figures.ts) and the swimlane of one case (src/loop/swimlane.ts),
 * stepped by a view. Every number comes from src/loop; the page only draws.
 */
import "./style.css";
import demoScenario from "../scenarios/demo.json" with { type: "json" };
import { InputError, type Problem } from "../src/contract/mod.ts";
import { type Population, populationOf } from "../src/evaluate/population.ts";
import { routingOf } from "../src/model/mod.ts";
import {
  backlogPlot,
  clearedPlot,
  delayPlot,
  fundsPlot,
  queuePlot,
  swimlanePlot,
  yuanPlot,
} from "../src/loop/figures.ts";
import { prepareLoop } from "../src/loop/prepare.ts";
import { type Scenario, scenarioOf } from "../src/loop/scenario.ts";
import { swimlaneAt } from "../src/loop/swimlane.ts";
import type { LoopRequest, LoopViews } from "../src/loop/views.ts";
import { notebook, view, type ViewElement } from "./lib/cells.ts";
import { scenarioControls } from "./lib/loop_controls.ts";
import { LoopRunner } from "./lib/loop_run.ts";
import { headlineView, plotFigure, type SwimlanePick, swimlaneStepper } from "./lib/loop_view.ts";
import { openPageSession } from "./lib/page.ts";
import type { Session } from "./lib/session.ts";
import { h, problemList, renderHeader } from "./lib/ui.ts";

renderHeader("loop");
const $ = (id: string) => document.getElementById(id)!;

const SCENARIO_FILE = "scenarios/demo.json";

/** The base scenario and the departments the page added to it. */
interface Base {
  scenario: Scenario;
  added: string[];
}

/** A run of the worker, or why the scenario cannot run. */
type Run = { views: LoopViews; workerMs: number; problems?: undefined } | { problems: Problem[]; views?: undefined };

/** The page's cells and their values. */
interface Cells {
  session: Session;
  population: Population;
  base: Base;
  controls: ViewElement<unknown>;
  raw: unknown;
  request: { request: LoopRequest; problems?: undefined } | { problems: Problem[]; request?: undefined };
  run: Run;
  problems: HTMLElement;
  headline: HTMLElement;
  queueFigure: HTMLElement;
  backlogFigure: HTMLElement;
  clearedFigure: HTMLElement;
  fundsFigure: HTMLElement;
  yuanFigure: HTMLElement;
  delayFigure: HTMLElement;
  stepper: ViewElement<SwimlanePick>;
  pick: SwimlanePick;
  swimlane: HTMLElement;
}
const page = notebook<Cells>("loop");
const { cell } = page;
const runner = new LoopRunner();
let inputAt: number | undefined;

cell("session", [], async () => {
  const { session, progress } = await openPageSession(page.hook);
  progress.done();
  return session;
});
cell(
  "population",
  ["session"],
  (s) => populationOf(s.frame, s.compiled.coefficients, s.compiled.bands, routingOf(s.model.routing)),
  { compute: true },
);

// The demo scenario; a department the routing reaches that it does not list gets 5 staff, 2 days on average.
cell("base", ["population"], (population) => {
  const scenario = scenarioOf(demoScenario, SCENARIO_FILE);
  const listed = new Set(scenario.departments.map((d) => d.id));
  const added = population.departments.filter((d) => !listed.has(d));
  for (const id of added) {
    scenario.departments.push({
      id,
      staff: 5,
      service_days: { dist: "exponential", mean: 2 },
      discipline: "fcfs",
      transfer_probability: 0,
    });
  }
  $("scenario-note").textContent = `Starting from ${SCENARIO_FILE}` +
    (added.length > 0 ? `; added (5 staff, 2 days on average): ${added.join(", ")}` : "") +
    ". Durations in days; a slider takes effect when released.";
  return { scenario, added };
});
cell("controls", ["session", "base"], (session, base) => {
  const controls = scenarioControls(base.scenario, session.compiled.bands.map((b) => ({ id: b.id, min: b.min })));
  controls.addEventListener("input", () => (inputAt = performance.now()));
  return controls;
}, { show: "controls" });
cell("raw", ["controls"], (controls) => view(controls));

cell("request", ["session", "population", "raw"], (session, population, raw) => {
  try {
    const scenario = scenarioOf(raw, `${SCENARIO_FILE} (page)`);
    const prepared = prepareLoop(
      population,
      session.model,
      scenario,
      `${SCENARIO_FILE} (page)`,
      session.verified.length > 0 ? session.verified : null,
    );
    const { clock: _clock, ...input } = prepared.input;
    return {
      request: {
        ...input,
        context: {
          scenarioFile: `${SCENARIO_FILE} (page)`,
          model: { id: session.model.id, version: session.model.version, sha256: session.modelSha256 },
          data: { folder: session.report.folder, digest: session.report.digest },
          bandIds: prepared.bandIds,
          warnedByBand: prepared.warnedByBand,
          verification: prepared.verification,
        },
      },
    };
  } catch (error) {
    if (error instanceof InputError) return { problems: error.problems };
    throw error;
  }
}, { compute: true });

cell("run", ["request"], async ({ request, problems }) => {
  const status = $("run-progress");
  if (!request) return { problems };
  const bar = h("progress", { max: request.scenario.replications, value: 0 });
  const text = h("span", {}, ` 0 / ${request.scenario.replications} replications`);
  status.replaceChildren(h("span", {}, "模拟中 Simulating "), bar, text);
  const done = await runner.run(request, (n, total) => {
    bar.value = n;
    text.textContent = ` ${n} / ${total} replications`;
  });
  status.textContent = `✓ ${request.scenario.replications} replications × ${request.scenario.horizon_days} days: ${
    (done.views.simulateMs / 1000).toFixed(2)
  } s in the worker`;
  return done;
}, { compute: true });
page.tickOn("headline", () => {
  const t = inputAt;
  inputAt = undefined;
  return t;
});

cell("problems", ["run"], (run) =>
  run.problems
    ? h(
      "div",
      {},
      h("div", { class: "error" }, "This scenario cannot run:"),
      problemList(run.problems),
    )
    : h("div", {}), { show: "problems" });

/** A figure cell: drawn from the run's views, empty when the scenario cannot run. */
const figureCell = (
  name: "queueFigure" | "backlogFigure" | "clearedFigure" | "fundsFigure" | "yuanFigure" | "delayFigure",
  show: string,
  draw: (v: LoopViews, width: number) => HTMLElement | null,
) =>
  cell(name, ["run"], (run) => {
    const width = Math.min(900, $(show).clientWidth || 760);
    return (run.views && draw(run.views, width)) || h("div", {});
  }, { show, figure: true });

cell("headline", ["run"], (run) => (run.views ? headlineView(run.views, run.workerMs) : h("div", {})), {
  show: "headline",
});
figureCell(
  "queueFigure",
  "fig-queue",
  (v, w) =>
    plotFigure(
      "排队长度 Tasks waiting per department by day: mean (line), 5–95% of replications (band)",
      queuePlot(v.queue, v.unit, w),
      "fig-queue",
    ),
);
figureCell(
  "backlogFigure",
  "fig-backlog",
  (v, w) =>
    plotFigure(
      "积压 Backlog: cases open by day, mean and 5–95% of replications",
      backlogPlot(v.backlog, v.unit, w),
      "fig-backlog",
    ),
);
figureCell(
  "clearedFigure",
  "fig-cleared",
  (v, w) =>
    plotFigure(
      "限时内销号 Share cleared within the limit: overall, department, band, channel, assistance type (95% intervals)",
      clearedPlot(v.cleared, w),
      "fig-cleared",
    ),
);
figureCell("fundsFigure", "fig-funds", (v, w) =>
  v.funds.length === 0 ? null : plotFigure(
    `帮扶人次 Person-times a year by type, warning channel, against the pilot's 404 person-times and 1,192,000 yuan`,
    fundsPlot(v.funds, w),
    "fig-funds",
  ));
figureCell("yuanFigure", "fig-yuan", (v, w) =>
  v.yuan.length === 0 ? null : plotFigure(
    "帮扶金额 Yuan a year by type, warning channel; the total against the pilot's 1,192,000 yuan",
    yuanPlot(v.yuan, w),
    "fig-yuan",
  ));
figureCell("delayFigure", "fig-delay", (v, w) =>
  v.delay.length === 0 ? null : plotFigure(
    "帮扶时效 Time to assistance: share of deliveries per day from the case's creation",
    delayPlot(v.delay, v.unit, w),
    "fig-delay",
  ));

cell("stepper", ["run"], (run) => swimlaneStepper(run.views?.traces ?? []), { show: "stepper" });
cell("pick", ["stepper"], (stepper) => view(stepper));
cell("swimlane", ["run", "pick"], (run, pick) => {
  const trace = run.views?.traces[pick.trace];
  if (!trace || trace.steps.length === 0) return h("p", { class: "muted" }, "No case to show.");
  const lane = swimlaneAt(trace, pick.step);
  const s = lane.current;
  return h(
    "div",
    { "data-testid": "swimlane", "data-step": String(lane.step) },
    h(
      "p",
      { class: "small", "data-testid": "swimlane-event" },
      `day ${s.day.toFixed(2)} · ${s.event}${s.department ? ` · ${s.department}` : ""} · due day ${
        trace.due.toFixed(2)
      }`,
    ),
    plotFigure(
      `${trace.caseId}`,
      swimlanePlot(lane, trace, Math.min(900, $("swimlane").clientWidth || 760)),
      "fig-swimlane",
    ),
  );
}, { show: "swimlane", figure: true });
