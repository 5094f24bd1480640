/**
 * The reference interpreter of the `when` language, for tests only: evaluates the checked syntax
 * tree row by row in TypeScript with SQL three-valued logic, then scores households with the
 * arithmetic of `src/model/scoring.ts`. The compiled SQL must agree with it on every household.
 *
 * Values are plain JavaScript: numbers, text, booleans, dates as 'YYYY-MM-DD' text, null.
 */
import type { Checked, CompiledModel, ValueType } from "../src/model/mod.ts";
import { bandOf, householdScore } from "../src/model/mod.ts";

export type Value = number | string | boolean | null;
export type Row = Record<string, Value>;

/** Compares code point by code point, as DuckDB compares text (UTF-8 bytes). */
export function compareText(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return ca.length === cb.length ? 0 : ca.length < cb.length ? -1 : 1;
}

/** Orders two non-null values of one type. */
function compare(a: Value, b: Value, type: ValueType): number {
  if (type === "number") return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  if (type === "boolean") return a === b ? 0 : a === false ? -1 : 1;
  return compareText(a as string, b as string); // text and 'YYYY-MM-DD' dates
}

function and(a: Value, b: Value): Value {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function or(a: Value, b: Value): Value {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

/** What an expression is evaluated against. */
export interface Scope {
  member: Row | null;
  household: Row;
  /** The household's members, ordered by person_id. */
  members: Row[];
}

/** Evaluates a checked expression for one member (member scope) or one household. */
export function evaluate(n: Checked, s: Scope): Value {
  switch (n.kind) {
    case "literal":
      return n.value;
    case "column": {
      const row = n.table === "members" ? s.member : s.household;
      if (!row) throw new Error(`member column ${n.name} outside a member scope`);
      const v = row[n.name];
      return v === undefined ? null : v;
    }
    case "param":
      return n.value;
    case "neg": {
      const v = evaluate(n.operand, s);
      return v === null ? null : -(v as number);
    }
    case "not": {
      const v = evaluate(n.operand, s);
      return v === null ? null : !v;
    }
    case "arith": {
      const a = evaluate(n.left, s) as number | null;
      const b = evaluate(n.right, s) as number | null;
      if (a === null || b === null) return null;
      switch (n.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return b === 0 ? null : a / b;
      }
      break;
    }
    case "compare": {
      const a = evaluate(n.left, s);
      const b = evaluate(n.right, s);
      if (a === null || b === null) return null;
      const c = compare(a, b, n.left.type === "null" ? n.right.type : n.left.type);
      switch (n.op) {
        case "=":
          return c === 0;
        case "<>":
          return c !== 0;
        case "<":
          return c < 0;
        case "<=":
          return c <= 0;
        case ">":
          return c > 0;
        case ">=":
          return c >= 0;
      }
      break;
    }
    case "logic": {
      const a = evaluate(n.left, s);
      const b = evaluate(n.right, s);
      return n.op === "and" ? and(a, b) : or(a, b);
    }
    case "between": {
      const x = evaluate(n.operand, s);
      const lo = evaluate(n.low, s);
      const hi = evaluate(n.high, s);
      const t = n.operand.type;
      const ge = x === null || lo === null ? null : compare(x, lo, t) >= 0;
      const le = x === null || hi === null ? null : compare(x, hi, t) <= 0;
      const v = and(ge, le);
      return n.negated && v !== null ? !v : v;
    }
    case "in": {
      const x = evaluate(n.operand, s);
      let v: Value;
      if (x === null) v = null;
      else {
        const items = n.items.map((i) => evaluate(i, s));
        if (items.some((i) => i !== null && compare(x, i, n.operand.type) === 0)) v = true;
        else v = items.some((i) => i === null) ? null : false;
      }
      return n.negated && v !== null ? !v : v;
    }
    case "isNull": {
      const v = evaluate(n.operand, s);
      return n.negated ? v !== null : v === null;
    }
    case "call": {
      const args = n.args.map((a) => evaluate(a, s));
      switch (n.fn) {
        case "coalesce":
          return args.find((a) => a !== null) ?? null;
        case "abs":
          return args[0] === null ? null : Math.abs(args[0] as number);
        case "least":
        case "greatest": {
          let best: Value = null;
          for (const a of args) {
            if (a === null) continue;
            const c = best === null ? 0 : compare(a, best, n.type);
            if (best === null || (n.fn === "least" ? c < 0 : c > 0)) best = a;
          }
          return best;
        }
      }
      break;
    }
    case "aggregate": {
      if (!n.arg) return s.members.length;
      const values = s.members.map((m) => evaluate(n.arg!, { ...s, member: m }));
      switch (n.fn) {
        case "count_members":
          return values.filter((v) => v === true).length;
        case "any_member":
          return values.some((v) => v === true);
        case "all_members":
          return values.every((v) => v === true);
        case "sum_members": {
          let sum = 0;
          for (const v of values) if (v !== null) sum = sum + (v as number);
          return sum;
        }
        case "min_members":
        case "max_members": {
          let best: Value = null;
          for (const v of values) {
            if (v === null) continue;
            const c = best === null ? 0 : compare(v, best, n.arg.type);
            if (best === null || (n.fn === "min_members" ? c < 0 : c > 0)) best = v;
          }
          return best;
        }
      }
    }
  }
  throw new Error(`unreachable: ${(n as Checked).kind}`);
}

/** One household's result, as the `scored` step gives it, plus its hit counts in model order. */
export interface ScoredHousehold {
  household_id: string;
  village: string | null;
  category: string | null;
  members: number;
  total_points: number;
  per_capita: number | null;
  band: string | null;
  hits: number[];
}

/** Scores every household with the reference interpreter; ordered as the SQL orders them. */
export function interpretModel(compiled: CompiledModel, households: Row[], members: Row[]): ScoredHousehold[] {
  const byHousehold = new Map<string, Row[]>();
  for (const m of members) {
    const id = m.household_id as string;
    if (!byHousehold.has(id)) byHousehold.set(id, []);
    byHousehold.get(id)!.push(m);
  }
  for (const list of byHousehold.values()) {
    list.sort((a, b) => compareText(a.person_id as string, b.person_id as string));
  }
  const out = households.map((h): ScoredHousehold => {
    const ms = byHousehold.get(h.household_id as string) ?? [];
    const hits = compiled.indicators.map((ind) => {
      if (ind.level === "member") {
        return ms.filter((m) => evaluate(ind.expr, { member: m, household: h, members: ms }) === true).length;
      }
      return evaluate(ind.expr, { member: null, household: h, members: ms }) === true ? 1 : 0;
    });
    const { total, perCapita: pc } = householdScore(compiled.coefficients, (i) => hits[i], ms.length);
    return {
      household_id: h.household_id as string,
      village: (h.village ?? null) as string | null,
      category: (h.category ?? null) as string | null,
      members: ms.length,
      total_points: total,
      per_capita: pc,
      band: bandOf(compiled.bands, pc),
      hits,
    };
  });
  return out.sort((a, b) => {
    if (a.per_capita !== b.per_capita) {
      if (a.per_capita === null) return 1;
      if (b.per_capita === null) return -1;
      return b.per_capita - a.per_capita;
    }
    return compareText(a.household_id, b.household_id);
  });
}
