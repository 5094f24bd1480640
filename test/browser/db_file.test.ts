/**
 * The monitoring database file opened in the notebooks: a small database built from data/sample
 * with `deno task db` (the month 2024-07, its batch, two departments' returns) is picked on the
 * data page, read-only in duckdb-wasm; choosing the snapshot gives the figures of
 * `deno task evaluate --data data/sample`, choosing the batch those of
 * `deno task evaluate --db … --batch …`. A file that is not a monitoring database is refused with
 * the command line's words. Nothing leaves 127.0.0.1.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
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

const DATA = join(ROOT, "data", "sample");
const MODEL = join(ROOT, "models", "county-default.json");
const BATCH = "2024-07_county-default";
const deno = process.execPath;

interface Evaluation {
  overall: Record<string, unknown>;
  batches: Record<string, Record<string, unknown>>;
}

describe.skipIf(!HAS_CHROMIUM)("the monitoring database file in the notebooks", () => {
  let tmp: string;
  let file: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let fromFolder: Evaluation, fromBatch: Evaluation;

  async function buildDatabase(): Promise<void> {
    const task = (...args: string[]) => run(deno, ["task", "-q", ...args]);
    await task("db", "import", "--db", file, "--data", DATA, "--as-of", "2024-07");
    await task("db", "warn", "--db", file, "--model", MODEL, "--as-of", "2024-07", "--out", join(tmp, "warn"));
    const returns = join(tmp, "returns.csv");
    await writeFile(
      returns,
      "household_id,department,need,assistance,amount_yuan,verified_on\n" +
        "H000189,education,true,education,800,2024-07-25\nH000158,civil_affairs,false,,,2024-07-26\n",
    );
    await task("db", "feedback", "--db", file, "--file", returns, "--batch", BATCH);
    await task("evaluate", "--data", DATA, "--model", MODEL, "--out", join(tmp, "folder"));
    await task("evaluate", "--db", file, "--batch", BATCH, "--out", join(tmp, "batch"));
    fromFolder = JSON.parse(await readFile(join(tmp, "folder", "evaluation.json"), "utf8"));
    fromBatch = JSON.parse(await readFile(join(tmp, "batch", "evaluation.json"), "utf8"));
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "civic-db-file-test-"));
    file = join(tmp, "county.duckdb");
    const dist = join(tmp, "dist");
    const [, , launched] = await Promise.all([
      buildNotebooks(dist, { NOTEBOOK_DATA: DATA, NOTEBOOK_MODEL: MODEL }),
      buildDatabase(),
      launch(),
    ]);
    browser = launched;
    server = await serveStatic(dist);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  async function visit(): Promise<{ page: Page; log: PageLog }> {
    const opened = await openPage(browser.context);
    await opened.page.goto(server.url + "index.html");
    await waitReady(opened.page);
    return opened;
  }

  /** Picks the database file, chooses an option by its text, opens it, and reloads on the stored month. */
  async function openMonth(page: Page, option: RegExp): Promise<void> {
    await page.locator("#files").setInputFiles(file);
    const select = page.getByTestId("db-choice");
    await select.waitFor({ timeout: 90_000 });
    await mkdir(join(ROOT, "test-artifacts"), { recursive: true });
    await page.locator("#db-file-box").screenshot({ path: join(ROOT, "test-artifacts", "data-db-file-choice.png") });
    const value = await select.locator("option").filter({ hasText: option }).getAttribute("value");
    await select.selectOption(value!);
    await page.getByTestId("db-open").click();
    await page.getByTestId("stored").waitFor({ timeout: 90_000 }).catch(async (e) => {
      console.log(
        "picker state:",
        await page.locator("#picked").textContent(),
        await page.locator("#db-file-box").textContent(),
      );
      throw e;
    });
    await page.reload();
    await waitReady(page);
  }

  const figures = async (page: Page) => {
    const scores = await readValue<Evaluation>(page, "scores");
    return { overall: scores.overall, batches: scores.batches };
  };

  it("a snapshot and a batch of the database file give the command line's figures; the file is only read", async () => {
    const before = createHash("sha256").update(await readFile(file)).digest("hex");
    const { page, log } = await visit();
    await openMonth(page, /^2024-07 快照 snapshot: 300 户 households, 836 人 members, 112 核实 verified$/);
    await expect(page.locator("#current-label").textContent()).resolves.toContain("county.duckdb · 2024-07");
    expect(await figures(page)).toEqual({ overall: fromFolder.overall, batches: fromFolder.batches });

    await openMonth(page, /批次 batch 2024-07_county-default: snapshot \+ 2 部门反馈/);
    await expect(page.locator("#current-label").textContent()).resolves.toContain(
      `county.duckdb · 2024-07 · ${BATCH}`,
    );
    const batch = await figures(page);
    expect(batch).toEqual({ overall: fromBatch.overall, batches: fromBatch.batches });
    expect(batch.batches[BATCH]).toMatchObject({ labeled_warnings: 2, true_positives: 1 });
    await page.screenshot({ path: join(ROOT, "test-artifacts", "data-db-file.png"), fullPage: true });
    expect(createHash("sha256").update(await readFile(file)).digest("hex")).toBe(before);
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
    await page.close();
  }, 300_000);

  it("a file that is not a monitoring database is refused with the command line's words", async () => {
    const notOurs = join(tmp, "notes.duckdb");
    await writeFile(notOurs, "not a database");
    const { page, log } = await visit();
    await page.locator("#files").setInputFiles(notOurs);
    await page.getByTestId("db-error").waitFor({ timeout: 90_000 });
    await expect(page.locator("#db-file-box").textContent()).resolves.toMatch(
      /notes\.duckdb: cannot be opened as a DuckDB database .*give the monitoring database file/,
    );
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
    await page.close();
  }, 120_000);
});
