// The type checker, through compileModel(): every kind of broken model fails with an InputError
// whose problems name the model file, the indicator, the 1-based position in `when` and the
// offending word — all indicators' problems at once, before any SQL exists.
import { describe, expect, it } from "vitest";
import { formatProblem, InputError, type Problem } from "../src/contract/mod.ts";
import { checkModel, compileModel, indicatorsReadingParameter } from "../src/model/mod.ts";
import { SCHEMA, type TestIndicator, testModel } from "./score_fixtures.ts";

const FILE = "models/broken.json";
const PARAMETERS = [{ id: "dibao_monthly", value: 580 }, { id: "old_age", value: 70 }];

function problemsOf(
  indicators: TestIndicator[],
  options: Parameters<typeof testModel>[1] = { parameters: PARAMETERS },
): Problem[] {
  try {
    compileModel(testModel(indicators, options), SCHEMA, FILE);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  throw new Error("expected the model not to compile");
}

/** The single problem of a one-indicator model. */
function problemOf(when: string, level: "member" | "household" = "member"): Problem {
  const problems = problemsOf([{ id: "X01", level, when }]);
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe("unknown names", () => {
  it("an unknown column names the indicator, position and word, and suggests the closest column", () => {
    const p = problemOf("age > 60 and incme < 100");
    expect(p).toMatchObject({ file: FILE, indicator: "X01", position: 14, value: "incme" });
    expect(p.message).toMatch(/Unknown column `incme` in members — did you mean `income`\?/);
    expect(formatProblem(p)).toBe(`${FILE}, indicator X01, position 14, value "incme": ${p.message}`);
  });

  it("a member column in a household rule hints at the aggregates", () => {
    const p = problemOf("age > 70", "household");
    expect(p).toMatchObject({ indicator: "X01", position: 1, value: "age" });
    expect(p.message).toMatch(
      /`age` is a member column: a household indicator reads members through an aggregate, e\.g\. `any_member\(age …\)`/,
    );
  });

  it("a household column in a member rule hints at household.<name>", () => {
    const p = problemOf("age > 70 and car");
    expect(p).toMatchObject({ position: 14, value: "car" });
    expect(p.message).toMatch(/`car` is a household column: write `household\.car`/);
  });

  it("household.<member column> hints to drop the prefix", () => {
    const p = problemOf("household.age > 1");
    expect(p).toMatchObject({ position: 11, value: "age" });
    expect(p.message).toMatch(/Unknown column `age` in households.*drop the `household\.` prefix/);
  });

  it("prefixes other than household. are refused", () => {
    expect(problemOf("members.age > 1", "household")).toMatchObject({
      position: 1,
      value: "members",
      message: expect.stringMatching(/not a table prefix.*any_member/),
    });
    expect(problemOf("person.age > 1")).toMatchObject({
      position: 1,
      value: "person",
      message: expect.stringMatching(/Unknown table `person`/),
    });
  });

  it("an unknown parameter suggests the closest one", () => {
    const p = problemOf("household.house_area < $dibao_montly", "member");
    expect(p).toMatchObject({ position: 24, value: "$dibao_montly" });
    expect(p.message).toMatch(/Unknown parameter `\$dibao_montly` — did you mean `\$dibao_monthly`\?/);
  });

  it("a parameter in a model without parameters says so", () => {
    const [p] = problemsOf([{ when: "age > $x" }], {});
    expect(p.message).toMatch(/Unknown parameter `\$x`; the model defines no parameters/);
  });

  it("an SQL word used as a column is called out as SQL", () => {
    expect(problemOf("select > 1").message).toMatch(/`select` is SQL/);
  });
});

describe("functions and aggregates", () => {
  it("aggregates in member rules are refused", () => {
    const p = problemOf("age > 1 and any_member(major_illness)");
    expect(p).toMatchObject({ position: 13, value: "any_member" });
    expect(p.message).toMatch(/Aggregate `any_member` is only allowed in household indicators/);
  });

  it("aggregates cannot be nested", () => {
    const p = problemOf("any_member(count_members() > 1)", "household");
    expect(p).toMatchObject({ position: 12, value: "count_members" });
    expect(p.message).toMatch(/Aggregates cannot be nested: `count_members` is inside `any_member`/);
  });

  it("other functions are refused in the parser, with the list of allowed ones", () => {
    for (const fn of ["read_csv", "getenv", "now", "sum", "count", "random", "length"]) {
      const p = problemOf(`${fn}(1) > 0`);
      expect(p).toMatchObject({ position: 1, value: fn });
      expect(p.message).toMatch(
        /is not allowed: a `when` may call only coalesce, abs, least, greatest and, in household indicators, the aggregates count_members/,
      );
    }
  });

  it("functions take the right number of arguments", () => {
    expect(problemOf("abs(1, 2) > 0")).toMatchObject({
      position: 1,
      value: "abs",
      message: expect.stringMatching(/`abs` takes 1 argument but was given 2/),
    });
    expect(problemOf("coalesce() > 0")).toMatchObject({
      value: "coalesce",
      message: expect.stringMatching(/at least 1 argument/),
    });
    expect(problemOf("count_members(major_illness, age > 1) > 0", "household").message).toMatch(
      /`count_members` takes 0 or 1 arguments but was given 2/,
    );
    expect(problemOf("sum_members() > 0", "household").message).toMatch(
      /`sum_members` takes 1 argument but was given 0/,
    );
  });
});

describe("types", () => {
  const cases: [string, "member" | "household", number, string, RegExp][] = [
    [
      "occupation > 5",
      "member",
      14,
      "5",
      /Comparison `>` needs values of one type, but `occupation` \(text\) is text and `5` \(number\) is a number/,
    ],
    ["age = 'old'", "member", 7, "'old'", /`age` \(number\) is a number and `'old'` \(text\) is text/],
    ["major_illness = 1", "member", 17, "1", /needs values of one type/],
    [
      "occupation + 1 > 0",
      "member",
      1,
      "occupation",
      /Arithmetic `\+` needs numbers but `occupation` \(text\) is text/,
    ],
    [
      "age and true",
      "member",
      1,
      "age",
      /`and` needs conditions \(true or false\) on both sides but `age` \(number\) is a number/,
    ],
    ["not age", "member", 5, "age", /`not` needs a condition/],
    ["-major_illness", "member", 2, "major_illness", /Minus `-` needs a number/],
    [
      "age + 1",
      "member",
      1,
      "age + 1",
      /A `when` must be a condition \(true or false\), but `age \+ 1` is a number; compare it, e\.g\. `age \+ 1 > 0`/,
    ],
    ["occupation", "member", 1, "occupation", /must be a condition/],
    ["age between 1 and 'x'", "member", 19, "'x'", /`between` needs values of one type/],
    ["age in (1, 'x')", "member", 12, "'x'", /`in` needs values of one type/],
    ["coalesce(age, 'x') > 1", "member", 15, "'x'", /`coalesce` needs values of one type/],
    ["abs(occupation) > 1", "member", 5, "occupation", /`abs` needs a number/],
    ["birth_date < '2024-13-01'", "member", 14, "'2024-13-01'", /not a date: write dates as 'YYYY-MM-DD'/],
    ["birth_date < '1 May 2024'", "member", 14, "'1 May 2024'", /not a date/],
    ["birth_date < 20240101", "member", 14, "20240101", /needs values of one type/],
    ["sum_members(occupation) > 1", "household", 13, "occupation", /`sum_members` needs a number for each member/],
    ["count_members(age) > 1", "household", 15, "age", /`count_members` needs a condition on each member/],
    ["any_member(age)", "household", 12, "age", /`any_member` needs a condition/],
    ["max_members(occupation) > 1", "household", 27, "1", /needs values of one type/],
  ];
  for (const [when, level, position, value, message] of cases) {
    it(`\`${when}\` (${level}) fails at ${position} on ${JSON.stringify(value)}`, () => {
      const p = problemOf(when, level);
      expect({ indicator: p.indicator, position: p.position, value: p.value }).toEqual({
        indicator: "X01",
        position,
        value,
      });
      expect(p.message).toMatch(message);
    });
  }

  it("null fits any type, and text compares with dates only where it reads as a date", () => {
    expect(() =>
      compileModel(
        testModel([
          { when: "age = null or null + 1 > 2 or coalesce(null, null) is null or occupation in (null, 'x')" },
          { when: "birth_date between '1950-01-01' and household.registered_on" },
          { level: "household", when: "min_members(null) is null and max_members(birth_date) > '2000-02-29'" },
        ]),
        SCHEMA,
      )
    ).not.toThrow();
  });
});

describe("reporting", () => {
  it("reports every indicator's problems, and several problems of one indicator, in one error", () => {
    const problems = problemsOf([
      { id: "A", when: "agee > 1 and occupaton = 'x'" },
      { id: "B", when: "age >" },
      { id: "C", when: "age > 1" },
      { id: "D", level: "household", when: "age > 1 or $nope > 1" },
    ]);
    expect(problems.map((p) => [p.indicator, p.position, p.value])).toEqual([
      ["A", 1, "agee"],
      ["A", 14, "occupaton"],
      ["B", 6, "(end of expression)"],
      ["D", 1, "age"],
      ["D", 12, "$nope"],
    ]);
    expect(problems.every((p) => p.file === FILE)).toBe(true);
  });

  it("also reports the model's structural problems: unknown category, duplicate ids", () => {
    const model = testModel([{ id: "A", when: "age > 1", category: "nope" }, { id: "A", when: "age > 2" }]);
    try {
      compileModel(model, SCHEMA, FILE);
      throw new Error("expected a failure");
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const messages = (error as InputError).problems.map((p) => p.message).join("\n");
      expect(messages).toMatch(/Duplicate indicator id "A"/);
      expect(messages).toMatch(/unknown category "nope"/);
    }
  });
});

describe("coefficients", () => {
  it("a weight × points that overflows a double is an input error, not a crash", () => {
    const model = testModel([{ id: "BIG", when: "true", points: 10, category: "w" }], {
      categories: [{ id: "w", weight: 1e308 }],
    });
    expect(() => compileModel(model, SCHEMA, FILE)).toThrow(InputError);
    try {
      compileModel(model, SCHEMA, FILE);
    } catch (error) {
      expect((error as InputError).problems[0]).toMatchObject({
        file: FILE,
        indicator: "BIG",
        message: expect.stringMatching(/too large/),
      });
    }
  });
});

describe("what a checked model reads", () => {
  it("lists the parameters and columns each indicator reads", () => {
    const model = testModel(
      [
        { id: "A", when: "age >= $old_age and household.car" },
        { id: "B", level: "household", when: "sum_members(income) < $dibao_monthly * 12 and house_area > 0" },
        { id: "C", when: "major_illness" },
      ],
      { parameters: PARAMETERS },
    );
    const checked = checkModel(model, SCHEMA, FILE);
    expect(checked.map((i) => [i.id, i.parameters, i.columns])).toEqual([
      ["A", ["old_age"], ["members.age", "households.car"]],
      ["B", ["dibao_monthly"], ["members.income", "households.house_area"]],
      ["C", [], ["members.major_illness"]],
    ]);
    const compiled = compileModel(model, SCHEMA, FILE);
    expect(indicatorsReadingParameter(compiled, "dibao_monthly")).toEqual(["B"]);
    expect(compiled.coefficients.map((c) => c.parameters)).toEqual([["old_age"], ["dibao_monthly"], []]);
  });
});
