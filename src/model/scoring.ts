/**
 * The scoring arithmetic, defined once. The compiled SQL, the reference interpreter and any
 * typed-array fast path all follow these definitions, operation for operation, so that they
 * agree to the last bit:
 *
 * 1. For indicator i (in model order) with category weight w, points p and otherwise o, the
 *    coefficients `weightedPoints = w * p` and `weightedOtherwise = w * o` are computed once as
 *    JavaScript doubles; SQL receives them as exact DOUBLE literals.
 * 2. Hits h_i: for a member indicator, the number of the household's members whose `when` is true;
 *    for a household indicator, 1 if its `when` is true, else 0 (false and null both give 0).
 *    Misses = n_i − h_i, where n_i is the household's member count (member indicators) or 1.
 * 3. contribution_i = h_i × weightedPoints + misses × weightedOtherwise (two products, one sum).
 * 4. total = ((0 + contribution_1) + contribution_2) + … in model order, starting from 0.
 * 5. per_capita = total / members (null when a household has no members).
 * 6. band = the first band (model order, `min` strictly decreasing) with min ≤ per_capita; else none.
 *
 * Each JavaScript function below has a `…Sql` twin that writes the same operations in SQL.
 */
import type { Band, Model } from "../contract/mod.ts";
import { doubleLiteral, ident, textLiteral } from "./_sql.ts";

/** One indicator's part in the arithmetic, plus what explanation and routing need to show it. */
export interface IndicatorCoefficient {
  /** Position in the model's `indicators`, which is also the order of summation. */
  index: number;
  id: string;
  level: "member" | "household";
  category: string;
  /** The category's weight. */
  weight: number;
  points: number;
  otherwise: number;
  /** weight × points, as a JavaScript double. */
  weightedPoints: number;
  /** weight × otherwise, as a JavaScript double. */
  weightedOtherwise: number;
  /** The name of this indicator's hit-count column in the `hits` step. */
  column: string;
  /** Parameter ids the indicator's `when` reads. */
  parameters: string[];
  /** Columns the `when` reads, as `members.x` / `households.x`. */
  columns: string[];
  name?: string;
  name_zh?: string;
  department?: string;
}

/** A band as scoring uses it. */
export interface BandCut {
  id: string;
  min: number;
}

/** The hit-count column of indicator `index` in the `hits` step: `h<index>_<id>`. */
export function hitColumn(index: number, id: string): string {
  return `h${index}_${id}`;
}

/** The coefficients of every indicator, in model order. */
export function coefficientsOf(
  model: Model,
  reads: { parameters: string[]; columns: string[] }[] = [],
): IndicatorCoefficient[] {
  const weights = new Map(model.categories.map((c) => [c.id, c.weight ?? 1]));
  return model.indicators.map((ind, index) => {
    const weight = weights.get(ind.category) ?? 1;
    const otherwise = ind.otherwise ?? 0;
    const c: IndicatorCoefficient = {
      index,
      id: ind.id,
      level: ind.level,
      category: ind.category,
      weight,
      points: ind.points,
      otherwise,
      weightedPoints: weight * ind.points,
      weightedOtherwise: weight * otherwise,
      column: hitColumn(index, ind.id),
      parameters: reads[index]?.parameters ?? [],
      columns: reads[index]?.columns ?? [],
    };
    if (ind.name !== undefined) c.name = ind.name;
    if (ind.name_zh !== undefined) c.name_zh = ind.name_zh;
    if (ind.department !== undefined) c.department = ind.department;
    return c;
  });
}

/** The bands of a model, in order. */
export function bandCutsOf(bands: Band[]): BandCut[] {
  return bands.map((b) => ({ id: b.id, min: b.min }));
}

/** Rule 3: one indicator's contribution for a household with `members` members and `hits` hits. */
export function contribution(c: IndicatorCoefficient, hits: number, members: number): number {
  const n = c.level === "member" ? members : 1;
  return hits * c.weightedPoints + (n - hits) * c.weightedOtherwise;
}

/** Rule 4: the household total; `hitsAt(i)` gives the hits of the indicator at model index i. */
export function householdTotal(
  coefficients: IndicatorCoefficient[],
  hitsAt: (index: number) => number,
  members: number,
): number {
  let total = 0;
  for (const c of coefficients) total = total + contribution(c, hitsAt(c.index), members);
  return total;
}

/** Rule 5. */
export function perCapita(total: number, members: number): number | null {
  return members === 0 ? null : total / members;
}

/** Rule 6. */
export function bandOf(bands: BandCut[], perCapitaScore: number | null): string | null {
  if (perCapitaScore === null) return null;
  for (const b of bands) if (b.min <= perCapitaScore) return b.id;
  return null;
}

/** Rule 3 in SQL, over integer columns `hits` and `members`. */
export function contributionSql(c: IndicatorCoefficient, hits: string, members: string): string {
  const n = c.level === "member" ? members : "1";
  return `(CAST(${hits} AS DOUBLE) * ${doubleLiteral(c.weightedPoints)} + CAST(${n} - ${hits} AS DOUBLE) * ${
    doubleLiteral(c.weightedOtherwise)
  })`;
}

/** Rule 4 in SQL: explicitly parenthesized, left to right from 0, over the `hits` columns. */
export function totalSql(coefficients: IndicatorCoefficient[], members: string, indent = "    "): string {
  let sql = "CAST('0' AS DOUBLE)";
  for (const c of coefficients) sql = `(${sql}\n${indent}+ ${contributionSql(c, ident(c.column), members)})`;
  return sql;
}

/** Rule 5 in SQL. */
export function perCapitaSql(total: string, members: string): string {
  return `${total} / CAST(NULLIF(${members}, 0) AS DOUBLE)`;
}

/** Rule 6 in SQL: a `CASE` giving the band id as text, or NULL. */
export function bandSql(bands: BandCut[], perCapitaExpr: string): string {
  if (bands.length === 0) return "CAST(NULL AS VARCHAR)";
  const whens = bands.map((b) => `WHEN ${perCapitaExpr} >= ${doubleLiteral(b.min)} THEN ${textLiteral(b.id)}`);
  return `CASE ${whens.join(" ")} ELSE CAST(NULL AS VARCHAR) END`;
}
