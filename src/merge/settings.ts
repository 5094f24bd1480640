/**
 * The linkage settings as plain data, as Splink keeps them: OR-ed blocking rules, and comparisons
 * made of ordered levels (most similar first). Each level is a tiny object with its SQL (on the
 * pair's records `l` and `r` of the staged table) and its chart label; `sql.ts` turns them into
 * SQL. Names are compared per character (DuckDB's `levenshtein` counts UTF-8 bytes): `substring`
 * and `length` count characters.
 */

/** One level of a comparison. */
export interface Level {
  /** Short id, e.g. `exact`. */
  id: string;
  label: string;
  /** SQL condition on `l` and `r`; the last level of a comparison is `true` (else). */
  sql: string;
  /** Term-frequency column: the level's u is replaced by the frequency of the pair's value. */
  tf?: string;
  /** A level that counts as evidence beyond names (a link needs one: no link rests on a name alone). */
  evidence?: boolean;
}

/** A comparison: when it is null (a value missing), and its levels. */
export interface Comparison {
  id: string;
  label: string;
  /** SQL condition under which the comparison is null (contributes nothing). */
  nullSql: string;
  levels: Level[];
}

/** A blocking rule: pairs agreeing on all `on` columns (each `l.c = r.c`). */
export interface BlockingRule {
  id: string;
  on: string[];
}

const eq = (c: string) => `l.${c} = r.${c}`;
const anyNull = (...cs: string[]) => cs.map((c) => `l.${c} is null or r.${c} is null`).join(" or ");

/** One character substituted, inserted or deleted (characters, not bytes). */
const ONE_CHAR_APART = `(l.name_len = r.name_len and list_sum(list_transform(range(1, l.name_len + 1),
  i -> (substring(l.name, i, 1) <> substring(r.name, i, 1))::int)) = 1)
  or (l.name_len = r.name_len + 1 and list_contains(list_transform(range(1, l.name_len + 1),
  i -> substring(l.name, 1, i - 1) || substring(l.name, i + 1)), r.name))
  or (r.name_len = l.name_len + 1 and list_contains(list_transform(range(1, r.name_len + 1),
  i -> substring(r.name, 1, i - 1) || substring(r.name, i + 1)), l.name))`;

/** The comparisons, in the order of the comparison vector. */
export const COMPARISONS: readonly Comparison[] = [
  {
    id: "id",
    label: "Identity pseudonym 证件号码",
    nullSql: anyNull("id_pseudo"),
    levels: [
      { id: "equal", label: "same pseudonym", sql: eq("id_pseudo"), evidence: true },
      { id: "both_valid", label: "different, both check digits valid", sql: "l.id_ok and r.id_ok" },
      { id: "else", label: "different (a number failed its check or was not checked)", sql: "true" },
    ],
  },
  {
    id: "id_birth",
    label: "Birth date and sex in the identity number",
    nullSql: anyNull("id_birth", "id_sex"),
    levels: [
      { id: "equal", label: "same birth date and sex", sql: `${eq("id_birth")} and ${eq("id_sex")}`, evidence: true },
      { id: "else", label: "different", sql: "true" },
    ],
  },
  {
    id: "name",
    label: "Name 姓名",
    nullSql: anyNull("name"),
    levels: [
      { id: "exact", label: "same name", sql: eq("name"), tf: "name" },
      { id: "pinyin", label: "same pinyin", sql: eq("name_py"), tf: "name_py" },
      { id: "one_char", label: "one character apart", sql: `(${ONE_CHAR_APART})` },
      { id: "surname", label: "surname only", sql: eq("surname_py") },
      { id: "else", label: "different", sql: "true" },
    ],
  },
  {
    id: "birth",
    label: "Birth date 出生日期",
    nullSql: anyNull("birth_y"),
    levels: [
      {
        id: "exact",
        label: "same date",
        sql: `${eq("birth_y")} and ${eq("birth_m")} and ${eq("birth_d")}`,
        evidence: true,
      },
      {
        id: "partial",
        label: "same as far as both are given",
        sql: `${eq("birth_y")} and coalesce(${eq("birth_m")}, true) and coalesce(${eq("birth_d")}, true)`,
        evidence: true,
      },
      {
        id: "one_off",
        label: "one field different",
        sql: `(${eq("birth_y")})::int + coalesce(${eq("birth_m")}, false)::int + coalesce(${
          eq("birth_d")
        }, false)::int = 2`,
        evidence: true,
      },
      { id: "year", label: "same year", sql: eq("birth_y") },
      { id: "else", label: "different", sql: "true" },
    ],
  },
  {
    id: "sex",
    label: "Sex 性别",
    nullSql: anyNull("sex"),
    levels: [
      { id: "equal", label: "same", sql: eq("sex") },
      { id: "else", label: "different", sql: "true" },
    ],
  },
  {
    id: "village",
    label: "Village 村（社区）",
    nullSql: anyNull("village"),
    levels: [
      { id: "equal", label: "same village", sql: eq("village"), tf: "village", evidence: true },
      { id: "else", label: "different", sql: "true" },
    ],
  },
  {
    id: "household",
    label: "Household registration 户号",
    nullSql: anyNull("household_ref"),
    levels: [
      { id: "equal", label: "same household", sql: eq("household_ref"), evidence: true },
      { id: "else", label: "different", sql: "true" },
    ],
  },
];

/** The blocking rules, OR-ed: a pair is compared when any rule puts it in one block. */
export const BLOCKING_RULES: readonly BlockingRule[] = [
  { id: "id", on: ["id_pseudo"] },
  { id: "name_year", on: ["name_py", "birth_y"] },
  { id: "household_year", on: ["household_ref", "birth_y"] },
  { id: "id_birth_surname", on: ["id_birth", "surname_py"] },
  { id: "surname_month_village", on: ["surname_py", "birth_y", "birth_m", "village"] },
  { id: "name_village", on: ["name_py", "village"] },
];

/** The training sessions of EM (as Splink's `estimate_parameters_using_expectation_maximisation`). */
export const TRAINING: readonly { rule: BlockingRule; skip: readonly string[] }[] = [
  { rule: { id: "train_id", on: ["id_pseudo"] }, skip: ["id", "id_birth"] },
  { rule: { id: "train_name_year", on: ["name_py", "birth_y"] }, skip: ["name", "birth"] },
];

/** The thresholds and constants of the linkage (documented in mod.ts). */
export interface LinkageOptions {
  /** Match probability at or above which a pair links (with evidence beyond names). */
  linkAt: number;
  /** Pairs from here to `linkAt` are the review queue. */
  reviewAt: number;
  /** Records sampled at random for u (pairs ≈ n²/2). */
  uSampleRecords: number;
  /** Seed of the u sample. */
  seed: number;
  /** Recall assumed for the deterministic rules that give the prior. */
  priorRecall: number;
  /** EM stops when no m changes by more than this, or after `emMaxIterations`. */
  emTolerance: number;
  emMaxIterations: number;
  /** A scored pair below this match weight (bits) is a cannot-link: no third record joins the two. */
  strongNonMatch: number;
  /** A record whose edges to two people who cannot be one differ by less than this (bits) is left alone. */
  ambiguityBits: number;
}

/** The defaults. */
export const DEFAULT_LINKAGE: LinkageOptions = {
  linkAt: 0.7,
  reviewAt: 0.5,
  uSampleRecords: 1200,
  seed: 42,
  priorRecall: 0.9,
  emTolerance: 1e-4,
  emMaxIterations: 25,
  strongNonMatch: -10,
  ambiguityBits: 4,
};
