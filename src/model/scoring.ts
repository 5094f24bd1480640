/**
 * The scoring arithmetic, defined once. The compiled SQL, the reference interpreter and any
 * typed-array fast path all follow these definitions, operation for operation, so that they
 * agree to the last bit:
 *
 * 0. Exact when it can be (the contract: "no rounding anywhere"): where every w·p, w·o and band
 *    `min`, read as the decimals the model writes, has at most 9 decimal places and stays small,
 *    points are counted in integer units of 10^-S (S the most places used). Integer sums are exact
 *    in any order, and the only rounding is the final division: total = units / 10^S and
 *    per_capita = units / (members × 10^S), each one correctly rounded IEEE division of exact
 *    integers. Otherwise (e.g. points of 1/3 written with 16 digits) rules 1–5 use doubles as below.
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
  /** Rule 0: w·p and w·o in integer units of 1/scale, or null where the model's arithmetic is in doubles. */
  units: { points: number; otherwise: number; scale: number } | null;
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

/** Decimal places that rule 0 allows, and the largest units (totals stay exact below 2^53). */
const MAX_DECIMALS = 9;
const MAX_UNITS = 1e12;

/**
 * The largest weight × points (or weight × otherwise) a model may give one indicator, in size.
 * Beyond it a total could overflow a double (points of 1e308 would print `Infinity`); the
 * compiler refuses the indicator.
 */
export const MAX_WEIGHTED_POINTS = 1e15;

/** A finite double as the decimal it prints as: an integer mantissa and its decimal places. */
function decimalOf(x: number): { mantissa: bigint; places: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`Expected a finite number but found ${x}`);
  const [, sign, int, frac = "", exp = "0"] = m;
  let places = frac.length - Number(exp);
  let mantissa = BigInt(sign + int + frac);
  if (places < 0) {
    mantissa *= 10n ** BigInt(-places);
    places = 0;
  }
  return { mantissa, places };
}

/** w × v exactly, as a decimal. */
function productOf(w: number, v: number): { mantissa: bigint; places: number } {
  const a = decimalOf(w), b = decimalOf(v);
  return { mantissa: a.mantissa * b.mantissa, places: a.places + b.places };
}

/** Rule 0: the integer units of every w·p and w·o, or null when the model's numbers do not allow it. */
function exactUnits(
  pairs: { weight: number; points: number; otherwise: number }[],
  bandMins: number[],
): { points: number; otherwise: number; scale: number }[] | null {
  const products = pairs.map((p) => [productOf(p.weight, p.points), productOf(p.weight, p.otherwise)]);
  const mins = bandMins.map(decimalOf);
  const places = Math.max(0, ...products.flat().map((d) => d.places), ...mins.map((d) => d.places));
  if (places > MAX_DECIMALS) return null;
  const toUnits = (d: { mantissa: bigint; places: number }) => d.mantissa * 10n ** BigInt(places - d.places);
  const units = products.map(([p, o]) => [toUnits(p), toUnits(o)]);
  const limit = BigInt(MAX_UNITS);
  if (units.flat().some((u) => u > limit || u < -limit)) return null;
  // The sum over indicators stays small too, so that no household total can leave BIGINT or 2^53.
  const abs = (u: bigint) => (u < 0n ? -u : u);
  if (units.reduce((sum, [p, o]) => sum + (abs(p) > abs(o) ? abs(p) : abs(o)), 0n) > limit) return null;
  const scale = 10 ** places;
  return units.map(([p, o]) => ({ points: Number(p), otherwise: Number(o), scale }));
}

/** The coefficients of every indicator, in model order. */
export function coefficientsOf(
  model: Model,
  reads: { parameters: string[]; columns: string[] }[] = [],
): IndicatorCoefficient[] {
  const weights = new Map(model.categories.map((c) => [c.id, c.weight ?? 1]));
  const pairs = model.indicators.map((ind) => ({
    weight: weights.get(ind.category) ?? 1,
    points: ind.points,
    otherwise: ind.otherwise ?? 0,
  }));
  const exact = exactUnits(pairs, (model.bands ?? []).map((b) => b.min));
  return model.indicators.map((ind, index) => {
    const { weight, otherwise } = pairs[index];
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
      units: exact ? exact[index] : null,
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

/** Rule 0: one indicator's contribution in integer units (exact models only). */
export function contributionUnits(c: IndicatorCoefficient, hits: number, members: number): number {
  const n = c.level === "member" ? members : 1;
  return hits * c.units!.points + (n - hits) * c.units!.otherwise;
}

/** Rule 3: one indicator's contribution for a household with `members` members and `hits` hits. */
export function contribution(c: IndicatorCoefficient, hits: number, members: number): number {
  if (c.units) return contributionUnits(c, hits, members) / c.units.scale;
  const n = c.level === "member" ? members : 1;
  return hits * c.weightedPoints + (n - hits) * c.weightedOtherwise;
}

/** Rules 0, 4 and 5: a household's total points and per-capita score (null without members). */
export function householdScore(
  coefficients: IndicatorCoefficient[],
  hitsAt: (index: number) => number,
  members: number,
): { total: number; perCapita: number | null } {
  const scale = coefficients[0]?.units?.scale;
  if (scale !== undefined) {
    let units = 0;
    for (const c of coefficients) units += contributionUnits(c, hitsAt(c.index), members);
    return { total: units / scale, perCapita: members === 0 ? null : units / (members * scale) };
  }
  let total = 0;
  for (const c of coefficients) total = total + contribution(c, hitsAt(c.index), members);
  return { total, perCapita: members === 0 ? null : total / members };
}

/** Rule 4: the household total; `hitsAt(i)` gives the hits of the indicator at model index i. */
export function householdTotal(
  coefficients: IndicatorCoefficient[],
  hitsAt: (index: number) => number,
  members: number,
): number {
  return householdScore(coefficients, hitsAt, members).total;
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

/**
 * Rule 0 in SQL: the total in integer units (BIGINT), or a typed NULL where the model is in doubles.
 * `summed`: the h·(p − o) parts of the indicators in `indices` are already summed in `columns`.
 */
export function totalUnitsSql(
  coefficients: IndicatorCoefficient[],
  members: string,
  indent = "    ",
  summed?: { columns: string[]; indices: Pick<ReadonlySet<number>, "has"> },
): string {
  if (!coefficients[0]?.units) return "CAST(NULL AS BIGINT)";
  // Integer sums are exact in any order, so Σ (h·p + (n − h)·o) is written as the equal
  // Σ_member o × members + Σ_household o + Σ h·(p − o): one product per indicator whose points and
  // otherwise differ, none for the others.
  let memberOtherwise = 0, householdOtherwise = 0;
  for (const c of coefficients) {
    if (c.level === "member") memberOtherwise += c.units!.otherwise;
    else householdOtherwise += c.units!.otherwise;
  }
  const base = memberOtherwise === 0
    ? `CAST(${householdOtherwise} AS BIGINT)`
    : `(CAST(${householdOtherwise} AS BIGINT) + ${members} * CAST(${memberOtherwise} AS BIGINT))`;
  const terms = coefficients.filter((c) => c.units!.points !== c.units!.otherwise && !summed?.indices.has(c.index))
    .map((c) => `${ident(c.column)} * CAST(${c.units!.points - c.units!.otherwise} AS BIGINT)`);
  if (summed) terms.unshift(...summed.columns);
  if (coefficients.length > LONG_SUM) {
    // list_sum adds in HUGEINT, one flat call however many terms.
    return `CAST(list_sum([\n${indent}${[base, ...terms].join(`,\n${indent}`)}]) AS BIGINT)`;
  }
  let sql = base;
  for (const t of terms) sql = `(${sql}\n${indent}+ ${t})`;
  return sql;
}

/**
 * Models with more indicators than this sum them in SQL that nests about log n deep (integer
 * units) or not at all (doubles, `list_reduce` in model order): DuckDB refuses expressions nested
 * 1,000 deep. Smaller models keep the plain left-to-right form.
 */
export const LONG_SUM = 100;

/** Rule 4 in SQL: explicitly parenthesized, left to right from 0, over the `hits` columns (rule 0: units / scale). */
export function totalSql(
  coefficients: IndicatorCoefficient[],
  members: string,
  indent = "    ",
  units?: string,
): string {
  const scale = coefficients[0]?.units?.scale;
  if (scale !== undefined) {
    return `CAST(${units ?? totalUnitsSql(coefficients, members, indent)} AS DOUBLE) / ${doubleLiteral(scale)}`;
  }
  if (coefficients.length > LONG_SUM) {
    // Rule 4 exactly: list_reduce adds left to right from 0, in model order.
    const terms = coefficients.map((c) => contributionSql(c, ident(c.column), members));
    return `list_reduce([CAST('0' AS DOUBLE),\n${indent}${terms.join(`,\n${indent}`)}], lambda l, r: l + r)`;
  }
  let sql = "CAST('0' AS DOUBLE)";
  for (const c of coefficients) sql = `(${sql}\n${indent}+ ${contributionSql(c, ident(c.column), members)})`;
  return sql;
}

/** Rule 5 in SQL (rule 0: units / (members × scale), one rounding). */
export function perCapitaSql(
  total: string,
  members: string,
  coefficients?: IndicatorCoefficient[],
  units?: string,
): string {
  const scale = coefficients?.[0]?.units?.scale;
  if (scale !== undefined && units !== undefined) {
    return `CAST(${units} AS DOUBLE) / CAST(NULLIF(${members}, 0) * CAST(${scale} AS BIGINT) AS DOUBLE)`;
  }
  return `${total} / CAST(NULLIF(${members}, 0) AS DOUBLE)`;
}

/** Rule 6 in SQL: a `CASE` giving the band id as text, or NULL. */
export function bandSql(bands: BandCut[], perCapitaExpr: string): string {
  if (bands.length === 0) return "CAST(NULL AS VARCHAR)";
  const whens = bands.map((b) => `WHEN ${perCapitaExpr} >= ${doubleLiteral(b.min)} THEN ${textLiteral(b.id)}`);
  return `CASE ${whens.join(" ")} ELSE CAST(NULL AS VARCHAR) END`;
}
