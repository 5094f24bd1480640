/**
 * The sample county exported as an office would: households and members as Excel workbooks
 * (written by SheetJS, as Excel writes them: shared strings, date-formatted serials, a notes sheet
 * before the table's sheet) with the Chinese labels as headers, mapped in dataset.json; verified as
 * a BOM + CRLF CSV with Chinese headers. `score` and `evaluate` on it must write what they write
 * for the CSV originals, byte for byte (evaluation.json's data digest aside: the files differ).
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsv } from "../src/ingest/mod.ts";
import { type FixtureCell, sheetjsWorkbook } from "./_xlsx_fixtures.ts";

const SAMPLE = "data/sample";
const MODEL = "models/county-default.json";
const root = mkdtempSync(join(tmpdir(), "xlsx-heldout-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Description {
  tables: Record<string, Record<string, { type: string; label_zh: string; header?: string }>>;
  sheets?: Record<string, string>;
}

/** A CSV value as the office's Excel would hold it, by the column's declared type. */
function cell(text: string, type: string): FixtureCell {
  if (text === "") return null;
  if (type === "number") return Number(text);
  if (type === "boolean") return text === "true" || text === "1";
  if (type === "date") return { date: text };
  return text;
}

function exportAsOffice(dir: string): void {
  mkdirSync(dir);
  const description = JSON.parse(readFileSync(join(SAMPLE, "dataset.json"), "utf8")) as Description;
  for (const columns of Object.values(description.tables)) {
    for (const c of Object.values(columns)) c.header = c.label_zh;
  }
  description.sheets = { households: "家庭信息", members: "成员信息" };
  writeFileSync(join(dir, "dataset.json"), JSON.stringify(description, null, 2));
  for (const table of ["households", "members", "verified"]) {
    const [header, ...rows] = parseCsv(readFileSync(join(SAMPLE, `${table}.csv`), "utf8"));
    const columns = description.tables[table];
    const zh = header.map((h) => columns[h].label_zh);
    if (table === "verified") {
      const lines = [zh, ...rows].map((r) => r.map((v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)));
      writeFileSync(join(dir, "verified.csv"), "\uFEFF" + lines.map((l) => l.join(",")).join("\r\n") + "\r\n");
      continue;
    }
    const typed = rows.map((r) => r.map((v, i) => cell(v, columns[header[i]].type)));
    writeFileSync(
      join(dir, `${table}.xlsx`),
      sheetjsWorkbook([
        { name: "填表说明", rows: [["本表由县民政局导出；第一行为列名。"]] },
        { name: description.sheets[table], rows: [zh, ...typed] },
      ]),
    );
  }
}

function run(script: string, data: string, out: string) {
  const r = spawnSync(process.execPath, [
    "run",
    "-A",
    `scripts/${script}.ts`,
    "--data",
    data,
    "--model",
    MODEL,
    "--out",
    out,
  ], {
    encoding: "utf8",
  });
  return { status: r.status, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

describe("the held-out county exported as an office would", () => {
  it("scores and evaluates exactly as the CSV originals", () => {
    const office = join(root, "office");
    exportAsOffice(office);
    for (const script of ["score", "evaluate"]) {
      const reference = join(root, `${script}-csv`), exported = join(root, `${script}-xlsx`);
      expect(run(script, SAMPLE, reference).status).toBe(0);
      const ran = run(script, office, exported);
      expect(ran.stderr.split("\n").slice(0, 3)).toEqual([
        `${office}/households.xlsx (sheet 家庭信息): 300 rows read, 300 accepted, 0 rejected`,
        `${office}/members.xlsx (sheet 成员信息): 836 rows read, 836 accepted, 0 rejected`,
        `${office}/verified.csv: 112 rows read, 112 accepted, 0 rejected`,
      ]);
      expect(ran.status).toBe(0);
      const read = (dir: string, name: string) => readFileSync(join(dir, name), "utf8");
      expect(read(exported, "scores.csv")).toBe(read(reference, "scores.csv"));
      if (script === "evaluate") {
        const withoutDigest = (dir: string) => read(dir, "evaluation.json").replace(/"digest": "[0-9a-f]{64}"/, "");
        expect(withoutDigest(exported)).toBe(withoutDigest(reference));
      }
    }
  });
});
