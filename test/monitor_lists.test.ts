import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { readDatasetFolder } from "../src/ingest/mod.ts";
import {
  changesCsv,
  changesSummary,
  dispatchBatch,
  importFeedback,
  importSnapshot,
  listBatches,
  type MonitorDb,
  openMonitor,
  query,
  snapshotChanges,
  warnBatch,
  workListCsv,
  workListFile,
} from "../src/monitor/mod.ts";

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
    expect(refused.stderr).toMatch(/bad\.csv:2, column household_id, value "H9": The batch 2024-08_tiny did not warn/);
    const good = join(dir, "good.csv");
    writeFileSync(good, "batch,household_id,department,need\n2024-08_tiny,H1,medical_insurance,true\n");
    expect(db("feedback", "--db", mdb.file, "--file", good).status).toBe(0);
    const status = db("status", "--db", mdb.file);
    expect(status.stdout).toMatch(/2024-08_tiny .*; 3 dispatched, 1 returns/);
  });
});
