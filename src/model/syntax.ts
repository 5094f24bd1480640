/**
 * The syntax tree of a `when` expression (contract §2), as the parser produces it: untyped, with
 * the 1-based character positions (`pos`, inclusive; `end`, exclusive) of every node in the text.
 * Positions count Unicode code points, so a Chinese character counts as one.
 */

/** Comparison operators; `!=` is read as `<>`. */
export type CompareOp = "=" | "<>" | "<" | "<=" | ">" | ">=";
/** Arithmetic operators. */
export type ArithOp = "+" | "-" | "*" | "/";

/** Where a node sits in the `when` text: 1-based start, exclusive end, in code points. */
export interface Span {
  pos: number;
  end: number;
}

/**
 * A node of the parsed `when`, before type checking. A parenthesized node's span includes its
 * parentheses; `namePos`/`opPos` point at the name or operator itself.
 */
export type Expr =
  | Span & { kind: "number"; value: number; text: string }
  | Span & { kind: "text"; value: string }
  | Span & { kind: "boolean"; value: boolean }
  | Span & { kind: "null" }
  | Span & { kind: "param"; name: string }
  /** `name`, or `qualifier.name` (only `household.` is meaningful; the checker refuses others). */
  | Span & { kind: "column"; name: string; namePos: number; qualifier?: { name: string; pos: number } }
  /** A function call; `name` is lower-cased (the parser only admits known function names). */
  | Span & { kind: "call"; name: string; args: Expr[]; namePos: number }
  | Span & { kind: "neg"; operand: Expr }
  | Span & { kind: "not"; operand: Expr }
  | Span & { kind: "arith"; op: ArithOp; left: Expr; right: Expr; opPos: number }
  | Span & { kind: "compare"; op: CompareOp; left: Expr; right: Expr; opPos: number }
  | Span & { kind: "logic"; op: "and" | "or"; left: Expr; right: Expr; opPos: number }
  | Span & { kind: "between"; negated: boolean; operand: Expr; low: Expr; high: Expr }
  | Span & { kind: "in"; negated: boolean; operand: Expr; items: Expr[] }
  | Span & { kind: "isNull"; negated: boolean; operand: Expr };

/** Functions a `when` may call anywhere. */
export const SCALAR_FUNCTIONS = ["coalesce", "abs", "least", "greatest"] as const;
/** Aggregates over a household's members, allowed only in household indicators. */
export const AGGREGATE_FUNCTIONS = [
  "count_members",
  "sum_members",
  "min_members",
  "max_members",
  "any_member",
  "all_members",
] as const;
export type ScalarFunction = (typeof SCALAR_FUNCTIONS)[number];
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** True for the names the language knows as functions (lower case). */
export function isKnownFunction(name: string): name is ScalarFunction | AggregateFunction {
  return (SCALAR_FUNCTIONS as readonly string[]).includes(name) ||
    (AGGREGATE_FUNCTIONS as readonly string[]).includes(name);
}

/** A text literal in the `when` language: single quotes, `''` for a quote (SQL text goes through `src/base/sql.ts`). */
export function whenTextLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const PRECEDENCE: Record<Expr["kind"], number> = {
  logic: 1, // refined below for and/or
  not: 3,
  compare: 4,
  between: 4,
  in: 4,
  isNull: 4,
  arith: 5, // refined below for * /
  neg: 7,
  number: 8,
  text: 8,
  boolean: 8,
  null: 8,
  param: 8,
  column: 8,
  call: 8,
};

function precedence(e: Expr): number {
  if (e.kind === "logic") return e.op === "or" ? 1 : 2;
  if (e.kind === "arith") return e.op === "+" || e.op === "-" ? 5 : 6;
  return PRECEDENCE[e.kind];
}

/**
 * Prints a syntax tree back as canonical `when` text: lower-case keywords, single spaces, and
 * parentheses only where the grammar needs them. Parsing the output gives the same tree (apart
 * from positions).
 */
export function formatExpr(e: Expr): string {
  const wrap = (child: Expr, min: number) => (precedence(child) < min ? `(${formatExpr(child)})` : formatExpr(child));
  switch (e.kind) {
    case "number":
      return e.text;
    case "text":
      return whenTextLiteral(e.value);
    case "boolean":
      return e.value ? "true" : "false";
    case "null":
      return "null";
    case "param":
      return `$${e.name}`;
    case "column":
      return e.qualifier ? `${e.qualifier.name}.${e.name}` : e.name;
    case "call":
      return `${e.name}(${e.args.map(formatExpr).join(", ")})`;
    case "neg":
      return `-${wrap(e.operand, 7)}`.replace(/^--/, "- -");
    case "not":
      return `not ${wrap(e.operand, 3)}`;
    case "arith": {
      const p = precedence(e);
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case "logic": {
      const p = precedence(e);
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case "compare":
      return `${wrap(e.left, 5)} ${e.op} ${wrap(e.right, 5)}`;
    case "between":
      return `${wrap(e.operand, 5)} ${e.negated ? "not " : ""}between ${wrap(e.low, 5)} and ${wrap(e.high, 5)}`;
    case "in":
      return `${wrap(e.operand, 5)} ${e.negated ? "not " : ""}in (${e.items.map(formatExpr).join(", ")})`;
    case "isNull":
      return `${wrap(e.operand, 5)} is ${e.negated ? "not " : ""}null`;
  }
}
