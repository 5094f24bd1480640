/**
 * SQL generation for the linkage, from the settings (plain data) — one DuckDB dialect. Every
 * function returns SQL text; `linkage.ts` runs it. Tables: `staged` (one row per record, the
 * compared columns), `pairs` (blocked pairs), `gammas` (their comparison vectors), `scored`.
 */
import { quoteText } from "../base/sql.ts";
import type { BlockingRule, Comparison } from "./settings.ts";

/** The columns of `staged`, with their SQL types (the CSV written by `stagedCsv` has them in this order). */
export const STAGED_COLUMNS: readonly [string, string][] = [
  ["rid", "INTEGER"],
  ["id_pseudo", "VARCHAR"],
  ["id_ok", "BOOLEAN"],
  ["id_birth", "VARCHAR"],
  ["id_sex", "VARCHAR"],
  ["name", "VARCHAR"],
  ["name_py", "VARCHAR"],
  ["surname_py", "VARCHAR"],
  ["name_len", "INTEGER"],
  ["birth_y", "INTEGER"],
  ["birth_m", "INTEGER"],
  ["birth_d", "INTEGER"],
  ["sex", "VARCHAR"],
  ["village", "VARCHAR"],
  ["household_ref", "VARCHAR"],
  ["born_by", "INTEGER"],
];

/** Creates `staged` from the staging CSV, with the term frequencies of names, pinyin and villages. */
export function createStagedSql(csvPath: string): string {
  const columns = STAGED_COLUMNS.map(([c, t]) => `${quoteText(c)}: ${quoteText(t)}`).join(", ");
  const tf = (c: string) =>
    `case when ${c} is null then null else count(*) over (partition by ${c}) / count(${c}) over () end as tf_${c}`;
  return `create table staged as select *, ${tf("name")}, ${tf("name_py")}, ${tf("village")}
from read_csv(${csvPath}, header = true, columns = {${columns}}, quote = '"', escape = '"')`;
}

/** The condition of a blocking rule on `l` and `r`. */
export function ruleSql(rule: BlockingRule): string {
  return rule.on.map((c) => `l.${c} = r.${c}`).join(" and ");
}

/**
 * The blocked pairs: each rule's pairs (l.rid < r.rid) not already given by an earlier rule, as
 * Splink ORs its blocking rules. `rule` is the index of the first rule that gave the pair.
 */
export function blockedPairsSql(rules: readonly BlockingRule[]): string {
  const parts = rules.map((rule, i) => {
    const earlier = rules.slice(0, i).map((r) => `coalesce(${ruleSql(r)}, false)`);
    return `select l.rid as rid_l, r.rid as rid_r, ${i} as rule from staged l join staged r
  on ${ruleSql(rule)} and l.rid < r.rid${earlier.length ? `\n  where not (${earlier.join(" or ")})` : ""}`;
  });
  return `create table pairs as\n${parts.join("\nunion all\n")}`;
}

/** How many pairs a rule would give on its own, from the block sizes (before the OR dedupe). */
export function rulePairCountSql(rule: BlockingRule): string {
  const keys = rule.on.join(", ");
  return `select coalesce(sum(n * (n - 1) / 2), 0)::double as pairs from (select count(*) as n from staged
  where ${rule.on.map((c) => `${c} is not null`).join(" and ")} group by ${keys})`;
}

/** The comparison vector expression of one comparison (-1 null, 0 most similar, …). */
export function gammaSql(c: Comparison): string {
  const levels = c.levels.map((l, i) => `when ${l.sql} then ${i}`).join(" ");
  return `case when ${c.nullSql} then -1 ${levels} end as g_${c.id}`;
}

/** The comparison vectors of the pairs in `pairsTable` (rid_l, rid_r), with the tf columns of the pair. */
export function gammasSql(target: string, pairsTable: string, comparisons: readonly Comparison[]): string {
  const tfs = ["name", "name_py", "village"].map((c) => `greatest(l.tf_${c}, r.tf_${c}) as tf_${c}`);
  return `create table ${target} as select p.rid_l, p.rid_r, ${comparisons.map(gammaSql).join(",\n  ")},
  ${tfs.join(", ")}
from ${pairsTable} p join staged l on l.rid = p.rid_l join staged r on r.rid = p.rid_r`;
}

/** The counts of each distinct comparison vector of a gammas table. */
export function patternsSql(table: string, comparisons: readonly Comparison[]): string {
  const g = comparisons.map((c) => `g_${c.id}`).join(", ");
  return `select ${g}, count(*)::double as n from ${table} group by ${g} order by ${g}`;
}

/** The records of the random u sample (deterministic for a seed). */
export function uSampleSql(records: number, seed: number): string {
  return `create table u_records as select rid from staged order by hash(rid + ${Math.trunc(seed)}), rid limit ${
    Math.trunc(records)
  };
create table u_pairs as select a.rid as rid_l, b.rid as rid_r from u_records a join u_records b on a.rid < b.rid`;
}

/** Pairs of one training rule (for EM), all of them, not only those the OR of rules keeps. */
export function trainingPairsSql(target: string, rule: BlockingRule): string {
  return `create table ${target} as select l.rid as rid_l, r.rid as rid_r from staged l join staged r
  on ${ruleSql(rule)} and l.rid < r.rid`;
}

/** A number as an exact SQL double literal. */
export function doubleSql(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`Expected a finite number but found ${x}`);
  return `${x.toPrecision(17)}::double`;
}
