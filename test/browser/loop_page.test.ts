/**
 * The 闭环 Loop page in headless Chromium: it loads with no console error and no request leaving
 * its origin; the replications run in a Web Worker; moving a slider changes the figures to exactly
 * what `deno task loop` (src/loop) computes for that scenario on the same data; the swimlane steps
 * forward and back through one case's events. Built on the committed sample (data/sample), or on
 * LOOP_PAGE_DATA (e.g. data/demo, to time 30 replications × 365 days in the worker).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import {
  buildNotebooks,
  foreignRequests,
  HAS_CHROMIUM,
  launch,
  openPage,
  type PageLog,
  readValue,
  ROOT,
  run,
  serveStatic,
  waitReady,
} from "./_harness.ts";

const ARTIFACTS = join(ROOT, "test-artifacts");
const DATA = join(ROOT, process.env.LOOP_PAGE_DATA ?? join("data", "sample"));
const MODEL = join(ROOT, "models", "county-default.json");
const deno = process.execPath;

/** What the test reads of the page's run cell. */
interface PageRun {
  views?: {
    json: Record<string, unknown> & { overall: Record<string, unknown>; scenario: { time_limit_days: number } };
    simulateMs: number;
    traces: { caseId: string; steps: unknown[] }[];
  };
  workerMs?: number;
}

describe.skipIf(!HAS_CHROMIUM)("the loop page in Chromium", () => {
  let tmp: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let log: PageLog;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "civic-loop-page-"));
    await mkdir(ARTIFACTS, { recursive: true });
    const dist = join(tmp, "dist");
    const [, launched] = await Promise.all([
      buildNotebooks(dist, { NOTEBOOK_DATA: DATA, NOTEBOOK_MODEL: MODEL }),
      launch(),
    ]);
    browser = launched;
    server = await serveStatic(dist);
    ({ page, log } = await openPage(browser.context));
    await page.goto(server.url + "loop.html");
    await waitReady(page, 120_000);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** The page's figures for a scenario equal the command line's loop.json for the same scenario file. */
  async function expectSameAsCli(raw: unknown, views: NonNullable<PageRun["views"]>, name: string) {
    const file = join(tmp, `${name}.json`);
    await writeFile(file, JSON.stringify(raw));
    const out = join(tmp, name);
    await run(deno, ["task", "-q", "loop", "--data", DATA, "--model", MODEL, "--scenario", file, "--out", out]);
    const cli = JSON.parse(await readFile(join(out, "loop.json"), "utf8"));
    for (
      const key of [
        "overall",
        "departments",
        "cleared_within_limit_by_band",
        "cleared_within_limit_by_channel",
        "cleared_within_limit_by_assistance",
        "assistance",
        "warnings",
      ]
    ) {
      expect(views.json[key], key).toEqual(cli[key]);
    }
  }

  it("runs the demo scenario in a worker and draws every figure, offline", async () => {
    const first = await readValue<PageRun>(page, "run");
    expect(first.views).toBeDefined();
    for (
      const id of ["fig-queue", "fig-backlog", "fig-cleared", "fig-funds", "fig-yuan", "fig-delay", "fig-swimlane"]
    ) {
      await expect(page.getByTestId(id).locator("svg").count()).resolves.toBeGreaterThan(0);
    }
    console.log(
      `loop page: ${first.views!.json.scenario.time_limit_days}-day limit, worker ${
        first.views!.simulateMs.toFixed(0)
      } ms simulating, ${first.workerMs!.toFixed(0)} ms with the round trip (${DATA})`,
    );
    await expectSameAsCli(await readValue(page, "raw"), first.views!, "first");
    await page.screenshot({ path: join(ARTIFACTS, "loop-page.png"), fullPage: true });
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
    expect(log.requests.some((u) => u.includes("loop_worker"))).toBe(true);
  });

  it("moving the time-limit slider re-runs the scenario and the figures equal deno task loop's", async () => {
    const before = await readValue<PageRun>(page, "run");
    const chart = await page.getByTestId("fig-cleared").innerHTML();
    await page.locator('input[data-control="time_limit_days"]').evaluate((el: HTMLInputElement) => {
      el.value = "3";
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await page.waitForFunction(
      () => {
        const v = (globalThis as {
          __notebook?: { values: Record<string, { views?: { json: { scenario: { time_limit_days: number } } } }> };
        })
          .__notebook?.values.run;
        return v?.views?.json.scenario.time_limit_days === 3;
      },
      null,
      { timeout: 120_000 },
    );
    await page.waitForFunction(() => (globalThis as { __notebook?: { ready: boolean } }).__notebook?.ready === true);
    const after = await readValue<PageRun>(page, "run");
    expect(after.views!.json.overall).not.toEqual(before.views!.json.overall);
    const share = (r: PageRun) => (r.views!.json.overall.cleared_within_limit as { mean: number }).mean;
    expect(share(after)).toBeLessThan(share(before));
    await page.waitForFunction(
      (old) => document.querySelector('[data-testid="fig-cleared"]')?.innerHTML !== old,
      chart,
    );
    await expectSameAsCli(await readValue(page, "raw"), after.views!, "shorter-limit");
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
  });

  it("lowering a band cut-off warns more households, re-scored as deno task loop re-scores them", async () => {
    const before = await readValue<PageRun & { views: { json: { warnings: { households_per_year: number } } } }>(
      page,
      "run",
    );
    await page.locator('input[data-control="band:yellow"]').evaluate((el: HTMLInputElement) => {
      el.value = "8";
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await page.waitForFunction(
      (old) => {
        const v = (globalThis as {
          __notebook?: { values: Record<string, { views?: { json: { warnings: { households_per_year: number } } } }> };
        }).__notebook?.values.run;
        return v?.views !== undefined && v.views.json.warnings.households_per_year !== old;
      },
      before.views.json.warnings.households_per_year,
      { timeout: 120_000 },
    );
    await page.waitForFunction(() => (globalThis as { __notebook?: { ready: boolean } }).__notebook?.ready === true);
    const after = await readValue<PageRun & { views: { json: { warnings: { households_per_year: number } } } }>(
      page,
      "run",
    );
    expect(after.views.json.warnings.households_per_year).toBeGreaterThan(
      before.views.json.warnings.households_per_year,
    );
    await expectSameAsCli(await readValue(page, "raw"), after.views, "lower-yellow");
    expect(log.errors).toEqual([]);
  });

  it("the swimlane steps forward and back through one case's events", async () => {
    const lane = page.getByTestId("swimlane");
    const step = async () => Number(await lane.getAttribute("data-step"));
    const event = () => page.getByTestId("swimlane-event").textContent();
    expect(await step()).toBe(0);
    const first = await event();
    expect(first).toContain("created");
    await page.locator('[data-control="next"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="swimlane"]')?.getAttribute("data-step") === "1"
    );
    expect(await event()).not.toBe(first);
    await page.locator('[data-control="next"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="swimlane"]')?.getAttribute("data-step") === "2"
    );
    await expect(page.getByTestId("swimlane-position").textContent()).resolves.toMatch(/^step 3 \//);
    await page.locator('[data-control="previous"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="swimlane"]')?.getAttribute("data-step") === "1"
    );
    // The last step: the case is cleared (or still open at the horizon).
    const traces = (await readValue<PageRun>(page, "run")).views!.traces;
    for (let k = 1; k < traces[0].steps.length; k++) await page.locator('[data-control="next"]').click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="swimlane"]')?.getAttribute("data-step") === String(n - 1),
      traces[0].steps.length,
    );
    await page.screenshot({ path: join(ARTIFACTS, "loop-swimlane.png"), fullPage: true });
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
  });
});
