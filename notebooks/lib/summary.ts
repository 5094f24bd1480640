/**
 * The first-view summary: what the calibrate page needs to draw its first figures before this
 * browser has loaded and validated the data. `deno task build` computes it with the command line's
 * own code (native DuckDB: the same validation, the same hit counts, the same verified rows) and
 * ships it gzipped as `data/summary.json.gz` beside the demo county. The page draws from it at once,
 * says so, and replaces it with the live session when validation in the browser finishes.
 *
 * It holds no names or raw ids beyond the household ids, villages and categories the served demo
 * files already hold. No DOM here: the build script and the page share this module.
 */
import { canonicalJson, type Model, sha256Hex } from "../../src/contract/mod.ts";
import type { VerifiedRow } from "../../src/evaluate/mod.ts";
import type { LoadReport } from "../../src/ingest/types.ts";
import type { Hits } from "../../src/score/mod.ts";

/** The summary's file, relative to the page. */
export const SUMMARY_FILE = "data/summary.json.gz";

/** A text column as its distinct values and one code per row. */
interface Dictionary {
  values: (string | null)[];
  codes: number[];
}

/** The summary as stored (JSON, then gzip). */
export interface SummaryFile {
  format: 1;
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
}

/** What the summary gives the page: the validation report, the hit counts and the verified rows. */
export interface Summary {
  data: string;
  rules: string;
  report: LoadReport;
  hits: Hits;
  verified: VerifiedRow[];
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
    format: 1,
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
  return JSON.stringify(file);
}

/** Parses the summary's JSON text; throws when it is not a summary of this format. */
export function decodeSummary(text: string): Summary {
  const file = JSON.parse(text) as SummaryFile;
  if (file?.format !== 1) throw new Error("Not a first-view summary of format 1");
  const decode = (d: Dictionary) => d.codes.map((c) => d.values[c]);
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
  };
}

/** Gzipped bytes → text; bytes a server already decompressed (no gzip magic) pass through. */
export async function gunzipText(bytes: Uint8Array): Promise<string> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}
