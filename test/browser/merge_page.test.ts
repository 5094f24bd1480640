/**
 * The 比对去重 Merge page in headless Chromium: built with the project's Vite, served with the merge
 * of a small demo county's sources under ./data/linkage/ (listed in ./data/index.json, as the dev
 * server would list them); the page loads without console errors, sends no request off its
 * origin, shows the counts src/merge computes at the merge's thresholds, and recounts them to
 * src/merge's values when the link slider moves. No name from the sources is in the page.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { openDb } from "../../src/db/mod.ts";
import { mergeSources } from "../../src/merge/mod.ts";
import {
  type MergeOutputs,
  PAGE_FILES,
  pageCounts,
  parseMergeOutputs,
  thresholdBits,
} from "../../src/merge/page_data.ts";
import { DEMO_SEED, generateCounty, PARAMS } from "../../src/synth/mod.ts";
import { demoSourceFiles, demoSources } from "../../src/synth/sources.ts";
import {
  buildNotebooks,
  foreignRequests,
  HAS_CHROMIUM,
  launch,
  openPage,
  readValue,
  ROOT,
  serveStatic,
  waitReady,
} from "./_harness.ts";

describe.skipIf(!HAS_CHROMIUM)("the merge page in Chromium", () => {
  let tmp: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let outputs: MergeOutputs;
  let names: string[];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "civic-merge-page-"));
    const dist = join(tmp, "dist");
    const sources = join(tmp, "sources");
    const demo = demoSources(generateCounty(PARAMS, DEMO_SEED, 300), DEMO_SEED);
    names = demo.sources.flatMap((s) => {
      const i = s.header.findIndex((h) => h === "name" || h === "姓名");
      return s.rows.map((r) => r[i].trim()).filter((n) => [...n].length >= 2);
    });
    for (const f of await demoSourceFiles(demo)) {
      await mkdir(join(sources, f.name, ".."), { recursive: true });
      await writeFile(join(sources, f.name), f.bytes ?? f.text ?? "");
    }
    const [, launched] = await Promise.all([
      buildNotebooks(dist, { NOTEBOOK_DATA: join(ROOT, "data", "sample") }),
      launch(),
    ]);
    browser = launched;
    const db = await openDb("native");
    const merged = await mergeSources(db, sources).finally(() => db.close());
    const files: Record<string, string> = {};
    await mkdir(join(dist, "data", "linkage"), { recursive: true });
    for (const f of merged.files) {
      const m = /^linkage\/([a-z_]+\.(csv|json))$/.exec(f.name);
      if (!m || !(PAGE_FILES as readonly string[]).includes(m[1])) continue;
      files[m[1]] = f.text;
      await writeFile(join(dist, "data", "linkage", m[1]), f.text);
      await mkdir(join(tmp, "picked", "merged-county", "linkage"), { recursive: true });
      await writeFile(join(tmp, "picked", "merged-county", "linkage", m[1]), f.text);
    }
    outputs = parseMergeOutputs(files);
    const index = JSON.parse(await readFile(join(dist, "data", "index.json"), "utf8"));
    index.linkage = [...PAGE_FILES];
    index.linkageLabel = "test merge";
    await writeFile(join(dist, "data", "index.json"), JSON.stringify(index));
    server = await serveStatic(dist);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("loads the merge, shows src/merge's counts, and recounts them when the link slider moves", async () => {
    const { page, log } = await openPage(browser.context);
    await page.goto(server.url + "merge.html");
    await waitReady(page);
    expect(log.errors).toEqual([]);
    const t = thresholdBits(outputs.report);
    const at = (link: number, review: number) => pageCounts(outputs, link, review);
    const round = (x: number) => Math.round(x * 100) / 100;
    expect(await readValue(page, "counts")).toEqual(at(round(t.link), round(t.review)));
    expect(await page.locator("[data-testid=persons]").textContent()).toMatch(/\d/);
    expect(await page.locator("svg").count()).toBeGreaterThanOrEqual(2); // distribution and waterfall
    // Records per source and their overlaps: one row per source (plus the header), the diagonal its persons alone.
    const sources = outputs.report.sources.map((x) => x.source_id);
    expect(await page.locator("#overlaps tr").count()).toBe(sources.length + 1);
    const alone = outputs.report.source_overlaps!.find((o) => o.a === sources[0] && o.b === null)?.persons ?? 0;
    expect(await page.locator("#overlaps tr").nth(1).locator("td").first().textContent()).toBe(
      alone.toLocaleString("en-US"),
    );
    // Move the link slider up by 6 bits: fewer links, more reviews, more persons.
    const link = round(t.link) + 6;
    await page.locator("#link-at").evaluate((el, v) => {
      (el as HTMLInputElement).value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, link);
    const expected = at(link, round(t.review));
    await page.waitForFunction(
      (n) =>
        (globalThis as { __notebook?: { values: Record<string, { links: number }> } }).__notebook?.values.counts
          ?.links === n,
      expected.links,
    );
    expect(await readValue(page, "counts")).toEqual(expected);
    expect(expected.links).toBeLessThan(at(round(t.link), round(t.review)).links);
    expect(expected.persons).toBeGreaterThanOrEqual(at(round(t.link), round(t.review)).persons);
    // The cluster viewer shows the first cluster's edges.
    expect(await page.locator("#cluster table tr").count()).toBeGreaterThan(1);
    const text = await page.locator("main").innerText();
    expect(names.filter((n) => text.includes(n))).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
    expect(log.errors).toEqual([]);
    await mkdir(join(ROOT, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "test-artifacts", "merge.png"), fullPage: true });
    await page.close();
  });

  it("reads a merge folder the user picks, in the page", async () => {
    const { page, log } = await openPage(browser.context);
    await page.goto(server.url + "merge.html");
    await waitReady(page);
    await page.setInputFiles("#folder", join(tmp, "picked", "merged-county"));
    await page.waitForFunction(() => document.getElementById("label")?.textContent === "merged-county");
    const t = thresholdBits(outputs.report);
    const round = (x: number) => Math.round(x * 100) / 100;
    await page.waitForFunction(
      (n) =>
        (globalThis as { __notebook?: { values: Record<string, { persons: number }> } }).__notebook?.values.counts
          ?.persons === n,
      pageCounts(outputs, round(t.link), round(t.review)).persons,
    );
    expect(await readValue(page, "counts")).toEqual(pageCounts(outputs, round(t.link), round(t.review)));
    expect(foreignRequests(log, server.url)).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.close();
  });
});
