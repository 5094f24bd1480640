/**
 * Excel tables through the notebooks' folder picker (Chromium): a folder of `.xlsx` workbooks with
 * Chinese headers mapped in dataset.json validates in the page with the command line's report, and
 * a broken workbook (merged header cells, a formula, a date stored as text) shows the problems
 * worded as `deno task validate` words them, with file, sheet, row and column. Nothing leaves 127.0.0.1.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import {
  buildNotebooks,
  foreignRequests,
  HAS_CHROMIUM,
  launch,
  openPage,
  ROOT,
  run,
  serveStatic,
  waitReady,
} from "./_harness.ts";
import { sheetjsWorkbook } from "../_xlsx_fixtures.ts";

const DATA = join(ROOT, "data", "sample");
const MODEL = join(ROOT, "models", "county-default.json");
const deno = process.execPath;

const DESCRIPTION = JSON.stringify({
  tables: {
    households: { household_id: { header: "户编号" }, village: { header: "村" }, category: { header: "类别" } },
    members: { person_id: { header: "人员编号" }, household_id: { header: "户编号" }, age: { header: "年龄" } },
  },
  sheets: { households: "家庭" },
});

/** The lines of `deno task validate` on a folder (exit status aside), folder prefix as the page shows it. */
async function validateLines(folder: string, tmp: string): Promise<string[]> {
  const out = await run(deno, ["task", "-q", "validate", "--data", folder]).catch((e: Error) => e.message);
  return out.split("\n").map((l) => l.replaceAll(`${tmp}/`, "").trim()).filter((l) =>
    /^(good|broken)\/|rows read|^Valid|problems? found/.test(l)
  );
}

describe.skipIf(!HAS_CHROMIUM)("xlsx tables through the notebooks' picker", () => {
  let tmp: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: { context: BrowserContext; close: () => Promise<void> };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "civic-xlsx-picker-"));
    const dist = join(tmp, "dist");
    const [, launched] = await Promise.all([
      buildNotebooks(dist, { NOTEBOOK_DATA: DATA, NOTEBOOK_MODEL: MODEL }),
      launch(),
    ]);
    browser = launched;
    server = await serveStatic(dist);
    const good = join(tmp, "good");
    await mkdir(good);
    await writeFile(join(good, "dataset.json"), DESCRIPTION);
    await writeFile(
      join(good, "households.xlsx"),
      sheetjsWorkbook([
        { name: "说明", rows: [["县民政局导出"]] },
        {
          name: "家庭",
          rows: [["户编号", "村", "类别", "registered_on"], ["H1", "王家村", "dibao", { date: "2024-01-02" }], [
            "H2",
            "李家湾",
            "tekun",
            null,
          ]],
        },
      ]),
    );
    await writeFile(
      join(good, "members.xlsx"),
      sheetjsWorkbook([{
        name: "成员",
        rows: [["人员编号", "户编号", "年龄"], ["P1", "H1", 70], ["P2", "H1", 8], ["P3", "H2", 45]],
      }]),
    );
    const broken = join(tmp, "broken");
    await mkdir(broken);
    await writeFile(join(broken, "dataset.json"), DESCRIPTION);
    await writeFile(
      join(broken, "households.xlsx"),
      sheetjsWorkbook([{
        name: "家庭",
        rows: [
          ["户编号", "村", "类别", "registered_on", "income_yuan", null],
          ["H1", "王家村", "dibao", { date: "2024-01-02" }, { f: "1+2", v: 3 }, null],
          ["H2", "李家湾", "tekun", "2024/1/3", 5, 6],
        ],
        merges: ["E1:F1"],
      }]),
    );
    await writeFile(join(broken, "members.csv"), "\uFEFF人员编号,户编号,年龄\r\nP1,H1,70\r\nP3,H2,45\r\n");
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  for (const name of ["good", "broken"]) {
    it(`a ${name} folder of workbooks shows the command line's report in the page`, async () => {
      const { page, log } = await openPage(browser.context);
      await page.goto(server.url + "index.html");
      await waitReady(page);
      expect(await page.locator("#files").getAttribute("accept")).toContain(".xlsx");
      await page.locator("#folder").setInputFiles(join(tmp, name));
      await page.locator("#picked [data-testid=cli-report]").waitFor({ state: "attached", timeout: 60_000 });
      const report = (await page.locator("#picked [data-testid=cli-report]").textContent()) ?? "";
      const cli = await validateLines(join(tmp, name), tmp);
      expect(cli.length).toBeGreaterThan(name === "good" ? 1 : 4);
      for (const line of cli) expect(report).toContain(line);
      if (name === "good") {
        expect(report).toContain("households (good/households.xlsx (sheet 家庭)): 2 rows read, 2 accepted");
      } else {
        expect(report).toContain(
          "broken/households.xlsx (sheet 家庭):1, column income_yuan: Header cells E1:F1 are merged",
        );
        expect(report).toContain("Cell E2 holds a formula (=1+2)");
        expect(report).toContain("Cell D3 holds a date stored as text");
      }
      expect(foreignRequests(log, server.url)).toEqual([]);
      expect(log.errors).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
