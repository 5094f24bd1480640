/**
 * The hand-written tokenizer and recursive-descent parser of the `when` language (contract §2).
 *
 * ```
 * expr    := or
 * or      := and ("or" and)*
 * and     := not ("and" not)*
 * not     := "not" not | cmp
 * cmp     := sum [ ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum
 *                | ["not"] "between" sum "and" sum
 *                | ["not"] "in" "(" literal ("," literal)* ")"
 *                | "is" ["not"] "null" ]
 * sum     := product (("+" | "-") product)*
 * product := unary (("*" | "/") unary)*
 * unary   := "-" unary | atom
 * atom    := number | 'text' | true | false | null | "$" name | name | name "." name
 *          | function "(" [expr ("," expr)*] ")" | "(" expr ")"
 * literal := ["-"] number | 'text' | true | false | null | "$" name
 * ```
 *
 * Keywords and function names are case-insensitive. Anything else — SQL statements, comments,
 * subqueries, other functions, double-quoted names — is refused here with a {@link WhenError}
 * that carries the 1-based position and the offending token.
 */
import {
  AGGREGATE_FUNCTIONS,
  type ArithOp,
  type CompareOp,
  type Expr,
  isKnownFunction,
  SCALAR_FUNCTIONS,
} from "./syntax.ts";
import { SQL_WORDS } from "../base/sql.ts";

/** A mistake in one `when`: where (1-based code-point position), the offending word, and a hint. */
export class WhenError extends Error {
  constructor(readonly position: number, readonly value: string, message: string) {
    super(message);
    this.name = "WhenError";
  }
}

type TokenKind = "number" | "text" | "name" | "param" | "op" | "end";

/** One token of a `when`; `text` is the source as written. */
export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  end: number;
  /** The decoded value: number for numbers, the unquoted text for text, the name for params. */
  value?: string | number;
}

const KEYWORDS = new Set(["and", "or", "not", "between", "in", "is", "null", "true", "false"]);

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isNameStart = (c: string | undefined) => c !== undefined && /^[A-Za-z_]$/.test(c);
const isNamePart = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

const FUNCTIONS_HINT = `a \`when\` may call only ${
  SCALAR_FUNCTIONS.join(", ")
} and, in household indicators, the aggregates ${AGGREGATE_FUNCTIONS.join(", ")}`;

/** Splits a `when` into tokens; positions are 1-based code points. Throws {@link WhenError}. */
export function tokenize(source: string): Token[] {
  const chars = [...source];
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, value: string, message: string): never => {
    throw new WhenError(at + 1, value, message);
  };
  while (i < chars.length) {
    const c = chars[i];
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === "." && isDigit(chars[i + 1]))) {
      while (isDigit(chars[i])) i++;
      if (chars[i] === "." && (isDigit(chars[i + 1]) || !isNameStart(chars[i + 1]))) {
        i++;
        while (isDigit(chars[i])) i++;
      }
      if (
        (chars[i] === "e" || chars[i] === "E") &&
        (isDigit(chars[i + 1]) || ((chars[i + 1] === "+" || chars[i + 1] === "-") && isDigit(chars[i + 2])))
      ) {
        i += 2;
        while (isDigit(chars[i])) i++;
      }
      let text = chars.slice(start, i).join("");
      if (isNamePart(chars[i]) || chars[i] === ".") {
        while (isNamePart(chars[i]) || chars[i] === ".") i++;
        text = chars.slice(start, i).join("");
        fail(
          start,
          text,
          `Malformed number \`${text}\`: write numbers like 12, 0.5 or 1e3, and names starting with a letter`,
        );
      }
      const value = Number(text);
      if (!Number.isFinite(value)) fail(start, text, `Number \`${text}\` is too large`);
      tokens.push({ kind: "number", text, value, pos: start + 1, end: i + 1 });
      continue;
    }
    if (isNameStart(c)) {
      while (isNamePart(chars[i])) i++;
      const text = chars.slice(start, i).join("");
      tokens.push({ kind: "name", text, pos: start + 1, end: i + 1 });
      continue;
    }
    if (c === "$") {
      i++;
      if (!isNameStart(chars[i])) {
        fail(start, chars.slice(start, i + 1).join(""), "Expected a parameter name after `$`, like `$dibao_monthly`");
      }
      while (isNamePart(chars[i])) i++;
      const text = chars.slice(start, i).join("");
      tokens.push({ kind: "param", text, value: text.slice(1), pos: start + 1, end: i + 1 });
      continue;
    }
    if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= chars.length) {
          fail(
            start,
            chars.slice(start).join(""),
            "Text is not closed: add a closing `'` (write `''` for a quote inside text)",
          );
        }
        if (chars[i] === "'") {
          if (chars[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (chars[i] === "\0") fail(i, "\\0", "Text may not contain a NUL character");
        value += chars[i++];
      }
      tokens.push({ kind: "text", text: chars.slice(start, i).join(""), value, pos: start + 1, end: i + 1 });
      continue;
    }
    const two = c + (chars[i + 1] ?? "");
    if (two === "--") {
      fail(start, "--", "`--` starts an SQL comment, which a `when` may not contain (for a double minus write `- -x`)");
    }
    if (two === "/*") fail(start, "/*", "`/*` starts an SQL comment, which a `when` may not contain");
    if (two === "==") fail(start, "==", "Use `=` to compare, not `==`");
    if (two === "&&") fail(start, "&&", "Use `and`, not `&&`");
    if (two === "||") fail(start, "||", "Use `or`, not `||` (and text cannot be concatenated)");
    if (two === "::") fail(start, "::", "Casts (`::`) are not part of the `when` language");
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=") {
      tokens.push({ kind: "op", text: two, pos: start + 1, end: start + 3 });
      i += 2;
      continue;
    }
    if ("=<>+-*/(),.".includes(c)) {
      tokens.push({ kind: "op", text: c, pos: start + 1, end: start + 2 });
      i++;
      continue;
    }
    const hints: Record<string, string> = {
      ";": "a `when` is one condition, not SQL statements, so `;` is not allowed",
      '"': "write text in single quotes ('like this') and column names without quotes",
      "`": "write column names without quotes",
      "!": "use `not` for negation, and `!=` or `<>` for 'not equal'",
      "%": "the `when` language has no `%` (modulo)",
    };
    const fullWidth = /^[\uFF01-\uFF5E\u2018\u2019\u201C\u201D\u3001\u3002]$/u.test(c);
    const ascii = /^[\uFF01-\uFF5E]$/u.test(c)
      ? `\`${String.fromCodePoint(c.codePointAt(0)! - 0xfee0)}\``
      : "quote `'`, comma or full stop";
    const hint = fullWidth
      ? `it looks like a full-width character from a Chinese input method; type the ASCII ${ascii} instead`
      : hints[c] ?? "text must be written in single quotes ('like this')";
    fail(start, c, `Unexpected character \`${c}\`: ${hint}`);
  }
  tokens.push({ kind: "end", text: "", pos: chars.length + 1, end: chars.length + 1 });
  return tokens;
}

/** How deeply parentheses, function calls, `not` and minus may nest. */
export const MAX_DEPTH = 100;
/** How many tokens (words, numbers, symbols) one `when` may have. */
export const MAX_TOKENS = 5000;
/** How many characters one `when` may have. */
export const MAX_WHEN_LENGTH = 100000;

const COMPARE_OPS = new Set(["=", "!=", "<>", "<", "<=", ">", ">="]);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i];
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)];
  }
  private isKw(word: string, t = this.tok): boolean {
    return t.kind === "name" && t.text.toLowerCase() === word;
  }
  private isOp(op: string, t = this.tok): boolean {
    return t.kind === "op" && t.text === op;
  }
  private next(): Token {
    const t = this.tok;
    if (t.kind !== "end") this.i++;
    return t;
  }
  private shown(t: Token): string {
    return t.kind === "end" ? "the end of the expression" : `\`${t.text}\``;
  }
  private fail(t: Token, message: string): never {
    const sqlWord = (x: Token | undefined) =>
      x !== undefined && x.kind === "name" && SQL_WORDS.has(x.text.toLowerCase());
    if (sqlWord(t)) {
      throw new WhenError(
        t.pos,
        t.text,
        `\`${t.text}\` is SQL, not part of the \`when\` language: subqueries, statements and SQL clauses are not allowed`,
      );
    }
    // A token that breaks the parse right after an SQL word: the SQL word is the real culprit.
    const prev = this.tokens[this.i - 1];
    if (sqlWord(prev) && t.kind !== "end" && !this.isOp("(", t)) {
      throw new WhenError(
        prev.pos,
        prev.text,
        `\`${prev.text}\` is SQL, not part of the \`when\` language: subqueries, statements and SQL clauses are not allowed`,
      );
    }
    throw new WhenError(t.pos, t.kind === "end" ? "(end of expression)" : t.text, message);
  }

  private subquery(t: Token): never {
    throw new WhenError(
      t.pos,
      t.text,
      `Subqueries are not allowed: \`${t.text}\` cannot appear in a \`when\`, which is one expression over a member's or household's columns`,
    );
  }

  parse(): Expr {
    const e = this.parseOr();
    const t = this.tok;
    if (t.kind !== "end") {
      if (t.kind === "op" && COMPARE_OPS.has(t.text)) {
        this.fail(t, `Unexpected ${this.shown(t)}: comparisons cannot be chained; write \`a < b and b < c\``);
      }
      if (this.isOp(")", t)) this.fail(t, "Unexpected `)` without a matching `(`");
      if (this.isKw("is", t) || this.isKw("between", t) || this.isKw("in", t)) {
        this.fail(
          t,
          `Unexpected ${this.shown(t)}: a comparison cannot be compared again; add parentheses or join with \`and\``,
        );
      }
      this.fail(t, `Unexpected ${this.shown(t)} after a complete condition: join conditions with \`and\` or \`or\``);
    }
    return e;
  }

  private depth = 0;

  private nested(parse: () => Expr): Expr {
    if (++this.depth > MAX_DEPTH) {
      this.fail(
        this.tok,
        `The expression nests deeper than ${MAX_DEPTH} levels of parentheses, \`not\` or minus; simplify it`,
      );
    }
    const e = parse();
    this.depth--;
    return e;
  }

  private parseOr(): Expr {
    return this.nested(() => this.parseOrInner());
  }

  private parseOrInner(): Expr {
    let left = this.parseAnd();
    while (this.isKw("or")) {
      const op = this.next();
      const right = this.parseAnd();
      left = { kind: "logic", op: "or", left, right, opPos: op.pos, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKw("and")) {
      const op = this.next();
      const right = this.parseNot();
      left = { kind: "logic", op: "and", left, right, opPos: op.pos, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw("not")) {
      const t = this.next();
      const operand = this.nested(() => this.parseNot());
      return { kind: "not", operand, pos: t.pos, end: operand.end };
    }
    return this.parseCmp();
  }

  private parseCmp(): Expr {
    const left = this.parseSum();
    const t = this.tok;
    if (t.kind === "op" && COMPARE_OPS.has(t.text)) {
      this.next();
      const right = this.parseSum();
      const op = (t.text === "!=" ? "<>" : t.text) as CompareOp;
      return { kind: "compare", op, left, right, opPos: t.pos, pos: left.pos, end: right.end };
    }
    let negated = false;
    if (this.isKw("not")) {
      const after = this.peek();
      if (!this.isKw("between", after) && !this.isKw("in", after)) {
        this.fail(t, "Unexpected `not` here: write `not` before a condition, or use `not between` / `not in`");
      }
      this.next();
      negated = true;
    }
    if (this.isKw("between")) {
      this.next();
      const low = this.parseSum();
      if (!this.isKw("and")) {
        this.fail(this.tok, `Expected \`and\` in \`between … and …\` but found ${this.shown(this.tok)}`);
      }
      this.next();
      const high = this.parseSum();
      return { kind: "between", negated, operand: left, low, high, pos: left.pos, end: high.end };
    }
    if (this.isKw("in")) {
      this.next();
      if (!this.isOp("(")) this.fail(this.tok, `Expected \`(\` after \`in\` but found ${this.shown(this.tok)}`);
      const open = this.next();
      const items: Expr[] = [this.parseLiteral()];
      while (this.isOp(",")) {
        this.next();
        items.push(this.parseLiteral());
      }
      if (!this.isOp(")")) {
        this.fail(
          this.tok,
          `Expected \`,\` or \`)\` in the \`in (…)\` list opened at position ${open.pos} but found ${
            this.shown(this.tok)
          }`,
        );
      }
      const close = this.next();
      return { kind: "in", negated, operand: left, items, pos: left.pos, end: close.end };
    }
    if (this.isKw("is")) {
      this.next();
      let neg = false;
      if (this.isKw("not")) {
        this.next();
        neg = true;
      }
      if (!this.isKw("null")) {
        this.fail(this.tok, `Expected \`null\` after \`is${neg ? " not" : ""}\` but found ${this.shown(this.tok)}`);
      }
      const n = this.next();
      return { kind: "isNull", negated: neg, operand: left, pos: left.pos, end: n.end };
    }
    return left;
  }

  private parseLiteral(): Expr {
    const t = this.tok;
    if (this.isOp("-") && this.peek().kind === "number") {
      this.next();
      const n = this.parseAtom();
      return { kind: "neg", operand: n, pos: t.pos, end: n.end };
    }
    if (
      t.kind === "number" || t.kind === "text" || t.kind === "param" || this.isKw("true") || this.isKw("false") ||
      this.isKw("null")
    ) {
      return this.parseAtom();
    }
    if (this.isKw("select")) this.subquery(t);
    return this.fail(
      t,
      `Expected a value (a number, 'text', true, false, null or a $parameter) in the \`in (…)\` list but found ${
        this.shown(t)
      }`,
    );
  }

  private parseSum(): Expr {
    let left = this.parseProduct();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next();
      const right = this.parseProduct();
      left = { kind: "arith", op: op.text as ArithOp, left, right, opPos: op.pos, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseProduct(): Expr {
    let left = this.parseUnary();
    while (this.isOp("*") || this.isOp("/")) {
      const op = this.next();
      const right = this.parseUnary();
      left = { kind: "arith", op: op.text as ArithOp, left, right, opPos: op.pos, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp("-")) {
      const t = this.next();
      const operand = this.nested(() => this.parseUnary());
      return { kind: "neg", operand, pos: t.pos, end: operand.end };
    }
    if (this.isOp("+")) {
      this.fail(this.tok, "Unary `+` is not part of the `when` language: write the number without it");
    }
    return this.parseAtom();
  }

  private parseAtom(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "number":
        this.next();
        return { kind: "number", value: t.value as number, text: t.text, pos: t.pos, end: t.end };
      case "text":
        this.next();
        return { kind: "text", value: t.value as string, pos: t.pos, end: t.end };
      case "param":
        this.next();
        return { kind: "param", name: t.value as string, pos: t.pos, end: t.end };
      case "end":
        return this.fail(
          t,
          "Expected a value (a number, 'text', a column, a $parameter, a function call or `(`) but the expression ended",
        );
      case "op": {
        if (t.text === "(") {
          this.next();
          if (this.isKw("select") || this.isKw("with")) {
            this.subquery(this.tok);
          }
          const inner = this.parseOr();
          if (!this.isOp(")")) {
            this.fail(
              this.tok,
              `Expected \`)\` to close the \`(\` at position ${t.pos} but found ${this.shown(this.tok)}`,
            );
          }
          const close = this.next();
          return { ...inner, pos: t.pos, end: close.end } as Expr;
        }
        return this.fail(
          t,
          `Expected a value (a number, 'text', a column, a $parameter, a function call or \`(\`) but found \`${t.text}\``,
        );
      }
      case "name": {
        const lower = t.text.toLowerCase();
        if (lower === "true" || lower === "false") {
          this.next();
          return { kind: "boolean", value: lower === "true", pos: t.pos, end: t.end };
        }
        if (lower === "null") {
          this.next();
          return { kind: "null", pos: t.pos, end: t.end };
        }
        if (KEYWORDS.has(lower)) {
          const hint = lower === "not" ? "; put the negated condition in parentheses: `(not …)`" : "";
          return this.fail(t, `Expected a value but found the keyword \`${t.text}\`${hint}`);
        }
        this.next();
        if (this.isOp("(")) {
          if (!isKnownFunction(lower)) {
            this.i--;
            throw new WhenError(t.pos, t.text, `Function \`${t.text}\` is not allowed: ${FUNCTIONS_HINT}`);
          }
          this.next();
          const args: Expr[] = [];
          if (!this.isOp(")")) {
            if (this.isKw("select") || this.isKw("with")) {
              this.subquery(this.tok);
            }
            if (this.isOp("*")) this.fail(this.tok, `\`*\` is not an argument: write \`${lower}()\``);
            args.push(this.parseOr());
            while (this.isOp(",")) {
              this.next();
              args.push(this.parseOr());
            }
          }
          if (!this.isOp(")")) {
            this.fail(
              this.tok,
              `Expected \`,\` or \`)\` in the arguments of \`${lower}\` but found ${this.shown(this.tok)}`,
            );
          }
          const close = this.next();
          return { kind: "call", name: lower, args, namePos: t.pos, pos: t.pos, end: close.end };
        }
        if (this.isOp(".")) {
          this.next();
          const field = this.tok;
          if (field.kind !== "name") {
            this.fail(field, `Expected a column name after \`${t.text}.\` but found ${this.shown(field)}`);
          }
          this.next();
          return {
            kind: "column",
            name: field.text,
            namePos: field.pos,
            qualifier: { name: t.text, pos: t.pos },
            pos: t.pos,
            end: field.end,
          };
        }
        return { kind: "column", name: t.text, namePos: t.pos, pos: t.pos, end: t.end };
      }
    }
  }
}

/** Parses one `when` into a syntax tree. Throws {@link WhenError} at the first mistake. */
export function parseWhen(source: string): Expr {
  if (source.length > MAX_WHEN_LENGTH) {
    throw new WhenError(
      MAX_WHEN_LENGTH + 1,
      `${source.length} characters`,
      `The expression is too long (${source.length} characters; the limit is ${MAX_WHEN_LENGTH}); split it into several indicators`,
    );
  }
  const tokens = tokenize(source);
  if (tokens.length > MAX_TOKENS) {
    const t = tokens[MAX_TOKENS];
    throw new WhenError(
      t.pos,
      t.text,
      `The expression is too long (more than ${MAX_TOKENS} words and symbols, the limit); split it into several indicators`,
    );
  }
  return new Parser(tokens).parse();
}
