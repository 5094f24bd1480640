/**
 * The bench's column-scaling figures: validating a table of 1,000 and of 2,000 inferred columns
 * (issue 10: linear when the ratio is near 2). scripts/bench.ts calls {@link benchWide}; the county's
 * whole-process `evaluate` beside the raw read is measured in bench.ts itself.
 */
import { openDb } from "../src/db/mod.ts";
import { type DatasetFile, loadDataset } from "../src/ingest/mod.ts";
import { round, time } from "./_timing.ts";

/** The column-scaling figures, in milliseconds (medians), with their ratio. */
export interface WideFigures {
  /** Validating a table of 1,000 inferred columns (40 rows), native engine. */
  wide_1000_ms: number;
  /** The same with 2,000 columns. */
  wide_2000_ms: number;
  /** `wide_2000_ms / wide_1000_ms`: 2 is linear in columns. */
  wide_ratio: number;
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

/** Validation of a 40-row table of 1,000 and of 2,000 inferred columns (median of `runs`, after a 100-column warm-up), and their ratio. */
export async function benchWide(runs = 3): Promise<WideFigures> {
  const thousand = wideFiles(1000), twoThousand = wideFiles(2000);
  await validateWide(wideFiles(100));
  const wide_1000_ms = await time(runs, 0, () => validateWide(thousand));
  const wide_2000_ms = await time(runs, 0, () => validateWide(twoThousand));
  return {
    wide_1000_ms: round(wide_1000_ms),
    wide_2000_ms: round(wide_2000_ms),
    wide_ratio: round(wide_2000_ms / wide_1000_ms),
  };
}

if (import.meta.main) console.log(JSON.stringify(await benchWide(Number(Deno.args[0] ?? 3))));
