/**
 * The first-view summary: what the calibrate, audit and household pages need to draw their first
 * figures before this browser has loaded and validated the data. `deno task build` computes it
 * with the command line's own code (native DuckDB: the same validation, the same hit counts, the
 * same verified rows, towns and member groups, one household explained) and ships it gzipped as
 * `data/summary.json.gz` beside the demo county. The pages draw from it at once, say so, and
 * replace it with the live session when validation in the browser finishes.
 *
 * The build also ships the demo county as typed Parquet files (transcoded from the validated
 * tables, checked to give the same tables, schema and hit counts): `source` is then the report of
 * the folder as the command line gives it (its CSV files), which the pages show once this
 * browser's validation of the Parquet files has given exactly the report the build's did.
 *
 * It holds no names or raw ids beyond the household ids, villages and categories the served demo
 * files already hold. No DOM here: the build script and the page share this module.
 */
import { canonicalJson, type Model, sha256Hex } from "../../src/contract/mod.ts";
import type { MemberGroups } from "../../src/evaluate/audit.ts";
import type { VerifiedRow } from "../../src/evaluate/mod.ts";
import type { HouseholdExplanation } from "../../src/score/mod.ts";
import type { LoadReport } from "../../src/ingest/types.ts";
import type { Hits } from "../../src/score/mod.ts";

/** The summary's file, relative to the page. */
export const SUMMARY_FILE = "data/summary.json.gz";

/** A text column as its distinct values and one code per row. */
interface Dictionary {
  values: (string | null)[];
  codes: number[];
}

/** The dataset folder as the command line reads it, when the pages are served a Parquet copy of it. */
export interface SummarySource {
  /** The folder's own files and their digest (as `data/index.json` would give them without the copy). */
  files: string[];
  digest: string;
  /** The command line's report on the folder's own files. */
  report: LoadReport;
}

/** The household page's first household, explained with the build's model (its `modelDigest`). */
export interface SummaryHousehold {
  model: string;
  id: string;
  explanation: HouseholdExplanation;
  rows: { hh: Record<string, unknown> | undefined; members: Record<string, unknown>[] };
}

/** The audit page's groups: each household's town, and the member group flags (as 0/1 lists). */
interface GroupsFile {
  towns: (string | null)[] | null;
  flags: Record<string, number[]>;
  definitions: MemberGroups["definitions"];
  skipped: MemberGroups["skipped"];
}

/** The summary as stored (JSON, then gzip). */
export interface SummaryFile {
  format: 2;
  /** The served index's digest of the data files it was computed from. */
  data: string;
  /** {@link rulesDigest} of the model it was computed with. */
  rules: string;
  report: LoadReport;
  householdIds: string[];
  villages: Dictionary;
  categories: Dictionary;
  members: number[];
  hits: number[][];
  verified: VerifiedRow[];
  source?: SummarySource;
  groups?: GroupsFile;
  household?: SummaryHousehold;
}

/** What the summary gives the pages: the validation report, the hit counts, the verified rows, and the rest. */
export interface Summary {
  data: string;
  rules: string;
  /** The report of the files served (what this browser's validation must give again). */
  report: LoadReport;
  hits: Hits;
  verified: VerifiedRow[];
  /** The folder's own files, when the pages are served a Parquet copy. */
  source?: SummarySource;
  /** The audit page's towns and member groups (households in `hits.householdIds` order). */
  groups?: { towns: (string | null)[] | null; memberGroups: MemberGroups };
  household?: SummaryHousehold;
}

/** What hit counts depend on besides the data: each rule's level and `when`, and the parameter values. */
export async function rulesDigest(model: Model): Promise<string> {
  const rules = model.indicators.map((i) => [i.id, i.level, i.when]);
  const parameters = (model.parameters ?? []).map((p) => [p.id, p.value]);
  return await sha256Hex(canonicalJson({ rules, parameters }));
}

function dictionary(column: readonly (string | null)[]): Dictionary {
  const index = new Map<string | null, number>();
  const codes = column.map((v) => {
    let c = index.get(v);
    if (c === undefined) index.set(v, c = index.size);
    return c;
  });
  return { values: [...index.keys()], codes };
}

/** The summary as JSON text (the build gzips it). */
export function encodeSummary(summary: Summary): string {
  const { hits } = summary;
  const file: SummaryFile = {
    format: 2,
    data: summary.data,
    rules: summary.rules,
    report: summary.report,
    householdIds: hits.householdIds,
    villages: dictionary(hits.villages),
    categories: dictionary(hits.categories),
    members: [...hits.members],
    hits: hits.hits.map((column) => [...column]),
    verified: summary.verified,
  };
  if (summary.source) file.source = summary.source;
  if (summary.groups) {
    const { towns, memberGroups: g } = summary.groups;
    const flags = Object.fromEntries(Object.entries(g.flags).map(([k, v]) => [k, [...v!]]));
    file.groups = { towns, flags, definitions: g.definitions, skipped: g.skipped };
  }
  if (summary.household) file.household = summary.household;
  return JSON.stringify(file);
}

/** Parses the summary's JSON text; throws when it is not a summary of this format. */
export function decodeSummary(text: string): Summary {
  const file = JSON.parse(text) as SummaryFile;
  if (file?.format !== 2) throw new Error("Not a first-view summary of format 2");
  const decode = (d: Dictionary) => d.codes.map((c) => d.values[c]);
  const groups = file.groups && {
    towns: file.groups.towns,
    memberGroups: {
      flags: Object.fromEntries(Object.entries(file.groups.flags).map(([k, v]) => [k, Uint8Array.from(v)])),
      definitions: file.groups.definitions,
      skipped: file.groups.skipped,
    },
  };
  return {
    data: file.data,
    rules: file.rules,
    report: file.report,
    hits: {
      householdIds: file.householdIds,
      villages: decode(file.villages),
      categories: decode(file.categories),
      members: Int32Array.from(file.members),
      hits: file.hits.map((column) => Int32Array.from(column)),
    },
    verified: file.verified,
    ...(file.source ? { source: file.source } : {}),
    ...(groups ? { groups } : {}),
    ...(file.household ? { household: file.household } : {}),
  };
}

/** A report without what differs between two runs of the same validation (its step timings). */
export function reportKey(report: LoadReport): string {
  const { timings: _, ...rest } = report;
  return canonicalJson(rest);
}

/** Gzipped bytes → text; bytes a server already decompressed (no gzip magic) pass through. */
export async function gunzipText(bytes: Uint8Array): Promise<string> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}
