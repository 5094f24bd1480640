/// <reference lib="dom" />
/**
 * Browser benchmark of the notebooks on the demo county (data/demo, or NOTEBOOK_DATA), built into
 * a static folder and served from 127.0.0.1:
 * - first visit (a fresh browser profile): page load → first chart (`firstChartMs`: the build's
 *   preview where there is one) and → the live figures, validated in this browser (`readyMs`);
 * - cached visit (same profile, after the page filled its cache): the same two figures;
 * - slider latency on the calibrate page: a real mouse drag over one indicator's points slider,
 *   input event → figures redrawn (`latencyMs`) and → painted (`paintedMs`), median and p95; also
 *   programmatic input events at arbitrary times (`dispatch`), which wait for the next frame.
 * Prints one JSON object (and the raw runs with --verbose).
 *
 *   deno run -A test/browser/bench_notebooks.ts [--runs 3] [--ticks 25] [--verbose] [--data-page]
 *
 * `--data-page` also times the data page's first visit (it validates the whole county, ~30 s).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNotebooks, HAS_CHROMIUM, launch, openPage, serveStatic } from "./_harness.ts";
import { isDataset, notebookDataFolder, ROOT } from "../../scripts/_notebook_data.ts";
import type { NotebookHook } from "../../notebooks/lib/hook.ts";

const arg = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const runs = arg("runs", 3);
const tickCount = arg("ticks", 25);
const verbose = Deno.args.includes("--verbose");
const dataPage = Deno.args.includes("--data-page");
if (!HAS_CHROMIUM) {
  console.error("/usr/bin/chromium is not installed");
  Deno.exit(2);
}
const data = notebookDataFolder();
if (!isDataset(data)) {
  console.error(`No dataset at ${data}: run deno task demo-data first`);
  Deno.exit(2);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const stats = (all: number[]) => {
  const xs = all.filter((x) => Number.isFinite(x));
  return { median: round(median(xs)), p95: round(quantile(xs, 0.95)), n: xs.length };
};

/** The pages' one test hook (notebooks/lib/hook.ts). */
type NotebookState = Partial<NotebookHook>;

const tmp = await mkdtemp(join(tmpdir(), "civic-bench-"));
const dist = join(tmp, "dist");
await buildNotebooks(dist, { NOTEBOOK_DATA: data });
const server = await serveStatic(dist);

type Context = Awaited<ReturnType<typeof launch>>["context"];
type Tick = { computeMs: number; renderMs: number; latencyMs: number; paintedMs?: number; probeMs?: number };
const hookOf = () => (globalThis as unknown as { __notebook: NotebookState }).__notebook;

async function visit(context: Context, page: string) {
  const { page: p, log } = await openPage(context);
  const start = performance.now();
  await p.goto(server.url + page);
  await p.waitForFunction(() => (globalThis as { __notebook?: NotebookState }).__notebook?.ready === true, null, {
    timeout: 180_000,
  });
  const wall = performance.now() - start;
  const state = await p.evaluate(() => {
    const h = (globalThis as unknown as { __notebook: NotebookState }).__notebook;
    return { firstChartMs: h.firstChartMs, readyMs: h.readyMs };
  });
  if (log.errors.length > 0) throw new Error(`${page}: ${log.errors.join("\n")}`);
  return { page: p, first: state.firstChartMs ?? wall, live: state.readyMs ?? state.firstChartMs ?? wall };
}

/**
 * Installs the bench's own paint probe (independent of the page's hook, so it times any build):
 * the first input event not yet shown → the first-screen figure (#fig-distribution) changed —
 * replaced, or updated in place (any node, attribute or text inside it) → a task queued then,
 * which runs once that frame is painted.
 */
async function probePaints(p: Awaited<ReturnType<typeof visit>>["page"]): Promise<void> {
  await p.evaluate(() => {
    const g = globalThis as unknown as { __paints: number[] };
    g.__paints = [];
    let since: number | undefined;
    document.addEventListener("input", (e) => (since ??= e.timeStamp), true);
    new MutationObserver(() => {
      if (since === undefined) return;
      const from = since;
      since = undefined;
      setTimeout(() => g.__paints.push(performance.now() - from), 0);
    }).observe(document.getElementById("fig-distribution")!, {
      childList: true,
      subtree: true,
      attributes: true,
      characterData: true,
    });
  });
}

/** Waits for the tick after `before` ticks and `painted` paints; the tick with the probe's paint time. */
async function nextTick(
  p: Awaited<ReturnType<typeof visit>>["page"],
  before: { ticks: number; paints: number },
): Promise<Tick | undefined> {
  try {
    await p.waitForFunction(
      (n) => {
        const g = globalThis as unknown as { __notebook: NotebookState; __paints: number[] };
        return g.__notebook.ticks!.length > n.ticks && g.__paints.length > n.paints;
      },
      before,
      { timeout: 3000 },
    );
  } catch {
    return undefined; // the move did not change the value
  }
  await p.waitForTimeout(30); // the hook's own paint time is set a moment after the tick
  return await p.evaluate(() => {
    const g = globalThis as unknown as { __notebook: NotebookState; __paints: number[] };
    return { ...g.__notebook.ticks!.at(-1)!, probeMs: g.__paints.at(-1)! };
  });
}

/** How many ticks and paints the page has recorded. */
const counts = (p: Awaited<ReturnType<typeof visit>>["page"]) =>
  p.evaluate(() => {
    const g = globalThis as unknown as { __notebook: NotebookState; __paints: number[] };
    return { ticks: g.__notebook.ticks!.length, paints: g.__paints.length };
  });

/** A real drag: press on the slider's thumb and move across it, one value change at a time. */
async function drag(p: Awaited<ReturnType<typeof visit>>["page"], count: number): Promise<Tick[]> {
  const slider = p.locator('input[type="range"][data-id="points:M01"]');
  await slider.evaluate((el: HTMLElement) => {
    const details = el.closest("details") as HTMLDetailsElement | null;
    if (details) details.open = true; // its category's section
  });
  await slider.scrollIntoViewIfNeeded();
  const box = (await slider.boundingBox())!;
  const { min, max, value } = await slider.evaluate((el: HTMLInputElement) => ({
    min: Number(el.min),
    max: Number(el.max),
    value: Number(el.value),
  }));
  const y = box.y + box.height / 2;
  const xOf = (v: number) => box.x + 8 + ((v - min) / (max - min)) * (box.width - 16);
  const out: Tick[] = [];
  await p.mouse.move(xOf(value), y);
  await p.mouse.down();
  for (let t = 0; t < count + 3; t++) {
    const before = await counts(p);
    await p.mouse.move(xOf(value + 1 + (t % 6)), y);
    const tick = await nextTick(p, before);
    if (tick && t >= 3) out.push(tick); // the first ticks warm up the JIT
  }
  await p.mouse.up();
  return out;
}

/** Programmatic input events, dispatched at arbitrary times (so each waits for the next frame). */
async function dispatch(p: Awaited<ReturnType<typeof visit>>["page"], count: number): Promise<Tick[]> {
  const out: Tick[] = [];
  for (let t = 0; t < count + 3; t++) {
    const before = await counts(p);
    await p.locator('input[type="range"][data-id="points:M01"]').evaluate(
      (el: HTMLInputElement, v: number) => {
        el.value = String(v);
        el.dispatchEvent(new Event("input", { bubbles: true }));
      },
      1 + (t % 8),
    );
    const tick = await nextTick(p, before);
    if (tick && t >= 3) out.push(tick);
  }
  return out;
}

const coldPages = dataPage ? ["index.html", "calibrate.html"] : ["calibrate.html"];
const cold: Record<string, { first: number[]; live: number[] }> = {};
const warm: Record<string, { first: number[]; live: number[] }> = {};
const add = (into: typeof cold, page: string, r: { first: number; live: number }) => {
  into[page] ??= { first: [], live: [] };
  into[page].first.push(r.first);
  into[page].live.push(r.live);
};
const dragged: Tick[] = [], dispatched: Tick[] = [];
let parts = "";
for (let r = 0; r < runs; r++) {
  for (const page of coldPages) {
    const browser = await launch(); // a fresh profile: nothing cached
    const opened = await visit(browser.context, page);
    add(cold, page, opened);
    if (page === "calibrate.html") {
      await opened.page.waitForTimeout(4000); // let the page fill the cache in the background
      await opened.page.close();
      for (const w of ["calibrate.html", "audit.html", "household.html"]) {
        const again = await visit(browser.context, w);
        add(warm, w, again);
        if (w === "calibrate.html" && r === 0) {
          await probePaints(again.page);
          dragged.push(...await drag(again.page, tickCount));
          dispatched.push(...await dispatch(again.page, tickCount));
          parts = await again.page.evaluate(() =>
            JSON.stringify((globalThis as unknown as { __notebook: { parts: unknown } }).__notebook.parts)
          );
        }
        await again.page.close();
      }
    } else await opened.page.close();
    await browser.close();
  }
}
await server.close();
await rm(tmp, { recursive: true, force: true });
void hookOf;

const medians = (into: typeof cold) =>
  Object.fromEntries(
    Object.entries(into).map((
      [k, v],
    ) => [k, { first_chart_ms: round(median(v.first)), live_ms: round(median(v.live)) }]),
  );
const tickStats = (ticks: Tick[]) => ({
  input_to_painted_ms: stats(ticks.map((t) => t.probeMs ?? NaN)),
  hook_painted_ms: stats(ticks.map((t) => t.paintedMs ?? NaN)),
  input_to_figures_ms: stats(ticks.map((t) => t.latencyMs)),
  rescore_ms: stats(ticks.map((t) => t.computeMs)),
  render_ms: stats(ticks.map((t) => t.renderMs)),
});
const result = {
  dataset: data.startsWith(ROOT) ? data.slice(ROOT.length + 1) : data,
  runs,
  first_visit: medians(cold),
  cached_visit: medians(warm),
  slider_drag: tickStats(dragged),
  slider_dispatch: tickStats(dispatched),
  ...(verbose ? { parts: JSON.parse(parts || "{}"), raw: { cold, warm, dragged, dispatched } } : {}),
};
console.log(JSON.stringify(result, null, 2));
