/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * A page as a graph of named cells on Observable's runtime (`@observablehq/runtime`, the engine of
 * Observable notebooks, bundled: nothing is fetched). Each cell names its inputs; the runtime
 * recomputes a cell when an input changes, in dependency order, once per animation frame. A
 * slider becomes a redrawn chart like this: the control's `input` event → its view cell
 * ({@link view}) yields a new value → every cell reading it (scores, then figures) recomputes →
 * a cell with `show` puts its DOM value into its container.
 *
 * ```ts
 * const page = notebook<{ n: number; doubled: number; figure: HTMLElement }>("example");
 * page.cell("n", [], () => view(slider)); // an input element whose value is a cell
 * page.cell("doubled", ["n"], (n) => 2 * n);
 * page.cell("figure", ["doubled"], (d) => h("p", {}, String(d)), { show: "figure", figure: true });
 * ```
 *
 * Every page exposes ONE test hook, {@link NotebookHook}, at `globalThis.__notebook`, derived from
 * the graph: every cell's latest value, `ready` once every cell has settled, and the tick timings.
 */
import { Runtime } from "@observablehq/runtime";
import type { NotebookHook, Tick } from "./hook.ts";
import { fail } from "./ui.ts";

export type { NotebookHook, Tick } from "./hook.ts";

/** The values of the named inputs `I` of a page whose cells have values `V`. */
type Inputs<V, I extends readonly (keyof V)[]> = { [j in keyof I]: V[I[j]] };

/** What a cell's definition may return: a value, a promise of one, or a generator of values (a view). */
type Output<T> = T | Promise<T> | AsyncGenerator<T> | Generator<T | Promise<T>>;

/** How a cell takes part in the page. */
export interface CellOptions {
  /** Id of the element its value (a DOM node) replaces the children of. */
  show?: string;
  /** Its time counts as drawing (`renderMs`). */
  figure?: boolean;
  /** Its time counts as computing (`computeMs`). */
  compute?: boolean;
  /**
   * When a recomputation runs once the page is ready: `out-of-view` — at once while the cell's
   * `show` element is in view, else later; `idle` — always later, so a slider's first-screen
   * figures are redrawn (and painted) within the input's frame and the others follow. Later means
   * when the browser is next idle (within ~100 ms) while the element is in view, and once the
   * inputs have settled ({@link SETTLE_MS} without a newer change) while it is out of view: a drag
   * does not redraw, at every step, figures nobody sees. Its time then counts in `parts` only.
   */
  later?: "out-of-view" | "idle";
  /** For `later`: the elements whose view decides (any in view counts); the `show` element by default. */
  watch?: string[];
}

/** The page's graph: define cells with {@link Notebook.cell}. */
export interface Notebook<V> {
  readonly hook: NotebookHook;
  /**
   * Defines the cell `name` from the cells `inputs`. `value` is called with their values (and with
   * `this` = the cell's previous value) whenever one of them changes.
   */
  cell<N extends keyof V & string, const I extends readonly (keyof V & string)[]>(
    name: N,
    inputs: I,
    value: (this: V[N] | undefined, ...inputs: Inputs<V, I>) => Output<V[N]>,
    options?: CellOptions,
  ): void;
  /**
   * Records a {@link Tick} each time cell `name` settles after an input: `since()` gives the input
   * event's time (undefined when the recomputation was not caused by one); `then` sees the tick.
   */
  tickOn(name: keyof V & string, since: () => number | undefined, then?: (tick: Tick) => void): void;
  /** Settles when every cell has settled the first time (the first figures are in the page). */
  readonly drawn: Promise<void>;
}

/** How a page's readiness is decided. */
export interface NotebookOptions<V> {
  /**
   * `ready` waits until cell `cell` holds a value for which `when` is true and every cell after
   * it has settled again (a preview first, the validated figures later); without it, `ready` is
   * the first time every cell has settled.
   */
  readyWhen?: { cell: keyof V & string; when: (value: unknown) => boolean };
}

/**
 * Whether a cell's error is news: not one passed on from an input (the runtime wraps those as
 * `RuntimeError`s naming the input) and not a session failure (the page's opening shows those).
 */
function shouldShow(error: unknown): boolean {
  const e = error as { name?: string; input?: unknown } | null;
  return !(e?.name === "RuntimeError" && e.input !== undefined) && e?.name !== "SessionError";
}

/** Opens the page's graph and installs its hook. */
export function notebook<V>(page: string, options: NotebookOptions<V> = {}): Notebook<V> {
  const start = performance.now();
  const runtime = new Runtime();
  const module = runtime.module();
  const hook: NotebookHook = { page, ready: false, values: {}, errors: {}, ticks: [], parts: {} };
  (globalThis as Record<string, unknown>).__notebook = hook;
  const pending = new Set<string>();
  const settled = new Set<string>();
  const figures = new Set<string>(), computes = new Set<string>();
  let tickCell: { name: string; since: () => number | undefined; then?: (tick: Tick) => void } | undefined;
  let round = { compute: 0, render: 0 };
  const inputsOf = new Map<string, readonly string[]>();
  let gateOpen = options.readyWhen === undefined;
  let markDrawn!: () => void;
  const drawn = new Promise<void>((ok) => (markDrawn = ok));

  /** The cells that read `name`, directly or not. */
  const downstream = (name: string): Set<string> => {
    const out = new Set<string>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const [cell, inputs] of inputsOf) {
        if (out.has(cell) || !inputs.some((i) => i === name || out.has(i))) continue;
        out.add(cell);
        grew = true;
      }
    }
    return out;
  };
  const openGate = (name: string, value: unknown) => {
    if (gateOpen || options.readyWhen?.cell !== name || !options.readyWhen.when(value)) return;
    gateOpen = true;
    for (const cell of downstream(name)) settled.delete(cell); // they recompute on the new value
  };

  const settle = (name: string) => {
    settled.add(name);
    if (hook.ready || ![...pending].every((n) => settled.has(n))) return;
    if (hook.firstChartMs === undefined) {
      hook.firstChartMs = performance.now() - start;
      markDrawn();
    }
    if (gateOpen) {
      hook.readyMs = performance.now() - start;
      hook.ready = true;
    }
  };

  const observer = (name: string, options: CellOptions) => ({
    fulfilled(value: unknown) {
      hook.values[name] = value;
      delete hook.errors[name];
      openGate(name, value);
      if (options.show) {
        const el = document.getElementById(options.show);
        // A cell that returns its previous node (nothing changed) costs the page no re-layout.
        const same = el?.childNodes.length === 1 && el.firstChild === value;
        if (el && !same) el.replaceChildren(...(value instanceof Node ? [value] : []));
      }
      if (tickCell?.name === name) recordTick();
      settle(name);
    },
    rejected(error: unknown) {
      hook.errors[name] = String((error as Error)?.message ?? error);
      if (shouldShow(error)) {
        const box = document.getElementById("error");
        if (box) fail(box, error);
      }
      settle(name);
    },
  });

  function recordTick(): void {
    const since = tickCell!.since();
    if (since !== undefined && hook.ready) {
      const tick: Tick = { computeMs: round.compute, renderMs: round.render, latencyMs: performance.now() - since };
      hook.ticks.push(tick);
      // Cells compute in an animation-frame callback: a task queued now runs once the frame is painted.
      setTimeout(() => (tick.paintedMs = performance.now() - since), 0);
      tickCell!.then?.(tick);
    }
    round = { compute: 0, render: 0 };
  }

  return {
    hook,
    drawn,
    cell(name, inputs, value, options = {}) {
      pending.add(name);
      inputsOf.set(name, inputs);
      if (options.figure) figures.add(name);
      if (options.compute) computes.add(name);
      let later = false;
      const timed = timedDefinition(value as unknown as Definition, (ms) => {
        hook.parts[name] = ms;
        if (later) return;
        if (figures.has(name)) round.render += ms;
        if (computes.has(name)) round.compute += ms;
      });
      const definition = options.later
        ? deferred(timed, options.later, options.watch ?? [options.show], () => hook.ready, (v) => (later = v))
        : timed;
      module.variable(observer(name, options)).define(name, [...inputs], definition);
    },
    tickOn(name, since, then) {
      tickCell = { name, since, then };
    },
  };
}

type Definition = (this: unknown, ...inputs: unknown[]) => unknown;

/** How long a figure out of view waits for its inputs to settle before it is redrawn, ms. */
export const SETTLE_MS = 250;

/**
 * The definition, run at once before the page is ready (and, for `out-of-view`, while one of the
 * elements `ids` is in view), else later: when the browser is next idle while one is in view,
 * once no newer call came for {@link SETTLE_MS} while none is. A call superseded meanwhile returns
 * the previous value unrun.
 */
function deferred(
  value: Definition,
  mode: "out-of-view" | "idle",
  ids: (string | undefined)[],
  ready: () => boolean,
  deferred: (later: boolean) => void,
): Definition {
  const els = ids.map((id) => (id ? document.getElementById(id) : null)).filter((el) => el !== null);
  const inView = new Set<Element>(els);
  let visible = true, latest = 0;
  if (els.length > 0 && typeof IntersectionObserver === "function") {
    const observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) inView.add(e.target);
        else inView.delete(e.target);
      }
      visible = inView.size > 0;
    });
    els.forEach((el) => observer.observe(el));
  }
  const idle = (f: () => void) =>
    typeof requestIdleCallback === "function" ? requestIdleCallback(f, { timeout: 100 }) : setTimeout(f, 16);
  return function (this: unknown, ...args: unknown[]) {
    const call = ++latest;
    if (!ready() || (mode === "out-of-view" && visible)) {
      deferred(false);
      return value.apply(this, args);
    }
    return new Promise((ok, fail) => {
      const run = () =>
        idle(() => {
          if (call !== latest) return ok(this); // a newer input came: the runtime discards this one
          deferred(true);
          try {
            ok(value.apply(this, args));
          } catch (error) {
            fail(error);
          } finally {
            deferred(false);
          }
        });
      if (visible) run();
      else setTimeout(() => (call === latest ? run() : ok(this)), SETTLE_MS);
    });
  };
}

/** The definition, timed: `time(ms)` after each (synchronous part of a) computation. `this` is the previous value. */
function timedDefinition(value: Definition, time: (ms: number) => void): Definition {
  return function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    try {
      return value.apply(this, args);
    } finally {
      time(performance.now() - t);
    }
  };
}

/** An element that shows a value and says when it changes (Observable's "view" convention). */
export interface ViewElement<T> extends HTMLElement {
  value: T;
}

/**
 * A view cell's definition (Observable's `Generators.input`): yields the element's `value` now and
 * after every `input` event on it. Call it as `page.cell("x", [], () => view(el))`.
 */
export async function* view<T>(element: ViewElement<T>): AsyncGenerator<T> {
  let resolve: ((v: T) => void) | undefined;
  let queued: { value: T } | undefined;
  const onInput = () => {
    if (resolve) {
      resolve(element.value);
      resolve = undefined;
    } else queued = { value: element.value };
  };
  element.addEventListener("input", onInput);
  try {
    yield element.value;
    for (;;) {
      if (queued) {
        const { value } = queued;
        queued = undefined;
        yield value;
      } else yield await new Promise<T>((ok) => (resolve = ok));
    }
  } finally {
    element.removeEventListener("input", onInput);
  }
}

/**
 * Keeps the `input` events of controls inside a view from reaching it, for views whose value
 * changes only on a completed action (a picked folder, a "Re-run" click), not on every keystroke.
 */
export function quiet(...elements: Element[]): void {
  for (const el of elements) el.addEventListener("input", (e) => e.stopPropagation());
}
