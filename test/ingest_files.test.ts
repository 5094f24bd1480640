import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem, InputError } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { LIMITS, loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { ENGINES, load, memoryFiles, VALID } from "./_datasets.ts";

/** A dataset folder on disk with the valid tables, and a folder beside it. */
function folder(): { dir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), "ingest-files-"));
  const dir = join(root, "ds");
  mkdirSync(dir);
  for (const [name, text] of Object.entries(VALID)) writeFileSync(join(dir, name), text);
  return { dir, root };
}

/** The problems of reading the folder, as lines (or [] when it reads). */
async function folderProblems(dir: string): Promise<string[]> {
  try {
    await readDatasetFolder(dir);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map(formatProblem);
  }
}

describe("dataset files on disk", () => {
  it("refuses a table that is a link to a folder, without crashing", async () => {
    const { dir, root } = folder();
    mkdirSync(join(root, "elsewhere"));
    symlinkSync(join(root, "elsewhere"), join(dir, "verified.csv"));
    expect(await folderProblems(dir)).toEqual([
      `${dir}/verified.csv: File is not a regular file (a folder); put the table itself in the dataset folder`,
    ]);
  });

  it("refuses a table that links to a file outside the folder, never showing what that file holds", async () => {
    const { dir, root } = folder();
    writeFileSync(join(root, "secret.txt"), "root:x:0:0:secret-first-line\n");
    symlinkSync(join(root, "secret.txt"), join(dir, "verified.csv"));
    const problems = await folderProblems(dir);
    expect(problems).toEqual([
      `${dir}/verified.csv: File is a link to a file outside the dataset folder; copy the file into the folder instead`,
    ]);
    expect(problems.join("\n")).not.toContain("secret-first-line");
  });

  it("follows a link to a regular file inside the folder, and skips a link to a folder that is not a table", async () => {
    const { dir, root } = folder();
    writeFileSync(join(dir, "verified_2026.csv"), "household_id,batch\nH1,B1\n");
    symlinkSync(join(dir, "verified_2026.csv"), join(dir, "verified.csv"));
    mkdirSync(join(root, "other"));
    symlinkSync(join(root, "other"), join(dir, "other"));
    const files = await readDatasetFolder(dir);
    expect(files.map((f) => f.name)).toEqual(["households.csv", "members.csv", "verified.csv", "verified_2026.csv"]);
  });

  it("refuses a dangling link named as a table", async () => {
    const { dir, root } = folder();
    symlinkSync(join(root, "missing.csv"), join(dir, "verified.csv"));
    expect(await folderProblems(dir)).toEqual([
      `${dir}/verified.csv: File is a link to nothing (its target is missing); put the file itself in the dataset folder`,
    ]);
  });

  it("leaves no copy of a table in the native engine's temporary folder once it is read", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "ingest-tmp-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const db = await openDb("native");
    try {
      const report = await loadDataset(db, memoryFiles(VALID), { folder: "ds" });
      expect(report.valid).toBe(true);
      // The database is still open (as when a later step crashes): no household data on disk.
      expect(readdirSync(tmp).map((d) => d.slice(0, 6))).toEqual(["cw-db-"]);
      const left = readdirSync(tmp).flatMap((d) => readdirSync(join(tmp, d)));
      expect(left).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      await db.close();
    }
  });
});

for (const engine of ENGINES) {
  describe(`header-only tables (${engine})`, () => {
    it("says a table has a header and no rows", async () => {
      const { db, report } = await load(engine, { ...VALID, "households.csv": "household_id,village,category\n" });
      await db.close();
      expect(report.problems.map(formatProblem)).toContain(
        "ds/households.csv:2: File has a header but no rows; add at least one household (one row each) and load it again",
      );
    });
  });
}

describe("documented limits", () => {
  it("refuses a table wider than LIMITS.columns before reading it, naming the limit and the count", async () => {
    const header = Array.from({ length: LIMITS.columns + 1 }, (_, i) => `c${i}`).join(",");
    const { db, report } = await load("native", { ...VALID, "members.csv": `person_id,household_id,${header}\n` });
    await db.close();
    expect(report.problems.map(formatProblem)).toEqual([
      "ds/members.csv:1: File has 2,051 columns; the limit is 2,048 columns per table: drop the columns the model does not read, or split the table",
    ]);
  });

  it("refuses a 2 MB field naming the limit, file, row and column, without printing it back", async () => {
    const long = "x".repeat(2 * 1024 * 1024);
    const { db, report } = await load("native", {
      ...VALID,
      "households.csv": `household_id,village,category,note\nH1,a,dibao,\nH2,b,tekun,${long}\n`,
    });
    await db.close();
    const lines = report.problems.map(formatProblem);
    expect(lines).toEqual([
      "ds/households.csv:3, column note: Field of 2,097,152 bytes is longer than the limit of 1,048,576 bytes per field; shorten it or move long text out of the table",
    ]);
  });

  it("shows at most 200 characters of a long bad value", async () => {
    const long = "y".repeat(5000);
    const { db, report } = await load("native", {
      ...VALID,
      "verified.csv": `household_id,batch,channel,need\nH1,B1,${long},true\n`,
    });
    await db.close();
    const value = report.problems.find((p) => p.column === "channel")?.value;
    expect(value).toBe(`${"y".repeat(200)}… (5000 characters)`);
  });
});

describe("column counts", () => {
  it("counts nulls and distinct text values by default, and skips them (same tables and schema) when asked", async () => {
    const files = {
      ...VALID,
      "members.csv": "person_id,household_id,age,note\nP1,H1,70,a\nP2,H1,,b\nP3,H2,45,a\n",
    };
    const counted = await load("native", files);
    const [, members] = counted.report.tables;
    expect(members.columns.map((c) => [c.name, c.nulls, c.distinct])).toEqual([
      ["person_id", 0, 3],
      ["household_id", 0, 2],
      ["age", 1, undefined],
      ["note", 0, 2],
    ]);
    const uncounted = await load("native", files, { columnCounts: false });
    expect(uncounted.report.tables[1].columns.map((c) => [c.name, c.type, c.nulls, c.distinct])).toEqual([
      ["person_id", "text", undefined, undefined],
      ["household_id", "text", undefined, undefined],
      ["age", "number", undefined, undefined],
      ["note", "text", undefined, undefined],
    ]);
    expect(uncounted.report.schema).toEqual(counted.report.schema);
    for (const { db } of [counted, uncounted]) {
      expect(await db.all(`SELECT person_id, age FROM members ORDER BY person_id`)).toEqual([
        { person_id: "P1", age: 70 },
        { person_id: "P2", age: null },
        { person_id: "P3", age: 45 },
      ]);
      await db.close();
    }
  });
});

for (const engine of ENGINES) {
  describe(`CSV files read as they are or rewritten (${engine})`, () => {
    const described = JSON.stringify({ tables: { members: { age: { type: "number" } } } });
    const bad = (members: string | Uint8Array) =>
      load(engine, { ...VALID, "members.csv": members, "dataset.json": described });
    const problemsOf = async (members: string | Uint8Array) => {
      const { db, report } = await bad(members);
      await db.close();
      return report.problems.map(formatProblem);
    };
    const header = "person_id,household_id,age\n";

    it("names the same rows either way: as it is, with CRLF, with a byte-order mark, after a quoted line break", async () => {
      const rows = ["P1,H1,70", "P2,H1,8", "P3,H2,old"];
      const asIs = await problemsOf(header + rows.join("\n") + "\n");
      expect(asIs.length).toBe(1);
      expect(asIs).toEqual([
        'ds/members.csv:4, column age, value "old": Expected a number such as 1200 or 0.5 (as dataset.json declares)',
      ]);
      expect(await problemsOf((header + rows.join("\n") + "\n").replaceAll("\n", "\r\n"))).toEqual(asIs);
      const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(header + rows.join("\n") + "\n")]);
      expect(await problemsOf(bom)).toEqual(asIs);
      // A blank line is a row of its own (rewritten with the numbers), so the bad value is on row 5.
      const blank = await problemsOf(header + "P1,H1,70\n\nP2,H1,8\nP3,H2,old\n");
      expect(blank).toEqual([asIs[0].replace(":4,", ":5,")]);
      // A quoted line break stays in its row, as a spreadsheet shows it.
      expect(await problemsOf('person_id,household_id,age\nP1,H1,70\n"P2\nb",H1,8\nP3,H2,old\n')).toEqual(asIs);
    });

    it("loads the same tables either way, and a column named rowid keeps its values", async () => {
      const rows = "P1,H1,70,r1\nP2,H1,8,r2\nP3,H2,45,r3\n";
      const members = "person_id,household_id,age,rowid\n" + rows;
      for (const text of [members, members.replace("P2,", "\nP2,")]) {
        const { db, report } = await bad(text);
        expect(report.valid).toBe(true);
        expect(await db.all(`SELECT person_id, age, "rowid" AS r FROM members`)).toEqual([
          { person_id: "P1", age: 70, r: "r1" },
          { person_id: "P2", age: 8, r: "r2" },
          { person_id: "P3", age: 45, r: "r3" },
        ]);
        await db.close();
      }
    });
  });
}
