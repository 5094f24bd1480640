/**
 * The county figures of `deno task bench` (issue 13 item 3): the whole `evaluate` process on a
 * county, beside the same run's raw read of its files, and a wide table's validation time at
 * 1,000 and 2,000 columns (linear when the ratio is near 2). scripts/bench.ts calls
 * {@link benchCounty} and adds the figures to its output.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../src/db/mod.ts";
import { type DatasetFile, loadDataset } from "../src/ingest/mod.ts";

/** The county figures, in milliseconds (medians), with their same-run ratios. */
export interface CountyFigures {
  /** `deno run -A scripts/evaluate.ts` on the county, start to exit (one process, no npx). */
  county_evaluate_ms: number;
  /** Reading every file of the county folder into memory (the reference). */
  county_read_ms: number;
  /** `county_evaluate_ms / county_read_ms`. */
  county_evaluate_ratio: number;
  /** Validating a table of 1,000 inferred columns (40 rows), native engine. */
  wide_1000_ms: number;
  /** The same with 2,000 columns. */
  wide_2000_ms: number;
  /** `wide_2000_ms / wide_1000_ms`: 2 is linear in columns. */
  wide_ratio: number;
}

/** The median of some numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `f` `runs` times and returns the median time in ms. */
async function timed(runs: number, f: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    out.push(performance.now() - start);
  }
  return median(out);
}

/** One whole `evaluate` process on `data` with `model`, writing into a temporary folder (removed). */
async function evaluateOnce(data: string, model: string): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), "cw-bench-county-"));
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/evaluate.ts", "--data", data, "--model", model, "--out", out, "--force"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`evaluate failed: ${new TextDecoder().decode(stderr)}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Every file of a folder, read into memory. */
async function readFolder(folder: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(folder)) bytes += (await readFile(join(folder, name))).length;
  return bytes;
}

/** A households table with `extra` inferred columns (numbers, booleans, dates, text) and its members, 40 rows each. */
function wideFiles(extra: number): DatasetFile[] {
  const names = Array.from({ length: extra }, (_, i) => `c${i}`);
  const cell = (i: number, r: number) =>
    [String((r * i) % 97), r % 2 ? "true" : "false", `2024-01-0${1 + (r % 9)}`, `t${r}`][i % 4];
  let households = `household_id,village,category,${names.join(",")}\n`;
  let members = "person_id,household_id,age\n";
  for (let r = 0; r < 40; r++) {
    households += `H${r},v,dibao,${names.map((_, i) => cell(i, r)).join(",")}\n`;
    members += `P${r},H${r},40\n`;
  }
  const encoder = new TextEncoder();
  return [
    { name: "households.csv", source: { bytes: encoder.encode(households) } },
    { name: "members.csv", source: { bytes: encoder.encode(members) } },
  ];
}

/** Validates a wide dataset once on a fresh native database. */
async function validateWide(files: DatasetFile[]): Promise<void> {
  const db = await openDb("native");
  try {
    const report = await loadDataset(db, files, { folder: "wide" });
    if (!report.valid) throw new Error("the wide bench dataset should be valid");
  } finally {
    await db.close();
  }
}

/** Measures the county figures (`runs` runs each, median; run from the repository root). */
export async function benchCounty(
  options: { data?: string; model?: string; runs?: number } = {},
): Promise<CountyFigures> {
  const data = options.data ?? "data/demo";
  const model = options.model ?? "models/county-default.json";
  const runs = options.runs ?? 3;
  await evaluateOnce(data, model); // warm the module cache
  const county_evaluate_ms = await timed(runs, () => evaluateOnce(data, model));
  const county_read_ms = await timed(runs, () => readFolder(data));
  return {
    county_evaluate_ms: round(county_evaluate_ms),
    county_read_ms: round(county_read_ms),
    county_evaluate_ratio: round(county_evaluate_ms / county_read_ms),
    ...await benchWide(runs),
  };
}

/** Rounds to three decimals. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Validation of a 40-row table of 1,000 and of 2,000 inferred columns (median of `runs`), and their ratio (≈ 2 when linear). */
export async function benchWide(
  runs = 3,
): Promise<Pick<CountyFigures, "wide_1000_ms" | "wide_2000_ms" | "wide_ratio">> {
  const thousand = wideFiles(1000), twoThousand = wideFiles(2000);
  await validateWide(wideFiles(100));
  const wide_1000_ms = await timed(runs, () => validateWide(thousand));
  const wide_2000_ms = await timed(runs, () => validateWide(twoThousand));
  return {
    wide_1000_ms: round(wide_1000_ms),
    wide_2000_ms: round(wide_2000_ms),
    wide_ratio: round(wide_2000_ms / wide_1000_ms),
  };
}

if (import.meta.main) console.log(JSON.stringify(await benchCounty({ runs: Number(Deno.args[0] ?? 3) })));
