// The compiler: a snapshot of the SQL of a small model, the named steps, and the rule that user
// text never reaches SQL as written (names re-quoted, numbers exact, text re-quoted).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../src/db/mod.ts";
import {
  buildSteps,
  compileModel,
  debugStatements,
  doubleLiteral,
  hitsSql,
  ident,
  numberText,
  pipelineSql,
  STEP_NAMES,
  textLiteral,
} from "../src/model/mod.ts";
import { hh, loadTables, mem, SCHEMA, scoreBoth, testModel } from "./score_fixtures.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
});
afterAll(async () => {
  await db.close();
});

const SMALL = testModel(
  [
    { id: "M03", category: "medical", level: "member", when: "major_illness and age >= 16", points: 6 },
    { id: "D01", category: "medical", level: "member", when: "disability_grade in (1, 2)", points: 4, otherwise: 0 },
    {
      id: "I01",
      category: "income",
      level: "household",
      when: "sum_members(income) / count_members() < $dibao_monthly * 12",
      points: 5,
      otherwise: -1,
    },
    {
      id: "A01",
      category: "assets",
      level: "household",
      when: "car or house_area > 150 or all_members(age between 18 and 60)",
      points: -8,
    },
  ],
  {
    categories: [{ id: "medical", weight: 1.5 }, { id: "income", weight: 1 }, { id: "assets", weight: 1 }],
    parameters: [{ id: "dibao_monthly", value: 580 }],
    bands: [{ id: "red", min: 30 }, { id: "orange", min: 20 }, { id: "yellow", min: 12 }],
  },
);

describe("compileModel()", () => {
  it("compiles a small model to the SQL in the snapshot", async () => {
    const compiled = compileModel(SMALL, SCHEMA, "small.json");
    await expect(compiled.sql + "\n").toMatchFileSnapshot("./model_compile_snapshot.sql");
  });

  it("builds the named steps in order, and the snapshot SQL runs", async () => {
    const compiled = compileModel(SMALL, SCHEMA, "small.json");
    expect(compiled.steps.map((s) => s.name)).toEqual([...STEP_NAMES]);
    expect(STEP_NAMES).toEqual(["member_conditions", "member_hits", "household_hits", "hits", "totals", "scored"]);
    const { byId } = await scoreBoth(db, SMALL, [hh("H1", { car: false, house_area: 80 }), hh("H2", { car: true })], [
      mem("a", "H1", { age: 70, major_illness: true, disability_grade: 1, income: 3000 }),
      mem("b", "H1", { age: 40, major_illness: false, income: 2000 }),
      mem("c", "H2", { age: 30, income: 100000 }),
    ]);
    // H1: M03 1 × 9, D01 1 × 6, I01 2500 < 6960 → 5, A01 not all 18–60 → 0: 20 over 2 members.
    expect(byId.H1).toMatchObject({ total_points: 20, per_capita: 10, band: null });
    // H2: I01 100000 ≥ 6960 → −1; A01 car → −8.
    expect(byId.H2).toMatchObject({ total_points: -9, per_capita: -9, band: null });
  });

  it("exports the scoring coefficients: weight × points and weight × otherwise per indicator", () => {
    const { coefficients } = compileModel(SMALL, SCHEMA, "small.json");
    expect(coefficients.map((c) => [c.id, c.level, c.weightedPoints, c.weightedOtherwise, c.column])).toEqual([
      ["M03", "member", 9, 0, "h0_M03"],
      ["D01", "member", 6, 0, "h1_D01"],
      ["I01", "household", 5, -1, "h2_I01"],
      ["A01", "household", -8, 0, "h3_A01"],
    ]);
  });

  it("the debug statements materialize each step as a table and give the same scores", async () => {
    const compiled = compileModel(SMALL, SCHEMA, "small.json");
    await loadTables(db, SCHEMA, [hh("H1", { car: false }), hh("H2")], [
      mem("a", "H1", { age: 20, income: 5 }),
      mem("b", "H2", { age: 99 }),
    ]);
    for (const s of debugStatements(compiled)) await db.exec(s.sql);
    const fromTables = await db.all("SELECT * FROM scored ORDER BY per_capita DESC NULLS LAST, household_id");
    expect(fromTables).toEqual(await db.all(compiled.sql));
    expect(await db.all('SELECT household_id, members, "c0", "c1" FROM member_hits ORDER BY household_id')).toEqual([
      { household_id: "H1", members: 1, c0: 0, c1: 0 },
      { household_id: "H2", members: 1, c0: 0, c1: 0 },
    ]);
  });

  it("shares one aggregate column between rules that compute the same thing", () => {
    const model = testModel([
      { level: "household", when: "any_member(age > 60)" },
      { level: "household", when: "count_members(age > 60) >= 2" },
      { level: "household", when: "ANY_MEMBER(AGE > 60) and sum_members(income) > 0" },
    ]);
    const steps = buildSteps(compileModel(model, SCHEMA));
    const memberHits = steps.find((s) => s.name === "member_hits")!.sql;
    expect(memberHits.match(/ AS "a\d+"/g)).toEqual([' AS "a0"', ' AS "a1"']);
  });
});

describe("user text never reaches SQL as written", () => {
  it("names are re-quoted from the schema, whatever case the rule used", () => {
    const { steps } = compileModel(testModel([{ when: "AGE > 1 and Household.Car" }]), SCHEMA);
    const sql = steps[0].sql;
    expect(sql).toContain(`CAST(m."age" AS DOUBLE)`);
    expect(sql).toContain(`CAST(h."car" AS BOOLEAN)`);
    expect(sql).not.toMatch(/AGE|Car/);
  });

  it("a text literal holding SQL stays data", async () => {
    const attack = "x' OR 1=1 OR 'a'='a";
    const when = `occupation = '${attack.replaceAll("'", "''")}'`;
    const compiled = compileModel(testModel([{ when }]), SCHEMA);
    expect(compiled.steps[0].sql).toContain(`'x'' OR 1=1 OR ''a''=''a'`);
    const { byId } = await scoreBoth(db, testModel([{ when }]), [hh("H1"), hh("H2")], [
      mem("a", "H1", { occupation: "farmer" }),
      mem("b", "H2", { occupation: attack }),
    ]);
    expect([byId.H1.total_points, byId.H2.total_points]).toEqual([0, 1]);
  });

  it("numbers and parameters become exact DOUBLE literals", () => {
    const model = testModel([{ when: "income > 1e3 and income < 1.50 and age > $p" }], {
      parameters: [{ id: "p", value: -0 }],
    });
    const sql = compileModel(model, SCHEMA).steps[0].sql;
    expect(sql).toContain("CAST('1000' AS DOUBLE)");
    expect(sql).toContain("CAST('1.5' AS DOUBLE)");
    expect(sql).toContain("CAST('-0' AS DOUBLE)");
  });

  it("doubleLiteral() round-trips every double exactly through DuckDB", async () => {
    const values = [
      0.1,
      0.2,
      0.30000000000000004,
      1 / 3,
      -2.5,
      5e-324,
      1.7976931348623157e308,
      1e21,
      123456789.12345679,
      -0,
      2 ** 53 + 2,
      6.02214076e23,
    ];
    const rows = await db.all(`SELECT ${values.map((v, i) => `${doubleLiteral(v)} AS v${i}`).join(", ")}`);
    values.forEach((v, i) => expect(Object.is(rows[0][`v${i}`], v), `${v}`).toBe(true));
    expect(numberText(-0)).toBe("-0");
    expect(() => numberText(Infinity)).toThrow(RangeError);
  });

  it("ident() and textLiteral() escape their quotes", async () => {
    expect(ident('a"b')).toBe('"a""b"');
    expect(textLiteral("it's")).toBe("'it''s'");
    const [row] = await db.all(`SELECT ${textLiteral("'; DROP TABLE households; --")} AS ${ident('we"ird')}`);
    expect(row).toEqual({ 'we"ird': "'; DROP TABLE households; --" });
  });

  it("a household id to explain is a literal too", () => {
    const compiled = compileModel(SMALL, SCHEMA);
    const sql = hitsSql(compiled, { householdId: "H1' OR '1'='1" });
    expect(sql).toContain(`WHERE h."household_id" = 'H1'' OR ''1''=''1'`);
  });

  it("pipelineSql() folds steps into one WITH query", () => {
    expect(pipelineSql([{ name: "hits", description: "", sql: "SELECT 1 AS x" }], "SELECT * FROM hits")).toBe(
      "WITH\nhits AS (\n  SELECT 1 AS x\n)\nSELECT * FROM hits",
    );
  });
});
