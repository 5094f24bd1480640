/**
 * Why two records link, or not: a pair's match weight as a waterfall (prior, then each
 * comparison's level with its m, u, Bayes-factor weight and term-frequency adjustment), the
 * explanation Splink draws. Works for any pair, blocked or not; shows levels, never the values.
 */
import { formatPercent } from "../base/format.ts";
import type { Db } from "../db/mod.ts";
import { type Parameters, probabilityOf } from "./fellegi_sunter.ts";
import { COMPARISONS } from "./settings.ts";
import { gammasSql } from "./sql.ts";

/** One bar of the waterfall. */
export interface WaterfallStep {
  comparison: string;
  label: string;
  /** The level's id (`null` where the comparison is null). */
  level: string;
  m: number | null;
  u: number | null;
  /** log2(m/u), or the prior's log2 odds. */
  weight: number;
  /** log2(u / tf) where the level is term-frequency adjusted. */
  tf_adjustment: number;
  cumulative: number;
}

/** A pair's waterfall, final weight and probability. */
export interface Waterfall {
  steps: WaterfallStep[];
  weight: number;
  probability: number;
}

/** The waterfall's first bar: the prior's log2 odds that two records match. */
export function priorStep(weight: number): WaterfallStep {
  return {
    comparison: "prior",
    label: "Prior: two records match",
    level: "",
    m: null,
    u: null,
    weight,
    tf_adjustment: 0,
    cumulative: weight,
  };
}

/** The bar of a comparison that is null for the pair: no weight, the running total unchanged. */
export function nullStep(comparison: { id: string; label: string }, cumulative: number): WaterfallStep {
  return {
    comparison: comparison.id,
    label: comparison.label,
    level: "null",
    m: null,
    u: null,
    weight: 0,
    tf_adjustment: 0,
    cumulative,
  };
}

/** The waterfall of a comparison vector with its term frequencies (`tf[column]`, the pair's greater one). */
export function waterfallOf(
  p: Parameters,
  gamma: readonly number[],
  tf: Readonly<Record<string, number | null>>,
): Waterfall {
  let total = Math.log2(p.lambda / (1 - p.lambda));
  const steps: WaterfallStep[] = [priorStep(total)];
  COMPARISONS.forEach((c, k) => {
    const g = gamma[k];
    if (g < 0) {
      steps.push(nullStep(c, total));
      return;
    }
    const level = c.levels[g];
    const weight = Math.log2(p.m[k][g] / p.u[k][g]);
    const f = level.tf ? tf[level.tf] : null;
    const adj = f !== null && f !== undefined && f > 0 ? Math.log2(p.u[k][g] / f) : 0;
    total += weight + adj;
    steps.push({
      comparison: c.id,
      label: c.label,
      level: level.id,
      m: p.m[k][g],
      u: p.u[k][g],
      weight,
      tf_adjustment: adj,
      cumulative: total,
    });
  });
  return { steps, weight: total, probability: probabilityOf(total) };
}

/** The waterfall of the staged records `a` and `b` (rids), compared in SQL as every blocked pair is. */
export async function explainPair(db: Db, p: Parameters, a: number, b: number): Promise<Waterfall> {
  const [l, r] = a < b ? [a, b] : [b, a];
  await db.exec(`create or replace table explain_pair as select ${Math.trunc(l)} as rid_l, ${Math.trunc(r)} as rid_r`);
  await db.exec(
    gammasSql("explain_gammas", "explain_pair", COMPARISONS).replace("create table", "create or replace table"),
  );
  const [row] = await db.all("select * from explain_gammas");
  const gamma = COMPARISONS.map((c) => Number(row[`g_${c.id}`]));
  const tf = Object.fromEntries(
    ["name", "name_py", "village"].map((c) => [c, row[`tf_${c}`] === null ? null : Number(row[`tf_${c}`])]),
  );
  return waterfallOf(p, gamma, tf);
}

/** The waterfall as text lines for the terminal (comparison ids, so the columns align). */
export function formatWaterfall(w: Waterfall): string {
  const n = (x: number | null) => (x === null ? "" : x.toPrecision(3));
  const row = (cells: string[]) =>
    cells[0].padEnd(10) + cells[1].padEnd(10) + cells.slice(2).map((x) => x.padStart(10)).join("");
  const lines = [row(["", "level", "m", "u", "weight", "tf adj.", "total"])];
  for (const s of w.steps) {
    lines.push(row([
      s.comparison,
      s.level,
      n(s.m),
      n(s.u),
      s.weight.toFixed(2),
      s.tf_adjustment.toFixed(2),
      s.cumulative.toFixed(2),
    ]));
  }
  lines.push(`match weight ${w.weight.toFixed(3)}, probability ${formatPercent(w.probability, 2)}`);
  return lines.join("\n");
}
