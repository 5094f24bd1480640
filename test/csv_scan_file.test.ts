/**
 * A CSV file scanned piece by piece (a province's file, larger than one buffer may be) must give
 * exactly what the scan of its whole bytes gives — header, rows, problems and their rows, bounds,
 * whether it reads as it is, the rewritten copy, what stopped the scan — wherever the pieces
 * split it: inside a record, a quoted line break, a CRLF, a multi-byte character or the BOM.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMITS, scanCsv, scanCsvFile } from "../src/ingest/_csv_scan.ts";
import { concatBytes } from "../src/base/bytes.ts";
import { openDb } from "../src/db/mod.ts";
import { type DatasetFile, loadDataset } from "../src/ingest/mod.ts";

const text = (s: string) => new TextEncoder().encode(s);
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
/** 村 in GBK: not UTF-8. */
const GBK = new Uint8Array([0xb4, 0xe5]);

const CASES: Record<string, Uint8Array> = {
  "plain": text("id,village,age\nH1,王家村,70\nH2,李家湾,8\n"),
  "no final line end": text("id,village,age\nH1,王家村,70\nH2,李家湾,8"),
  "CRLF": text("id,village,age\r\nH1,王家村,70\r\nH2,李家湾,8\r\n"),
  "quoted commas and line breaks": text(
    'id,note,age\nH1,"a, b",1\nH2,"line 1\nline 2\r\nline 3",2\nH3,"say ""hi""",3\n',
  ),
  "blank lines": text("id,age\nH1,1\n\nH2,2\n\n\n"),
  "ragged rows": text("id,age\nH1,1,9\nH2\nH3,3\n"),
  "stray quote and characters": text('id,age\nH1,"1"x\nH2,2"\nH3,3\n'),
  "unclosed quote at the end": text('id,age\nH1,1\nH2,"2\nH3,3\n'),
  "lone CR line ends": text("id,age\rH1,1\rH2,2\r"),
  "a CR at the very end": text("id,age\nH1,1\r"),
  "a NUL character": text("id,age\nH1,1\nH2,\0\nH3,3\n"),
  "a byte-order mark": concatBytes([BOM, text("id,age\nH1,1\nH2,2\n")]),
  "a quoted header": text('"id","age"\nH1,1\n'),
  "header only": text("id,age\n"),
  "empty": new Uint8Array(),
  "not UTF-8 in row 3": concatBytes([text('id,village\nH1,"a\nb"\nH2,'), GBK, text("\nH3,c\n")]),
  "not UTF-8 after a field too long": concatBytes([
    text(`id,note\nH1,${"x".repeat(LIMITS.fieldBytes + 1)}\nH2,ok\nH3,`),
    GBK,
    text("\n"),
  ]),
  "a field too long": text(`id,note\nH1,ok\nH2,"${"y".repeat(LIMITS.fieldBytes + 5)}"\nH3,z\n`),
  "a header too wide": text(Array.from({ length: LIMITS.columns + 1 }, (_, i) => `c${i}`).join(",") + "\n1\n"),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "csv-pieces-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The file scan with its rewritten pieces joined, as the in-memory scan's shape. */
async function scanInPieces(path: string, pieceBytes: number) {
  const pieces: Uint8Array[] = [];
  const rewritten = await scanCsvFile(path, { pieceBytes, rewrite: (p) => void pieces.push(p.slice()) });
  const lean = await scanCsvFile(path, { pieceBytes });
  return { rewritten: { ...rewritten, bytes: concatBytes(pieces) }, lean };
}

describe("a CSV file scanned piece by piece", () => {
  for (const [name, bytes] of Object.entries(CASES)) {
    it(`gives what the whole scan gives: ${name}`, async () => {
      const path = join(dir, `${name.replaceAll(" ", "_")}.csv`);
      await writeFile(path, bytes);
      const whole = scanCsv(bytes);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const sizes = bytes.length > 100_000 ? [4096, 65_537, 1 << 20] : [1, 2, 3, 5, 7, 16, 64, 1 << 20];
      for (const pieceBytes of sizes) {
        const { rewritten, lean } = await scanInPieces(path, pieceBytes);
        // The rewritten copy is the same bytes, unless something stopped the scan (then none is used).
        const stopped = whole.notUtf8 || whole.tooLong || whole.tooWide !== undefined;
        expect({ ...rewritten, bytes: stopped ? [] : [...rewritten.bytes] }, `pieces of ${pieceBytes}`).toEqual({
          ...whole,
          bytes: [...whole.bytes],
          sha256,
        });
        expect({ ...lean, bytes: undefined }).toEqual({ ...whole, bytes: undefined, sha256 });
      }
    });
  }

  it("finds the row of bad UTF-8 past the first piece, counting quoted line breaks as the whole scan does", async () => {
    const records = Array.from({ length: 500 }, (_, i) => `H${i},"l1\nl2",${i}`).join("\n");
    const bytes = concatBytes([text(`id,note,n\n${records}\nH500,`), GBK, text(",1\n")]);
    const path = join(dir, "late-gbk.csv");
    await writeFile(path, bytes);
    const { lean } = await scanInPieces(path, 1000);
    expect(lean.notUtf8).toEqual({ row: 502, looksGbk: true });
    expect(scanCsv(bytes).notUtf8).toEqual({ row: 502, looksGbk: true });
  });
});

describe("loading a CSV file scanned in pieces", () => {
  const households = "household_id,village,category,income_yuan\nH1,王家村,dibao,1200\nH2,李家湾,tekun,\n" +
    'H3,"张庄, 东",monitored,300\n';
  const members = "person_id,household_id,age\nP1,H1,70\nP2,H1,8\nP3,H2,45\nP4,H3,30\n";
  const tables: Record<string, Record<string, Uint8Array>> = {
    "as it is": { households: text(households), members: text(members) },
    "with a byte-order mark and CRLF": {
      households: concatBytes([BOM, text(households.replaceAll("\n", "\r\n"))]),
      members: text(members),
    },
    "with bad rows and a blank line": {
      households: text(households + "H4,x\n\nH5,y,dibao,abc\n"),
      members: text(members + "P5,H9,1\nP6,H5,2,3\n"),
    },
  };

  /** The report (no timings) and the loaded rows, with every CSV file scanned in pieces or read whole. */
  async function outcome(files: DatasetFile[], lenient: boolean, pieces: boolean) {
    const db = await openDb("native");
    const largeCsv = pieces ? { bytes: 0, pieceBytes: 7 } : { bytes: Number.POSITIVE_INFINITY, pieceBytes: 7 };
    const report = await loadDataset(db, files, { folder: "ds", lenient, largeCsv });
    const rows: Record<string, unknown> = {};
    if (report.valid || lenient) {
      for (const t of ["households", "members"]) rows[t] = await db.all(`select * from ${t} order by all`);
    }
    const left = await db.all("select count(*) as n from duckdb_views() where not internal");
    await db.close();
    return { report, rows, views: Number(left[0].n) };
  }

  for (const [name, byTable] of Object.entries(tables)) {
    for (const lenient of [false, true]) {
      it(`gives what reading it whole gives: ${name}${lenient ? " (lenient)" : ""}`, async () => {
        const files: DatasetFile[] = [];
        for (const [table, bytes] of Object.entries(byTable)) {
          const path = join(dir, `${name.replaceAll(" ", "_")}-${lenient}-${table}.csv`);
          await writeFile(path, bytes);
          files.push({ name: `${table}.csv`, source: { path } });
        }
        const whole = await outcome(files, lenient, false);
        const inPieces = await outcome(files, lenient, true);
        expect(inPieces).toEqual(whole);
        if (name === "with bad rows and a blank line") {
          expect(whole.report.problems.map((p) => `${p.file} ${p.row}`)).toEqual(
            expect.arrayContaining(["ds/households.csv 5", "ds/households.csv 7", "ds/members.csv 7"]),
          );
        } else expect(whole.report.valid).toBe(true);
      });
    }
  }
});
