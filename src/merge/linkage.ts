/**
 * The linkage as named steps on the database, Splink's pipeline: load the staged records →
 * block (OR-ed rules) → compare (comparison vectors) → estimate u (random pairs) → estimate m (EM
 * per training rule, u fixed) → prior (deterministic rules) → score every blocked pair (match
 * weight with term-frequency adjustments, probability) → decide link / review / reject.
 */
import { csvLine } from "../base/csv.ts";
import type { Db } from "../db/mod.ts";
import { expectationMaximisation, type Parameters, type Pattern, startingM, uFromCounts } from "./fellegi_sunter.ts";
import {
  blockedPairsSql,
  createStagedSql,
  doubleSql,
  gammasSql,
  patternsSql,
  rulePairCountSql,
  STAGED_COLUMNS,
  trainingPairsSql,
  uSampleSql,
} from "./sql.ts";
import { BLOCKING_RULES, type Comparison, COMPARISONS, type LinkageOptions, TRAINING } from "./settings.ts";
import type { StagedRecord } from "./stage.ts";

/**
 * The kinds of key data that list adults only (wages, property, businesses, housing funds,
 * vehicles, bank assets, household spending): a record of these kinds never belongs to a person
 * born less than 16 years before its extract (`born_by` in `staged`, a cannot-link).
 */
export const ADULT_KINDS: ReadonlySet<string> = new Set([
  "tax",
  "real_estate",
  "business",
  "housing_fund",
  "vehicle",
  "financial_assets",
  "consumption",
]);

/** The staged records as the CSV `staged` is created from (names only in memory, never on disk). */
export function stagedCsv(records: readonly StagedRecord[]): string {
  const lines = [csvLine(STAGED_COLUMNS.map(([c]) => c))];
  for (const r of records) {
    lines.push(csvLine([
      r.rid,
      r.id_pseudo,
      r.id_ok,
      r.id_birth,
      r.id_sex,
      r.name?.name,
      r.name?.pinyin,
      r.name?.surnamePinyin,
      r.name?.length,
      r.birth?.y,
      r.birth?.m,
      r.birth?.d,
      r.sex,
      r.village,
      r.household_ref,
      ADULT_KINDS.has(r.kind) ? Number(r.extract_date.slice(0, 4)) - 16 : null,
    ]));
  }
  return lines.join("\n") + "\n";
}

/** Step 1: the `staged` table. */
export async function loadStaged(db: Db, records: readonly StagedRecord[]): Promise<void> {
  const path = await db.registerFile("staged.csv", { bytes: new TextEncoder().encode(stagedCsv(records)) });
  await db.exec(createStagedSql(path));
}

/** A blocking rule's figures. */
export interface RuleFigures {
  id: string;
  on: string[];
  /** Pairs the rule gives on its own (from block sizes). */
  estimated_pairs: number;
  /** Pairs it adds to those of the earlier rules. */
  new_pairs: number;
}

/** Step 2: blocking, and the comparison vectors of the blocked pairs (`gammas`). */
export async function block(db: Db, comparisons: readonly Comparison[]): Promise<RuleFigures[]> {
  const figures: RuleFigures[] = [];
  for (const rule of BLOCKING_RULES) {
    const [row] = await db.all(rulePairCountSql(rule));
    figures.push({ id: rule.id, on: [...rule.on], estimated_pairs: Number(row.pairs), new_pairs: 0 });
  }
  await db.exec(blockedPairsSql(BLOCKING_RULES));
  for (const row of await db.all(`select rule, count(*)::double as n from pairs group by rule`)) {
    figures[Number(row.rule)].new_pairs = Number(row.n);
  }
  await db.exec(gammasSql("gammas", "pairs", comparisons));
  return figures;
}

async function patternsOf(db: Db, table: string, comparisons: readonly Comparison[]): Promise<Pattern[]> {
  const rows = await db.all(patternsSql(table, comparisons));
  return rows.map((r) => ({ gamma: comparisons.map((c) => Number(r[`g_${c.id}`])), count: Number(r.n) }));
}

/** Step 3: u of every level, from random pairs. */
export async function estimateU(
  db: Db,
  comparisons: readonly Comparison[],
  options: LinkageOptions,
): Promise<{ u: number[][]; pairs: number }> {
  await db.exec(uSampleSql(options.uSampleRecords, options.seed));
  await db.exec(gammasSql("u_gammas", "u_pairs", comparisons));
  const patterns = await patternsOf(db, "u_gammas", comparisons);
  const u = comparisons.map((c, k) => {
    const counts = c.levels.map(() => 0);
    for (const p of patterns) if (p.gamma[k] >= 0) counts[p.gamma[k]] += p.count;
    return uFromCounts(counts);
  });
  const pairs = patterns.reduce((s, p) => s + p.count, 0);
  await db.exec("drop table u_gammas; drop table u_pairs; drop table u_records");
  return { u, pairs };
}

/** One EM training session's figures. */
export interface SessionFigures {
  rule: string;
  pairs: number;
  estimated: string[];
  iterations: number;
  converged: boolean;
  lambda: number;
}

/** Step 4: m by EM, one session per training rule (its own comparisons left out), averaged. */
export async function estimateM(
  db: Db,
  comparisons: readonly Comparison[],
  u: number[][],
  options: LinkageOptions,
): Promise<{ m: number[][]; sessions: SessionFigures[] }> {
  const sums = comparisons.map((c) => c.levels.map(() => 0));
  const runs = comparisons.map(() => 0);
  const sessions: SessionFigures[] = [];
  const start = startingM(comparisons.map((c) => c.levels.length));
  for (const [i, t] of TRAINING.entries()) {
    await db.exec(trainingPairsSql(`train_${i}`, t.rule));
    await db.exec(gammasSql(`train_gammas_${i}`, `train_${i}`, comparisons));
    const patterns = await patternsOf(db, `train_gammas_${i}`, comparisons);
    await db.exec(`drop table train_${i}; drop table train_gammas_${i}`);
    const active = comparisons.map((c) => !t.skip.includes(c.id));
    const res = expectationMaximisation(patterns, { m: start, u, lambda: 0.5 }, active, {
      tolerance: options.emTolerance,
      maxIterations: options.emMaxIterations,
    });
    comparisons.forEach((_, k) => {
      if (!active[k]) return;
      res.m[k].forEach((x, l) => (sums[k][l] += x));
      runs[k]++;
    });
    sessions.push({
      rule: t.rule.id,
      pairs: patterns.reduce((s, p) => s + p.count, 0),
      estimated: comparisons.filter((_, k) => active[k]).map((c) => c.id),
      iterations: res.iterations,
      converged: res.converged,
      lambda: res.lambda,
    });
  }
  const m = sums.map((levels, k) => (runs[k] > 0 ? levels.map((x) => x / runs[k]) : start[k]));
  return { m, sessions };
}

/**
 * Step 5: the prior λ from deterministic rules (same trusted pseudonym, or same name, full birth
 * date and village): their pairs / assumed recall / all pairs.
 */
export async function estimatePrior(db: Db, records: number, recall: number): Promise<number> {
  const [row] = await db.all(`select count(*)::double as n from gammas
    where g_id = 0 or (g_name = 0 and g_birth = 0 and g_village = 0)`);
  const all = (records * (records - 1)) / 2;
  const lambda = all > 0 ? Number(row.n) / recall / all : 0.5;
  return Math.min(Math.max(lambda, 1e-12), 0.5);
}

/** The SQL of a pair's match weight and whether it has evidence beyond names. */
export function weightSql(comparisons: readonly Comparison[], p: Parameters): { weight: string; evidence: string } {
  const terms = [doubleSql(Math.log2(p.lambda / (1 - p.lambda)))];
  const evidence: string[] = [];
  comparisons.forEach((c, k) => {
    const cases = c.levels.map((_, l) => `when ${l} then ${doubleSql(Math.log2(p.m[k][l] / p.u[k][l]))}`).join(" ");
    terms.push(`(case g_${c.id} ${cases} else 0 end)`);
    c.levels.forEach((lvl, l) => {
      if (lvl.tf) {
        terms.push(
          `(case when g_${c.id} = ${l} and tf_${lvl.tf} > 0 then log2(${
            doubleSql(p.u[k][l])
          } / tf_${lvl.tf}) else 0 end)`,
        );
      }
      if (lvl.evidence) evidence.push(`g_${c.id} = ${l}`);
    });
  });
  return { weight: terms.join("\n  + "), evidence: evidence.join(" or ") };
}

/** Step 6: every blocked pair scored (`scored`: rid_l, rid_r, weight, probability, evidence, the vector). */
export async function scorePairs(db: Db, comparisons: readonly Comparison[], p: Parameters): Promise<void> {
  const { weight, evidence } = weightSql(comparisons, p);
  await db.exec(`create table scored as select *, 1 / (1 + pow(2, -weight)) as probability from (
  select rid_l, rid_r, ${comparisons.map((c) => `g_${c.id}`).join(", ")},
  (${weight}) as weight, coalesce(${evidence}, false) as evidence from gammas)`);
}

/** The figures of the linkage, for report.json. */
export interface LinkageFigures {
  records: number;
  blocking_rules: RuleFigures[];
  pairs_compared: number;
  u_sample_pairs: number;
  em_sessions: SessionFigures[];
  prior: number;
  comparisons: {
    id: string;
    label: string;
    levels: { id: string; label: string; m: number; u: number; weight: number }[];
  }[];
  thresholds: { link_at: number; review_at: number };
  pairs_linked: number;
  pairs_review: number;
  pairs_name_only: number;
  /** Seconds each step took. */
  seconds: Record<string, number>;
}

/** Runs steps 1–6 and counts the decisions; returns the parameters and figures. */
export async function link(
  db: Db,
  records: readonly StagedRecord[],
  options: LinkageOptions,
): Promise<{ params: Parameters; figures: LinkageFigures }> {
  const comparisons = COMPARISONS;
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const value = await run();
    const now = performance.now();
    seconds[name] = (now - t) / 1000;
    t = now;
    return value;
  };
  await step("load", () => loadStaged(db, records));
  const rules = await step("block_and_compare", () => block(db, comparisons));
  const { u, pairs: uPairs } = await step("estimate_u", () => estimateU(db, comparisons, options));
  const { m, sessions } = await step("estimate_m", () => estimateM(db, comparisons, u, options));
  const lambda = await step("prior", () => estimatePrior(db, records.length, options.priorRecall));
  const params: Parameters = { m, u, lambda };
  await step("score", () => scorePairs(db, comparisons, params));
  const [row] = await db.all(`select count(*)::double as pairs,
    count(*) filter (where probability >= ${options.linkAt} and evidence)::double as linked,
    count(*) filter (where probability >= ${options.reviewAt} and not (probability >= ${options.linkAt} and evidence))::double as review,
    count(*) filter (where probability >= ${options.linkAt} and not evidence)::double as name_only
    from scored`);
  const figures: LinkageFigures = {
    records: records.length,
    blocking_rules: rules,
    pairs_compared: Number(row.pairs),
    u_sample_pairs: uPairs,
    em_sessions: sessions,
    prior: lambda,
    comparisons: comparisons.map((c, k) => ({
      id: c.id,
      label: c.label,
      levels: c.levels.map((l, i) => ({
        id: l.id,
        label: l.label,
        m: m[k][i],
        u: u[k][i],
        weight: Math.log2(m[k][i] / u[k][i]),
      })),
    })),
    thresholds: { link_at: options.linkAt, review_at: options.reviewAt },
    pairs_linked: Number(row.linked),
    pairs_review: Number(row.review),
    pairs_name_only: Number(row.name_only),
    seconds,
  };
  return { params, figures };
}
