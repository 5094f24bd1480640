/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The calibrate page's controls, generated from the model by one function, {@link modelControls}:
 * a slider for every band cut-off, category weight and indicator's points, a box for every
 * parameter, and a search box. The result is a view (see `cells.ts`): its `value` is the adjusted
 * model, and it fires `input` whenever that changes, so a cell reading it recomputes. It keeps its
 * own undo history, one step per gesture.
 */
import type { Model } from "../../src/contract/mod.ts";
import type { CompiledModel } from "../../src/model/mod.ts";
import type { ViewElement } from "./cells.ts";
import { h, show } from "./ui.ts";

/** The controls view: the adjusted model, with undo and reset. */
export interface ModelControls extends ViewElement<Model> {
  /** Undo steps available. */
  readonly undoSteps: number;
  /** Steps back one gesture; `event` (the click) times the tick. */
  undo(event?: Event): void;
  /** Back to the baseline (one undo step). */
  reset(event?: Event): void;
  /** Number of values that differ from the baseline. */
  changeCount(): number;
  /** The time stamp of the last input event, once (then undefined until the next input). */
  takeInputAt(): number | undefined;
}

/** One slider's model value: how to read and write it, and its baseline. */
interface Knob {
  id: string;
  label: (Node | string)[];
  min: number;
  max: number;
  step: number;
  get: (m: Model) => number;
  set: (m: Model, v: number) => void;
  search: string;
}

const name = (zh: string | undefined, en: string | undefined, id: string) => `${id} ${zh ?? ""} ${en ?? ""}`;

/** The knobs of a model: bands, category weights and each category's indicators' points, in that order. */
function knobsOf(model: Model): { bands: Knob[]; categories: { title: string; knobs: Knob[] }[] } {
  const bands = model.bands.map((band, i): Knob => ({
    id: `band:${band.id}`,
    label: [h("span", { class: "id" }, band.id), `${band.name_zh ?? ""} `, h("span", { class: "en" }, band.name ?? "")],
    min: Math.min(0, Math.floor(band.min - 20)),
    max: Math.ceil(band.min + 20),
    step: 0.25,
    get: (m) => m.bands[i].min,
    set: (m, v) => (m.bands[i].min = v),
    search: name(band.name_zh, band.name, band.id),
  }));
  const categories = model.categories.map((category, ci) => {
    const knobs: Knob[] = [{
      id: `weight:${category.id}`,
      label: [h("strong", {}, "权重 Weight "), h("span", { class: "en" }, `category ${category.id}`)],
      min: 0,
      max: Math.max(3, Math.ceil(category.weight * 2)),
      step: 0.05,
      get: (m) => m.categories[ci].weight,
      set: (m, v) => (m.categories[ci].weight = v),
      search: `${name(category.name_zh, category.name, category.id)} weight 权重`,
    }];
    model.indicators.forEach((ind, ii) => {
      if (ind.category !== category.id) return;
      const span = Math.max(10, Math.ceil(Math.abs(ind.points) * 2));
      knobs.push({
        id: `points:${ind.id}`,
        label: [
          h("span", { class: "id" }, ind.id),
          `${ind.name_zh ?? ""} `,
          h("span", { class: "en" }, `${ind.name ?? ""}${ind.otherwise ? ` · otherwise ${ind.otherwise}` : ""}`),
        ],
        min: -span,
        max: span,
        step: 0.5,
        get: (m) => m.indicators[ii].points,
        set: (m, v) => (m.indicators[ii].points = v),
        search: `${name(ind.name_zh, ind.name, ind.id)} ${ind.department ?? ""}`,
      });
    });
    return { title: `${category.name_zh ?? ""} ${category.name ?? category.id}`, knobs };
  });
  return { bands, categories };
}

/**
 * The controls of `baseline`: every weight, points, parameter and band. `compiled` names the
 * rules that read each parameter.
 */
export function modelControls(baseline: Model, compiled: Pick<CompiledModel, "indicators">): ModelControls {
  let current: Model = structuredClone(baseline);
  const history: string[] = [];
  let editing = false, inputAt: number | undefined;
  const refreshers: (() => void)[] = [];
  const root = h("div", { class: "model-controls" }) as unknown as ModelControls;

  const snapshot = () => {
    const s = JSON.stringify(current);
    if (history.at(-1) !== s) history.push(s);
  };
  const begin = () => {
    if (!editing) snapshot();
    editing = true;
  };
  const changed = (event?: Event) => {
    inputAt = event?.timeStamp ?? performance.now();
    // Controls inside fire their own (bubbling) input events; programmatic changes need one.
    if (!event || event.type !== "input") root.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const refresh = () => refreshers.forEach((r) => r());

  const slider = (knob: Knob): HTMLElement => {
    const value = knob.get(current), base = knob.get(baseline);
    const attrs = { min: knob.min, max: knob.max, step: knob.step, value, "data-id": knob.id };
    const range = h("input", { type: "range", ...attrs, "aria-label": knob.id });
    const box = h("input", { type: "number", step: knob.step, value, "data-id": knob.id });
    const row = h("div", { class: "slider", "data-search": knob.search.toLowerCase() }, [
      h("div", { class: "name" }, ...knob.label),
      range,
      box,
    ]);
    const mark = (v: number) => row.classList.toggle("changed", v !== base);
    for (const input of [range, box]) {
      input.addEventListener("input", (e) => {
        const v = Number(input.value);
        if (!Number.isFinite(v) || input.value === "") return e.stopPropagation();
        begin();
        (input === range ? box : range).value = String(v);
        knob.set(current, v);
        mark(v);
        changed(e);
      });
      input.addEventListener("change", () => (editing = false));
    }
    refreshers.push(() => {
      const v = knob.get(current);
      range.value = box.value = String(v);
      mark(v);
    });
    return row;
  };

  const parameter = (i: number): HTMLElement => {
    const p = baseline.parameters[i];
    const readers = compiled.indicators.filter((ind) => ind.parameters.includes(p.id)).map((ind) => ind.id);
    const box = h("input", { type: "number", value: p.value, step: "any", "data-id": `param:${p.id}` });
    const row = h(
      "div",
      { class: "slider", "data-search": name(p.name_zh, p.name, p.id).toLowerCase() },
      h(
        "div",
        { class: "name" },
        h("span", { class: "id" }, `$${p.id}`),
        `${p.name_zh ?? ""} `,
        h("span", { class: "en" }, `${p.name ?? ""} (${p.unit ?? ""}) · read by ${readers.join(", ") || "no rule"}`),
      ),
      box,
    );
    // A parameter re-evaluates rules with SQL: only on change (Enter or leaving the box), not per key.
    box.addEventListener("input", (e) => e.stopPropagation());
    box.addEventListener("change", (e) => {
      const v = Number(box.value);
      if (!Number.isFinite(v) || box.value === "") return;
      snapshot();
      current.parameters[i].value = v;
      row.classList.toggle("changed", v !== p.value);
      changed(e);
    });
    refreshers.push(() => {
      box.value = String(current.parameters[i].value);
      row.classList.toggle("changed", current.parameters[i].value !== p.value);
    });
    return row;
  };

  const knobs = knobsOf(baseline);
  const search = h("input", {
    type: "search",
    placeholder: "搜索指标 Search indicators (id, 中文, English)…",
    id: "search",
  });
  search.addEventListener("input", (e) => {
    e.stopPropagation();
    filter(root, search.value.trim().toLowerCase());
  });
  show(
    root,
    search,
    h(
      "details",
      { open: true },
      h("summary", {}, "预警线 Band cut-offs (per-capita score)"),
      knobs.bands.map(slider),
      h("div", { id: "band-error" }),
    ),
    baseline.parameters.length > 0
      ? h(
        "details",
        {},
        h("summary", {}, "参数 Parameters (re-evaluates the rules that read them)"),
        baseline.parameters.map((_, i) => parameter(i)),
      )
      : null,
    knobs.categories.map((c, ci) =>
      h("details", { class: "category", open: ci === 0 }, h("summary", {}, c.title), c.knobs.map(slider))
    ),
  );

  const count = (m: Model) => {
    let n = 0;
    m.categories.forEach((c, i) => (n += Number(c.weight !== baseline.categories[i].weight)));
    m.indicators.forEach((c, i) => (n += Number(c.points !== baseline.indicators[i].points)));
    m.parameters.forEach((c, i) => (n += Number(c.value !== baseline.parameters[i].value)));
    m.bands.forEach((c, i) => (n += Number(c.min !== baseline.bands[i].min)));
    return n;
  };
  return Object.defineProperties(root, {
    value: {
      get: () => structuredClone(current),
      set: (m: Model) => {
        current = structuredClone(m);
        refresh();
      },
    },
    undoSteps: { get: () => history.length },
    undo: {
      value: (event?: Event) => {
        let previous = history.pop();
        if (previous === JSON.stringify(current)) previous = history.pop();
        if (previous === undefined) return;
        current = JSON.parse(previous);
        refresh();
        changed(event);
      },
    },
    reset: {
      value: (event?: Event) => {
        snapshot();
        current = structuredClone(baseline);
        refresh();
        changed(event);
      },
    },
    changeCount: { value: () => count(current) },
    takeInputAt: {
      value: () => {
        const at = inputAt;
        inputAt = undefined;
        return at;
      },
    },
  });
}

/** Shows only the rows matching the search (and opens the categories that have some). */
function filter(root: HTMLElement, q: string): void {
  for (const row of root.querySelectorAll<HTMLElement>(".slider[data-search]")) {
    row.hidden = q !== "" && !row.dataset.search!.includes(q);
  }
  for (const d of root.querySelectorAll<HTMLDetailsElement>("details.category")) {
    const any = [...d.querySelectorAll<HTMLElement>(".slider")].some((r) => !r.hidden);
    d.hidden = q !== "" && !any;
    if (q !== "") d.open = true;
  }
}
