/**
 * The type checker of the `when` language: resolves every name against the dataset's columns and
 * the model's parameters, types every node, and refuses what the contract does not allow — before
 * any SQL exists. It reports every mistake it finds in an expression, not only the first.
 *
 * Types: `number`, `text`, `boolean`, `date`, and `null` for expressions that can only be null
 * (the `null` literal, `coalesce(null)` …), which fit anywhere. Text literals compared with a date
 * (or mixed with dates in `between`, `in`, `coalesce`, `least`, `greatest`) must read
 * `'YYYY-MM-DD'` and become dates.
 */
import type { ColumnType, DatasetSchema } from "../contract/mod.ts";
import { WhenError } from "./parse.ts";
import {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type ArithOp,
  type CompareOp,
  type Expr,
  type ScalarFunction,
} from "./syntax.ts";
import { SQL_WORDS } from "../base/sql.ts";

/** The type of a checked expression; `null` only for expressions that are always null. */
export type ValueType = ColumnType | "null";

/** The table a column is read from. */
export type TableRef = "members" | "households";

interface Node {
  pos: number;
  end: number;
  /** Mutable only while checking: a `null`-typed node takes the type its context asks for. */
  type: ValueType;
}

/** A node of the checked, typed tree: what the compiler and the reference interpreter read. */
export type Checked =
  /** A literal; dates are `'YYYY-MM-DD'` strings with type `date`. */
  | Node & { kind: "literal"; value: number | string | boolean | null }
  | Node & { kind: "column"; table: TableRef; name: string; type: ColumnType }
  | Node & { kind: "param"; name: string; value: number; type: "number" }
  | Node & { kind: "neg"; operand: Checked }
  | Node & { kind: "not"; operand: Checked }
  | Node & { kind: "arith"; op: ArithOp; left: Checked; right: Checked }
  | Node & { kind: "compare"; op: CompareOp; left: Checked; right: Checked }
  | Node & { kind: "logic"; op: "and" | "or"; left: Checked; right: Checked }
  | Node & { kind: "between"; negated: boolean; operand: Checked; low: Checked; high: Checked }
  | Node & { kind: "in"; negated: boolean; operand: Checked; items: Checked[] }
  | Node & { kind: "isNull"; negated: boolean; operand: Checked }
  | Node & { kind: "call"; fn: ScalarFunction; args: Checked[] }
  /** An aggregate over the household's members; `arg` is a member expression (absent for `count_members()`). */
  | Node & { kind: "aggregate"; fn: AggregateFunction; arg: Checked | null };

/** What a `when` is checked against. */
export interface CheckEnv {
  level: "member" | "household";
  schema: DatasetSchema;
  /** The model's parameters by id. */
  parameters: ReadonlyMap<string, number>;
}

/** A checked `when`: its typed tree and what it reads. */
export interface CheckedWhen {
  expr: Checked;
  /** Parameter ids the expression reads, in order of first use. */
  parameters: string[];
  /** Columns the expression reads, as `members.x` / `households.x`, in order of first use. */
  columns: string[];
}

/** Edit distance (with adjacent transpositions) between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate to `word`, if one is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestDistance || (dist === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = dist;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for `'YYYY-MM-DD'` naming a real calendar day. */
export function isDateText(text: string): boolean {
  const m = DATE_TEXT.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}

function lookup(columns: Record<string, ColumnType>, name: string): string | undefined {
  if (Object.hasOwn(columns, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(columns).find((k) => k.toLowerCase() === lower);
}

const AGGREGATE_SET = new Set<string>(AGGREGATE_FUNCTIONS);

class Checker {
  readonly errors: WhenError[] = [];
  readonly parameters: string[] = [];
  readonly columns: string[] = [];
  private readonly chars: string[];

  constructor(private readonly env: CheckEnv, source: string) {
    this.chars = [...source];
  }

  private text(n: { pos: number; end: number }): string {
    return this.chars.slice(n.pos - 1, n.end - 1).join("");
  }

  private error(pos: number, value: string, message: string): null {
    this.errors.push(new WhenError(pos, value, message));
    return null;
  }

  /** Describes a node for messages: `` `age + 1` (number) ``. */
  private describe(n: Checked): string {
    return `\`${this.text(n)}\` (${n.type === "null" ? "null" : n.type})`;
  }

  private wrongType(n: Checked, expected: string, where: string): null {
    return this.error(n.pos, this.text(n), `${where} needs ${expected} but ${this.describe(n)} is ${article(n.type)}`);
  }

  /** Gives a `null`-typed node (and its null-typed parts) the type its context asks for. */
  /**
   * A number column whose values are all 0 or 1 (booleans written 1/0 in CSV, contract §1) may
   * stand where a condition is expected; it reads as \`column <> 0\`. Other nodes are returned as they are.
   */
  asCondition(n: Checked): Checked {
    if (n.kind !== "column" || n.type !== "number" || !this.env.schema.zeroOne?.[n.table]?.includes(n.name)) return n;
    const zero: Checked = { kind: "literal", value: 0, type: "number", pos: n.pos, end: n.end };
    return { kind: "compare", op: "<>", left: n, right: zero, type: "boolean", pos: n.pos, end: n.end };
  }

  coerce(n: Checked, type: ValueType): void {
    if (n.type !== "null" || type === "null") return;
    n.type = type;
    if (n.kind === "call") { for (const a of n.args) this.coerce(a, type); }
    if (n.kind === "aggregate" && n.arg) this.coerce(n.arg, type);
  }

  /**
   * Finds the one type a group of nodes shares (comparisons, between, in, coalesce, least,
   * greatest), turning text literals into dates where dates are involved. Reports and returns
   * undefined when they disagree.
   */
  private unify(nodes: Checked[], where: string): ValueType | undefined {
    const typed = nodes.filter((n) => n.type !== "null");
    if (typed.length === 0) return "null";
    const isTextLiteral = (n: Checked) => n.kind === "literal" && n.type === "text";
    if (typed.some((n) => n.type === "date")) {
      for (const n of typed) {
        if (n.kind !== "literal" || n.type !== "text") continue;
        if (!isDateText(n.value as string)) {
          this.error(
            n.pos,
            this.text(n),
            `${where} compares a date with ${this.text(n)}, which is not a date: write dates as 'YYYY-MM-DD'`,
          );
          return undefined;
        }
        n.type = "date";
      }
    }
    const reference = typed.find((n) => !isTextLiteral(n)) ?? typed[0];
    for (const n of typed) {
      if (n.type !== reference.type) {
        this.error(
          n.pos,
          this.text(n),
          `${where} needs values of one type, but ${this.describe(reference)} is ${article(reference.type)} and ${
            this.describe(n)
          } is ${article(n.type)}`,
        );
        return undefined;
      }
    }
    for (const n of nodes) this.coerce(n, reference.type);
    return reference.type;
  }

  private resolveColumn(e: Expr & { kind: "column" }, inAggregate: boolean): Checked | null {
    const { schema, level } = this.env;
    let table: TableRef;
    if (e.qualifier) {
      const q = e.qualifier.name.toLowerCase();
      if (q === "household") table = "households";
      else if (q === "member" || q === "members") {
        const hint = level === "household" && !inAggregate
          ? `; a household indicator reads members through an aggregate, e.g. \`any_member(${e.name} …)\``
          : `; write the member's column alone: \`${e.name}\``;
        return this.error(e.qualifier.pos, e.qualifier.name, `\`${e.qualifier.name}.\` is not a table prefix${hint}`);
      } else {
        return this.error(
          e.qualifier.pos,
          e.qualifier.name,
          `Unknown table \`${e.qualifier.name}\`: the only prefix is \`household.\` (a column of the household)`,
        );
      }
    } else {
      table = level === "member" || inAggregate ? "members" : "households";
    }
    const columns = schema[table];
    const found = lookup(columns, e.name);
    if (found !== undefined) {
      const key = `${table}.${found}`;
      if (!this.columns.includes(key)) this.columns.push(key);
      return { kind: "column", table, name: found, type: columns[found], pos: e.pos, end: e.end };
    }
    const other = table === "members" ? schema.households : schema.members;
    const where = table === "members" ? "members" : "households";
    let message = `Unknown column \`${e.name}\` in ${where}`;
    const guess = closest(e.name, Object.keys(columns));
    if (guess) message += ` — did you mean \`${guess}\`?`;
    const inOther = lookup(other, e.name);
    if (inOther !== undefined) {
      if (table === "households" && !e.qualifier) {
        message += `; \`${inOther}\` is a member column: a household indicator reads members through an aggregate, ` +
          `e.g. \`any_member(${inOther} …)\`, \`count_members(${inOther} …)\`, \`max_members(${inOther})\` or \`sum_members(${inOther})\``;
      } else if (table === "households") {
        message += `; \`${inOther}\` is a member column: drop the \`household.\` prefix`;
      } else {
        message += `; \`${inOther}\` is a household column: write \`household.${inOther}\``;
      }
    }
    if (SQL_WORDS.has(e.name.toLowerCase())) {
      message += ` (\`${e.name}\` is SQL: subqueries and statements are not allowed)`;
    }
    if (!guess && inOther === undefined) {
      const names = Object.keys(columns);
      message += names.length <= 12 ? `; the ${where} columns are ${names.map((n) => `\`${n}\``).join(", ")}` : "";
    }
    return this.error(e.namePos, e.name, message);
  }

  /**
   * A left-leaning chain of `arith` or `logic` nodes (`a + b + …`, `a and b and …`), checked from
   * its first operand up without recursing down the chain: a flat chain of thousands of terms does
   * not exhaust the stack. Problems come in the same order as a recursive walk would give them.
   */
  private checkChain(e: Expr & { kind: "arith" | "logic" }, inAggregate: string | null): Checked | null {
    const spine: (Expr & { kind: "arith" | "logic" })[] = [];
    let x: Expr = e;
    while (x.kind === e.kind) {
      spine.push(x as Expr & { kind: "arith" | "logic" });
      x = (x as Expr & { kind: "arith" | "logic" }).left;
    }
    let left = this.check(x, inAggregate);
    for (let i = spine.length - 1; i >= 0; i--) left = this.checkLink(spine[i], left, inAggregate);
    return left;
  }

  /** One link of a chain: its already checked left operand, its right operand and its operator. */
  private checkLink(
    e: Expr & { kind: "arith" | "logic" },
    checkedLeftIn: Checked | null,
    inAggregate: string | null,
  ): Checked | null {
    const span = { pos: e.pos, end: e.end };
    switch (e.kind) {
      case "arith": {
        const left = checkedLeftIn;
        const right = this.check(e.right, inAggregate);
        if (!left || !right) return null;
        for (const side of [left, right]) {
          if (side.type !== "number" && side.type !== "null") {
            return this.wrongType(side, "numbers", `Arithmetic \`${e.op}\``);
          }
        }
        this.coerce(left, "number");
        this.coerce(right, "number");
        return { kind: "arith", op: e.op, left, right, type: "number", ...span };
      }
      case "logic": {
        const checkedLeft = checkedLeftIn;
        const checkedRight = this.check(e.right, inAggregate);
        if (!checkedLeft || !checkedRight) return null;
        const left = this.asCondition(checkedLeft), right = this.asCondition(checkedRight);
        for (const side of [left, right]) {
          if (side.type !== "boolean" && side.type !== "null") {
            return this.wrongType(side, "conditions (true or false) on both sides", `\`${e.op}\``);
          }
        }
        this.coerce(left, "boolean");
        this.coerce(right, "boolean");
        return { kind: "logic", op: e.op, left, right, type: "boolean", ...span };
      }
    }
  }

  check(e: Expr, inAggregate: string | null = null): Checked | null {
    const span = { pos: e.pos, end: e.end };
    switch (e.kind) {
      case "number":
        return { kind: "literal", value: e.value, type: "number", ...span };
      case "text":
        return { kind: "literal", value: e.value, type: "text", ...span };
      case "boolean":
        return { kind: "literal", value: e.value, type: "boolean", ...span };
      case "null":
        return { kind: "literal", value: null, type: "null", ...span };
      case "param": {
        const { parameters } = this.env;
        if (!parameters.has(e.name)) {
          const guess = closest(e.name, parameters.keys());
          const known = parameters.size === 0
            ? "; the model defines no parameters"
            : guess
            ? ` — did you mean \`$${guess}\`?`
            : `; the model's parameters are ${[...parameters.keys()].map((p) => `\`$${p}\``).join(", ")}`;
          return this.error(e.pos, `$${e.name}`, `Unknown parameter \`$${e.name}\`${known}`);
        }
        if (!this.parameters.includes(e.name)) this.parameters.push(e.name);
        return { kind: "param", name: e.name, value: parameters.get(e.name)!, type: "number", ...span };
      }
      case "column":
        return this.resolveColumn(e, inAggregate !== null);
      case "neg": {
        const operand = this.check(e.operand, inAggregate);
        if (!operand) return null;
        if (operand.type !== "number" && operand.type !== "null") {
          return this.wrongType(operand, "a number", "Minus `-`");
        }
        this.coerce(operand, "number");
        return { kind: "neg", operand, type: "number", ...span };
      }
      case "not": {
        const checkedOperand = this.check(e.operand, inAggregate);
        const operand = checkedOperand && this.asCondition(checkedOperand);
        if (!operand) return null;
        if (operand.type !== "boolean" && operand.type !== "null") {
          return this.wrongType(operand, "a condition (true or false)", "`not`");
        }
        this.coerce(operand, "boolean");
        return { kind: "not", operand, type: "boolean", ...span };
      }
      case "arith":
      case "logic":
        return this.checkChain(e, inAggregate);
      case "compare": {
        const left = this.check(e.left, inAggregate);
        const right = this.check(e.right, inAggregate);
        if (!left || !right) return null;
        if (this.unify([left, right], `Comparison \`${e.op}\``) === undefined) return null;
        return { kind: "compare", op: e.op, left, right, type: "boolean", ...span };
      }
      case "between": {
        const operand = this.check(e.operand, inAggregate);
        const low = this.check(e.low, inAggregate);
        const high = this.check(e.high, inAggregate);
        if (!operand || !low || !high) return null;
        if (this.unify([operand, low, high], `\`${e.negated ? "not " : ""}between\``) === undefined) return null;
        return { kind: "between", negated: e.negated, operand, low, high, type: "boolean", ...span };
      }
      case "in": {
        const operand = this.check(e.operand, inAggregate);
        const items = e.items.map((item) => this.check(item, inAggregate));
        if (!operand || items.some((i) => !i)) return null;
        const checkedItems = items as Checked[];
        if (this.unify([operand, ...checkedItems], `\`${e.negated ? "not " : ""}in\``) === undefined) return null;
        return { kind: "in", negated: e.negated, operand, items: checkedItems, type: "boolean", ...span };
      }
      case "isNull": {
        const operand = this.check(e.operand, inAggregate);
        if (!operand) return null;
        return { kind: "isNull", negated: e.negated, operand, type: "boolean", ...span };
      }
      case "call":
        return AGGREGATE_SET.has(e.name) ? this.checkAggregate(e, inAggregate) : this.checkScalar(e, inAggregate);
    }
  }

  private arity(e: Expr & { kind: "call" }, min: number, max: number): boolean {
    const n = e.args.length;
    if (n >= min && n <= max) return true;
    const expected = min === max
      ? `${min} argument${min === 1 ? "" : "s"}`
      : max === Infinity
      ? `at least ${min} argument${min === 1 ? "" : "s"}`
      : `${min} or ${max} arguments`;
    this.error(e.namePos, e.name, `\`${e.name}\` takes ${expected} but was given ${n}`);
    return false;
  }

  private checkScalar(e: Expr & { kind: "call" }, inAggregate: string | null): Checked | null {
    const fn = e.name as ScalarFunction;
    const args = e.args.map((a) => this.check(a, inAggregate));
    if (!this.arity(e, 1, fn === "abs" ? 1 : Infinity)) return null;
    if (args.some((a) => !a)) return null;
    const checked = args as Checked[];
    const span = { pos: e.pos, end: e.end };
    if (fn === "abs") {
      const [x] = checked;
      if (x.type !== "number" && x.type !== "null") return this.wrongType(x, "a number", "`abs`");
      this.coerce(x, "number");
      return { kind: "call", fn, args: checked, type: "number", ...span };
    }
    const type = this.unify(checked, `\`${fn}\``);
    if (type === undefined) return null;
    return { kind: "call", fn, args: checked, type, ...span };
  }

  private checkAggregate(e: Expr & { kind: "call" }, inAggregate: string | null): Checked | null {
    const fn = e.name as AggregateFunction;
    if (this.env.level === "member") {
      return this.error(
        e.namePos,
        e.name,
        `Aggregate \`${e.name}\` is only allowed in household indicators: a member indicator is evaluated for each member, so name the member's columns directly (or make this a household indicator)`,
      );
    }
    if (inAggregate !== null) {
      return this.error(e.namePos, e.name, `Aggregates cannot be nested: \`${e.name}\` is inside \`${inAggregate}\``);
    }
    if (!this.arity(e, fn === "count_members" ? 0 : 1, 1)) return null;
    const span = { pos: e.pos, end: e.end };
    if (e.args.length === 0) return { kind: "aggregate", fn, arg: null, type: "number", ...span };
    const checkedArg = this.check(e.args[0], fn);
    if (!checkedArg) return null;
    let arg = checkedArg;
    switch (fn) {
      case "count_members":
      case "any_member":
      case "all_members":
        arg = this.asCondition(checkedArg);
        if (arg.type !== "boolean" && arg.type !== "null") {
          return this.wrongType(arg, "a condition on each member (true or false)", `\`${fn}\``);
        }
        this.coerce(arg, "boolean");
        return { kind: "aggregate", fn, arg, type: fn === "count_members" ? "number" : "boolean", ...span };
      case "sum_members":
        if (arg.type !== "number" && arg.type !== "null") {
          return this.wrongType(arg, "a number for each member", "`sum_members`");
        }
        this.coerce(arg, "number");
        return { kind: "aggregate", fn, arg, type: "number", ...span };
      case "min_members":
      case "max_members":
        return { kind: "aggregate", fn, arg, type: arg.type, ...span };
    }
  }
}

function article(type: ValueType): string {
  return type === "null"
    ? "always null"
    : `${
      type === "number"
        ? "a number"
        : type === "text"
        ? "text"
        : type === "boolean"
        ? "a condition (true or false)"
        : "a date"
    }`;
}

/**
 * Type-checks one parsed `when` for an indicator of the given level: returns the typed tree and
 * what it reads, or every mistake found (each a {@link WhenError} with position and word).
 */
export function checkWhen(expr: Expr, source: string, env: CheckEnv): CheckedWhen | WhenError[] {
  const checker = new Checker(env, source);
  const parsed = checker.check(expr);
  const checked = parsed && checker.asCondition(parsed);
  if (checked && checked.type !== "boolean" && checked.type !== "null") {
    const text = [...source].slice(checked.pos - 1, checked.end - 1).join("");
    checker.errors.push(
      new WhenError(
        checked.pos,
        text,
        `A \`when\` must be a condition (true or false), but \`${text}\` is ${
          article(checked.type)
        }; compare it, e.g. \`${text} > 0\``,
      ),
    );
  }
  if (checker.errors.length > 0 || !checked) return checker.errors;
  checker.coerce(checked, "boolean");
  return { expr: checked, parameters: checker.parameters, columns: checker.columns };
}
