/**
 * Browser benchmark of the notebooks on the demo county (data/demo, or NOTEBOOK_DATA):
 * page load → first chart, cold (a fresh browser profile: validate and evaluate) and warm (the
 * validated tables and hit counts cached in the browser), and slider input → updated figures on
 * the calibrate page. Prints one JSON object of medians (and the raw runs with --verbose).
 *
 *   deno run -A test/browser/bench_notebooks.ts [--runs 3] [--ticks 25] [--verbose]
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

/** The pages' one test hook (notebooks/lib/hook.ts). */
type NotebookState = Partial<NotebookHook>;

const tmp = await mkdtemp(join(tmpdir(), "civic-bench-"));
const dist = join(tmp, "dist");
await buildNotebooks(dist, { NOTEBOOK_DATA: data });
const server = await serveStatic(dist);

async function firstChart(context: Awaited<ReturnType<typeof launch>>["context"], page: string) {
  const { page: p, log } = await openPage(context);
  const start = performance.now();
  await p.goto(server.url + page);
  await p.waitForFunction(() => (globalThis as { __notebook?: NotebookState }).__notebook?.ready === true, null, {
    timeout: 180_000,
  });
  const wall = performance.now() - start;
  const state = await p.evaluate(() =>
    (globalThis as unknown as { __notebook: NotebookState }).__notebook.firstChartMs
  );
  if (log.errors.length > 0) throw new Error(`${page}: ${log.errors.join("\n")}`);
  return { page: p, wall, firstChartMs: state ?? wall };
}

const cold: Record<string, number[]> = { "index.html": [], "calibrate.html": [] };
const warm: Record<string, number[]> = { "calibrate.html": [], "audit.html": [], "household.html": [] };
const ticks: { computeMs: number; renderMs: number; latencyMs: number }[] = [];
for (let r = 0; r < runs; r++) {
  for (const page of Object.keys(cold)) {
    const browser = await launch(); // a fresh profile: nothing cached
    const { page: p, firstChartMs } = await firstChart(browser.context, page);
    cold[page].push(firstChartMs);
    if (page === "calibrate.html") {
      await p.waitForTimeout(4000); // let the page fill the cache in the background
      await p.close();
      for (const w of Object.keys(warm)) {
        const { page: q, firstChartMs: ms } = await firstChart(browser.context, w);
        warm[w].push(ms);
        if (w === "calibrate.html" && r === 0) {
          // Slider input → updated figures: move one indicator's points back and forth.
          for (let t = 0; t < tickCount + 3; t++) {
            const before = await q.evaluate(() =>
              (globalThis as unknown as { __notebook: NotebookState }).__notebook.ticks!.length
            );
            await q.locator('input[type="range"][data-id="points:M01"]').evaluate((el: HTMLInputElement, v: number) => {
              el.value = String(v);
              el.dispatchEvent(new Event("input", { bubbles: true }));
            }, 1 + (t % 8));
            await q.waitForFunction(
              (n) => (globalThis as unknown as { __notebook: NotebookState }).__notebook.ticks!.length > n,
              before,
            );
            const last = await q.evaluate(() =>
              (globalThis as unknown as { __notebook: NotebookState }).__notebook.ticks!.at(-1)!
            );
            if (t >= 3) ticks.push(last); // the first ticks warm up the JIT
            if (t === tickCount + 2 && verbose) {
              console.error(
                await q.evaluate(() =>
                  JSON.stringify((globalThis as unknown as { __notebook: { parts: unknown } }).__notebook.parts)
                ),
              );
            }
          }
        }
        await q.close();
      }
    } else await p.close();
    await browser.close();
  }
}
await server.close();
await rm(tmp, { recursive: true, force: true });

const result = {
  dataset: data.startsWith(ROOT) ? data.slice(ROOT.length + 1) : data,
  runs,
  first_chart_cold_ms: Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, round(median(v))])),
  first_chart_warm_ms: Object.fromEntries(Object.entries(warm).map(([k, v]) => [k, round(median(v))])),
  slider_ticks: ticks.length,
  slider_to_figures_ms: round(median(ticks.map((t) => t.latencyMs))),
  slider_rescore_ms: round(median(ticks.map((t) => t.computeMs))),
  slider_render_ms: round(median(ticks.map((t) => t.renderMs))),
  ...(verbose ? { raw: { cold, warm, ticks } } : {}),
};
console.log(JSON.stringify(result, null, 2));
