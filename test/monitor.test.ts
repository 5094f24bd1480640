import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import {
  batchCsv,
  importSnapshot,
  listBatches,
  listSnapshots,
  type MonitorDb,
  openMonitor,
  query,
  warnBatch,
} from "../src/monitor/mod.ts";
import { scoreHouseholds } from "../src/score/mod.ts";

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

/** A tiny model: dibao 6 points, a major illness 5 per member, aged 70+ 3 per member; red ≥ 8, yellow ≥ 4 per capita. */
const MODEL = {
  id: "tiny",
  version: "1",
  categories: [{ id: "c" }],
  indicators: [
    { id: "D1", category: "c", level: "household", when: "category = 'dibao'", points: 6, department: "civil_affairs" },
    { id: "M1", category: "c", level: "member", when: "major_illness", points: 5, department: "medical_insurance" },
    { id: "E1", category: "c", level: "member", when: "age >= 70", points: 3, department: "civil_affairs" },
  ],
  bands: [{ id: "red", min: 8 }, { id: "yellow", min: 4 }],
};
const model = parseModel(JSON.stringify(MODEL), "tiny.json");

const VERIFIED = "household_id,batch,channel,need\nH1,B1,warning,true\n";
// July: H1 11/1 = 11 red; H2 (6 + 3)/2 = 4.5 yellow; H3 5/1 yellow; H4 0 (no band).
const JULY = {
  "households.csv": "household_id,village,category\nH1,A,dibao\nH2,A,dibao\nH3,B,tekun\nH4,B,other\n",
  "members.csv":
    "person_id,household_id,age,major_illness\nP1,H1,40,true\nP2,H2,30,false\nP3,H2,75,false\nP4,H3,50,true\nP5,H4,20,false\n",
  "verified.csv": VERIFIED,
};
// August: P2 leaves H2 → 9/1 red (changed); H4 becomes dibao → 6 yellow (new); P4 recovers → H3 0 (cleared);
// H1 unchanged (continued).
const AUGUST = {
  "households.csv": "household_id,village,category\nH1,A,dibao\nH2,A,dibao\nH3,B,tekun\nH4,B,dibao\n",
  "members.csv":
    "person_id,household_id,age,major_illness\nP1,H1,40,true\nP3,H2,75,false\nP4,H3,50,false\nP5,H4,20,false\n",
  "verified.csv": VERIFIED,
};

async function fresh(): Promise<MonitorDb> {
  const file = join(tempDir("monitor-db-"), "county.duckdb");
  return await openMonitor(file, { create: true });
}

async function counts(mdb: MonitorDb) {
  return {
    snapshots: await listSnapshots(mdb),
    households: await query(mdb, "SELECT snapshot, count(*)::INTEGER AS n FROM m.households GROUP BY ALL ORDER BY ALL"),
    members: await query(mdb, "SELECT snapshot, count(*)::INTEGER AS n FROM m.members GROUP BY ALL ORDER BY ALL"),
    batches: await listBatches(mdb),
  };
}

describe("monitoring database", () => {
  it("two months: statuses new, continued, changed and cleared against the previous batch (hand-checked)", async () => {
    const mdb = await fresh();
    const july = dataset(JULY), august = dataset(AUGUST);
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    await importSnapshot(mdb, await readDatasetFolder(august), "2024-08", { folder: august });
    const first = await warnBatch(mdb, model, "tiny.json", "2024-07");
    expect(first.previousBatch).toBeNull();
    expect(first.rows.map((r) => [r.household_id, r.band, r.previous_band, r.status])).toEqual([
      ["H1", "red", null, "new"],
      ["H3", "yellow", null, "new"],
      ["H2", "yellow", null, "new"],
    ]);
    const second = await warnBatch(mdb, model, "tiny.json", "2024-08");
    expect(second.previousBatch).toBe("2024-07_tiny");
    expect(second.rows.map((r) => [r.household_id, r.band, r.previous_band, r.status])).toEqual([
      ["H1", "red", "red", "continued"],
      ["H2", "red", "yellow", "changed"],
      ["H4", "yellow", null, "new"],
      ["H3", null, "yellow", "cleared"],
    ]);
    expect(batchCsv(second.rows)).toBe(
      "household_id,band,previous_band,status,category,members,total_points,per_capita,indicators\n" +
        "H1,red,red,continued,dibao,1,11,11,D1: 6; M1: 5\n" +
        "H2,red,yellow,changed,dibao,1,9,9,D1: 6; E1: 3\n" +
        "H4,yellow,,new,dibao,1,6,6,D1: 6\n" +
        "H3,,yellow,cleared,tekun,1,0,0,\n",
    );
    const batches = await listBatches(mdb);
    expect(batches.map((b) => [b.batch_id, b.warned, b.new, b.continued, b.changed, b.cleared])).toEqual([
      ["2024-07_tiny", 3, 3, 0, 0, 0],
      ["2024-08_tiny", 3, 1, 1, 1, 1],
    ]);
    await mdb.close();
  });

  it("refuses a second import of the same month unless replace, and a second batch of it", async () => {
    const mdb = await fresh();
    const july = dataset(JULY), august = dataset(AUGUST);
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    const before = await counts(mdb);
    await expect(importSnapshot(mdb, await readDatasetFolder(august), "2024-07", { folder: august })).rejects
      .toThrow(/already holds the snapshot of 2024-07; add --replace/);
    expect(await counts(mdb)).toEqual(before);
    await importSnapshot(mdb, await readDatasetFolder(august), "2024-07", { folder: august, replace: true });
    const after = await counts(mdb);
    expect(after.snapshots.map((s) => [s.as_of, s.households, s.members, s.folder])).toEqual([[
      "2024-07",
      4,
      4,
      august,
    ]]);
    expect(after.members).toEqual([{ snapshot: "2024-07", n: 4 }]);
    await warnBatch(mdb, model, "tiny.json", "2024-07");
    await expect(warnBatch(mdb, model, "tiny.json", "2024-07")).rejects.toThrow(/already holds batch 2024-07_tiny/);
    await expect(importSnapshot(mdb, [], "2024-13", { folder: "x" })).rejects.toThrow(/YYYY-MM/);
    await mdb.close();
  });

  it("an import that fails midway leaves the database file as it was, also after reopening", async () => {
    const mdb = await fresh();
    await importSnapshot(mdb, await readDatasetFolder("data/sample"), "2024-07", { folder: "data/sample" });
    const before = await counts(mdb);
    await expect(
      importSnapshot(mdb, await readDatasetFolder("data/sample"), "2024-08", {
        folder: "data/sample",
        afterTable: (table) => {
          if (table === "members") throw new Error("disk full (simulated)");
        },
      }),
    ).rejects.toThrow(/simulated/);
    expect(await counts(mdb)).toEqual(before);
    // A replacing import that fails keeps the old snapshot.
    await expect(
      importSnapshot(mdb, await readDatasetFolder("data/sample"), "2024-07", {
        folder: "elsewhere",
        replace: true,
        afterTable: (table) => {
          if (table === "verified") throw new Error("simulated");
        },
      }),
    ).rejects.toThrow(/simulated/);
    expect(await counts(mdb)).toEqual(before);
    await mdb.close();
    const again = await openMonitor(mdb.file);
    expect(await counts(again)).toEqual(before);
    expect(before.households).toEqual([{ snapshot: "2024-07", n: 300 }]);
    await again.close();
  });

  it("invalid data is refused with the loader's messages and changes nothing", async () => {
    const mdb = await fresh();
    const july = dataset(JULY);
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    const bad = dataset({ ...JULY, "members.csv": "person_id,household_id,age\nP1,H1,forty\nP1,H9,3\n" });
    const before = await counts(mdb);
    const error = await importSnapshot(mdb, await readDatasetFolder(bad), "2024-08", { folder: bad }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(String(error.message)).toMatch(/members\.csv/);
    expect(await counts(mdb)).toEqual(before);
    await mdb.close();
  });

  it("warn on a stored snapshot gives the bands that scoring the folder gives (data/sample)", async () => {
    const file = "models/county-default.json";
    const county = parseModel(readFileSync(file, "utf8"), file);
    const db = await openDb("native");
    const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
    const direct = await scoreHouseholds(db, compileModel(county, report.schema, file));
    await db.close();
    const mdb = await fresh();
    await importSnapshot(mdb, await readDatasetFolder("data/sample"), "2024-07", { folder: "data/sample" });
    const batch = await warnBatch(mdb, county, file, "2024-07");
    expect(batch.rows.map((r) => [r.household_id, r.band, r.per_capita])).toEqual(
      direct.filter((r) => r.band !== null).map((r) => [r.household_id, r.band, r.per_capita]),
    );
    expect(batch.rows.every((r) => r.status === "new" && r.indicators !== "")).toBe(true);
    await mdb.close();
  });

  it("duckdb-wasm 1.32 (the notebooks' engine) reads the database file, read-only", async () => {
    const mdb = await fresh();
    const july = dataset(JULY);
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    await warnBatch(mdb, model, "tiny.json", "2024-07");
    await mdb.close();
    const wasm = await openDb("wasm");
    const path = await wasm.registerFile("county.duckdb", { bytes: readFileSync(mdb.file) });
    await wasm.exec(`ATTACH ${path} AS m (READ_ONLY)`);
    expect(await wasm.all("SELECT as_of, households, members FROM m.snapshots")).toEqual([
      { as_of: "2024-07", households: 4, members: 5 },
    ]);
    expect(await wasm.all("SELECT household_id, band, status FROM m.batch_rows ORDER BY household_id")).toEqual([
      { household_id: "H1", band: "red", status: "new" },
      { household_id: "H2", band: "yellow", status: "new" },
      { household_id: "H3", band: "yellow", status: "new" },
    ]);
    await wasm.exec("DETACH m");
    await wasm.close();
  });

  it("refuses a file that is not a monitoring database, or of another layout version", async () => {
    const dir = tempDir("monitor-bad-");
    const text = join(dir, "notes.duckdb");
    writeFileSync(text, "not a database");
    await expect(openMonitor(text)).rejects.toThrow(/cannot be opened as a DuckDB database/);
    await expect(openMonitor(join(dir, "missing.duckdb"))).rejects.toThrow(/does not exist/);
    const mdb = await fresh();
    await mdb.db.exec("UPDATE m.meta SET value = '0' WHERE key = 'version'");
    await mdb.close();
    await expect(openMonitor(mdb.file)).rejects.toThrow(/layout version 0/);
  });
});

function db(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "scripts/db.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

describe("deno task db", () => {
  it("import, warn and status end to end; mistakes exit 2 with a sentence", () => {
    const dir = tempDir("monitor-cli-");
    const file = join(dir, "county.duckdb");
    const july = dataset(JULY);
    const modelPath = join(dir, "tiny.json");
    writeFileSync(modelPath, JSON.stringify(MODEL));
    const imported = db("import", "--db", file, "--data", july, "--as-of", "2024-07");
    expect(imported.stderr).toBe("");
    expect(imported.status).toBe(0);
    const again = db("import", "--db", file, "--data", july, "--as-of", "2024-07");
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^Error: .*already holds the snapshot of 2024-07; add --replace/);
    expect(again.stderr).not.toMatch(/\bat \S+:\d+/);
    const out = join(dir, "out");
    const warned = db("warn", "--db", file, "--model", modelPath, "--as-of", "2024-07", "--out", out);
    expect(warned.status).toBe(0);
    expect(readFileSync(join(out, "batch.csv"), "utf8").split("\n")[1]).toBe(
      "H1,red,,new,dibao,1,11,11,D1: 6; M1: 5",
    );
    const status = db("status", "--db", file);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/2024-07 {2}4 households, 5 members, 1 verified/);
    expect(status.stdout).toMatch(/tiny 1 .*: 1 batches/);
    expect(status.stdout).toMatch(/2024-07_tiny {2}2024-07 {2}3 warned: 3 new/);
    const missing = db("warn", "--db", file, "--model", modelPath, "--as-of", "2024-09", "--out", out);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/holds no snapshot of 2024-09; import it first \(snapshots: 2024-07\)/);
    expect(db("frobnicate").status).toBe(2);
    const bad = dataset({ ...JULY, "members.csv": "person_id,household_id,age\nP1,H1,forty\n" });
    const fresh = join(dir, "never.duckdb");
    const refused = db("import", "--db", fresh, "--data", bad, "--as-of", "2024-07");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/members\.csv/);
    expect(existsSync(fresh)).toBe(false);
  });
});
