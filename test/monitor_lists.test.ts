import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCalendarDays, addWorkingDays, isIsoDate, isWorkingDay } from "../src/base/calendar.ts";
import { formatProblem, InputError, parseModel } from "../src/contract/mod.ts";
import { readDatasetFolder } from "../src/ingest/mod.ts";
import {
  changesCsv,
  changesSummary,
  dispatchBatch,
  importFeedback,
  importFeedbackFile,
  importSnapshot,
  listBatches,
  type MonitorDb,
  openMonitor,
  query,
  snapshotChanges,
  warnBatch,
  workListCsv,
  workListFile,
  workListXlsx,
} from "../src/monitor/mod.ts";
import { sheetjsFormat, sheetjsRead, sheetjsWorkbook } from "./_xlsx_fixtures.ts";

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function dataset(files: Record<string, string>): string {
  const dir = tempDir("monitor-ds-");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const model = parseModel(
  JSON.stringify({
    id: "tiny",
    version: "1",
    categories: [{ id: "c" }],
    indicators: [
      {
        id: "D1",
        category: "c",
        level: "household",
        when: "category = 'dibao'",
        points: 6,
        department: "civil_affairs",
      },
      { id: "M1", category: "c", level: "member", when: "major_illness", points: 5, department: "medical_insurance" },
      { id: "E1", category: "c", level: "member", when: "age >= 70", points: 3, department: "civil_affairs" },
    ],
    bands: [{ id: "red", min: 8 }, { id: "yellow", min: 4 }],
  }),
  "tiny.json",
);
const VERIFIED = "household_id,batch,channel,need\nH1,B1,warning,true\n";
const JULY = {
  "households.csv": "household_id,village,category\nH1,A,dibao\nH2,A,dibao\nH3,B,tekun\nH4,B,other\n",
  "members.csv":
    "person_id,household_id,age,major_illness\nP1,H1,40,true\nP2,H2,30,false\nP3,H2,75,false\nP4,H3,50,true\nP5,H4,20,false\n",
  "verified.csv": VERIFIED,
};
const AUGUST = {
  "households.csv": "household_id,village,category\nH1,B,dibao\nH2,A,dibao\nH3,B,tekun\nH4,B,dibao\nH5,C,other\n",
  "members.csv":
    "person_id,household_id,age,major_illness\nP1,H1,40,true\nP3,H2,75,false\nP4,H3,50,false\nP5,H4,20,false\nP6,H5,9,false\n",
  "verified.csv": VERIFIED,
};

async function twoMonths(): Promise<MonitorDb> {
  const mdb = await openMonitor(join(tempDir("monitor-db-"), "county.duckdb"), { create: true });
  const july = dataset(JULY), august = dataset(AUGUST);
  await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
  await importSnapshot(mdb, await readDatasetFolder(august), "2024-08", { folder: august });
  await warnBatch(mdb, model, "tiny.json", "2024-07");
  await warnBatch(mdb, model, "tiny.json", "2024-08");
  return mdb;
}

describe("changes, dispatch and feedback", () => {
  it("changes: households and members joined or left, category, other columns; --model keeps the model's", async () => {
    const mdb = await twoMonths();
    const all = await snapshotChanges(mdb, "2024-07", "2024-08");
    expect(changesCsv(all)).toBe(
      "household_id,person_id,change,column,from,to\n" +
        "H1,,household_value,village,A,B\n" +
        "H2,P2,member_left,,,\n" +
        "H3,P4,member_value,major_illness,true,false\n" +
        "H4,,category,category,other,dibao\n" +
        "H5,,household_joined,,,\n" +
        "H5,P6,member_joined,,,\n",
    );
    const read = await snapshotChanges(mdb, "2024-07", "2024-08", new Set(["age", "major_illness"]));
    expect(read.map((c) => `${c.household_id} ${c.change}`)).toEqual([
      "H2 member_left",
      "H3 member_value",
      "H4 category",
      "H5 household_joined",
      "H5 member_joined",
    ]);
    expect(changesSummary(all, "2024-07", "2024-08")).toMatch(
      /^Changes from 2024-07 to 2024-08: 5 households changed, 6 changes\./,
    );
    await expect(snapshotChanges(mdb, "2024-07", "2024-10")).rejects.toThrow(/holds no snapshot of 2024-10/);
    await mdb.close();
  });

  it("dispatch: one work list per department with roles 主管/主责/主抓, indicators and the deadline", async () => {
    const mdb = await twoMonths();
    const d = await dispatchBatch(mdb, "2024-08_tiny", { on: "2024-09-02", timeLimitDays: 15 });
    expect(d.deadline).toBe("2024-09-17");
    expect([...d.lists.keys()]).toEqual(["civil_affairs", "medical_insurance"]);
    expect(workListCsv(d.lists.get("civil_affairs")!)).toBe(
      "household_id,category,role,band,status,per_capita,total_points,indicators,deadline\n" +
        "H1,dibao,主管+主责,red,continued,11,11,D1: 6,2024-09-17\n" +
        "H2,dibao,主管+主责,red,changed,9,9,D1: 6; E1: 3,2024-09-17\n" +
        "H4,dibao,主管+主责,yellow,new,6,6,D1: 6,2024-09-17\n",
    );
    expect(workListCsv(d.lists.get("medical_insurance")!).split("\n")[1]).toBe(
      "H1,dibao,主抓,red,continued,11,11,M1: 5,2024-09-17",
    );
    expect(workListFile("civil affairs/x")).toBe("worklist_civil_affairs_x.csv");
    expect((await listBatches(mdb)).map((b) => b.dispatched)).toEqual([0, 3]);
    await expect(dispatchBatch(mdb, "nope", { on: "2024-09-02", timeLimitDays: 15 })).rejects.toThrow(
      /holds no batch "nope"; give one of: 2024-07_tiny, 2024-08_tiny/,
    );
    await mdb.close();
  });

  it("feedback: returns become verified rows of the batch; a bad row refuses the whole file", async () => {
    const mdb = await twoMonths();
    const bad = "batch,household_id,department,need,amount_yuan\n" +
      "2024-08_tiny,H2,civil_affairs,true,1500\n" +
      "2024-08_tiny,H3,civil_affairs,true,\n" +
      "2024-09_x,H1,civil_affairs,maybe,abc\n";
    const error = await importFeedback(mdb, bad, "returns.csv").catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => `${p.row} ${p.column}`)).toEqual([
      "3 household_id",
      "4 batch",
      "4 need",
      "4 amount_yuan",
    ]);
    expect(await query(mdb, "SELECT count(*)::INTEGER AS n FROM m.feedback")).toEqual([{ n: 0 }]);
    const good = "\uFEFFhousehold_id,department,accepted,need,assistance,amount_yuan,verified_on\r\n" +
      "H2,civil_affairs,true,true,temporary,1500,2024-09-10\r\nH1,medical_insurance,true,false,,,2024-09-11\r\n";
    const rows = await importFeedback(mdb, good, "returns.csv", { batch: "2024-08_tiny" });
    expect(rows.map((r) => [r.household_id, r.need, r.amount_yuan])).toEqual([["H2", true, 1500], ["H1", false, null]]);
    await importFeedback(mdb, good, "returns.csv", { batch: "2024-08_tiny" });
    expect(
      await query(mdb, "SELECT household_id, department, need, amount_yuan FROM m.feedback ORDER BY household_id"),
    ).toEqual([
      { household_id: "H1", department: "medical_insurance", need: false, amount_yuan: null },
      { household_id: "H2", department: "civil_affairs", need: true, amount_yuan: 1500 },
    ]);
    expect((await listBatches(mdb)).map((b) => b.returns)).toEqual([0, 2]);
    await mdb.close();
  });
});

function db(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "scripts/db.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

describe("deno task db changes / dispatch / feedback", () => {
  it("writes the files and records the work; a bad returns file exits 2 with file, row and column", async () => {
    const mdb = await twoMonths();
    await mdb.close();
    const dir = tempDir("monitor-cli-");
    const changed = db("changes", "--db", mdb.file, "--from", "2024-07", "--to", "2024-08", "--out", join(dir, "ch"));
    expect(changed.status).toBe(0);
    expect(readFileSync(join(dir, "ch", "changes.csv"), "utf8").split("\n")).toHaveLength(8);
    expect(readFileSync(join(dir, "ch", "changes.txt"), "utf8")).toMatch(/5 households changed, 6 changes/);
    const out = join(dir, "lists");
    const sent = db("dispatch", "--db", mdb.file, "--batch", "2024-08_tiny", "--out", out, "--on", "2024-09-02");
    expect(sent.status).toBe(0);
    expect(readFileSync(join(out, "worklist_medical_insurance.csv"), "utf8")).toBe(
      "household_id,category,role,band,status,per_capita,total_points,indicators,deadline\n" +
        "H1,dibao,主抓,red,continued,11,11,M1: 5,2024-09-17\n",
    );
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "household_id,department,need\nH9,civil_affairs,true\n");
    const refused = db("feedback", "--db", mdb.file, "--file", bad, "--batch", "2024-08_tiny");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /bad\.csv:2, column household_id, value "H9": Unknown household: batch 2024-08_tiny/,
    );
    const good = join(dir, "good.csv");
    writeFileSync(good, "batch,household_id,department,need\n2024-08_tiny,H1,medical_insurance,true\n");
    expect(db("feedback", "--db", mdb.file, "--file", good).status).toBe(0);
    const status = db("status", "--db", mdb.file);
    expect(status.stdout).toMatch(/2024-08_tiny .*; 3 dispatched, 1 returns/);
  });
});

describe("working days", () => {
  // Mid-Autumn 2024: Monday 16 and Tuesday 17 September off, Saturday 14 September a make-up workday.
  const cal = { holidays: ["2024-09-16", "2024-09-17"], workdays: ["2024-09-14"] };

  it("counts Monday to Friday, minus holidays, plus make-up workdays", () => {
    // From Monday 2 September: 3–6 (4), 9–13 (9), 16–20 (14), 23 (15).
    expect(addWorkingDays("2024-09-02", 15)).toBe("2024-09-23");
    // With the holiday: 3–6 (4), 9–13 (9), Saturday 14 (10), 18–20 (13), 23 (14), 24 (15).
    expect(addWorkingDays("2024-09-02", 15, cal)).toBe("2024-09-24");
    expect(addWorkingDays("2024-09-06", 1)).toBe("2024-09-09"); // Friday + 1 → Monday
    expect(addWorkingDays("2024-09-07", 0)).toBe("2024-09-07");
    expect(addWorkingDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addCalendarDays("2024-02-28", 2)).toBe("2024-03-01");
    expect([isWorkingDay("2024-09-14", cal), isWorkingDay("2024-09-16", cal), isWorkingDay("2024-09-15", cal)])
      .toEqual([true, false, false]);
    expect([isIsoDate("2024-02-29"), isIsoDate("2023-02-29"), isIsoDate("2024-9-1")]).toEqual([true, false, false]);
    expect(() => addWorkingDays("2024-13-01", 1)).toThrow(/YYYY-MM-DD/);
  });

  it("dispatch counts the model's time_limit in working days", async () => {
    const mdb = await twoMonths();
    const limited = parseModel(
      JSON.stringify({
        ...JSON.parse(JSON.stringify(model)),
        id: "tinyw",
        time_limit: { days: 15, clock: "working", ...cal },
      }),
      "tinyw.json",
    );
    await warnBatch(mdb, limited, "tinyw.json", "2024-08");
    const d = await dispatchBatch(mdb, "2024-08_tinyw", { on: "2024-09-02" });
    expect([d.deadline, d.timeLimit.clock]).toEqual(["2024-09-24", "working"]);
    expect(d.lists.get("civil_affairs")!.map((i) => i.deadline)).toEqual(["2024-09-24", "2024-09-24", "2024-09-24"]);
    // --time-limit-days gives calendar days instead.
    expect((await dispatchBatch(mdb, "2024-08_tinyw", { on: "2024-09-02", timeLimitDays: 15 })).deadline).toBe(
      "2024-09-17",
    );
    const broken = parseModel(
      JSON.stringify({
        ...JSON.parse(JSON.stringify(model)),
        id: "tinyb",
        time_limit: { days: 15, holidays: ["9/16"] },
      }),
      "tinyb.json",
    );
    await warnBatch(mdb, broken, "tinyb.json", "2024-08");
    const error = await dispatchBatch(mdb, "2024-08_tinyb", { on: "2024-09-02" }).catch((e) => e);
    expect((error as InputError).problems.map(formatProblem)).toEqual([
      `${mdb.file} (model of batch 2024-08_tinyb): time_limit.holidays.0: Expected a date written YYYY-MM-DD; ` +
      'write it as { "days": 15, "clock": "working", "holidays": ["YYYY-MM-DD"], "workdays": ["YYYY-MM-DD"] }',
    ]);
    await mdb.close();
  });
});

describe("work lists and returns as xlsx", () => {
  it("a work list opens in SheetJS with the expected sheets and rows: numbers as numbers, the deadline a date", async () => {
    const mdb = await twoMonths();
    const d = await dispatchBatch(mdb, "2024-08_tiny", { on: "2024-09-02", timeLimitDays: 15 });
    const bytes = workListXlsx(d, "civil_affairs");
    const serial = 45552; // 2024-09-17
    expect(sheetjsRead(bytes)).toEqual({
      work_list: [
        ["household_id", "category", "role", "band", "status", "per_capita", "total_points", "indicators", "deadline"],
        ["H1", "dibao", "主管+主责", "red", "continued", 11, 11, "D1: 6", serial],
        ["H2", "dibao", "主管+主责", "red", "changed", 9, 9, "D1: 6; E1: 3", serial],
        ["H4", "dibao", "主管+主责", "yellow", "new", 6, 6, "D1: 6", serial],
      ],
      about: [
        ["field", "value"],
        ["batch", "2024-08_tiny"],
        ["department", "civil_affairs"],
        ["households", 3],
        ["dispatched_on", 45537],
        ["deadline", serial],
        ["time_limit", "15 calendar days"],
      ],
    });
    expect(sheetjsFormat(bytes, "work_list", "I2")).toBe("yyyy-mm-dd");
    expect(workListFile("medical_insurance", "xlsx")).toBe("worklist_medical_insurance.xlsx");
    await mdb.close();
  });

  it("feedback --file takes an xlsx; unknown households and batches are refused with file, sheet, row, column, the database unchanged", async () => {
    const mdb = await twoMonths();
    const count = async () => (await query(mdb, "SELECT count(*)::INTEGER AS n FROM m.feedback"))[0].n;
    const header = ["batch", "household_id", "department", "need", "amount_yuan", "verified_on"];
    const bad = sheetjsWorkbook([{
      name: "回执",
      rows: [
        header,
        ["2024-08_tiny", "H2", "civil_affairs", true, 1500, { date: "2024-09-10" }],
        ["2024-08_tiny", "H9", "civil_affairs", true, null, null],
        ["2024-09_x", "H1", "civil_affairs", false, null, null],
      ],
    }]);
    const error = await importFeedbackFile(mdb, bad, "returns.xlsx").catch((e) => e);
    expect((error as InputError).problems.map(formatProblem)).toEqual([
      'returns.xlsx (sheet 回执):3, column household_id, value "H9": Unknown household: batch 2024-08_tiny scored no ' +
      "household of this id; check the id against the work list",
      'returns.xlsx (sheet 回执):4, column batch, value "2024-09_x": Unknown batch; expected one of 2024-07_tiny, 2024-08_tiny',
    ]);
    expect(await count()).toBe(0);
    const noBatch = await importFeedbackFile(mdb, bad, "returns.xlsx", { batch: "2024-10_tiny" }).catch((e) => e);
    expect((noBatch as InputError).problems.map(formatProblem)).toEqual([
      '--batch, value "2024-10_tiny": The database holds no batch "2024-10_tiny"; give one of: 2024-07_tiny, 2024-08_tiny',
    ]);
    const formula = sheetjsWorkbook([{
      name: "s",
      rows: [header, ["2024-08_tiny", "H2", "civil_affairs", true, { f: "1+1", v: 2 }, null]],
    }]);
    expect(
      ((await importFeedbackFile(mdb, formula, "f.xlsx").catch((e) => e)) as InputError).problems.map(formatProblem),
    )
      .toEqual([
        "f.xlsx (sheet s):2, column amount_yuan: Cell E2 holds a formula (=1+1); replace the formulas with their values (copy, then " +
        "Paste Special → Values) and save again",
      ]);
    expect(await count()).toBe(0);
    const good = sheetjsWorkbook([{
      name: "回执",
      rows: [header, ["2024-08_tiny", "H2", "civil_affairs", true, 1500, { date: "2024-09-10" }]],
    }]);
    const rows = await importFeedbackFile(mdb, good, "returns.xlsx");
    expect(rows).toEqual([{
      batch_id: "2024-08_tiny",
      household_id: "H2",
      department: "civil_affairs",
      accepted: null,
      need: true,
      assistance: null,
      amount_yuan: 1500,
      verified_on: "2024-09-10",
    }]);
    expect(await count()).toBe(1);
    await mdb.close();
  });

  it("deno task db dispatch writes each list as xlsx too; feedback --file reads an xlsx", async () => {
    const mdb = await twoMonths();
    await mdb.close();
    const dir = tempDir("monitor-xlsx-");
    const out = join(dir, "lists");
    expect(db("dispatch", "--db", mdb.file, "--batch", "2024-08_tiny", "--out", out, "--on", "2024-09-02").status).toBe(
      0,
    );
    const book = sheetjsRead(new Uint8Array(readFileSync(join(out, "worklist_medical_insurance.xlsx"))));
    expect(Object.keys(book)).toEqual(["work_list", "about"]);
    expect(book.work_list.slice(1)).toEqual([["H1", "dibao", "主抓", "red", "continued", 11, 11, "M1: 5", 45552]]);
    const returns = join(dir, "returns.xlsx");
    writeFileSync(
      returns,
      sheetjsWorkbook([{
        name: "s",
        rows: [["household_id", "department", "need"], ["H1", "medical_insurance", true]],
      }]),
    );
    const stored = db("feedback", "--db", mdb.file, "--file", returns, "--batch", "2024-08_tiny");
    expect([stored.status, stored.stdout.trim()]).toEqual([
      0,
      "Stored 1 returns (1 with a verified need) for batch 2024-08_tiny.",
    ]);
  });
});
