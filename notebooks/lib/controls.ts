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

/** The adjusted model being edited, its undo history and the time of the last input. */
class Editing {
  current: Model;
  readonly history: string[] = [];
  readonly refreshers: (() => void)[] = [];
  inputAt: number | undefined;
  #gesture = false;
  constructor(readonly baseline: Model, readonly root: HTMLElement) {
    this.current = structuredClone(baseline);
  }
  /** Records the model before a change (once per state). */
  snapshot(): void {
    const s = JSON.stringify(this.current);
    if (this.history.at(-1) !== s) this.history.push(s);
  }
  /** One undo step per gesture: the state before a slider drag (or a typed value) starts. */
  begin(): void {
    if (!this.#gesture) this.snapshot();
    this.#gesture = true;
  }
  end(): void {
    this.#gesture = false;
  }
  /** The model changed: note when, and tell the view's readers (controls' own input events bubble). */
  changed(event?: Event): void {
    // The first input not yet drawn: events coalesced into one frame are timed from the earliest.
    this.inputAt ??= event?.timeStamp ?? performance.now();
    if (!event || event.type !== "input") this.root.dispatchEvent(new Event("input", { bubbles: true }));
  }
  refresh(): void {
    this.refreshers.forEach((r) => r());
  }
  /** Values that differ from the baseline. */
  changeCount(): number {
    const [m, b] = [this.current, this.baseline];
    let n = 0;
    m.categories.forEach((c, i) => (n += Number(c.weight !== b.categories[i].weight)));
    m.indicators.forEach((c, i) => (n += Number(c.points !== b.indicators[i].points)));
    m.parameters.forEach((c, i) => (n += Number(c.value !== b.parameters[i].value)));
    m.bands.forEach((c, i) => (n += Number(c.min !== b.bands[i].min)));
    return n;
  }
}

/** A labelled slider with a number box for one knob. */
function slider(state: Editing, knob: Knob): HTMLElement {
  const value = knob.get(state.current), base = knob.get(state.baseline);
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
      state.begin();
      (input === range ? box : range).value = String(v);
      knob.set(state.current, v);
      mark(v);
      state.changed(e);
    });
    input.addEventListener("change", () => state.end());
  }
  state.refreshers.push(() => {
    const v = knob.get(state.current);
    range.value = box.value = String(v);
    mark(v);
  });
  return row;
}

/** A number box for parameter `i`, naming the rules that read it. */
function parameterBox(state: Editing, i: number, compiled: Pick<CompiledModel, "indicators">): HTMLElement {
  const p = state.baseline.parameters[i];
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
    state.snapshot();
    state.current.parameters[i].value = v;
    row.classList.toggle("changed", v !== p.value);
    state.changed(e);
  });
  state.refreshers.push(() => {
    box.value = String(state.current.parameters[i].value);
    row.classList.toggle("changed", state.current.parameters[i].value !== p.value);
  });
  return row;
}

/**
 * The controls of `baseline`: every weight, points, parameter and band. `compiled` names the
 * rules that read each parameter.
 */
export function modelControls(baseline: Model, compiled: Pick<CompiledModel, "indicators">): ModelControls {
  const root = h("div", { class: "model-controls" }) as unknown as ModelControls;
  const state = new Editing(baseline, root);
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
      knobs.bands.map((k) => slider(state, k)),
      h("div", { id: "band-error" }),
    ),
    baseline.parameters.length > 0
      ? h(
        "details",
        {},
        h("summary", {}, "参数 Parameters (re-evaluates the rules that read them)"),
        baseline.parameters.map((_, i) => parameterBox(state, i, compiled)),
      )
      : null,
    knobs.categories.map((c, ci) =>
      h(
        "details",
        { class: "category", open: ci === 0 },
        h("summary", {}, c.title),
        c.knobs.map((k) => slider(state, k)),
      )
    ),
  );
  return Object.defineProperties(root, {
    value: {
      get: () => structuredClone(state.current),
      set: (m: Model) => {
        state.current = structuredClone(m);
        state.refresh();
      },
    },
    undoSteps: { get: () => state.history.length },
    undo: {
      value: (event?: Event) => {
        let previous = state.history.pop();
        if (previous === JSON.stringify(state.current)) previous = state.history.pop();
        if (previous === undefined) return;
        state.current = JSON.parse(previous);
        state.refresh();
        state.changed(event);
      },
    },
    reset: {
      value: (event?: Event) => {
        state.snapshot();
        state.current = structuredClone(baseline);
        state.refresh();
        state.changed(event);
      },
    },
    changeCount: { value: () => state.changeCount() },
    takeInputAt: {
      value: () => {
        const at = state.inputAt;
        state.inputAt = undefined;
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
