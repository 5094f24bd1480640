/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The 闭环 Loop page's scenario controls, as one view (lib/cells.ts): sliders for the staff of
 * every department, the time limits (overall and each stage limit), the batch schedule, the
 * application rate and the band cut-offs, and the number of replications. Its value is the raw
 * scenario object (src/loop's `scenarioOf` validates it, as for a scenario file); it changes when a
 * control is released (`change`), not on every step of a drag, so one run starts per gesture.
 */
import type { Scenario } from "../../src/loop/scenario.ts";
import { departmentLabel } from "../../src/report/labels.ts";
import type { ViewElement } from "./cells.ts";
import { h } from "./ui.ts";

/** A band of the model: id and cut-off. */
export interface BandKnob {
  id: string;
  min: number;
}

/** The days of `n` batches over the horizon: the base scenario's own days when `n` is its count, else evenly spread. */
export function batchDays(base: Scenario, n: number): number[] {
  if (n === base.discovery.batches.length) return base.discovery.batches.map((b) => b.day);
  return Array.from({ length: n }, (_, k) => Math.round((k * base.horizon_days) / n));
}

/** One labelled slider (with its value shown) whose value is read by `read`. */
function slider(
  label: string,
  id: string,
  attrs: { min: number; max: number; step: number; value: number },
): { row: HTMLElement; read: () => number } {
  const out = h("output", {}, String(attrs.value));
  const range = h("input", { type: "range", "data-control": id, "aria-label": id, ...attrs });
  range.addEventListener("input", () => (out.textContent = range.value));
  return {
    row: h("label", { class: "loop-slider" }, h("span", {}, label), range, out),
    read: () => Number(range.value),
  };
}

/** The controls for `base` (the demo scenario, departments completed for the data) and the model's bands. */
export function scenarioControls(base: Scenario, bands: readonly BandKnob[]): ViewElement<unknown> {
  const staff = base.departments.map((d) =>
    slider(`${departmentLabel(d.id)} 人员 staff`, `staff:${d.id}`, {
      min: 1,
      max: Math.max(20, 3 * d.staff),
      step: 1,
      value: d.staff,
    })
  );
  const stage = base.departments.flatMap((d) =>
    d.time_limit_days === undefined ? [] : [{
      id: d.id,
      ...slider(`${departmentLabel(d.id)} 环节时限 stage limit (days)`, `stage:${d.id}`, {
        min: 1,
        max: 30,
        step: 1,
        value: d.time_limit_days,
      }),
    }]
  );
  const limit = slider("总时限 Time limit (days)", "time_limit_days", {
    min: 1,
    max: 60,
    step: 1,
    value: base.time_limit_days,
  });
  const batches = slider("预警批次 Warning batches a year", "batches", {
    min: 0,
    max: 12,
    step: 1,
    value: base.discovery.batches.length,
  });
  const split = h("input", { type: "checkbox", "data-control": "split" });
  split.checked = base.discovery.warnings === "split";
  const rate = slider("日均申请 Applications per day", "applications_per_day", {
    min: 0,
    max: 10,
    step: 0.1,
    value: base.discovery.applications_per_day,
  });
  const cuts = bands.map((b) => ({
    id: b.id,
    ...slider(`${b.id} 档下限 band cut-off`, `band:${b.id}`, {
      min: Math.floor(b.min - 6),
      max: Math.ceil(b.min + 6),
      step: 0.1,
      value: base.bands?.[b.id] ?? b.min,
    }),
  }));
  const replications = slider("重复次数 Replications", "replications", {
    min: 1,
    max: 100,
    step: 1,
    value: base.replications,
  });
  const root = h(
    "div",
    { class: "loop-controls" },
    h("fieldset", {}, h("legend", {}, "部门人员 Staff per department"), staff.map((s) => s.row)),
    h(
      "fieldset",
      {},
      h("legend", {}, "时限 Time limits"),
      limit.row,
      stage.map((s) => s.row),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "发现 Discovery"),
      batches.row,
      h("label", { class: "small" }, split, " 预警户分批进入 each warned household enters in one batch (split)"),
      rate.row,
    ),
    h("fieldset", {}, h("legend", {}, "预警分档 Band cut-offs (per-capita score)"), cuts.map((c) => c.row)),
    h("fieldset", {}, h("legend", {}, "模拟 Simulation"), replications.row),
  ) as unknown as ViewElement<unknown>;
  const value = () => ({
    ...base,
    replications: replications.read(),
    time_limit_days: limit.read(),
    discovery: {
      ...base.discovery,
      batches: batchDays(base, batches.read()).map((day) => ({ day })),
      warnings: split.checked ? "split" : "every_batch",
      applications_per_day: rate.read(),
    },
    departments: base.departments.map((d, i) => {
      const s = stage.find((x) => x.id === d.id);
      return { ...d, staff: staff[i].read(), ...(s ? { time_limit_days: s.read() } : {}) };
    }),
    bands: Object.fromEntries(cuts.map((c) => [c.id, c.read()])),
  });
  Object.defineProperty(root, "value", { get: value });
  // One new value per gesture: the inner controls' input events stop here; a change re-announces it.
  // (Added before the view's own listener, so stopImmediatePropagation keeps it from the view.)
  root.addEventListener("input", (e) => {
    if (e.target !== root) e.stopImmediatePropagation();
  });
  root.addEventListener("change", () => root.dispatchEvent(new Event("input")));
  return root;
}
