import { describe, expect, it } from "vitest";
import { formatProblem } from "../src/contract/mod.ts";
import { readWorkbook, serialToDate } from "../src/ingest/xlsx.ts";
import { writeXlsx } from "../src/ingest/xlsx_write.ts";
import { ENGINES, load } from "./_datasets.ts";
import { sheetjsFormat, sheetjsRead, sheetjsWorkbook } from "./_xlsx_fixtures.ts";

const MEMBERS = "person_id,household_id,age\nP1,H1,70\nP2,H1,8\nP3,H2,45\n";

describe("xlsx reader", () => {
  it("reads Excel's serials with the 1900 leap-year bug and the 1904 system", () => {
    expect(serialToDate(1)).toBe("1900-01-01");
    expect(serialToDate(59)).toBe("1900-02-28");
    expect(serialToDate(60)).toBeUndefined(); // 1900-02-29 never was
    expect(serialToDate(61)).toBe("1900-03-01");
    expect(serialToDate(45351)).toBe("2024-02-29");
    expect(serialToDate(45351.75)).toBe("2024-02-29");
    expect(serialToDate(0, true)).toBe("1904-01-01");
  });

  it("types cells as SheetJS wrote them: shared strings, numbers, booleans, dates, formulas, merges, empty sheets", async () => {
    const bytes = sheetjsWorkbook([
      {
        name: "户信息",
        rows: [
          ["户编号", "收入", "有车", "登记日", "翻倍"],
          ["H1", 0.1 + 0.2, true, { date: "2024-02-29" }, { f: "B2*2", v: 0.6000000000000001 }],
          ["H2", 123456789012, false, { date: "1900-02-28" }, null],
        ],
        merges: ["D3:E3"],
      },
      { name: "空", rows: [] },
    ]);
    const wb = await readWorkbook(bytes);
    expect(wb.sheetNames).toEqual(["户信息", "空"]);
    const sheet = wb.sheet()!;
    expect(sheet.rows.map((r) => r.r)).toEqual([1, 2, 3]);
    expect(sheet.rows[1].cells).toEqual([
      { kind: "text", value: "H1" },
      { kind: "number", value: 0.30000000000000004 },
      { kind: "boolean", value: true },
      { kind: "date", value: "2024-02-29", serial: 45351 },
      { kind: "number", value: 0.6000000000000001, formula: "B2*2" },
    ]);
    expect(sheet.rows[2].cells[1]).toEqual({ kind: "number", value: 123456789012 });
    expect(sheet.rows[2].cells[3]).toEqual({ kind: "date", value: "1900-02-28", serial: 59 });
    expect(sheet.merges).toEqual([{ ref: "D3:E3", r1: 3, c1: 3, r2: 3, c2: 4 }]);
    expect(wb.sheet("空")).toEqual({ name: "空", rows: [], merges: [] });
    expect(wb.sheet("missing")).toBeUndefined();
  });

  it("refuses what is not a workbook", async () => {
    await expect(readWorkbook(new TextEncoder().encode("a,b\n1,2\n"))).rejects.toThrow(/no zip directory/);
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expect(readWorkbook(xls)).rejects.toThrow(/old-format \.xls file or a password-protected workbook/);
  });
});

describe("xlsx writer", () => {
  it("writes sheets SheetJS reads back: numbers stay numbers, dates are dated, formulas neutralised", async () => {
    const bytes = writeXlsx([
      {
        name: "civil_affairs",
        rows: [
          ["household_id", "score", "due", "note"],
          ["H1", 12.5, { date: "2024-03-08" }, "=HYPERLINK(1)"],
          ["H2", -3, null, " 张 "],
          ["_x0041_", 0, null, "a\nb"],
        ],
      },
      { name: "medical", rows: [["household_id"]] },
    ]);
    expect(sheetjsRead(bytes)).toEqual({
      civil_affairs: [
        ["household_id", "score", "due", "note"],
        ["H1", 12.5, 45359, "'=HYPERLINK(1)"],
        ["H2", -3, undefined, " 张 "],
        ["_x0041_", 0, undefined, "a\nb"],
      ],
      medical: [["household_id"]],
    });
    expect(sheetjsFormat(bytes, "civil_affairs", "C2")).toBe("yyyy-mm-dd");
    const again = (await readWorkbook(bytes)).sheet("civil_affairs")!;
    expect(again.rows[1].cells[2]).toEqual({ kind: "date", value: "2024-03-08", serial: 45359 });
    expect([again.rows[3].cells[0], again.rows[3].cells[3]]).toEqual([
      { kind: "text", value: "_x0041_" },
      { kind: "text", value: "a\nb" },
    ]);
    expect(writeXlsx([{ name: "a", rows: [["x", 1]] }])).toEqual(writeXlsx([{ name: "a", rows: [["x", 1]] }]));
    expect(() => writeXlsx([{ name: "a/b", rows: [] }])).toThrow(/sheet name/);
  });
});

/** The problems of loading the files, as lines. */
async function problems(files: Record<string, string | Uint8Array>): Promise<string[]> {
  const { db, report } = await load("native", files);
  await db.close();
  return report.problems.map(formatProblem);
}

const DESCRIPTION = JSON.stringify({
  tables: {
    households: {
      household_id: { header: "户编号" },
      village: { header: "村" },
      category: { header: "类别" },
      income_yuan: { header: "收入（元）" },
    },
  },
  sheets: { households: "户信息" },
});

describe("xlsx tables", () => {
  for (const engine of ENGINES) {
    it(`loads the named sheet with Chinese headers mapped, typed as Excel stores the cells (${engine})`, async () => {
      const households = sheetjsWorkbook([
        { name: "说明", rows: [["本表由县民政局导出"]] },
        {
          name: "户信息",
          rows: [
            ["户编号", "村", "类别", "收入（元）", "has_car", "registered_on"],
            ["H1", "王家村", "dibao", 1500.5, true, { date: "2023-12-31" }],
            ["H2", "李家湾", "tekun", 0, false, null],
          ],
        },
      ]);
      const { db, report } = await load(engine, {
        "dataset.json": DESCRIPTION,
        "households.xlsx": households,
        "members.csv": MEMBERS,
      });
      expect(report.problems.map(formatProblem)).toEqual([]);
      expect(report.valid).toBe(true);
      expect(report.schema.households).toEqual({
        household_id: "text",
        village: "text",
        category: "text",
        income_yuan: "number",
        has_car: "boolean",
        registered_on: "date",
      });
      const rows = await db.all(
        `SELECT household_id, village, income_yuan, has_car, CAST(registered_on AS VARCHAR) AS d FROM households ORDER BY 1`,
      );
      expect(rows).toEqual([
        { household_id: "H1", village: "王家村", income_yuan: 1500.5, has_car: true, d: "2023-12-31" },
        { household_id: "H2", village: "李家湾", income_yuan: 0, has_car: false, d: null },
      ]);
      await db.close();
    });
  }

  it("maps Chinese headers of CSV tables too, with a BOM and CRLF line ends", async () => {
    const csv = "\uFEFF户编号,村,类别,收入（元）\r\nH1,王家村,dibao,1500.5\r\nH2,李家湾,tekun,0\r\n";
    const { db, report } = await load("native", {
      "dataset.json": DESCRIPTION,
      "households.csv": csv,
      "members.csv": MEMBERS,
    });
    expect(report.problems.map(formatProblem)).toEqual([]);
    expect(await db.all(`SELECT household_id, income_yuan FROM households ORDER BY 1`)).toEqual([
      { household_id: "H1", income_yuan: 1500.5 },
      { household_id: "H2", income_yuan: 0 },
    ]);
    await db.close();
  });

  it("refuses a header that maps to no name, naming file, header and fix", async () => {
    const csv = "户编号,村,类别,户主姓名\nH1,王家村,dibao,x\n";
    expect(await problems({ "dataset.json": DESCRIPTION, "households.csv": csv, "members.csv": MEMBERS })).toEqual([
      'ds/households.csv:1, column 户主姓名: Column name "户主姓名" is not allowed; names must match [a-z][a-z0-9_]*: ' +
      'rename the header, or map it to a name in dataset.json ("tables": {"households": {"<name>": {"header": "户主姓名"}}})',
    ]);
  });

  it("refuses two headers mapped to one name, and one header mapped twice in dataset.json", async () => {
    const csv = "户编号,household_id,村,类别\nH1,H1,王家村,dibao\n";
    expect(await problems({ "dataset.json": DESCRIPTION, "households.csv": csv, "members.csv": MEMBERS })).toEqual([
      'ds/households.csv:1, column household_id: Column "household_id" appears twice in the header; rename one',
    ]);
    const twice = JSON.stringify({ tables: { households: { village: { header: "村" }, town: { header: "村" } } } });
    expect((await problems({ "dataset.json": twice, "households.csv": csv, "members.csv": MEMBERS }))[0]).toBe(
      'ds/dataset.json: tables.households.town.header: header "村" is mapped to both "village" and "town"; map it to one',
    );
  });

  it("refuses a table given both as CSV and as xlsx", async () => {
    const xlsx = sheetjsWorkbook([{
      name: "s",
      rows: [["household_id", "village", "category"], ["H1", "v", "dibao"]],
    }]);
    const csv = "household_id,village,category\nH1,v,dibao\n";
    expect(await problems({ "households.csv": csv, "households.xlsx": xlsx, "members.csv": MEMBERS })).toEqual([
      "ds/households.csv: Both households.csv and households.xlsx are present; keep one of them",
    ]);
  });
});

describe("bad workbooks are refused with file, sheet, row, column and the fix", () => {
  const HEAD = ["household_id", "village", "category", "income_yuan", "registered_on"];
  const withSheet = (rows: Parameters<typeof sheetjsWorkbook>[0][0]["rows"], merges?: string[]) => ({
    "households.xlsx": sheetjsWorkbook([{ name: "Sheet1", rows, merges }]),
    "members.csv": MEMBERS,
  });

  it("merged header cells", async () => {
    const files = withSheet([["household_id", "village", "category", "income", null], ["H1", "v", "dibao", 1, 2]], [
      "D1:E1",
    ]);
    expect(await problems(files)).toEqual([
      "ds/households.xlsx (sheet Sheet1):1, column income: Header cells D1:E1 are merged; unmerge them " +
      "(Merge & Center → Unmerge Cells) and give each column its own header in row 1 (a title above the header must be deleted)",
      'ds/households.xlsx (sheet Sheet1):2, column E, value "2": Cell E2 has a value but its column has no header in row 1; ' +
      "add a header or delete the value",
    ]);
  });

  it("a formula cell", async () => {
    const files = withSheet([HEAD, ["H1", "v", "dibao", { f: "1+2", v: 3 }, { date: "2024-01-02" }]]);
    expect(await problems(files)).toEqual([
      'ds/households.xlsx (sheet Sheet1):2, column income_yuan, value "3": Cell D2 holds a formula (=1+2); ' +
      "replace the formulas with their values (copy, then Paste Special → Values) and save again",
    ]);
  });

  it("an empty sheet, and a sheet whose header is not in row 1", async () => {
    expect(await problems(withSheet([]))).toEqual([
      "ds/households.xlsx (sheet Sheet1):1: Sheet is empty; put the header in row 1 and one row per record below it " +
      '(or name the sheet that holds the table in dataset.json "sheets")',
    ]);
    expect(await problems(withSheet([[], HEAD, ["H1", "v", "dibao", 1, null]]))).toEqual([
      "ds/households.xlsx (sheet Sheet1):1: Row 1 is empty and the first filled row is 2; " +
      "the header must be in row 1: delete the rows above it",
    ]);
  });

  it("a date stored as text, or as a plain number, in a date column", async () => {
    const files = withSheet([
      HEAD,
      ["H1", "v", "dibao", 1, { date: "2024-01-02" }],
      ["H2", "v", "dibao", 1, "2024/1/3"],
      ["H3", "v", "dibao", 1, 45000],
    ]);
    expect(await problems(files)).toEqual([
      'ds/households.xlsx (sheet Sheet1):3, column registered_on, value "2024/1/3": Cell E3 holds a date stored as text; ' +
      "enter it as a date (format the column as Date and retype it, or use Data → Text to Columns) so every value in " +
      "this date column is a real date",
      'ds/households.xlsx (sheet Sheet1):4, column registered_on, value "45000": Cell E4 holds a plain number in a date ' +
      "column; format it as a date (Format Cells → Date)",
    ]);
  });

  it("a date stored as text in a column dataset.json declares a date", async () => {
    const description = JSON.stringify({ tables: { households: { registered_on: { type: "date" } } } });
    const files = { ...withSheet([HEAD, ["H1", "v", "dibao", 1, "2024-01-02"]]), "dataset.json": description };
    expect(await problems(files)).toEqual([
      'ds/households.xlsx (sheet Sheet1):2, column registered_on, value "2024-01-02": Cell E2 holds a date stored as ' +
      "text; enter it as a date (format the column as Date and retype it, or use Data → Text to Columns) so every " +
      "value in this date column is a real date",
    ]);
  });

  it("a sheet dataset.json names that the workbook lacks, and a file that is not a workbook", async () => {
    const files = { ...withSheet([HEAD]), "dataset.json": JSON.stringify({ sheets: { households: "户信息" } }) };
    expect(await problems(files)).toEqual([
      'ds/households.xlsx: Workbook has no sheet "户信息" (dataset.json "sheets"); its sheets are "Sheet1": ' +
      "rename the sheet or name one of these in dataset.json",
    ]);
    const typo = JSON.stringify({ sheets: { household: "户信息" } });
    expect(
      await problems({
        ...withSheet([HEAD, ["H1", "v", "dibao", 1, null], ["H2", "v", "tekun", 2, null]]),
        "dataset.json": typo,
      }),
    ).toEqual([
      'ds/dataset.json: sheets.household: "household" is not a table; name the sheet of households, members, verified',
    ]);
    expect(await problems({ "households.xlsx": "household_id\nH1\n", "members.csv": MEMBERS })).toEqual([
      "ds/households.xlsx: Cannot read the Excel workbook: Not an .xlsx workbook (no zip directory found); save it again as .xlsx",
    ]);
  });

  it("values that do not convert are row problems naming the sheet, as for CSV", async () => {
    const files = withSheet([HEAD, ["H1", "v", "dibao", 1, null], ["H2", "v", "nope", 2, null]]);
    const lines = await problems(files);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ds\/households\.xlsx \(sheet Sheet1\):3, column category, value "nope": /);
  });
});
