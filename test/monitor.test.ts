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
  useSnapshot,
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

/**
 * A second month of data/sample, edited by hand: member P0000542 leaves H000189, P0000022 leaves
 * H000008, H000158's income per capita rises from 5350 to 12000 yuan, and H000280 (with its members
 * and verified rows) is gone.
 */
function sampleAugust(): string {
  const read = (name: string) => readFileSync(join("data/sample", name), "utf8").split("\n");
  const households = read("households.csv").filter((l) => !l.startsWith("H000280,")).map((l) =>
    l.startsWith("H000158,") ? l.replace(",0,3430,5350,", ",0,3430,12000,") : l
  );
  expect(households.filter((l) => l.includes(",0,3430,12000,")).length).toBe(1);
  const members = read("members.csv").filter((l) =>
    !/^[^,]*,H000280,/.test(l) && !l.startsWith("P0000542,") && !l.startsWith("P0000022,")
  );
  const verified = read("verified.csv").filter((l) => !l.startsWith("H000280,"));
  return dataset({
    "households.csv": households.join("\n"),
    "members.csv": members.join("\n"),
    "verified.csv": verified.join("\n"),
    "dataset.json": readFileSync("data/sample/dataset.json", "utf8"),
  });
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
  it("imports and reads snapshots when a load before left its tables as views (as one read in place does)", async () => {
    const mdb = await fresh();
    const july = dataset(JULY);
    const leaveViews = async () => {
      for (const t of ["households", "members", "verified"]) {
        await mdb.db.exec(`DROP TABLE IF EXISTS ${t}`);
        await mdb.db.exec(`CREATE VIEW ${t} AS SELECT 1 AS x`);
      }
    };
    await leaveViews();
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    await leaveViews();
    await useSnapshot(mdb, "2024-07");
    expect(await query(mdb, "SELECT count(*)::INTEGER AS n FROM households")).toEqual([{ n: 4 }]);
  });

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

  it("a column whose type changes between months reads back in each month's own type", async () => {
    const mdb = await fresh();
    const july = dataset({
      ...JULY,
      "households.csv": JULY["households.csv"].replace("category\n", "category,income\n").replace(
        /\n(H\d,[^\n]*)/g,
        "\n$1,2500.5",
      ),
    });
    const august = dataset({
      ...AUGUST,
      "households.csv": AUGUST["households.csv"].replace("category\n", "category,income\n").replace(
        /\n(H\d,[^\n]*)/g,
        "\n$1,unknown",
      ),
    });
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    await importSnapshot(mdb, await readDatasetFolder(august), "2024-08", { folder: august });
    expect((await useSnapshot(mdb, "2024-08")).households.income).toBe("text");
    expect(await query(mdb, "SELECT DISTINCT income, typeof(income) AS t FROM households")).toEqual([{
      income: "unknown",
      t: "VARCHAR",
    }]);
    expect((await useSnapshot(mdb, "2024-07")).households.income).toBe("number");
    expect(await query(mdb, "SELECT DISTINCT income, typeof(income) AS t FROM households")).toEqual([{
      income: 2500.5,
      t: "DOUBLE",
    }]);
    await mdb.close();
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

  it("two months of data/sample: warn gives the bands score gives on each folder; statuses are exactly the differences", async () => {
    const file = "models/county-default.json";
    const county = parseModel(readFileSync(file, "utf8"), file);
    const july = "data/sample", august = sampleAugust();
    const direct = async (folder: string) => {
      const db = await openDb("native");
      const report = await loadDataset(db, await readDatasetFolder(folder), { folder });
      const rows = await scoreHouseholds(db, compileModel(county, report.schema, file));
      await db.close();
      return rows;
    };
    const [scoredJuly, scoredAugust] = [await direct(july), await direct(august)];
    const mdb = await fresh();
    await importSnapshot(mdb, await readDatasetFolder(july), "2024-07", { folder: july });
    await importSnapshot(mdb, await readDatasetFolder(august), "2024-08", { folder: august });
    const first = await warnBatch(mdb, county, file, "2024-07");
    const second = await warnBatch(mdb, county, file, "2024-08");
    const warned = (rows: { household_id: string; band: string | null; per_capita: number | null }[]) =>
      rows.filter((r) => r.band !== null).map((r) => [r.household_id, r.band, r.per_capita]);
    expect(warned(first.rows)).toEqual(warned(scoredJuly));
    expect(warned(second.rows)).toEqual(warned(scoredAugust));
    expect(first.rows.every((r) => r.status === "new" && r.indicators !== "")).toBe(true);
    // The statuses are the differences between the two folders' scores, household by household.
    const bandsJuly = new Map(scoredJuly.filter((r) => r.band).map((r) => [r.household_id, r.band]));
    const bandsAugust = new Map(scoredAugust.filter((r) => r.band).map((r) => [r.household_id, r.band]));
    const expected = [...new Set([...bandsJuly.keys(), ...bandsAugust.keys()])].sort().map((id) => {
      const [before, now] = [bandsJuly.get(id) ?? null, bandsAugust.get(id) ?? null];
      const status = now === null ? "cleared" : before === null ? "new" : before === now ? "continued" : "changed";
      return [id, now, before, status];
    });
    expect(second.rows.map((r) => [r.household_id, r.band, r.previous_band, r.status]).sort()).toEqual(expected);
    // Hand-checked: H000189 loses a member (26.9 over 2 → 13.1 over 1, still yellow); H000008 loses one
    // (70.5 over 6 → 62.8 over 5 = 12.56 ≥ 12.4, yellow); H000158's income rises above the thresholds
    // of P01 and N01 (12.4 → 9.4); H000280 (red) is no longer in the extract.
    expect(batchCsv(second.rows).split("\n").map((l) => l.split(",").slice(0, 8).join(","))).toEqual([
      "household_id,band,previous_band,status,category,members,total_points,per_capita",
      "H000189,yellow,yellow,continued,dibao,1,13.1,13.1",
      "H000008,yellow,,new,rigid_expense,5,62.8,12.56",
      "H000158,,yellow,cleared,dibao,1,9.4,9.4",
      "H000280,,red,cleared,,0,,",
      "",
    ]);
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

  it("refuses, unchanged, a non-DuckDB file, a DuckDB file that is not ours, and one of another schema version", async () => {
    const dir = tempDir("monitor-bad-");
    const unchanged = async (path: string, pattern: RegExp) => {
      const before = readFileSync(path);
      for (const options of [{}, { create: true }, { readOnly: true }]) {
        await expect(openMonitor(path, options)).rejects.toThrow(pattern);
      }
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(existsSync(`${path}.wal`)).toBe(false);
    };
    const text = join(dir, "notes.duckdb");
    writeFileSync(text, "not a database");
    await unchanged(text, /notes\.duckdb.*cannot be opened as a DuckDB database .*give the monitoring database file/);
    const empty = join(dir, "empty.duckdb");
    writeFileSync(empty, "");
    await unchanged(empty, /is an empty file, not a monitoring database/);
    await expect(openMonitor(join(dir, "missing.duckdb"))).rejects.toThrow(/does not exist; create it with/);
    // Another program's DuckDB file.
    const other = join(dir, "other.duckdb");
    const native = await openDb("native");
    await native.exec(`ATTACH '${other}' AS o; CREATE TABLE o.accounts (id INTEGER); DETACH o`);
    await native.close();
    await unchanged(other, /is a DuckDB database but not a monitoring database \(it has no meta table\)/);
    // Monitoring databases of a future, an older or an unknown schema version, and a damaged one.
    const versioned = async (name: string, sql: string) => {
      const mdb = await openMonitor(join(dir, name), { create: true });
      await mdb.db.exec(sql);
      await mdb.close();
      return mdb.file;
    };
    await unchanged(
      await versioned("future.duckdb", "UPDATE m.meta SET value = '2' WHERE key = 'version'"),
      /schema version 2, written by a newer toolkit; this toolkit reads schema version 1: update the toolkit/,
    );
    await unchanged(
      await versioned("old.duckdb", "UPDATE m.meta SET value = '0' WHERE key = 'version'"),
      /schema version 0, which this toolkit does not read \(it reads schema version 1\)/,
    );
    await unchanged(
      await versioned("none.duckdb", "DELETE FROM m.meta"),
      /schema version none, which this toolkit does not read/,
    );
    await unchanged(
      await versioned("damaged.duckdb", "DROP TABLE m.dispatch"),
      /is damaged: .* but dispatch is missing; restore the file from a backup/,
    );
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
    expect(status.stdout).toMatch(/^Monitoring database .*county\.duckdb \(schema version 1\)\n/);
    // A broken second month is refused, and status reads exactly as before.
    const broken = dataset({
      ...JULY,
      "members.csv": "person_id,household_id,age,major_illness\nP1,H1,40,true\nP9,H9,3,x\n",
    });
    const failed = db("import", "--db", file, "--data", broken, "--as-of", "2024-08");
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/members\.csv/);
    expect(db("status", "--db", file).stdout).toBe(status.stdout);
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
