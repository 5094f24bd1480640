/**
 * Parquet validated in place (issue 13): a large Parquet file on disk is checked through views over
 * the file (a column not of its type converted there) and loaded as a view when no row is rejected.
 * Every report, problem, rejected row and loaded value must be what the copying path gives; the
 * threshold is lowered to 0 rows here so that small files take the in-place path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../src/db/mod.ts";
import { type DatasetFile, loadDataset, type LoadReport } from "../src/ingest/mod.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "in-place-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes each table of a case as a Parquet file from its SELECT (a "dataset.json" entry is its text); returns the files. */
async function parquetFolder(name: string, tables: Record<string, string>): Promise<DatasetFile[]> {
  const db = await openDb("native");
  const files: DatasetFile[] = [];
  for (const [table, select] of Object.entries(tables)) {
    if (table === "dataset.json") {
      files.push({ name: table, source: { bytes: new TextEncoder().encode(select) } });
      continue;
    }
    const path = join(dir, `${name}-${table}.parquet`);
    await db.exec(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
    files.push({ name: `${table}.parquet`, source: { path } });
  }
  await db.close();
  return files;
}

const H = "select * from (values ('H1', '王家村', 'dibao', 1200, date '2024-07-01'), " +
  "('H2', '李家湾', 'tekun', null, null), ('H3', '张庄', 'monitored', 300, date '2024-01-31')) " +
  "v(household_id, village, category, income_yuan, updated_on)";
const M = "select * from (values ('P1', 'H1', 70.0, true), ('P2', 'H1', 8.0, false), ('P3', 'H2', 45.0, null), " +
  "('P4', 'H3', 30.5, true)) v(person_id, household_id, age, ill)";
const V = "select * from (values ('H1', '2024-07', 'warning', true), ('H3', null, null, null)) " +
  "v(household_id, batch, channel, need)";

/** A dataset.json declaring the types of the columns that the text cases below write as text. */
const DECLARED = JSON.stringify({
  tables: {
    households: { income_yuan: { type: "number" }, updated_on: { type: "date" } },
    members: { age: { type: "number" }, ill: { type: "boolean" } },
  },
});

/** Cases: valid, and each kind of problem the steps that read the typed tables report. */
const CASES: Record<string, Record<string, string>> = {
  valid: { households: H, members: M, verified: V },
  "no verified": { households: H, members: M },
  "NaN and infinity": {
    households: H,
    members: "select * from (values ('P1', 'H1', 70.0, date '1954-02-01'), ('P2', 'H2', 'nan'::double, null), " +
      "('P3', 'H3', 'inf'::double, 'infinity'::date)) v(person_id, household_id, age, born)",
  },
  "duplicate and empty ids": {
    households: "select * from (values ('H1', '王家村', 'dibao'), ('H1', '李家湾', 'tekun'), ('', 'x', 'dibao'), " +
      "(null, 'y', 'other'), ('H2', null, 'nope'), ('H3', ' ', null)) v(household_id, village, category)",
    members:
      "select * from (values ('P1', 'H1'), ('P1', 'H2'), (null, 'H3'), ('P4', null), ('P5', ''), ('P6', 'H3')) " +
      "v(person_id, household_id)",
  },
  "unknown and childless households": {
    households: H,
    members: "select * from (values ('P1', 'H1'), ('P2', 'H9'), ('P3', 'H9')) v(person_id, household_id)",
    verified: "select * from (values ('H1', 'survey'), ('H8', 'warning'), (null, 'survey'), ('H2', 'fax')) " +
      "v(household_id, channel)",
  },
  "a rejected household": {
    households: "select * from (values ('H1', '王家村', 'dibao'), ('H2', '李家湾', 'nope'), ('H3', '张庄', 'tekun')) " +
      "v(household_id, village, category)",
    members: "select * from (values ('P1', 'H1'), ('P2', 'H2'), ('P3', 'H3'), ('P4', 'H3')) v(person_id, household_id)",
    verified: "select * from (values ('H2', 'warning'), ('H3', 'application')) v(household_id, channel)",
  },
  "a table without a required column": {
    households: H,
    members: M,
    verified: "select * from (values ('2024-07', 'warning')) v(batch, channel)",
  },
  // Columns not of their type (text numbers, dates and booleans, as a spreadsheet or pandas export
  // writes them) are converted in the view over the file; values that do not convert are reported.
  "text columns that convert": {
    households: "select * from (values ('H1', '王家村', 'dibao', '1200', '2024-07-01'), " +
      "('H2', '李家湾', 'tekun', null, null), ('H3', '张庄', 'monitored', ' 300 ', '2024-01-31')) " +
      "v(household_id, village, category, income_yuan, updated_on)",
    members: "select * from (values ('P1', 'H1', '70', 'true'), ('P2', 'H1', '8.5', '0'), ('P3', 'H2', null, null), " +
      "('P4', 'H3', '30', 'FALSE')) v(person_id, household_id, age, ill)",
    verified: V,
    "dataset.json": DECLARED,
  },
  "text columns that do not convert": {
    households: "select * from (values ('H1', '王家村', 'dibao', '1,200', '2024-07-01'), " +
      "('H2', '李家湾', 'tekun', 'abc', '2024-02-30'), ('H3', '张庄', 'monitored', '300', '01/31/2024')) " +
      "v(household_id, village, category, income_yuan, updated_on)",
    members:
      "select * from (values ('P1', 'H1', '70', 'maybe'), ('P2', 'H1', 'eight', '1'), ('P3', 'H2', '45', 'yes'), " +
      "('P4', 'H3', '30', 'true')) v(person_id, household_id, age, ill)",
    "dataset.json": DECLARED,
  },
  "a rejected member": {
    households: H,
    members: "select * from (values ('P1', 'H1'), ('P1', 'H2'), ('P3', 'H3')) v(person_id, household_id)",
  },
};

/** A load's report (without timings) and the loaded tables' rows, as both paths must give them. */
async function outcome(files: DatasetFile[], lenient: boolean, inPlaceRows: number) {
  const db = await openDb("native");
  const report: LoadReport = await loadDataset(db, files, { folder: "ds", lenient, inPlaceRows });
  const tables: Record<string, unknown> = {};
  const views = (await db.all("select view_name from duckdb_views() where not internal order by view_name"))
    .map((r) => String(r.view_name));
  if (report.tables.every((t) => t.accepted > 0 || t.rowsRead === 0)) {
    for (const t of ["households", "members", "verified"]) {
      try {
        tables[t] = await db.all(`select * from ${t} order by all`);
      } catch {
        tables[t] = "absent";
      }
    }
  }
  await db.close();
  return { report, tables, views };
}

describe("Parquet validated in place", () => {
  for (const [name, tables] of Object.entries(CASES)) {
    for (const lenient of [false, true]) {
      it(`gives what the copy gives: ${name}${lenient ? " (lenient)" : ""}`, async () => {
        const files = await parquetFolder(name.replaceAll(" ", "_") + (lenient ? "-l" : ""), tables);
        const copied = await outcome(files, lenient, Number.POSITIVE_INFINITY);
        const inPlace = await outcome(files, lenient, 0);
        expect(inPlace.report).toEqual(copied.report);
        expect(inPlace.tables).toEqual(copied.tables);
        expect(copied.views).toEqual([]);
        if (name === "text columns that do not convert") {
          // Each value that does not convert is named, whichever path read it.
          const bad = inPlace.report.problems.filter((p) => p.column !== "household_id")
            .map((p) => `${p.file.replace("ds/", "")} ${p.row} ${p.column}`).sort();
          expect(bad).toEqual([
            "households.parquet 2 income_yuan",
            "households.parquet 3 income_yuan",
            "households.parquet 3 updated_on",
            "households.parquet 4 updated_on",
            "members.parquet 2 ill",
            "members.parquet 3 age",
            "members.parquet 4 ill",
          ]);
        }
        if (name === "valid" || name === "text columns that convert") {
          expect(copied.report.valid).toBe(true);
          // The loaded tables are views over the files: nothing was copied.
          expect(inPlace.views).toEqual(["households", "members", "verified"]);
        }
      });
    }
  }

  it("loads twice into the same database, in place and copied, either way round", async () => {
    const files = await parquetFolder("twice", CASES.valid);
    const db = await openDb("native");
    for (const rows of [0, Number.POSITIVE_INFINITY, 0, 0, Number.POSITIVE_INFINITY]) {
      const report = await loadDataset(db, files, { folder: "ds", inPlaceRows: rows });
      expect(report.valid).toBe(true);
      expect(await db.all("select count(*) as n from members")).toEqual([{ n: 4 }]);
    }
    await db.close();
  });
});
