import { describe, expect, it } from "vitest";
import { formatProblem } from "../src/contract/mod.ts";
import { isMobileNumber, isResidentIdNumber, LOAD_STEPS, rejectedCsv } from "../src/ingest/mod.ts";
import { ENGINES, type Files, load, VALID } from "./_datasets.ts";

/** Loads strictly and returns the problems as lines. */
async function problemsOf(engine: (typeof ENGINES)[number], files: Files): Promise<string[]> {
  const { db, report } = await load(engine, files);
  await db.close();
  return report.problems.map(formatProblem);
}

const withHouseholds = (csv: string): Files => ({ ...VALID, "households.csv": csv });
const withMembers = (csv: string): Files => ({ ...VALID, "members.csv": csv });

for (const engine of ENGINES) {
  describe(`loading datasets (${engine})`, () => {
    it("loads a valid dataset with typed columns and reports rows read and accepted", async () => {
      const { db, report } = await load(engine, VALID);
      expect(report.valid).toBe(true);
      expect(report.tables.map((t) => [t.table, t.rowsRead, t.accepted, t.rejected])).toEqual([
        ["households", 2, 2, 0],
        ["members", 3, 3, 0],
      ]);
      expect(report.schema.members).toEqual({ person_id: "text", household_id: "text", age: "number" });
      expect(await db.all("select person_id, age from members order by person_id")).toEqual([
        { person_id: "P1", age: 70 },
        { person_id: "P2", age: 8 },
        { person_id: "P3", age: 45 },
      ]);
      await db.close();
    });

    it("reads Chinese text, quoted commas and doubled quotes, and treats empty cells as null", async () => {
      const { db, report } = await load(engine, {
        ...VALID,
        "households.csv":
          'household_id,village,category,town,note\nH1,"王家村, 一组",dibao,白沙镇,"说""好"""\nH2,"李家湾",tekun,,\n',
      });
      expect(report.valid).toBe(true);
      expect(await db.all("select village, town, note from households order by household_id")).toEqual([
        { village: "王家村, 一组", town: "白沙镇", note: '说"好"' },
        { village: "李家湾", town: null, note: null },
      ]);
      await db.close();
    });

    it("infers booleans, numbers and dates, and accepts 1/0 in boolean columns", async () => {
      const { db, report } = await load(engine, {
        ...VALID,
        "members.csv":
          "person_id,household_id,ill,income,born\nP1,H1,true,1200.5,1950-01-02\nP2,H1,0,,2016-05-01\nP3,H2,FALSE,-3,1979-12-31\n",
      });
      expect(report.schema.members).toEqual({
        person_id: "text",
        household_id: "text",
        ill: "boolean",
        income: "number",
        born: "date",
      });
      expect(await db.all("select ill, income, cast(born as varchar) as born from members order by person_id")).toEqual(
        [
          { ill: true, income: 1200.5, born: "1950-01-02" },
          { ill: false, income: null, born: "2016-05-01" },
          { ill: false, income: -3, born: "1979-12-31" },
        ],
      );
      await db.close();
    });

    it("keeps ids text even when they look like numbers", async () => {
      const { db, report } = await load(engine, {
        "households.csv": "household_id,village,category\n001,a,dibao\n",
        "members.csv": "person_id,household_id\n1,001\n",
      });
      expect(report.valid).toBe(true);
      expect(await db.all("select household_id from households")).toEqual([{ household_id: "001" }]);
      await db.close();
    });

    it("refuses a missing required table, naming the file expected", async () => {
      const problems = await problemsOf(engine, { "households.csv": VALID["households.csv"] });
      expect(problems).toEqual([
        'ds/members.csv: Missing required table "members": expected members.csv or members.parquet in the folder',
      ]);
    });

    it("refuses a missing required column, naming it", async () => {
      const problems = await problemsOf(engine, withHouseholds("household_id,category\nH1,dibao\nH2,tekun\n"));
      expect(problems[0]).toContain("ds/households.csv:1, column village");
      expect(problems[0]).toContain('Missing required column "village"');
    });

    it("refuses column names outside [a-z][a-z0-9_]*, suggesting one", async () => {
      const problems = await problemsOf(
        engine,
        withMembers("person_id,household_id,Annual Income\nP1,H1,3\nP2,H1,3\nP3,H2,3\n"),
      );
      expect(problems).toEqual([
        'ds/members.csv:1, column Annual Income: Column name "Annual Income" is not allowed; names must match [a-z][a-z0-9_]* (for example "annual_income")',
      ]);
    });

    it("refuses a NUL character in a value or a header, naming file, row and column", async () => {
      const inValue = await problemsOf(
        engine,
        withMembers("person_id,household_id,age\nP1,H1,7\u00000\nP2,H1,8\nP3,H2,45\n"),
      );
      expect(inValue).toEqual([
        'ds/members.csv:2, column age: NUL character in column "age"; remove it and load the file again',
      ]);
      const inHeader = await problemsOf(engine, withMembers("person_id,household_id,a\u0000ge\nP1,H1,7\n"));
      expect(inHeader).toEqual([
        'ds/members.csv:1, column a\\0ge: NUL character in column name "a\\0ge"; remove it and load the file again',
      ]);
    });

    it("refuses a column named _row like any name outside the rule; a column named row loads", async () => {
      const problems = await problemsOf(
        engine,
        withHouseholds("household_id,village,category,_row\nH1,a,dibao,1\nH2,b,tekun,2\n"),
      );
      expect(problems).toEqual([
        'ds/households.csv:1, column _row: Column name "_row" is not allowed; names must match [a-z][a-z0-9_]* (for example "row")',
      ]);
      const { db, report } = await load(
        engine,
        withHouseholds("household_id,village,category,row\nH1,a,dibao,7\nH2,b,tekun,9\n"),
      );
      expect(report.valid).toBe(true);
      expect(await db.all('select household_id, "row" from households order by household_id')).toEqual([
        { household_id: "H1", row: 7 },
        { household_id: "H2", row: 9 },
      ]);
      await db.close();
    });

    it("refuses duplicate household ids, naming both rows", async () => {
      const problems = await problemsOf(
        engine,
        withHouseholds("household_id,village,category\nH1,a,dibao\nH2,b,dibao\nH1,c,tekun\n"),
      );
      expect(problems).toContain(
        'ds/households.csv:4, column household_id, value "H1": Duplicate household_id "H1" (first at row 2); household_id must be unique',
      );
    });

    it("refuses empty ids and villages", async () => {
      const problems = await problemsOf(
        engine,
        withHouseholds('household_id,village,category\nH1,,dibao\nH2,b,tekun\n"",c,dibao\n'),
      );
      expect(problems).toContain("ds/households.csv:2, column village: Empty village; every row needs a village");
      expect(problems).toContain(
        "ds/households.csv:4, column household_id: Empty household_id; every row needs a household_id",
      );
    });

    it("refuses unknown category codes, listing the allowed ones", async () => {
      const problems = await problemsOf(
        engine,
        withHouseholds("household_id,village,category\nH1,a,dibao\nH2,b,低保\n"),
      );
      expect(problems).toEqual([
        'ds/households.csv:3, column category, value "低保": Unknown category; expected one of dibao, tekun, monitored, near_dibao, rigid_expense, other',
      ]);
    });

    it("refuses members of unknown households and households without members", async () => {
      const problems = await problemsOf(engine, withMembers("person_id,household_id\nP1,H1\nP2,H7\n"));
      expect(problems).toEqual([
        'ds/households.csv:3, column household_id, value "H2": Household "H2" has no member rows in members.csv; every household needs at least one member',
        'ds/members.csv:3, column household_id, value "H7": household_id "H7" is not in households.csv; add the household or fix the id',
      ]);
    });

    it("refuses ragged rows with the row and the field counts", async () => {
      const problems = await problemsOf(
        engine,
        withMembers("person_id,household_id,age\nP1,H1,70\nP2,H1,8,9\nP3,H2\n"),
      );
      expect(problems).toContain(
        'ds/members.csv:3, value "P2,H1,8,9": Expected 3 fields as in the header but found 4; quote fields that contain commas',
      );
      expect(problems).toContain(
        'ds/members.csv:4, value "P3,H2": Expected 3 fields as in the header but found 2; add the missing fields (an empty field is null)',
      );
    });

    it("counts rows, not lines, when a quoted field spans lines", async () => {
      const problems = await problemsOf(
        engine,
        withHouseholds('household_id,village,category\nH1,"a\nb",dibao\nH2,b,bad\n'),
      );
      expect(problems).toEqual([
        'ds/households.csv:3, column category, value "bad": Unknown category; expected one of dibao, tekun, monitored, near_dibao, rigid_expense, other',
      ]);
    });

    it("refuses a file that is not UTF-8, recognizing GBK", async () => {
      // "王" in GBK is 0xCD 0xF5.
      const gbk = new Uint8Array([
        ...new TextEncoder().encode("household_id,village,category\nH1,"),
        0xcd,
        0xf5,
        ...new TextEncoder().encode(",dibao\n"),
      ]);
      const problems = await problemsOf(engine, { ...VALID, "households.csv": gbk });
      expect(problems).toEqual([
        "ds/households.csv:2: File is not UTF-8 (it looks like GBK/GB18030); save it as UTF-8 and load it again",
      ]);
    });

    it("refuses verified rows with bad channels, non-boolean need and unknown households", async () => {
      const problems = await problemsOf(engine, {
        ...VALID,
        "verified.csv": "household_id,batch,channel,need\nH1,B1,warning,true\nH2,B1,phone,false\nH9,B1,survey,yes\n",
      });
      expect(problems).toEqual([
        'ds/verified.csv:3, column channel, value "phone": Unknown channel; expected one of warning, application, survey',
        'ds/verified.csv:4, column household_id, value "H9": household_id "H9" is not in households.csv; fix the id',
        'ds/verified.csv:4, column need, value "yes": Expected a boolean: true, false, 1 or 0',
      ]);
    });

    it("reports values that do not fit a column's declared type in dataset.json", async () => {
      const problems = await problemsOf(engine, {
        ...withMembers("person_id,household_id,age\nP1,H1,70\nP2,H1,eight\nP3,H2,45\n"),
        "dataset.json": JSON.stringify({ tables: { members: { age: { type: "number", unit: "years" } } } }),
      });
      expect(problems).toEqual([
        'ds/members.csv:3, column age, value "eight": Expected a number such as 1200 or 0.5 (as dataset.json declares)',
      ]);
    });

    it("reports the odd value out in a mostly numeric column", async () => {
      const rows = Array.from({ length: 12 }, (_, i) => `P${i},H${i % 2 + 1},${i === 5 ? "n/a" : i * 100}`);
      const problems = await problemsOf(engine, withMembers(`person_id,household_id,income\n${rows.join("\n")}\n`));
      expect(problems).toEqual([
        'ds/members.csv:7, column income, value "n/a": Expected a number such as 1200 or 0.5 (most of the column is number; fix the value, or declare the column "text" in dataset.json)',
      ]);
    });

    it("refuses a column of resident identity numbers and masks the value", async () => {
      const problems = await problemsOf(
        engine,
        withMembers(
          "person_id,household_id,id_card\nP1,H1,11010519491231002X\nP2,H1,\nP3,H2,\n",
        ),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('ds/members.csv:2, column id_card, value "110***********002X"');
      expect(problems[0]).toContain("resident identity numbers");
      expect(problems[0]).toContain("deno task anonymize");
      expect(problems[0]).not.toContain("11010519491231002X");
    });

    it("refuses a column of mobile numbers even when they load as numbers", async () => {
      const problems = await problemsOf(
        engine,
        withHouseholds("household_id,village,category,phone\nH1,a,dibao,13812345678\nH2,b,tekun,15900001111\n"),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("column phone");
      expect(problems[0]).toContain("mobile phone numbers");
    });

    it("loads the valid rows leniently and lists the rejected ones with reasons", async () => {
      const { db, report } = await load(engine, {
        "households.csv": "household_id,village,category\nH1,a,dibao\nH2,b,bad\nH3,c,tekun\n",
        "members.csv": "person_id,household_id\nP1,H1\nP2,H2\nP3,H3\nP4,H3,extra\n",
      }, { lenient: true });
      expect(report.tables.map((t) => [t.table, t.rowsRead, t.accepted, t.rejected])).toEqual([
        ["households", 3, 2, 1],
        ["members", 4, 2, 2],
      ]);
      expect(report.rejected.map((r) => `${r.file}:${r.row} ${r.reason}`)).toEqual([
        "ds/households.csv:3 Unknown category; expected one of dibao, tekun, monitored, near_dibao, rigid_expense, other",
        'ds/members.csv:3 Its household "H2" was rejected (households row 3)',
        "ds/members.csv:5 Expected 2 fields as in the header but found 3; quote fields that contain commas",
      ]);
      expect(await db.all("select household_id from households order by 1")).toEqual([{ household_id: "H1" }, {
        household_id: "H3",
      }]);
      await db.close();
    });
  });
}

describe("the validation steps", () => {
  it("are named once, each with a description", () => {
    const names = LOAD_STEPS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe("description");
    expect(names.at(-1)).toBe("tables");
    for (const step of LOAD_STEPS) expect(step.description.length).toBeGreaterThan(10);
  });
  it("report their times in step order only when asked", async () => {
    const timed = await load("native", VALID, { timings: true });
    await timed.db.close();
    expect(timed.report.timings?.map((t) => t.step)).toEqual(LOAD_STEPS.map((s) => s.name));
    for (const t of timed.report.timings!) expect(t.ms).toBeGreaterThanOrEqual(0);
    const plain = await load("native", VALID);
    await plain.db.close();
    expect("timings" in plain.report).toBe(false);
    const { timings: _, ...rest } = timed.report;
    expect(rest).toEqual(plain.report);
  });
});

describe("rejected.csv", () => {
  it("writes a rejected value a spreadsheet would run as a formula with a leading quote", () => {
    const csv = rejectedCsv([{
      file: "ds/households.csv",
      row: 3,
      column: "village",
      value: "=HYPERLINK(1)",
      reason: "x",
    }]);
    expect(csv).toBe("file,row,column,value,reason\nds/households.csv,3,village,'=HYPERLINK(1),x\n");
  });
});

describe("personal identifiers", () => {
  it("recognizes a resident identity number by its GB 11643 check digit", () => {
    expect(isResidentIdNumber("11010519491231002X")).toBe(true);
    expect(isResidentIdNumber("110105194912310021")).toBe(false);
    expect(isResidentIdNumber("11010519491331002X")).toBe(false);
  });
  it("recognizes mainland mobile numbers", () => {
    expect(isMobileNumber("13812345678")).toBe(true);
    expect(isMobileNumber("+8613812345678")).toBe(true);
    expect(isMobileNumber("12812345678")).toBe(false);
  });
});
