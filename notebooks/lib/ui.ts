/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/** Small DOM helpers shared by the pages: the header, progress, problem lists, numbers. */
import { formatProblem, type Problem } from "../../src/contract/mod.ts";

type Child = Node | string | number | null | undefined | false;

/** Creates an element: `h("p", { class: "note" }, "text", child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A headline figure: its label, its value (`data-testid` on it for the tests, when given) and an optional line under it. */
export function kpi(label: string, value: string, sub?: string, testid?: string): HTMLElement {
  return h(
    "div",
    { class: "kpi" },
    h("div", { class: "label" }, label),
    h("div", { class: "value", "data-testid": testid }, value),
    sub ? h("div", { class: "sub" }, sub) : null,
  );
}

/** Replaces an element's children. */
export function show(container: Element, ...children: (Child | Child[])[]): void {
  container.replaceChildren(
    ...children.flat().filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

const PAGES = [
  { id: "data", href: "./index.html", label: "数据 Data" },
  { id: "calibrate", href: "./calibrate.html", label: "校准 Calibrate" },
  { id: "audit", href: "./audit.html", label: "审计 Audit" },
  { id: "household", href: "./household.html", label: "家庭 Household" },
  { id: "merge", href: "./merge.html", label: "比对去重 Merge" },
  { id: "loop", href: "./loop.html", label: "闭环 Loop" },
] as const;

/** The page header: title and navigation, with the current page marked. */
export function renderHeader(active: (typeof PAGES)[number]["id"]): void {
  const header = document.getElementById("top")!;
  show(
    header,
    h(
      "div",
      { class: "brand" },
      "低收入人口动态监测 ",
      h("span", { class: "en" }, "Low-income household warning notebooks"),
    ),
    h("nav", {}, PAGES.map((p) => h("a", { href: p.href, class: p.id === active ? "active" : undefined }, p.label))),
    h(
      "div",
      { class: "offline", title: "Everything runs in this browser; household data is never uploaded." },
      "离线 · 数据不出本机 Offline · data stays on this computer",
    ),
  );
}

/** A progress line with elapsed time; `done()` hides it. */
export class Progress {
  #el: HTMLElement;
  #start = performance.now();
  #timer: number;
  #step = "";
  constructor(el: HTMLElement) {
    this.#el = el;
    el.hidden = false;
    this.#timer = setInterval(() => this.#render(), 250) as unknown as number;
  }
  step(text: string): void {
    this.#step = text;
    this.#render();
  }
  #render(): void {
    const s = ((performance.now() - this.#start) / 1000).toFixed(1);
    show(this.#el, h("span", { class: "spinner" }), ` ${this.#step} … ${s} s`);
  }
  done(): void {
    clearInterval(this.#timer);
    this.#el.hidden = true;
  }
}

/** A list of problems, each on one line exactly as the command line prints it. */
export function problemList(problems: readonly Problem[], total = problems.length): HTMLElement {
  return h(
    "div",
    { class: "problems" },
    h("ul", {}, problems.map((p) => h("li", {}, h("code", {}, formatProblem(p))))),
    total > problems.length ? h("p", {}, `… and ${total - problems.length} more (${problems.length} listed)`) : null,
  );
}

/** Numbers as the pages show them: the one number formatter (src/base/format.ts), under short names. */
export { formatInt as int, formatInterval as interval, formatPercent as pct } from "../../src/base/format.ts";

/** Offers text as a file download (made in the page; nothing is sent anywhere). */
export function download(name: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Shows an unexpected error in the page (and the console, for developers). */
export function fail(container: HTMLElement, error: unknown): void {
  console.error(error);
  show(
    container,
    h(
      "div",
      { class: "error" },
      h("strong", {}, "出错了 Something went wrong: "),
      String((error as Error)?.message ?? error),
    ),
  );
}
