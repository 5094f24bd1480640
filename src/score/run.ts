/**
 * Running a compiled model on a database: the scored households in contract order, the hit
 * counts as typed arrays, each step materialized for debugging, and one household explained.
 */
import type { Db, Row, Value } from "../db/mod.ts";
import {
  type CompiledModel,
  contribution,
  contributionsSql,
  debugStatements,
  hitsSql,
  memberExplainSql,
  scoredSql,
  type StepName,
} from "../model/mod.ts";
import { scoringOptions } from "./write.ts";

/** What scoring needs of a database: any `Db` engine. */
export type SqlDb = Pick<Db, "exec" | "all" | "columns">;

/** One scored household (contract §3 `scores.csv`). */
export interface ScoredRow {
  household_id: string;
  village: string | null;
  category: string | null;
  members: number;
  total_points: number;
  /** total_points / members; null only for a household without members. */
  per_capita: number | null;
  /** The band id, or null where the household is not warned. */
  band: string | null;
}

/** Scores every household: rows ordered by per_capita descending, then household_id. */
export async function scoreHouseholds(
  db: SqlDb,
  compiled: CompiledModel,
  options: { householdId?: string } = {},
): Promise<ScoredRow[]> {
  // The whole population: `sum_members` adds in any order where the data allow it, and an exact
  // model's member rules are summed per member in integer units (exactly the same totals).
  const steps = options.householdId === undefined
    ? { ...options, ...(await scoringOptions(db, compiled)), memberUnits: true }
    : options;
  const rows = await db.all(scoredSql(compiled, steps));
  return rows.map((r) => ({
    household_id: r.household_id as string,
    village: r.village as string | null,
    category: r.category as string | null,
    members: r.members as number,
    total_points: r.total_points as number,
    per_capita: r.per_capita as number | null,
    band: r.band as string | null,
  }));
}

/** The `hits` step as typed arrays: what a fast path re-scores from without SQL. */
export interface Hits {
  /** Household ids, ordered by household_id. */
  householdIds: string[];
  villages: (string | null)[];
  categories: (string | null)[];
  /** Member counts, one per household. */
  members: Int32Array;
  /** One array per indicator, in model order: hits per household (members hit, or 0/1). */
  hits: Int32Array[];
}

/** Reads the hit counts of every household (ordered by household_id). */
export async function readHits(
  db: SqlDb,
  compiled: CompiledModel,
  options: { householdId?: string } = {},
): Promise<Hits> {
  const { names, columns } = await db.columns(hitsSql(compiled, options));
  const col = (name: string): Value[] => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`Internal error: the hits query has no column ${name}`);
    return columns[i];
  };
  const ints = (values: Value[]) => Int32Array.from(values, (v) => v as number);
  return {
    householdIds: col("household_id") as string[],
    villages: col("village") as (string | null)[],
    categories: col("category") as (string | null)[],
    members: ints(col("members")),
    hits: compiled.coefficients.map((c) => ints(col(c.column))),
  };
}

/** One step of a debug run: its table is left in the database under the step's name. */
export interface StepTiming {
  name: StepName;
  ms: number;
  rows: number;
}

/**
 * Debug mode: materializes every step as a temporary table named after it (`member_hits`, …),
 * timing each, so that each can be inspected with `SELECT * FROM <step>`.
 */
export async function runSteps(
  db: SqlDb,
  compiled: CompiledModel,
  options: { householdId?: string } = {},
): Promise<StepTiming[]> {
  const out: StepTiming[] = [];
  for (const step of debugStatements(compiled, options)) {
    const start = performance.now();
    await db.exec(step.sql);
    const ms = performance.now() - start;
    const [{ n }] = await db.all(`SELECT count(*) AS n FROM ${step.name}`);
    out.push({ name: step.name, ms, rows: n as number });
  }
  return out;
}

/** One indicator's part in a household's score. */
export interface IndicatorExplanation {
  index: number;
  id: string;
  name?: string;
  name_zh?: string;
  level: "member" | "household";
  category: string;
  department?: string;
  weight: number;
  points: number;
  otherwise: number;
  /** Members whose `when` is true (member indicators), or 1/0 (household indicators). */
  hits: number;
  misses: number;
  /** hits × points + misses × otherwise, before the category weight. */
  unweighted: number;
  /** The contribution to the total, after the category weight (scoring rule 3). */
  points_total: number;
  /** Member indicators: the person_ids whose `when` is true, in person_id order. */
  members?: string[];
}

/** Why a household scored what it did. */
export interface HouseholdExplanation {
  household: ScoredRow;
  /** Every indicator in model order (fired or not); `hits > 0` means it fired. */
  indicators: IndicatorExplanation[];
  /** Each member (person_id order) with the ids of the member indicators that fired for them. */
  members: { person_id: string; fired: string[] }[];
}

/** Explains one household, or returns null when there is no household with that id. */
export async function explainHousehold(
  db: SqlDb,
  compiled: CompiledModel,
  householdId: string,
): Promise<HouseholdExplanation | null> {
  const [household] = await scoreHouseholds(db, compiled, { householdId });
  if (!household) return null;
  const hits = await readHits(db, compiled, { householdId });
  const memberRows: Row[] = await db.all(memberExplainSql(compiled, householdId));
  const members = memberRows.map((r) => ({
    person_id: r.person_id as string,
    fired: compiled.coefficients.filter((c) => c.level === "member" && r[c.column] === true).map((c) => c.id),
  }));
  const indicators = compiled.coefficients.map((c): IndicatorExplanation => {
    const h = hits.hits[c.index][0];
    const n = c.level === "member" ? household.members : 1;
    const e: IndicatorExplanation = {
      index: c.index,
      id: c.id,
      level: c.level,
      category: c.category,
      weight: c.weight,
      points: c.points,
      otherwise: c.otherwise,
      hits: h,
      misses: n - h,
      unweighted: h * c.points + (n - h) * c.otherwise,
      points_total: contribution(c, h, household.members),
    };
    if (c.name !== undefined) e.name = c.name;
    if (c.name_zh !== undefined) e.name_zh = c.name_zh;
    if (c.department !== undefined) e.department = c.department;
    if (c.level === "member") e.members = members.filter((m) => m.fired.includes(c.id)).map((m) => m.person_id);
    return e;
  });
  return { household, indicators, members };
}

/** One row of the long per-indicator contributions table (see `contributionsSql`). */
export interface ContributionRow {
  household_id: string;
  members: number;
  indicator_index: number;
  indicator: string;
  level: "member" | "household";
  category: string;
  hits: number;
  misses: number;
  weight: number;
  points_unweighted: number;
  points: number;
}

/** Reads the per-indicator contributions, ordered by household_id and model order. */
export async function readContributions(
  db: SqlDb,
  compiled: CompiledModel,
  options: { householdId?: string } = {},
): Promise<ContributionRow[]> {
  return (await db.all(contributionsSql(compiled, options))) as unknown as ContributionRow[];
}
