/**
 * The demo county as tables of typed rows with their column specs (file order), and those
 * tables as the files of a dataset folder (contract §1): households.csv, members.csv,
 * verified.csv and dataset.json — the same text `deno task demo-data` writes.
 */
import { type ColumnSpec, datasetDescription, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, VERIFIED_COLUMNS } from "./columns.ts";
import { toCsv } from "./csv.ts";
import type { County, Household, Member } from "./types.ts";
import type { VerifiedRow } from "./verify.ts";

/** One table: its name, its columns in file order, and its rows. */
export interface Table<R> {
  name: "households" | "members" | "verified";
  columns: readonly ColumnSpec<R>[];
  rows: readonly R[];
}

/** The tables of a demo county; `verified` once the warnings are known. */
export interface DemoTables {
  /** What `dataset.json` says of the county. */
  meta: { seed: number; households: number };
  households: Table<Household>;
  members: Table<Member>;
  verified?: Table<VerifiedRow>;
}

/** One file of the dataset folder, by its name inside the folder. */
export interface DemoFile {
  name: string;
  text: string;
}

/** The households and members tables of a county generated with `seed`. */
export function countyTables(county: County, seed: number): DemoTables {
  return {
    meta: { seed, households: county.households.length },
    households: { name: "households", columns: HOUSEHOLD_COLUMNS, rows: county.households },
    members: { name: "members", columns: MEMBER_COLUMNS, rows: county.households.flatMap((h) => h.members) },
  };
}

/** The tables with the verified rows added. */
export function withVerified(tables: DemoTables, rows: readonly VerifiedRow[]): DemoTables {
  return { ...tables, verified: { name: "verified", columns: VERIFIED_COLUMNS, rows } };
}

const CSV_CACHE = new WeakMap<Table<unknown>, string>();

/** A table as CSV text (computed once per table object: scoring and writing share it). */
export function tableCsv<R>(table: Table<R>): string {
  const cached = CSV_CACHE.get(table as Table<unknown>);
  if (cached !== undefined) return cached;
  const text = toCsv(table.columns.map((c) => c.name), table.rows.map((r) => table.columns.map((c) => c.get(r))));
  CSV_CACHE.set(table as Table<unknown>, text);
  return text;
}

/** The `dataset.json` text of the tables. */
export function datasetJson(tables: DemoTables): string {
  return JSON.stringify(datasetDescription(tables.meta), null, 2) + "\n";
}

/** The files of the dataset folder, sorted by name (as a folder lists them). */
export function datasetFiles(tables: DemoTables): DemoFile[] {
  const files: DemoFile[] = [
    { name: "dataset.json", text: datasetJson(tables) },
    { name: "households.csv", text: tableCsv(tables.households) },
    { name: "members.csv", text: tableCsv(tables.members) },
  ];
  if (tables.verified) files.push({ name: "verified.csv", text: tableCsv(tables.verified) });
  return files;
}
