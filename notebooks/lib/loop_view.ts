/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Drawing for the 闭环 Loop page: the figures of src/loop/figures.ts drawn with Plot in the page,
 * the headline figures, and the swimlane's stepper (a view: which case, which step). Every number
 * comes from src/loop's views; nothing is computed here.
 */
import * as Plot from "@observablehq/plot";
import type { Figure } from "../../src/loop/summary.ts";
import type { CaseTrace } from "../../src/loop/swimlane.ts";
import type { LoopViews } from "../../src/loop/views.ts";
import type { ViewElement } from "./cells.ts";
import { h, int, kpi, pct } from "./ui.ts";

/** A Plot figure with a caption. */
export function plotFigure(caption: string, options: Plot.PlotOptions, testId: string): HTMLElement {
  return h(
    "figure",
    { class: "figure", "data-testid": testId },
    h("figcaption", {}, caption),
    Plot.plot({ ...options, document }) as unknown as Node,
  );
}

const num = (f: Figure | undefined, digits = 1) => (f && f.mean !== null ? f.mean.toFixed(digits) : "—");
const share = (f: Figure | undefined) => (f && f.mean !== null ? pct(f.mean) : "—");

/** The headline: cases, cleared within the limit, waits, escalation, assistance against the pilot, time taken. */
export function headlineView(v: LoopViews, workerMs: number): HTMLElement {
  const o = v.json.overall, a = v.json.assistance;
  const w = a?.by_channel.warning;
  return h(
    "div",
    { class: "kpis", "data-testid": "loop-headline" },
    kpi(
      "立案 Cases a replication",
      num(o.cases_created, 0),
      `${int(v.json.warnings.households_per_year)} warnings a year`,
    ),
    kpi(
      "限时内销号 Cleared within the limit",
      share(o.cleared_within_limit),
      `${v.json.scenario.time_limit_days} days`,
    ),
    kpi(
      "平均等待 Mean wait per task",
      `${num(o.wait_days, 2)} d`,
      `waits ≤ 1 day ${share(o.share_wait_at_most_1_day)}`,
    ),
    kpi("督办 Escalated", num(o.escalated_cases, 0), `${num(o.escalated_to_office, 0)} tasks to the higher office`),
    w && a
      ? kpi(
        "帮扶人次 Person-times (warnings)",
        num(w.person_times, 0),
        `pilot ${a.pilot.person_times} · ${num(w.yuan, 0)} yuan (pilot ${int(a.pilot.yuan)})`,
      )
      : null,
    kpi(
      "模拟 Simulated",
      `${v.json.scenario.replications} × ${v.json.scenario.horizon_days} d`,
      `${(v.simulateMs / 1000).toFixed(2)} s in the worker · ${(workerMs / 1000).toFixed(2)} s in all`,
    ),
  );
}

/** Which case and which step of the swimlane. */
export interface SwimlanePick {
  trace: number;
  step: number;
}

/** The swimlane's stepper: a case picker and previous / next buttons (a view of {@link SwimlanePick}). */
export function swimlaneStepper(traces: readonly CaseTrace[]): ViewElement<SwimlanePick> {
  const pick: SwimlanePick = { trace: 0, step: 0 };
  const select = h(
    "select",
    { "data-control": "case", "aria-label": "case" },
    traces.map((t, i) =>
      h(
        "option",
        { value: String(i) },
        `${t.caseId} · ${t.channel}${t.band ? ` · ${t.band}` : ""} · ${t.steps.length} events`,
      )
    ),
  );
  const position = h("span", { class: "small muted", "data-testid": "swimlane-position" });
  const root = h("div", { class: "toolbar" }) as unknown as ViewElement<SwimlanePick>;
  const update = () => {
    const steps = traces[pick.trace]?.steps.length ?? 0;
    pick.step = Math.max(0, Math.min(steps - 1, pick.step));
    position.textContent = steps > 0 ? `step ${pick.step + 1} / ${steps}` : "no case";
    root.dispatchEvent(new Event("input"));
  };
  const move = (by: number) => () => {
    pick.step += by;
    update();
  };
  select.addEventListener("change", () => {
    pick.trace = Number(select.value);
    pick.step = 0;
    update();
  });
  root.append(
    h("label", {}, "案件 Case ", select),
    h("button", { onclick: move(-1), "data-control": "previous" }, "◀ 上一步 Previous"),
    h("button", { onclick: move(1), "data-control": "next" }, "下一步 Next ▶"),
    position,
  );
  Object.defineProperty(root, "value", { get: () => ({ ...pick }) });
  position.textContent = traces.length > 0 ? `step 1 / ${traces[0].steps.length}` : "no case";
  return root;
}
