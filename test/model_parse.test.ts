// The `when` tokenizer and parser: the tree of every grammar rule, 1-based positions, canonical
// printing, and the errors (with position, offending word and hint) for what does not parse.
import { describe, expect, it } from "vitest";
import { type Expr, formatExpr, parseWhen, tokenize, WhenError } from "../src/model/mod.ts";

/** The tree without positions, for comparing shapes. */
function shape(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(
      e,
      (k, v) => (["pos", "end", "opPos", "namePos"].includes(k) ? undefined : k === "qualifier" ? v.name : v),
    ),
  );
}

function parseError(when: string): WhenError {
  try {
    parseWhen(when);
  } catch (error) {
    if (error instanceof WhenError) return error;
    throw error;
  }
  throw new Error(`expected \`${when}\` not to parse`);
}

describe("tokenize()", () => {
  it("splits numbers, text, names, parameters and operators with 1-based positions", () => {
    const tokens = tokenize("age>=1.5e3 and $p<>'it''s'");
    expect(tokens.map((t) => [t.kind, t.text, t.pos])).toEqual([
      ["name", "age", 1],
      ["op", ">=", 4],
      ["number", "1.5e3", 6],
      ["name", "and", 12],
      ["param", "$p", 16],
      ["op", "<>", 18],
      ["text", "'it''s'", 20],
      ["end", "", 27],
    ]);
    expect(tokens[2].value).toBe(1500);
    expect(tokens[6].value).toBe("it's");
  });

  it("counts positions in characters, so Chinese text counts one per character", () => {
    const tokens = tokenize("occupation = '农民工' and age > 1");
    expect(tokens.find((t) => t.text === "and")?.pos).toBe(20);
    expect(tokens.find((t) => t.text === "age")?.pos).toBe(24);
  });
});

describe("parseWhen() builds the tree of every grammar rule", () => {
  const cases: [string, string][] = [
    ["a or b or c", "a or b or c"],
    ["a and b or c and d", "a and b or c and d"],
    ["a and (b or c)", "a and (b or c)"],
    ["not not a", "not not a"],
    ["not a = 1", "not a = 1"],
    ["(not a) = b", "(not a) = b"],
    ["a != 1", "a <> 1"],
    ["a<>1", "a <> 1"],
    ["a < 1", "a < 1"],
    ["a <= 1", "a <= 1"],
    ["a > 1", "a > 1"],
    ["a >= 1", "a >= 1"],
    ["a between 1 and 2 and b", "a between 1 and 2 and b"],
    ["a not between 1 + 1 and 2 * 3", "a not between 1 + 1 and 2 * 3"],
    ["a in (1, -2, 'x', true, false, null, $p)", "a in (1, -2, 'x', true, false, null, $p)"],
    ["a NOT IN (1)", "a not in (1)"],
    ["a is null", "a is null"],
    ["a IS NOT NULL", "a is not null"],
    ["1 + 2 * 3 - 4 / 5", "1 + 2 * 3 - 4 / 5"],
    ["(1 + 2) * 3", "(1 + 2) * 3"],
    ["1 - (2 - 3)", "1 - (2 - 3)"],
    ["1 - 2 - 3", "1 - 2 - 3"],
    ["- -a", "- -a"],
    ["-(a + b)", "-(a + b)"],
    ["- a * b", "-a * b"],
    ["'it''s' = x", "'it''s' = x"],
    ["household.car", "household.car"],
    ["COALESCE(a, 0) > Abs(b)", "coalesce(a, 0) > abs(b)"],
    ["least(a, b, c) = greatest(a)", "least(a, b, c) = greatest(a)"],
    ["count_members() > count_members(age > 1)", "count_members() > count_members(age > 1)"],
    ["any_member(a) or all_members(b)", "any_member(a) or all_members(b)"],
    ["sum_members(x) + min_members(x) + max_members(x) > 0", "sum_members(x) + min_members(x) + max_members(x) > 0"],
    ["a + 1 is not null", "a + 1 is not null"],
    ["true", "true"],
    ["NULL", "null"],
    ["(((a)))", "a"],
    ["x = .5", "x = .5"],
    ["x = 1e-3", "x = 1e-3"],
  ];
  for (const [when, canonical] of cases) {
    it(`\`${when}\` prints back as \`${canonical}\` and reparses to the same tree`, () => {
      const tree = parseWhen(when);
      expect(formatExpr(tree)).toBe(canonical);
      expect(shape(parseWhen(canonical))).toEqual(shape(tree));
    });
  }

  it("gives every node its 1-based position and span", () => {
    const tree = parseWhen("not (age >= 70) and household.car") as Expr & { kind: "logic" };
    expect(tree).toMatchObject({ kind: "logic", op: "and", pos: 1, end: 34, opPos: 17 });
    const not = tree.left as Expr & { kind: "not" };
    expect(not).toMatchObject({ kind: "not", pos: 1, end: 16 });
    expect(not.operand).toMatchObject({ kind: "compare", op: ">=", pos: 5, end: 16, opPos: 10 });
    expect(tree.right).toMatchObject({
      kind: "column",
      name: "car",
      namePos: 31,
      qualifier: { name: "household", pos: 21 },
    });
  });

  it("reads decimal numbers exactly as JavaScript does", () => {
    const tree = parseWhen("x = 0.1") as Expr & { kind: "compare" };
    expect(tree.right).toMatchObject({ kind: "number", value: 0.1, text: "0.1" });
  });
});

describe("parseWhen() refuses what is not the language, naming the position and the word", () => {
  const cases: [string, number, string, RegExp][] = [
    // statements, comments, subqueries: SQL injection attempts
    ["age > 1; drop table households", 8, ";", /not SQL statements/],
    ["age > 1 -- and more", 9, "--", /SQL comment/],
    ["age > 1 /* x */", 9, "/*", /SQL comment/],
    ["age in (select age from members)", 9, "select", /Subqueries are not allowed/],
    ["age > (select max(age) from members)", 8, "select", /Subqueries are not allowed/],
    ["exists (select 1)", 1, "exists", /Function `exists` is not allowed/],
    [
      "read_csv('/etc/passwd') is null",
      1,
      "read_csv",
      /Function `read_csv` is not allowed: a `when` may call only coalesce, abs, least, greatest/,
    ],
    ["age > 1 union select 1", 9, "union", /`union` is SQL/],
    ["age > 1 or 1=1) --", 17, "--", /SQL comment/],
    ["age > 1 or 1=1)", 15, ")", /without a matching `\(`/],
    ["occupation = 'x' or 'a' = 'a", 27, "'a", /Text is not closed/],
    ["cast(age as varchar) = '1'", 1, "cast", /Function `cast` is not allowed/],
    ["age::varchar = '1'", 4, "::", /Casts/],
    ['"age" > 1', 1, '"', /without quotes/],
    ["occupation like '%x%'", 12, "like", /`like` is SQL/],
    // malformed expressions
    ["age >", 6, "(end of expression)", /expression ended/],
    ["age > > 1", 7, ">", /Expected a value/],
    ["1 < age < 3", 9, "<", /cannot be chained/],
    ["(age > 1", 9, "(end of expression)", /Expected `\)` to close the `\(` at position 1/],
    ["age between 1 or 2", 15, "or", /Expected `and` in `between … and …`/],
    ["age in 1, 2", 8, "1", /Expected `\(` after `in`/],
    ["age in (a)", 9, "a", /Expected a value .* in the `in \(…\)` list/],
    ["age in (1 2)", 11, "2", /Expected `,` or `\)`/],
    ["age is 1", 8, "1", /Expected `null` after `is`/],
    ["age not > 1", 5, "not", /Unexpected `not` here/],
    ["age = not x", 7, "not", /Expected a value but found the keyword `not`/],
    ["age == 1", 5, "==", /Use `=`/],
    ["a && b", 3, "&&", /Use `and`/],
    ["a || b", 3, "||", /Use `or`/],
    ["!a", 1, "!", /use `not`/],
    ["age % 2 = 0", 5, "%", /modulo/],
    ["3abc > 1", 1, "3abc", /Malformed number/],
    ["age > $", 7, "$", /parameter name after `\$`/],
    ["age > 1e999", 7, "1e999", /too large/],
    ["+1 > 0", 1, "+", /Unary `\+`/],
    ["coalesce(age, ) > 1", 15, ")", /Expected a value/],
    ["count_members(*) > 1", 15, "*", /`\*` is not an argument/],
    ["household. > 1", 12, ">", /column name after `household\.`/],
    ["年龄 > 60", 1, "年", /single quotes/],
    ["age （> 60）", 5, "（", /full-width character .* type the ASCII `\(` instead/],
    ["age ＞ 60", 5, "＞", /type the ASCII `>` instead/],
    ["occupation = ‘农民’", 14, "‘", /full-width character/],
    ["", 1, "(end of expression)", /expression ended/],
    ["age > 1 age < 2", 9, "age", /join conditions with `and` or `or`/],
  ];
  it("refuses absurdly deep or long expressions with a message, not a stack overflow", () => {
    expect(parseError("(".repeat(500) + "a" + ")".repeat(500)).message).toMatch(/nests deeper than 100 levels/);
    expect(parseError("not ".repeat(500) + "a").message).toMatch(/nests deeper than 100 levels/);
    expect(parseError(" -".repeat(500) + "a > 1").message).toMatch(/nests deeper than 100 levels/);
    expect(parseError(Array.from({ length: 3000 }, () => "a").join(" + ") + " > 1").message).toMatch(/too long/);
    expect(() => parseWhen("(".repeat(90) + "a" + ")".repeat(90))).not.toThrow();
  });

  for (const [when, position, value, message] of cases) {
    it(`\`${when}\` fails at ${position} on ${JSON.stringify(value)}`, () => {
      const error = parseError(when);
      expect({ position: error.position, value: error.value }).toEqual({ position, value });
      expect(error.message).toMatch(message);
    });
  }
});
