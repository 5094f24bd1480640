/**
 * The notebooks in headless Chromium (Debian's `chromium` with playwright-core): every page loads
 * with no console error and no request leaving its own origin; a points slider changes the
 * warnings and the figures; the page's figures equal `deno task evaluate`'s; a saved model is
 * accepted by the command line; a dataset folder opened through the picker is validated in the
 * page, and a broken one shows its errors as the command line words them. Screenshots go to
 * test-artifacts/. Built once on the committed sample (data/sample), so the suite stays fast.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { openDb } from "../../src/db/mod.ts";
import {
  buildNotebooks,
  foreignRequests,
  HAS_CHROMIUM,
  launch,
  openPage,
  type PageLog,
  readHook,
  readValue,
  ROOT,
  run,
  serveStatic,
  waitReady,
  waitTicks,
} from "./_harness.ts";

const ARTIFACTS = join(ROOT, "test-artifacts");
const DATA = join(ROOT, "data", "sample");
const MODEL = join(ROOT, "models", "county-default.json");
const deno = process.execPath;

if (!HAS_CHROMIUM) {
  console.warn("Skipping the browser tests: /usr/bin/chromium is not installed (apt-get install chromium).");
}

describe.skipIf(!HAS_CHROMIUM)("the notebooks in Chromium", () => {
  let tmp: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let cli: { overall: Record<string, unknown> };
  const logs: { page: string; log: PageLog }[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "civic-notebooks-test-"));
    await mkdir(ARTIFACTS, { recursive: true });
    const dist = join(tmp, "dist");
    const [, , launched] = await Promise.all([
      buildNotebooks(dist, { NOTEBOOK_DATA: DATA, NOTEBOOK_MODEL: MODEL }),
      run(deno, ["task", "-q", "evaluate", "--data", DATA, "--model", MODEL, "--out", join(tmp, "cli")]),
      launch(),
    ]);
    browser = launched;
    cli = JSON.parse(await readFile(join(tmp, "cli", "evaluation.json"), "utf8"));
    server = await serveStatic(dist);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Opens a page, waits until it says it is ready, and keeps its log for the origin check. */
  async function visit(path: string): Promise<{ page: Page; log: PageLog }> {
    const opened = await openPage(browser.context);
    logs.push({ page: path, log: opened.log });
    await opened.page.goto(server.url + path);
    await waitReady(opened.page);
    return opened;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  it("the data page opens on the served dataset and shows its validation report", async () => {
    const { page, log } = await visit("index.html");
    await page.locator("#first-chart svg").first().waitFor();
    await expect(page.getByTestId("report-status").first().textContent()).resolves.toContain("Valid");
    await shot(page, "data-page");
    expect(log.errors).toEqual([]);
    await page.close();
  });

  /** Forgets what the pages cached in this browser (the validated tables and hit counts), so the next visit is a first one. */
  async function forgetCache(): Promise<void> {
    const page = await browser.context.newPage();
    await page.goto(server.url + "data/index.json");
    await page.evaluate(() =>
      new Promise((ok, fail) => {
        const r = indexedDB.deleteDatabase("civic-notebooks");
        r.onsuccess = ok;
        r.onerror = fail;
      })
    );
    await page.close();
  }

  it("moving a points slider changes the warnings count and the figures, and the numbers equal deno task evaluate", async () => {
    await forgetCache(); // the data page cached the validated tables: this is a first visit
    const { page, log } = await visit("calibrate.html");
    const state = async () => ({
      warnings: await readValue<number>(page, "warnings"),
      overall: await readValue(page, "overall"),
      ticks: (await readHook(page))!.ticks,
    });
    const before = await state();
    // The first figures came from the build's summary; the live ones, validated here, replaced them, and the page says so.
    expect((await readHook(page))!.stage).toBe("live");
    // Validated here from the build's typed Parquet copy, with the build's hit counts, then checked here with SQL.
    await page.waitForFunction(() => /same hit counts/.test(document.getElementById("stage")?.textContent ?? ""));
    expect(await page.locator("#stage").textContent()).toMatch(
      /Validated in this browser \(served as the build's typed Parquet copy.*checked here with SQL: the same hit counts/,
    );
    expect(log.requests.filter((u) => /\/data\/[a-z_]+\.(parquet|csv)$/.test(u)).map((u) => u.split("/").pop()).sort())
      .toEqual(["households.parquet", "members.parquet", "verified.parquet"]);
    // The page's contract §3 figures for the default model equal the command line's.
    expect(before.overall).toEqual(cli.overall);
    // A cached visit: the same figures at once from this browser's cache, without downloading the data again.
    await page.waitForTimeout(1000); // the page caches the tables and the checked hit counts in the background
    const again = await visit("calibrate.html");
    expect(await again.page.locator("#stage").textContent()).toMatch(/Validated in this browser before.*cache/);
    expect(await readValue(again.page, "overall")).toEqual(cli.overall);
    expect(again.log.requests.filter((u) => /\/data\/[a-z_]+\.(parquet|csv)$/.test(u))).toEqual([]);
    await again.page.close();
    const chart = await page.locator("#fig-distribution").innerHTML();
    await shot(page, "calibrate-before");
    // Raise the points of the dibao-household rule (one point per member) to the slider's maximum.
    const slider = page.locator('input[type="range"][data-id="points:B02"]');
    await slider.evaluate((el: HTMLInputElement) => {
      el.value = el.max;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await waitTicks(page, before.ticks.length);
    const after = await state();
    expect(after.warnings).toBeGreaterThan(before.warnings);
    await expect(page.getByTestId("warnings").textContent()).resolves.toBe(after.warnings.toLocaleString("en-US"));
    expect(await page.locator("#fig-distribution").innerHTML()).not.toBe(chart);
    await shot(page, "calibrate-after");

    // A parameter change re-evaluates, with SQL, only the rules that read it.
    const ticks = after.ticks.length;
    await page.locator('input[data-id="param:dibao_monthly"]').evaluate((el: HTMLInputElement) => {
      el.value = "900";
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await waitTicks(page, ticks);
    const withParameter = await state();
    expect(withParameter.warnings).not.toBe(after.warnings);

    // Save the adjusted model: the command line accepts it and finds the same warnings.
    const download = page.waitForEvent("download");
    await page.locator("#save").click();
    const file = join(tmp, "adjusted.json");
    await (await download).saveAs(file);
    const saved = JSON.parse(await readFile(file, "utf8"));
    expect(saved.version).not.toBe(JSON.parse(await readFile(MODEL, "utf8")).version);
    await page.getByTestId("saved").waitFor();
    await run(deno, ["task", "-q", "evaluate", "--data", DATA, "--model", file, "--out", join(tmp, "cli-adjusted")]);
    const adjusted = JSON.parse(await readFile(join(tmp, "cli-adjusted", "evaluation.json"), "utf8"));
    expect(saved.parameters.find((p: { id: string }) => p.id === "dibao_monthly").value).toBe(900);
    expect(adjusted.overall.warnings).toBe(withParameter.warnings);
    expect(adjusted.overall).toEqual(withParameter.overall);

    // Undo twice: back to the default model's figures.
    for (let n = 0; n < 2; n++) {
      const count = (await state()).ticks.length;
      await page.locator("#undo").click();
      await waitTicks(page, count);
    }
    expect((await state()).overall).toEqual(cli.overall);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("the household page explains a warned household: waterfall and dispatch chain", async () => {
    const { page, log } = await visit("household.html");
    await page.locator("#waterfall svg").first().waitFor();
    await expect(page.locator("#chain").textContent()).resolves.toContain("Dispatch");
    const band = await readValue<string | null>(page, "band");
    expect(band).not.toBeNull();
    await shot(page, "household-page");
    // What-if: one more member-level fact changes the per-capita score at once.
    const score = () => readValue<number>(page, "perCapita");
    const before = await score();
    await page.locator('input[data-column="major_illness"]').first().evaluate((el: HTMLInputElement) => {
      el.value = el.value === "true" ? "false" : "true";
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await page.waitForFunction(
      (b) => (globalThis as { __notebook?: { values: Record<string, unknown> } }).__notebook?.values.perCapita !== b,
      before,
    );
    expect(await score()).not.toBe(before);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("the audit page shows each frame with intervals and the case list", async () => {
    const { page, log } = await visit("audit.html");
    await page.locator("#frames table").waitFor();
    await expect(page.locator("#frames").textContent()).resolves.toContain("Wilson");
    await page.locator("#cases table").waitFor();
    await shot(page, "audit-page");
    // The same figures as deno task audit (same seed and replicates).
    await run(deno, ["task", "-q", "audit", "--data", DATA, "--model", MODEL, "--out", join(tmp, "cli-audit")]);
    const cliAudit = JSON.parse(await readFile(join(tmp, "cli-audit", "audit.json"), "utf8"));
    const pageAudit = await readValue<
      Record<string, unknown> & { model: { sha256: string }; data: { digest: string } }
    >(
      page,
      "audit",
    );
    for (const key of ["frames", "batches", "groups", "drift", "workload", "bands"]) {
      expect(pageAudit[key], key).toEqual(cliAudit[key]);
    }
    expect(pageAudit.model.sha256).toBe(cliAudit.model.sha256);
    expect(pageAudit.data.digest).toBe(cliAudit.data.digest);
    // The offline HTML report, made in the page by the command line's own builder.
    const download = page.waitForEvent("download");
    await page.locator("#export-html").click();
    const html = join(tmp, "audit.html");
    await (await download).saveAs(html);
    const report = await readFile(html, "utf8");
    expect(report).toContain("<svg");
    expect(report).toContain(cliAudit.model.sha256);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("a broken dataset folder opened through the picker shows its errors as the command line words them", async () => {
    const broken = join(tmp, "broken");
    await mkdir(broken);
    await writeFile(
      join(broken, "households.csv"),
      "household_id,village,category\nH1,王家村,dibao\nH2,李家湾,poor\nH3,李家湾,tekun\n",
    );
    await writeFile(join(broken, "members.csv"), "person_id,household_id,age\nP1,H1,70\nP2,H9,8\nP3,H3,45\n");
    const { page, log } = await visit("index.html");
    await page.locator("#folder").setInputFiles(broken);
    await page.getByTestId("problems").last().waitFor({ timeout: 60_000 });
    const text = await page.locator("#picked").textContent();
    const validate = await run(deno, ["task", "-q", "validate", "--data", broken]).then(
      () => "",
      (e: Error) => e.message,
    );
    // The command line names the folder as given (here absolute); the page names it as picked.
    const cliProblems = validate.split("\n").map((l) => l.trim().replace(`${tmp}/`, "")).filter((l) =>
      l.startsWith("broken/")
    );
    expect(cliProblems.length).toBeGreaterThan(0);
    for (const line of cliProblems) expect(text).toContain(line);
    expect(text).toContain("Unknown category; expected one of");
    await shot(page, "data-picker-broken");
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("a Parquet dataset folder is read in the page (parquet-wasm, bundled) with the command line's report", async () => {
    const folder = join(tmp, "parquet");
    await mkdir(folder);
    const db = await openDb("native");
    for (const table of ["households", "members", "verified"]) {
      const csv = join(DATA, `${table}.csv`).replaceAll("'", "''");
      const out = join(folder, `${table}.parquet`).replaceAll("'", "''");
      await db.exec(`COPY (SELECT * FROM read_csv('${csv}', all_varchar = true)) TO '${out}' (FORMAT parquet)`);
    }
    await db.close();
    const { page, log } = await visit("index.html");
    await page.locator("#folder").setInputFiles(folder);
    await page.locator("#picked [data-testid=cli-report]").waitFor({ state: "attached", timeout: 60_000 });
    const pageReport = await page.locator("#picked [data-testid=cli-report]").textContent();
    const validate = await run(deno, ["task", "-q", "validate", "--data", folder]).catch((e: Error) => e.message);
    const cliLines = validate.split("\n").map((l) => l.replaceAll(`${tmp}/`, "")).filter((l) =>
      /^\s/.test(l) || /^Valid|problems? found/.test(l)
    );
    for (const line of cliLines) expect(pageReport).toContain(line.trim());
    expect(pageReport).toContain("parquet/households.parquet");
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("a valid dataset folder opened through the picker becomes the notebooks' dataset", async () => {
    const { page, log } = await visit("index.html");
    await page.locator("#folder").setInputFiles(DATA);
    await page.getByTestId("stored").waitFor({ timeout: 60_000 });
    await page.reload();
    await waitReady(page);
    await expect(page.locator("#current-label").textContent()).resolves.toContain("opened in this browser");
    // The button forgets the dataset and reloads the page.
    await Promise.all([page.waitForEvent("load"), page.locator("#back-to-demo").click()]);
    await waitReady(page);
    await expect(page.locator("#current-label").textContent()).resolves.not.toContain("opened in this browser");
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it(
    "village and indicator names holding HTML are shown as text on every page: no element injected, no dialog",
    async () => {
      // A small dataset whose village and town names are HTML payloads, and a model whose indicator names are.
      const IMG = "<img src=x onerror=alert(1)>", SCRIPT = "</script><script>alert(2)</script>";
      const folder = join(tmp, "payload");
      await mkdir(folder);
      const [households, ...lines] = (await readFile(join(DATA, "households.csv"), "utf8")).trimEnd().split("\n");
      const columns = households.split(",");
      const village = columns.indexOf("village"), town = columns.indexOf("town");
      const rows = lines.map((line, i) => {
        const cells = line.split(",");
        cells[village] = `${i % 2 === 0 ? IMG : SCRIPT}${cells[village]}`;
        cells[town] = `${SCRIPT}${cells[town]}`;
        return cells.join(",");
      });
      await writeFile(join(folder, "households.csv"), [households, ...rows].join("\n") + "\n");
      for (const table of ["members", "verified"]) {
        await writeFile(join(folder, `${table}.csv`), await readFile(join(DATA, `${table}.csv`)));
      }
      const model = JSON.parse(await readFile(MODEL, "utf8"));
      for (const [i, indicator] of model.indicators.entries()) {
        indicator.name = `${i % 2 === 0 ? IMG : SCRIPT} ${indicator.name}`;
        indicator.name_zh = `${IMG}${indicator.name_zh ?? ""}`;
      }
      const { page, log } = await visit("index.html");
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      // The payload model becomes the notebooks' model, as the calibrate page's "use in all notebooks" stores it.
      await page.evaluate(async (text) => {
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const r = indexedDB.open("civic-notebooks", 2);
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        await new Promise<void>((ok, fail) => {
          const tx = db.transaction("session", "readwrite");
          tx.objectStore("session").put({ text, file: "payload.json", savedAt: new Date().toISOString() }, "model");
          tx.oncomplete = () => ok();
          tx.onerror = () => fail(tx.error);
        });
        db.close();
      }, JSON.stringify(model));
      await page.locator("#folder").setInputFiles(folder);
      await page.getByTestId("stored").waitFor({ timeout: 60_000 });
      const injected = () =>
        page.evaluate(() => ({
          elements: document.querySelectorAll("main img, main script, svg img, svg script").length,
          text: document.body.textContent ?? "",
        }));
      for (const path of ["index.html", "calibrate.html", "household.html", "audit.html"]) {
        await page.goto(server.url + path);
        await waitReady(page);
        if (path === "audit.html") await page.locator("#cases table").waitFor();
        const { elements, text } = await injected();
        expect(elements, path).toBe(0);
        expect(text, path).toContain(path === "index.html" ? "payload" : IMG);
        if (path !== "index.html") expect(text, path).toContain(SCRIPT);
        const hook = await readHook(page);
        expect(hook?.errors, path).toEqual({});
      }
      await shot(page, "payload-audit");
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      expect(log.errors).toEqual([]);
      // Back to the demo dataset and the default model for any later test.
      await page.evaluate(() => indexedDB.deleteDatabase("civic-notebooks"));
      await page.close();
    },
    180_000,
  ); // four pages, each validating the payload dataset

  it("no page requested anything from another origin", () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const { page, log } of logs) {
      expect(log.requests.length, page).toBeGreaterThan(0);
      expect(foreignRequests(log, server.url), page).toEqual([]);
    }
  });
});
