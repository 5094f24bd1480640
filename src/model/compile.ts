/**
 * The one compiler from a checked model to DuckDB SQL: a pipeline of named steps (Splink-style),
 * folded into one `WITH …` query, or materialized step by step for debugging.
 *
 * Input tables: `households` and `members`, with the columns of the {@link DatasetSchema}
 * (ids are text; number columns are read as DOUBLE, dates as DATE, booleans as BOOLEAN).
 *
 * | step                | one row per | columns                                                              |
 * | ------------------- | ----------- | -------------------------------------------------------------------- |
 * | `member_conditions` | member      | household_id, person_id, `c<i>` (member indicator i's `when`), `x<k>` (aggregate k's argument) |
 * | `member_hits`       | household with members | household_id, members, `c<i>` (members whose `when` is true), `a<k>` (aggregate k) |
 * | `household_hits`    | household   | household_id, village, category, members, `c<i>` for every indicator (member: count; household: 0/1) |
 * | `hits`              | household   | household_id, village, category, members, one `h<i>_<id>` hit count per indicator, model order |
 * | `totals`            | household   | … members, total_points                                              |
 * | `scored`            | household   | household_id, village, category, members, total_points, per_capita, band |
 *
 * SQL null logic follows the contract: a null `when` counts as false (it is never counted and
 * takes `otherwise`); `a / b` is NULL where b = 0 (DuckDB itself would give ±Infinity);
 * `count_members(c)` counts members whose c is true; `any_member(c)` is true iff some member's c
 * is true, `all_members(c)` iff every member's c is true (so never null, and true for no
 * members); `sum_members` skips nulls, adds one by one in `person_id` order and is 0 of no values;
 * `min_members`/`max_members` skip nulls and are null of no values; `least`/`greatest` skip
 * nulls (DuckDB semantics) and are null only when every argument is.
 */
import {
  crossCheckModel,
  type DatasetSchema,
  InputError,
  type Model,
  modelIssuesToProblems,
  type Problem,
} from "../contract/mod.ts";
import { type Checked, checkWhen } from "./check.ts";
import { parseWhen, WhenError } from "./parse.ts";
import { doubleLiteral, ident, sqlType, textLiteral } from "./_sql.ts";
import { plainNumber } from "../base/format.ts";
import {
  type BandCut,
  bandCutsOf,
  bandSql,
  coefficientsOf,
  type IndicatorCoefficient,
  LONG_SUM,
  MAX_WEIGHTED_POINTS,
  perCapitaSql,
  totalSql,
  totalUnitsSql,
} from "./scoring.ts";
import type { AggregateFunction, ArithOp } from "./syntax.ts";

/** The names of the pipeline's steps, in order. */
export const STEP_NAMES = ["member_conditions", "member_hits", "household_hits", "hits", "totals", "scored"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** One named step of the pipeline: a SELECT that may read the input tables and earlier steps. */
export interface Step {
  name: StepName;
  description: string;
  sql: string;
}

/** One indicator after checking. */
export interface CompiledIndicator {
  index: number;
  id: string;
  level: "member" | "household";
  /** The `when` as written in the model. */
  when: string;
  /** The typed syntax tree of `when`. */
  expr: Checked;
  parameters: string[];
  columns: string[];
}

/** A model compiled against a dataset schema. Plain data: build queries from it with the functions below. */
export interface CompiledModel {
  file: string;
  model: Model;
  schema: DatasetSchema;
  indicators: CompiledIndicator[];
  coefficients: IndicatorCoefficient[];
  bands: BandCut[];
  /** The pipeline for all households. */
  steps: Step[];
  /** The whole pipeline as one query: the `scored` rows ordered by per_capita desc, household_id. */
  sql: string;
}

/** The ORDER BY of every scored output (contract §3). */
export const SCORED_ORDER = "per_capita DESC NULLS LAST, household_id ASC";
/** The columns of `scored`, in order. */
export const SCORED_COLUMNS = [
  "household_id",
  "village",
  "category",
  "members",
  "total_points",
  "per_capita",
  "band",
] as const;

/**
 * Checks every indicator's `when` against the dataset schema and the model's parameters, and the
 * model's cross-references. Throws `InputError` listing every problem of every indicator.
 */
export function checkModel(model: Model, schema: DatasetSchema, file = "model.json"): CompiledIndicator[] {
  const problems: Problem[] = modelIssuesToProblems(
    file,
    model,
    crossCheckModel(model as unknown as Record<string, unknown>),
  );
  const parameters = new Map((model.parameters ?? []).map((p) => [p.id, p.value]));
  const out: CompiledIndicator[] = [];
  model.indicators.forEach((ind, index) => {
    const fail = (e: WhenError) =>
      problems.push({
        file,
        indicator: ind.id,
        position: e.position,
        value: e.value,
        message: `\`when\`: ${e.message}`,
      });
    let expr;
    try {
      expr = parseWhen(ind.when);
    } catch (error) {
      if (error instanceof WhenError) return void fail(error);
      throw error;
    }
    const checked = checkWhen(expr, ind.when, { level: ind.level, schema, parameters });
    if (Array.isArray(checked)) return void checked.forEach(fail);
    out.push({ index, id: ind.id, level: ind.level, when: ind.when, ...checked });
  });
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

/**
 * Compiles a model against the columns of a loaded dataset: checks it (throwing `InputError`
 * with every problem), then builds the pipeline of named steps.
 */
export function compileModel(model: Model, schema: DatasetSchema, file = "model.json"): CompiledModel {
  const indicators = checkModel(model, schema, file);
  const coefficients = coefficientsOf(model, indicators);
  const tooLarge = (x: number) => !(Math.abs(x) <= MAX_WEIGHTED_POINTS);
  const overflow = coefficients.filter((c) => tooLarge(c.weightedPoints) || tooLarge(c.weightedOtherwise));
  if (overflow.length > 0) {
    throw new InputError(overflow.map((c) => ({
      file,
      indicator: c.id,
      value: String(tooLarge(c.weightedPoints) ? c.weightedPoints : c.weightedOtherwise),
      message: `Category weight ${c.weight} × points ${c.points} or otherwise ${c.otherwise} is too large to compute ` +
        `(the limit is ${plainNumber(MAX_WEIGHTED_POINTS)} in size, so that totals stay finite)`,
    })));
  }
  const betweens = indicators.map((ind) => ({ ind, depth: betweenNesting(ind.expr) }))
    .filter((x) => x.depth > MAX_BETWEEN_NESTING);
  if (betweens.length > 0) {
    throw new InputError(betweens.map(({ ind, depth }) => ({
      file,
      indicator: ind.id,
      value: String(depth),
      message: `\`when\` nests \`between\` inside the value of another \`between\` ${depth} deep, and the ` +
        `limit is ${MAX_BETWEEN_NESTING}; compare with \`and\` instead`,
    })));
  }
  const tooDeep = indicators.map((ind) => ({ ind, nesting: sqlNesting(whenSqlForLimits(ind)) }))
    .filter((x) => x.nesting > MAX_WHEN_SQL_NESTING);
  if (tooDeep.length > 0) {
    throw new InputError(tooDeep.map(({ ind, nesting }) => ({
      file,
      indicator: ind.id,
      value: String(nesting),
      message: `\`when\` nests too deeply to compute: ${nesting} levels in SQL, and the limit is ` +
        `${MAX_WHEN_SQL_NESTING}; use fewer parentheses, or split it into several indicators`,
    })));
  }
  const compiled: CompiledModel = {
    file,
    model,
    schema,
    indicators,
    coefficients,
    bands: bandCutsOf(model.bands ?? []),
    steps: [],
    sql: "",
  };
  compiled.steps = buildSteps(compiled);
  compiled.sql = scoredSql(compiled);
  return compiled;
}

/**
 * How many `between`s may sit one inside the value of the next (`(x between a and b) between …`):
 * the database evaluates the value twice, so the work doubles with each level.
 */
export const MAX_BETWEEN_NESTING = 8;

/** The longest run of `between`s each inside the value of the one before. */
function betweenNesting(root: Checked): number {
  const nodes: Checked[] = [];
  walk(root, (n) => nodes.push(n));
  const depth = new Map<Checked, number>();
  const of = (n: Checked | null) => (n ? depth.get(n) ?? 0 : 0);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    let d = 0;
    switch (n.kind) {
      case "between":
        d = Math.max(1 + of(n.operand), of(n.low), of(n.high));
        break;
      case "neg":
      case "not":
      case "isNull":
        d = of(n.operand);
        break;
      case "arith":
      case "compare":
      case "logic":
        d = Math.max(of(n.left), of(n.right));
        break;
      case "in":
        d = Math.max(of(n.operand), ...n.items.map(of));
        break;
      case "call":
        d = Math.max(0, ...n.args.map(of));
        break;
      case "aggregate":
        d = of(n.arg);
    }
    depth.set(n, d);
  }
  return of(root);
}

/** One indicator's `when` as SQL, aggregates included, to measure how deeply it nests. */
function whenSqlForLimits(ind: CompiledIndicator): string {
  const scope: Scope = {
    ...MEMBER_SCOPE,
    aggregate: (a) => (a.arg ? `max(${expressionSql(a.arg, MEMBER_SCOPE)})` : "1"),
  };
  return expressionSql(ind.expr, ind.level === "member" ? MEMBER_SCOPE : scope);
}

// ---------------------------------------------------------------------------------------------
// Expressions

/** Where the columns of an expression come from. */
interface Scope {
  members: string | null;
  households: string;
  aggregate: ((a: Checked & { kind: "aggregate" }) => string) | null;
}

const SCALAR_SQL = { coalesce: "coalesce", abs: "abs", least: "least", greatest: "greatest" } as const;

/** Compiles a checked expression to a DuckDB SQL expression. Every operator is parenthesized. */
export function expressionSql(n: Checked, scope: Scope): string {
  switch (n.kind) {
    case "literal":
      if (n.value === null) return `CAST(NULL AS ${sqlType(n.type)})`;
      if (n.type === "date") return `DATE ${textLiteral(n.value as string)}`;
      if (typeof n.value === "number") return doubleLiteral(n.value);
      if (typeof n.value === "boolean") return n.value ? "TRUE" : "FALSE";
      return textLiteral(n.value);
    case "column": {
      const alias = n.table === "members" ? scope.members : scope.households;
      if (alias === null) throw new Error(`Internal error: member column ${n.name} outside a member scope`);
      const ref = `${alias}.${ident(n.name)}`;
      return n.type === "text" ? ref : `CAST(${ref} AS ${sqlType(n.type)})`;
    }
    case "param":
      return doubleLiteral(n.value);
    case "neg":
      return `(- ${expressionSql(n.operand, scope)})`;
    case "not":
      return `(NOT ${expressionSql(n.operand, scope)})`;
    case "arith": {
      const chain = chainOf(n);
      if (chain.length > LONG_CHAIN) return arithChainSql(chain, scope);
      const [a, b] = [expressionSql(n.left, scope), expressionSql(n.right, scope)];
      return n.op === "/" ? `(${a} / NULLIF(${b}, CAST('0' AS DOUBLE)))` : `(${a} ${n.op} ${b})`;
    }
    case "compare":
      return `(${expressionSql(n.left, scope)} ${n.op} ${expressionSql(n.right, scope)})`;
    case "logic": {
      const chain = chainOf(n);
      if (chain.length > LONG_CHAIN) return balancedSql(chain.map((c) => expressionSql(c.node, scope)), n.op);
      return `(${expressionSql(n.left, scope)} ${n.op === "and" ? "AND" : "OR"} ${expressionSql(n.right, scope)})`;
    }
    case "between": {
      const x = expressionSql(n.operand, scope);
      const [low, high] = [expressionSql(n.low, scope), expressionSql(n.high, scope)];
      // The operand is written twice; where it is itself long (nested `between`s would double at
      // every level) DuckDB's BETWEEN, which means the same, writes it once.
      const sql = x.length > LONG_OPERAND
        ? `(${x} BETWEEN ${low} AND ${high})`
        : `((${x} >= ${low}) AND (${x} <= ${high}))`;
      return n.negated ? `(NOT ${sql})` : sql;
    }
    case "in": {
      const sql = `(${expressionSql(n.operand, scope)} IN (${n.items.map((i) => expressionSql(i, scope)).join(", ")}))`;
      return n.negated ? `(NOT ${sql})` : sql;
    }
    case "isNull":
      return `(${expressionSql(n.operand, scope)} IS ${n.negated ? "NOT " : ""}NULL)`;
    case "call":
      return `${SCALAR_SQL[n.fn]}(${n.args.map((a) => expressionSql(a, scope)).join(", ")})`;
    case "aggregate":
      if (!scope.aggregate) throw new Error(`Internal error: aggregate ${n.fn} outside a household scope`);
      return scope.aggregate(n);
  }
}

/**
 * Chains longer than this (`a + b + …`, `a and b and …`) are written so that their SQL nests about
 * log n deep, not n: DuckDB refuses expressions nested 1,000 deep. Shorter chains keep the plain form.
 */
const LONG_CHAIN = 32;
/** An operand of `between` longer than this (in SQL characters) is written once, with BETWEEN. */
const LONG_OPERAND = 2000;
/** How deeply one `when`'s SQL may nest (brackets), well below DuckDB's expression depth of 1,000. */
export const MAX_WHEN_SQL_NESTING = 400;

type ChainLink = { op: ArithOp | "and" | "or" | null; node: Checked };

/**
 * The operands of a left-leaning chain of operators of one precedence (`+`/`-`, `*`/`/`, `and`,
 * `or`), in order, each with the operator before it (null for the first). Walks the left spine
 * without recursion.
 */
function chainOf(n: Checked & { kind: "arith" | "logic" }): ChainLink[] {
  const sameLevel = (x: Checked): x is Checked & { kind: "arith" | "logic" } =>
    x.kind === n.kind &&
    (x.kind === "logic" ? x.op === n.op : isAdditive(x.op as ArithOp) === isAdditive(n.op as ArithOp));
  const links: ChainLink[] = [];
  let x: Checked = n;
  while (sameLevel(x)) {
    links.push({ op: x.op, node: x.right });
    x = x.left;
  }
  links.push({ op: null, node: x });
  return links.reverse();
}

function isAdditive(op: ArithOp): boolean {
  return op === "+" || op === "-";
}

/** `and`/`or` of many operands as a balanced tree (both are associative in SQL's three-valued logic). */
function balancedSql(parts: string[], op: "and" | "or" | "+", indent = ""): string {
  const word = op === "and" ? "AND" : op === "or" ? "OR" : "+";
  const tree = (lo: number, hi: number): string => {
    if (hi - lo === 1) return parts[lo];
    const mid = (lo + hi) >>> 1;
    return `(${tree(lo, mid)}${indent ? `\n${indent}` : " "}${word} ${tree(mid, hi)})`;
  };
  return tree(0, parts.length);
}

/**
 * A long arithmetic chain, evaluated left to right exactly as the plain form would be (so every
 * double rounds the same): `list_reduce` over the operands. `a - b` is `a + (-b)` in IEEE
 * arithmetic, so sums reduce with `+` over negated subtrahends; products carry whether each
 * operand divides. NULL operands give NULL, as the plain form does.
 */
function arithChainSql(chain: ChainLink[], scope: Scope): string {
  const value = (c: ChainLink) => {
    const sql = expressionSql(c.node, scope);
    return c.node.type === "number" ? sql : `CAST(${sql} AS DOUBLE)`;
  };
  if (isAdditive(chain[1].op as ArithOp)) {
    const items = chain.map((c) => (c.op === "-" ? `(- ${value(c)})` : value(c)));
    return `list_reduce([${items.join(", ")}], lambda l, r: l + r)`;
  }
  const items = chain.map((c) => `{'d': ${c.op === "/" ? "TRUE" : "FALSE"}, 'v': ${value(c)}}`);
  return `(list_reduce([${
    items.join(", ")
  }], lambda l, r: {'d': FALSE, 'v': CASE WHEN r.d THEN l.v / NULLIF(r.v, CAST('0' AS DOUBLE)) ELSE l.v * r.v END})).v`;
}

/** The deepest nesting of brackets in SQL text, outside quoted text and names. */
export function sqlNesting(sql: string): number {
  let depth = 0, max = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const close = sql.indexOf(ch, i + 1);
      i = close < 0 ? sql.length : close; // a doubled quote closes and reopens: same result
    } else if (ch === "(" || ch === "[" || ch === "{") max = Math.max(max, ++depth);
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
  }
  return max;
}

// ---------------------------------------------------------------------------------------------
// The pipeline

type AggregateKind = "count" | "count_not_true" | "sum" | "min" | "max";

const AGGREGATE_KIND: Record<Exclude<AggregateFunction, never>, AggregateKind> = {
  count_members: "count",
  any_member: "count",
  all_members: "count_not_true",
  sum_members: "sum",
  min_members: "min",
  max_members: "max",
};

/** One per-household aggregate over members that household indicators read; shared when equal. */
interface AggregateColumn {
  kind: AggregateKind;
  /** The member expression, compiled in the member scope. */
  argSql: string;
  index: number;
  /** Whether the argument reads the member's household (then members join households). */
  readsHouseholds: boolean;
}

/** Visits every node in preorder (a node, then its children left to right), without recursion. */
function walk(root: Checked, visit: (n: Checked) => void): void {
  const stack: Checked[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    visit(n);
    const children: Checked[] = [];
    switch (n.kind) {
      case "neg":
      case "not":
      case "isNull":
        children.push(n.operand);
        break;
      case "arith":
      case "compare":
      case "logic":
        children.push(n.left, n.right);
        break;
      case "between":
        children.push(n.operand, n.low, n.high);
        break;
      case "in":
        children.push(n.operand, ...n.items);
        break;
      case "call":
        children.push(...n.args);
        break;
      case "aggregate":
        if (n.arg) children.push(n.arg);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

function readsMembers(n: Checked): boolean {
  let found = false;
  walk(n, (x) => {
    if ((x.kind === "column" && x.table === "members") || x.kind === "aggregate") found = true;
  });
  return found;
}

function readsHouseholds(n: Checked): boolean {
  let found = false;
  walk(n, (x) => {
    if (x.kind === "column" && x.table === "households") found = true;
  });
  return found;
}

/** Options of {@link buildSteps}. */
export interface StepOptions {
  /** Restrict every step to one household (for explaining it). */
  householdId?: string;
  /**
   * `sum_members` may add in any order: every argument value is a whole number and the sum of
   * their sizes over all members is below 2^52 (what {@link sumsOrderFreeSql} checks), so every
   * partial sum is exact and any order gives the person_id-order sum bit for bit, without
   * sorting each household's list.
   */
  orderFreeSums?: boolean;
  /**
   * A member rule whose `when` reads only its household (`household.category = 'dibao'`) is
   * evaluated once per household (hits: every member or none) instead of once per member, so that
   * members need not be joined to their households: the same counts, with far less work.
   */
  householdOnlyRules?: boolean;
  /**
   * Exact models only (scoring rule 0), for the scores alone: each member's member rules are
   * summed into its integer units (`u`, the h·(p − o) parts of its household's total), so that
   * `member_hits` holds one sum per household instead of one count per rule, and each household's
   * own rules into `household_units`. Integer sums are exact in any order, so the totals are the
   * same to the unit; but no per-rule hit count is computed (`hits` has `member_units` and
   * `household_units` in their place). Ignored for models in doubles.
   */
  memberUnits?: boolean;
}

const MEMBER_SCOPE: Scope = { members: "m", households: "h", aggregate: null };

/** What every step of one pipeline shares: the model's parts and the aggregates household rules read. */
interface StepPlan {
  compiled: Pick<CompiledModel, "indicators" | "coefficients" | "bands" | "schema">;
  memberIndicators: CompiledIndicator[];
  /** Member rules evaluated per household (see {@link StepOptions}.householdOnlyRules); not in `memberIndicators`. */
  householdOnly: Set<number>;
  /** Aggregates that household indicators read, deduplicated by what they compute. */
  aggregates: Map<string, AggregateColumn>;
  aggregateOf: (a: Checked & { kind: "aggregate" }) => AggregateColumn | null;
  /** Whether a member expression reads its household (then members join households). */
  memberReadsHouseholds: boolean;
  /** The household-id literal every step is restricted to, or null. */
  idFilter: string | null;
  /** `sum_members` as a plain `sum` (see {@link StepOptions}.orderFreeSums). */
  orderFreeSums: boolean;
  /** Member rules summed per member into integer units (see {@link StepOptions}.memberUnits). */
  memberUnits: boolean;
  /** The indicators summed into `u` (memberUnits: the member rules evaluated per member), by index. */
  inUnits: Set<number>;
}

/**
 * The steps of the pipeline, in order: each one's name (its CTE), what it computes, and the
 * function that writes its SQL.
 */
const STEPS: { name: StepName; description: string; sql: (plan: StepPlan) => string }[] = [
  {
    name: "member_conditions",
    description: "each member's member-indicator conditions and aggregate arguments",
    sql: memberConditionsSql,
  },
  {
    name: "member_hits",
    description: "per household with members: member count, members hit per member indicator, aggregates",
    sql: memberHitsSql,
  },
  {
    name: "household_hits",
    description: "per household: member hits and household-indicator hits (0/1)",
    sql: householdHitsSql,
  },
  { name: "hits", description: "per household: one hit count per indicator, in model order", sql: hitsStepSql },
  { name: "totals", description: "per household: total points, summed in model order", sql: totalsSql },
  { name: "scored", description: "per household: total points, per-capita score and band", sql: scoredStepSql },
];

/** Builds the named steps of the pipeline. */
export function buildSteps(
  compiled: Pick<CompiledModel, "indicators" | "coefficients" | "bands" | "schema">,
  options: StepOptions = {},
): Step[] {
  const plan = planSteps(compiled, options);
  return STEPS.map((s) => ({ name: s.name, description: s.description, sql: s.sql(plan) }));
}

/** Collects the aggregates household indicators read, and what the member step must join. */
function planSteps(
  compiled: Pick<CompiledModel, "indicators" | "coefficients" | "bands" | "schema">,
  options: StepOptions,
): StepPlan {
  const householdOnly = new Set(
    options.householdOnlyRules
      ? compiled.indicators.filter((i) => i.level === "member" && !readsMembers(i.expr)).map((i) => i.index)
      : [],
  );
  const memberIndicators = compiled.indicators.filter((i) => i.level === "member" && !householdOnly.has(i.index));
  const aggregates = new Map<string, AggregateColumn>();
  const aggregateOf = (a: Checked & { kind: "aggregate" }): AggregateColumn | null => {
    if (!a.arg) return null; // count_members(): the member count
    const kind = AGGREGATE_KIND[a.fn];
    const argSql = expressionSql(a.arg, MEMBER_SCOPE);
    const key = `${kind}\u0000${argSql}`;
    let column = aggregates.get(key);
    if (!column) {
      aggregates.set(key, column = { kind, argSql, index: aggregates.size, readsHouseholds: readsHouseholds(a.arg) });
    }
    return column;
  };
  let memberReadsHouseholds = memberIndicators.some((i) => readsHouseholds(i.expr));
  for (const ind of compiled.indicators.filter((i) => i.level === "household")) {
    walk(ind.expr, (n) => {
      if (n.kind === "aggregate") {
        aggregateOf(n);
        if (n.arg && readsHouseholds(n.arg)) memberReadsHouseholds = true;
      }
    });
  }
  const idFilter = options.householdId === undefined ? null : textLiteral(options.householdId);
  const orderFreeSums = options.orderFreeSums === true;
  const memberUnits = options.memberUnits === true && compiled.coefficients[0]?.units != null;
  return {
    compiled,
    memberIndicators,
    householdOnly,
    aggregates,
    aggregateOf,
    memberReadsHouseholds,
    idFilter,
    orderFreeSums,
    memberUnits,
    inUnits: new Set(memberUnits ? memberIndicators.map((i) => i.index) : []),
  };
}

/** member_conditions: one row per member, a column per member condition and aggregate argument. */
function memberConditionsSql(plan: StepPlan): string {
  const cols = [`m."household_id" AS household_id`, `m."person_id" AS person_id`];
  if (plan.memberUnits) cols.push(`${memberUnitsSql(plan)} AS u`);
  else {
    for (const ind of plan.memberIndicators) {
      cols.push(`${expressionSql(ind.expr, MEMBER_SCOPE)} AS ${ident(`c${ind.index}`)}`);
    }
  }
  for (const a of plan.aggregates.values()) cols.push(`${a.argSql} AS ${ident(`x${a.index}`)}`);
  return [
    `SELECT\n  ${cols.join(",\n  ")}`,
    `FROM members AS m`,
    plan.memberReadsHouseholds ? `JOIN households AS h ON h."household_id" = m."household_id"` : "",
    plan.idFilter ? `WHERE m."household_id" = ${plan.idFilter}` : "",
  ].filter(Boolean).join("\n");
}

/**
 * One member's units (see {@link StepOptions}.memberUnits): Σ (p − o) over its member rules whose
 * `when` is true, a balanced sum of BIGINTs (exact in any order).
 */
function memberUnitsSql(plan: StepPlan): string {
  const parts = plan.memberIndicators.flatMap((ind) => {
    const u = plan.compiled.coefficients[ind.index].units!;
    const d = u.points - u.otherwise;
    return d === 0 ? [] : [`CASE WHEN ${expressionSql(ind.expr, MEMBER_SCOPE)} THEN CAST(${d} AS BIGINT) ELSE 0 END`];
  });
  return parts.length === 0 ? "CAST(0 AS BIGINT)" : balancedSql(parts, "+");
}

/** The member_hits column of one aggregate. */
function aggregateColumnSql(a: AggregateColumn, orderFree: boolean): string {
  const x = ident(`x${a.index}`);
  const out = ident(`a${a.index}`);
  switch (a.kind) {
    case "count":
      return `CAST(count(*) FILTER (WHERE ${x}) AS INTEGER) AS ${out}`;
    case "count_not_true":
      return `CAST(count(*) FILTER (WHERE NOT coalesce(${x}, FALSE)) AS INTEGER) AS ${out}`;
    case "sum":
      if (orderFree) return `sum(${x}) AS ${out}`;
      // Summed one by one in person_id order (list_sum adds left to right), so the result does
      // not depend on how the engine split the work. Sorting the collected list is much faster
      // than an ordered aggregate (`list(x ORDER BY person_id)`).
      return `list_sum(list_transform(list_sort(list({'p': person_id, 'x': ${x}}) FILTER (WHERE ${x} IS NOT NULL), 'ASC', 'NULLS LAST'), lambda s: s.x)) AS ${out}`;
    case "min":
    case "max":
      return `${a.kind}(${x}) AS ${out}`;
  }
}

/** member_hits: per household with members, its member count, hits per member rule and aggregates. */
function memberHitsSql(plan: StepPlan): string {
  const cols = [`household_id`, `CAST(count(*) AS INTEGER) AS members`];
  // The same count; DuckDB plans many `count_if`s far faster than as many FILTER clauses.
  const big = plan.compiled.indicators.length > LONG_SUM;
  if (plan.memberUnits) cols.push(`CAST(sum(u) AS BIGINT) AS u`);
  for (const ind of plan.memberUnits ? [] : plan.memberIndicators) {
    const c = ident(`c${ind.index}`);
    cols.push(
      big ? `CAST(count_if(${c}) AS INTEGER) AS ${c}` : `CAST(count(*) FILTER (WHERE ${c}) AS INTEGER) AS ${c}`,
    );
  }
  for (const a of plan.aggregates.values()) cols.push(aggregateColumnSql(a, plan.orderFreeSums));
  return `SELECT\n  ${cols.join(",\n  ")}\nFROM member_conditions\nGROUP BY household_id`;
}

/** household_hits: per household, the member hits and each household rule as 0/1. */
function householdHitsSql(plan: StepPlan): string {
  const { indicators, schema } = plan.compiled;
  const aggregateRef = (a: Checked & { kind: "aggregate" }): string => {
    const column = plan.aggregateOf(a);
    if (!column) return `CAST(coalesce(mh.members, 0) AS DOUBLE)`;
    const ref = `mh.${ident(`a${column.index}`)}`;
    switch (a.fn) {
      case "count_members":
        return `CAST(coalesce(${ref}, 0) AS DOUBLE)`;
      case "any_member":
        return `(coalesce(${ref}, 0) > 0)`;
      case "all_members":
        return `(coalesce(${ref}, 0) = 0)`;
      case "sum_members":
        return `coalesce(${ref}, CAST('0' AS DOUBLE))`;
      case "min_members":
      case "max_members":
        return ref;
    }
  };
  const householdScope: Scope = { members: null, households: "h", aggregate: aggregateRef };
  const textColumn = (
    name: string,
  ) => (Object.hasOwn(schema.households, name) ? `h.${ident(name)}` : "CAST(NULL AS VARCHAR)");
  const cols = [
    `h."household_id" AS household_id`,
    `${textColumn("village")} AS village`,
    `${textColumn("category")} AS category`,
    `CAST(coalesce(mh.members, 0) AS INTEGER) AS members`,
  ];
  if (plan.memberUnits) {
    cols.push(`coalesce(mh.u, CAST(0 AS BIGINT)) AS member_units`);
    cols.push(`${householdUnitsSql(plan, householdScope)} AS household_units`);
  }
  for (const ind of plan.memberUnits ? [] : indicators) {
    const c = ident(`c${ind.index}`);
    if (plan.householdOnly.has(ind.index)) {
      const when = expressionSql(ind.expr, householdScope);
      cols.push(`CAST(CASE WHEN ${when} THEN coalesce(mh.members, 0) ELSE 0 END AS INTEGER) AS ${c}`);
    } else if (ind.level === "member") cols.push(`CAST(coalesce(mh.${c}, 0) AS INTEGER) AS ${c}`);
    else cols.push(`CAST(CASE WHEN ${expressionSql(ind.expr, householdScope)} THEN 1 ELSE 0 END AS INTEGER) AS ${c}`);
  }
  return [
    `SELECT\n  ${cols.join(",\n  ")}`,
    `FROM households AS h`,
    `LEFT JOIN member_hits AS mh ON mh.household_id = h."household_id"`,
    plan.idFilter ? `WHERE h."household_id" = ${plan.idFilter}` : "",
  ].filter(Boolean).join("\n");
}

/**
 * A household's units from the rules it evaluates itself (see {@link StepOptions}.memberUnits):
 * Σ (p − o) over its household rules whose `when` is true, plus members × (p − o) over member
 * rules that read only the household; a balanced sum of BIGINTs.
 */
function householdUnitsSql(plan: StepPlan, scope: Scope): string {
  const parts = plan.compiled.indicators.flatMap((ind) => {
    const u = plan.compiled.coefficients[ind.index].units!;
    if (plan.inUnits.has(ind.index) || u.points === u.otherwise) return [];
    const d = `CAST(${u.points - u.otherwise} AS BIGINT)`;
    const value = ind.level === "member" ? `coalesce(mh.members, 0) * ${d}` : d;
    return [`CASE WHEN ${expressionSql(ind.expr, scope)} THEN ${value} ELSE 0 END`];
  });
  return parts.length === 0 ? "CAST(0 AS BIGINT)" : balancedSql(parts, "+");
}

/** hits: one hit count per indicator, named by its column, in model order. */
function hitsStepSql(plan: StepPlan): string {
  const cols = ["household_id", "village", "category", "members"];
  if (plan.memberUnits) cols.push("member_units", "household_units");
  else for (const c of plan.compiled.coefficients) cols.push(`${ident(`c${c.index}`)} AS ${ident(c.column)}`);
  return `SELECT\n  ${cols.join(",\n  ")}\nFROM household_hits`;
}

/** With {@link StepOptions}.memberUnits, every rule's h·(p − o) is summed in these two columns. */
const UNITS_SUMMED = { columns: ["member_units", "household_units"], indices: { has: () => true } };

/** Whether the model is exact (scoring rule 0: integer units summed, divided once in `scored`). */
function isExact(plan: StepPlan): boolean {
  return plan.compiled.coefficients[0]?.units != null;
}

/** totals: the total in integer units (exact models) or in doubles summed in model order. */
function totalsSql(plan: StepPlan): string {
  const { coefficients } = plan.compiled;
  return `SELECT\n  household_id, village, category, members,\n  ${
    totalUnitsSql(
      coefficients,
      "members",
      "    ",
      plan.memberUnits ? UNITS_SUMMED : undefined,
    )
  } AS total_units,\n  ${
    isExact(plan) ? "CAST(NULL AS DOUBLE)" : totalSql(coefficients, "members", "    ")
  } AS total_points\nFROM hits`;
}

/** scored: total points, per-capita score and band. */
function scoredStepSql(plan: StepPlan): string {
  const { coefficients, bands } = plan.compiled;
  const total = isExact(plan) ? totalSql(coefficients, "members", "    ", "total_units") : "total_points";
  const perCapita = perCapitaSql("total_points", "members", coefficients, "total_units");
  return `SELECT\n  household_id, village, category, members, ${total} AS total_points,\n  ${perCapita} AS per_capita,\n  ${
    bandSql(bands, `(${perCapita})`)
  } AS band\nFROM totals`;
}

/** Folds steps into one `WITH …` query ending in `final`. */
export function pipelineSql(steps: Step[], final: string): string {
  const ctes = steps.map((s) => `${s.name} AS (\n${indent(s.sql)}\n)`);
  return `WITH\n${ctes.join(",\n")}\n${final}`;
}

function indent(sql: string): string {
  return sql.split("\n").map((l) => `  ${l}`).join("\n");
}

function stepsFor(compiled: CompiledModel, options: StepOptions): Step[] {
  const plain = options.householdId === undefined && !options.orderFreeSums && !options.householdOnlyRules &&
    !options.memberUnits;
  return plain ? compiled.steps : buildSteps(compiled, options);
}

/**
 * A query of one row, `order_free` (boolean), telling whether the data allow
 * {@link StepOptions}.orderFreeSums: every `sum_members` argument value is a whole number and the
 * sum of their sizes over all members is below 2^52. Null when the model sums nothing.
 */
export function sumsOrderFreeSql(
  compiled: Pick<CompiledModel, "indicators" | "coefficients" | "bands" | "schema">,
): string | null {
  const plan = planSteps(compiled, {});
  const sums = [...plan.aggregates.values()].filter((a) => a.kind === "sum");
  if (sums.length === 0) return null;
  const checks = sums.flatMap((a) => {
    const x = ident(`x${a.index}`);
    return [`coalesce(bool_and(${x} = trunc(${x})), TRUE)`, `coalesce(sum(abs(${x})), 0) < 4503599627370496`];
  });
  const args = sums.map((a) => `${a.argSql} AS ${ident(`x${a.index}`)}`);
  // Members join their households only where a summed argument reads them.
  const join = sums.some((a) => a.readsHouseholds);
  return [
    `SELECT ${checks.join("\n  AND ")} AS order_free`,
    `FROM (SELECT ${args.join(", ")}`,
    `FROM members AS m`,
    join ? `JOIN households AS h ON h."household_id" = m."household_id")` : ")",
  ].join("\n");
}

/** The scored households, ordered by per_capita desc then household_id (contract §3). */
export function scoredSql(compiled: CompiledModel, options: StepOptions = {}): string {
  return pipelineSql(
    stepsFor(compiled, options),
    `SELECT ${SCORED_COLUMNS.join(", ")}\nFROM scored\nORDER BY ${SCORED_ORDER}`,
  );
}

/** The `hits` step's rows, ordered by household_id. */
export function hitsSql(compiled: CompiledModel, options: StepOptions = {}): string {
  const steps = stepsFor(compiled, options).filter((s) => STEP_NAMES.indexOf(s.name) <= STEP_NAMES.indexOf("hits"));
  return pipelineSql(steps, "SELECT * FROM hits\nORDER BY household_id");
}

/**
 * Debug mode: one `CREATE OR REPLACE TEMP TABLE <step> AS …` statement per step, in order, so
 * that each step's table can be inspected (and timed); then `SELECT … FROM scored` reads the result.
 */
export function debugStatements(compiled: CompiledModel, options: StepOptions = {}): { name: StepName; sql: string }[] {
  return stepsFor(compiled, options).map((s) => ({
    name: s.name,
    sql: `CREATE OR REPLACE TEMP TABLE ${s.name} AS\n${s.sql}`,
  }));
}

/**
 * Per-indicator contributions in long form, one row per household and indicator, in model order:
 * household_id, members, indicator_index, indicator, level, category, hits, misses, weight,
 * points_unweighted (hits × points + misses × otherwise), points (after the category weight,
 * rule 3 of the scoring arithmetic).
 */
export function contributionsSql(compiled: CompiledModel, options: StepOptions = {}): string {
  const steps = stepsFor(compiled, options).filter((s) => STEP_NAMES.indexOf(s.name) <= STEP_NAMES.indexOf("hits"));
  const rows = compiled.coefficients.map((c) =>
    `(${c.index}, ${textLiteral(c.column)}, ${textLiteral(c.id)}, ${textLiteral(c.level)}, ${
      textLiteral(c.category)
    }, ${doubleLiteral(c.weight)}, ${doubleLiteral(c.points)}, ${doubleLiteral(c.otherwise)}, ${
      doubleLiteral(c.weightedPoints)
    }, ${doubleLiteral(c.weightedOtherwise)})`
  );
  const hitColumns = compiled.coefficients.map((c) => ident(c.column)).join(", ");
  const n = "CASE WHEN k.level = 'member' THEN u.members ELSE 1 END";
  const final = `SELECT
  u.household_id, u.members, k.indicator_index, k.indicator, k.level, k.category,
  u.hits, ${n} - u.hits AS misses, k.weight,
  CAST(u.hits AS DOUBLE) * k.points + CAST(${n} - u.hits AS DOUBLE) * k.otherwise AS points_unweighted,
  CAST(u.hits AS DOUBLE) * k.weighted_points + CAST(${n} - u.hits AS DOUBLE) * k.weighted_otherwise AS points
FROM (UNPIVOT hits ON ${hitColumns} INTO NAME hit_column VALUE hits) AS u
JOIN (VALUES
  ${rows.join(",\n  ")}
) AS k(indicator_index, hit_column, indicator, level, category, weight, points, otherwise, weighted_points, weighted_otherwise)
  ON k.hit_column = u.hit_column
ORDER BY u.household_id, k.indicator_index`;
  return pipelineSql(steps, final);
}

/**
 * For explaining one household: one row per member (ordered by person_id) with person_id and,
 * per member indicator, a column named like its hit column holding that member's `when`
 * (true, false or null — null counts as not fired).
 */
export function memberExplainSql(compiled: CompiledModel, householdId: string): string {
  const steps = buildSteps(compiled, { householdId }).filter((s) => s.name === "member_conditions");
  const cols = ["person_id"];
  for (const c of compiled.coefficients) {
    if (c.level === "member") cols.push(`${ident(`c${c.index}`)} AS ${ident(c.column)}`);
  }
  return pipelineSql(steps, `SELECT ${cols.join(", ")}\nFROM member_conditions\nORDER BY person_id`);
}

/** The ids of the indicators whose `when` reads parameter `id`: the rules a change of it affects. */
export function indicatorsReadingParameter(compiled: CompiledModel, id: string): string[] {
  return compiled.indicators.filter((i) => i.parameters.includes(id)).map((i) => i.id);
}
