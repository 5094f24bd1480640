/**
 * The province benchmark's same-run reference: what DuckDB alone needs for a pass of the same size
 * — read both tables, 22 conditional counts per household, per capita, sort, write CSV — so that
 * `score` on a province is reported as a ratio to it, not only as an absolute time.
 */
import { openDb } from "../src/db/mod.ts";
import { quoteText } from "../src/base/sql.ts";

/** The 22 member conditions of the reference pass (the demo model's member rules, each with its points). */
const CONDITIONS: [string, number][] = [
  ["age >= 80", 1],
  ["disability_grade IN (1, 2)", 2.5],
  ["disability_grade IN (3, 4)", 1],
  ["unsupported_child AND age < 18", 5],
  ["vehicle_count >= 1", -3],
  ["has_business", -4],
  ["housing_fund", -2],
  ["tax_paid_yuan > 0", -2],
  ["major_illness", 3],
  ["chronic_illness AND NOT major_illness", 0.5],
  ["severe_mental_illness", 2],
  ["medical_oop_yuan > 20000", 1],
  ["self_care = 'none'", 2],
  ["NOT medical_insured", 1],
  ["hospital_days >= 30", 0.5],
  ["school_stage IN ('primary', 'junior')", 3],
  ["school_stage IN ('senior', 'vocational')", 8],
  ["school_stage = 'college'", 10],
  ["age BETWEEN 6 AND 15 AND school_stage IS NULL", 8],
  ["age BETWEEN 16 AND 59 AND labour_capacity = 'none'", 1.5],
  ["employment_status = 'local' AND social_insurance", -1],
  ["medical_cost_yuan >= 50000", 1],
];

/** The reference pass's SQL over a folder's `households` and `members` Parquet files, writing `out` (CSV). */
export function referenceSql(folder: string, out: string): string {
  const counts = CONDITIONS.map(([c], i) => `count_if(${c}) AS c${i}`).join(", ");
  const points = CONDITIONS.map(([, p], i) => `${p} * c${i}`).join(" + ");
  return `COPY (
  WITH m AS (SELECT household_id, count(*) AS n, ${counts}
             FROM read_parquet(${quoteText(`${folder}/members.parquet`)}) GROUP BY household_id)
  SELECT h.household_id, h.village, h.category, m.n AS members, CAST((${points}) AS DOUBLE) / m.n AS per_capita
  FROM read_parquet(${quoteText(`${folder}/households.parquet`)}) AS h JOIN m USING (household_id)
  ORDER BY per_capita DESC, h.household_id
) TO ${quoteText(out)} (FORMAT csv, HEADER)`;
}

/** Runs the reference pass once on a fresh native database; its wall time in ms. */
export async function referencePassMs(folder: string, out: string): Promise<number> {
  const start = performance.now();
  const db = await openDb("native");
  try {
    await db.exec(referenceSql(folder, out));
  } finally {
    await db.close();
  }
  return performance.now() - start;
}

if (import.meta.main) {
  const [folder, out] = Deno.args;
  console.log(JSON.stringify({ reference_ms: Math.round(await referencePassMs(folder, out)) }));
}
