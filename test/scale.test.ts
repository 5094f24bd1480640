/**
 * Province scale (issue 13): Parquet read in place with the right row numbers, scores written by
 * `COPY` byte for byte as the CSV writer writes rows, order-free sums only where they are exact,
 * and the native engine's temporary folder removed however the process ends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { scoresCsv } from "../src/evaluate/mod.ts";
import { type DatasetFile, loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { copyScores, numberCellSql, scoreHouseholds, scoringOptions, textCellSql } from "../src/score/mod.ts";
import { csvCell } from "../src/base/csv.ts";
import { ENGINES, memoryFiles, VALID } from "./_datasets.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "scale-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a Parquet file from a SELECT with native DuckDB; returns its path. */
async function parquetFile(name: string, select: string): Promise<string> {
  const db = await openDb("native");
  const file = join(dir, name);
  await db.exec(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  await db.close();
  return file;
}

const HOUSEHOLDS = "households.csv";

/** Loads households.csv from VALID and a members Parquet file from disk (read in place) or as bytes. */
async function loadMembers(file: string, how: "path" | "bytes", engine: "native" | "wasm" = "native") {
  const db = await openDb(engine);
  const members: DatasetFile = how === "path"
    ? { name: "members.parquet", source: { path: file } }
    : { name: "members.parquet", source: { bytes: new Uint8Array(await readFile(file)) } };
  const files = [...memoryFiles({ [HOUSEHOLDS]: VALID[HOUSEHOLDS] }), members];
  const report = await loadDataset(db, files, { folder: "ds", lenient: true });
  return { db, report };
}

describe("Parquet read in place", () => {
  it("gives a bad value its row in the file (position + 2), whatever the user's columns are called", async () => {
    // The third row (file row 4) repeats a person_id; the user's rowid column holds decoys.
    const file = await parquetFile(
      "rowid.parquet",
      "select * from (values ('P1', 'H1', 70, 900), ('P2', 'H2', 8, 901), ('P2', 'H2', 9, 902)) v(person_id, household_id, age, rowid)",
    );
    for (const how of ["path", "bytes"] as const) {
      for (const engine of how === "path" ? ["native" as const] : ENGINES) {
        const { db, report } = await loadMembers(file, how, engine);
        expect(report.problems.map((p) => [p.row, p.column])).toEqual([[4, "person_id"]]);
        expect((await db.all("select rowid as r from members order by person_id")).map((r) => r.r)).toEqual([900, 901]);
        await db.close();
      }
    }
  });

  it("falls back to importing a file that has a column named file_row_number", async () => {
    const file = await parquetFile(
      "frn.parquet",
      "select * from (values ('P1', 'H1', 70, 'x'), ('P2', 'H1', 8, 'y'), ('P3', 'H2', null, 'z'), ('P3', 'H2', 1, 'w')) v(person_id, household_id, age, file_row_number)",
    );
    const { db, report } = await loadMembers(file, "path");
    // The duplicate person_id is on file row 5 (fourth data row).
    expect(report.problems.map((p) => [p.row, p.column])).toEqual([[5, "person_id"]]);
    await db.close();
  });

  it("refuses a text value longer than 1 MiB with file, row and column, as for CSV", async () => {
    const file = await parquetFile(
      "long.parquet",
      "select * from (values ('P1', 'H1', 'a'), ('P2', 'H1', repeat('x', 1048577)), ('P3', 'H2', repeat('y', 2000000))) v(person_id, household_id, note)",
    );
    for (const how of ["path", "bytes"] as const) {
      const { db, report } = await loadMembers(file, how);
      expect(report.valid).toBe(false);
      expect(report.problems).toEqual([{
        file: "ds/members.parquet",
        row: 3,
        column: "note",
        message: "Field of 1,048,577 bytes is longer than the limit of 1,048,576 bytes per field; " +
          "shorten it or move long text out of the table",
      }]);
      expect(report.tables).toEqual([expect.objectContaining({ table: "households" })]);
      await db.close();
    }
  });

  it("refuses NaN and infinite numbers with their rows", async () => {
    const file = await parquetFile(
      "nan.parquet",
      "select * from (values ('P1', 'H1', 70.0), ('P2', 'H1', 'nan'::double), ('P3', 'H2', 'inf'::double)) v(person_id, household_id, age)",
    );
    const { db, report } = await loadMembers(file, "path");
    const ages = report.problems.filter((p) => p.column === "age");
    expect(ages.map((p) => [p.row, p.value])).toEqual([[3, "nan"], [4, "inf"]]);
    expect(ages[0].message).toMatch(/not NaN or infinity/);
    await db.close();
  });

  it("leaves no view behind, and a second load into the same database works", async () => {
    const file = await parquetFile(
      "ok.parquet",
      "select * from (values ('P1', 'H1', 70), ('P2', 'H2', 8)) v(person_id, household_id, age)",
    );
    const db = await openDb("native");
    const files = [...memoryFiles({ [HOUSEHOLDS]: VALID[HOUSEHOLDS] }), {
      name: "members.parquet",
      source: { path: file },
    }];
    for (let i = 0; i < 2; i++) expect((await loadDataset(db, files, { folder: "ds" })).valid).toBe(true);
    expect(await db.all("select view_name from duckdb_views() where not internal")).toEqual([]);
    await db.close();
  });
});

describe("scores written by COPY", () => {
  it("prints numbers as JavaScript does", async () => {
    const db = await openDb("native");
    const xs = [
      0,
      -0,
      1,
      -3,
      17,
      12.4,
      1 / 3,
      -2 / 3,
      0.1 + 0.2,
      4.133333333333334,
      123456789.125,
      1e-4,
      0.000123,
      1e14 + 0.5,
    ];
    for (let i = 0; i < 300; i++) {
      const x = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 20 - 5);
      // Outside the plain-decimal range the copy stops (tested below).
      if (Math.abs(x) < 1e15 && (x === Math.trunc(x) || Math.abs(x) >= 1e-4)) xs.push(x);
    }
    const values = xs.map((x) => `(${i(x)})`).join(", ");
    const rows = await db.all(`select x, ${numberCellSql("x")} as cell from (values ${values}) v(x)`);
    for (const r of rows) expect(r.cell).toBe(String(r.x));
    await expect(db.all(`select ${numberCellSql("x")} from (values (1e-7::double)) v(x)`)).rejects.toThrow();
    await db.close();
  });

  it("writes text cells as the CSV writer does: formulas neutralised, quotes doubled", async () => {
    const db = await openDb("native");
    const texts = [
      "王家村",
      '=HYPERLINK("x")',
      "-3.5",
      "+2",
      "-H1",
      "@x",
      "a,b",
      'say "hi"',
      "\tx",
      "line\nbreak",
      "",
      "1e-3",
    ];
    const values = texts.map((t) => `(${i(t)})`).join(", ");
    const rows = await db.all(`select t, ${textCellSql("t")} as cell from (values ${values}) v(t)`);
    for (const r of rows) expect(r.cell).toBe(csvCell(r.t));
    await db.close();
  });

  for (const engine of ENGINES) {
    it(`are byte for byte the rows' CSV, on the sample (${engine})`, async () => {
      const db = await openDb(engine);
      const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
      const file = "models/county-default.json";
      const compiled = compileModel(parseModel(await Deno.readTextFile(file), file), report.schema, file);
      expect(await scoringOptions(db, compiled)).toEqual({ householdOnlyRules: true, orderFreeSums: true });
      const path = join(dir, `scores-${engine}.csv`);
      const counts = await copyScores(db, compiled, path);
      const rows = await scoreHouseholds(db, compiled);
      expect(await Deno.readTextFile(path)).toBe(scoresCsv(rows));
      expect(counts).toEqual({ households: rows.length, warned: rows.filter((r) => r.band !== null).length });
      await db.close();
    });
  }

  it("sums in person_id order where a summed value is not a whole number", async () => {
    const db = await openDb("native");
    const report = await loadDataset(
      db,
      memoryFiles({
        [HOUSEHOLDS]: "household_id,village,category\nH1,A,dibao\n",
        "members.csv": "person_id,household_id,income\nP1,H1,0.1\nP2,H1,0.2\nP3,H1,0.3\n",
      }),
      { folder: "ds" },
    );
    const model = parseModel(
      JSON.stringify({
        id: "t",
        version: "1",
        categories: [{ id: "c", weight: 1 }],
        indicators: [{
          id: "S",
          category: "c",
          level: "household",
          when: "sum_members(income) = 0.6000000000000001",
          points: 1,
        }],
        bands: [{ id: "b", min: 0.1 }],
      }),
      "t.json",
    );
    const compiled = compileModel(model, report.schema, "t.json");
    expect(await scoringOptions(db, compiled)).toEqual({ householdOnlyRules: true });
    // (0.1 + 0.2) + 0.3 in person_id order is 0.6000000000000001.
    expect((await scoreHouseholds(db, compiled))[0].total_points).toBe(1);
    await db.close();
  });
});

describe("the native engine's temporary folder", () => {
  const script = (ending: string) =>
    `import { openDb } from "${new URL("../src/db/mod.ts", import.meta.url).href}";
const db = await openDb("native");
const [{ d }] = await db.all("select current_setting('temp_directory') as d");
console.log(String(d));
${ending}`;
  const run = async (ending: string, signal?: Deno.Signal) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", script(ending)],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const spill = text.trim();
    expect(spill).toMatch(/cw-db-/);
    if (signal) child.kill(signal);
    reader.releaseLock();
    await child.stdout.cancel();
    const status = await child.status;
    return { folder: spill.replace(/\/spill$/, ""), status };
  };

  it("is removed on SIGTERM and on SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const { folder, status } = await run("await new Promise((r) => setTimeout(r, 60000));", signal);
      expect(status.success).toBe(false);
      expect(existsSync(folder)).toBe(false);
    }
  }, 60000);

  it("is removed when the process ends on an uncaught error", async () => {
    const { folder, status } = await run(`throw new Error("a bug");`);
    expect(status.code).toBe(1);
    expect(existsSync(folder)).toBe(false);
  }, 60000);
});

/** A SQL literal of a number or text. */
function i(v: number | string): string {
  if (typeof v === "string") return `'${v.replaceAll("'", "''")}'`;
  return Object.is(v, -0) ? "-0.0::double" : `${v}::double`;
}
