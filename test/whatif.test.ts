/** What-if re-scoring of one household (src/simulate/whatif.ts), as the household page uses it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../src/db/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { explainHousehold } from "../src/score/mod.ts";
import { editLiteral, explainWhatIf, householdRows, modelColumns, whatIfStatements } from "../src/simulate/whatif.ts";
import { hh, loadTables, mem, SCHEMA, testModel } from "./score_fixtures.ts";

const MODEL = testModel(
  [
    { id: "M03", when: "major_illness and age >= 16", points: 6 },
    { id: "H01", level: "household", when: "not coalesce(car, false)", points: 2.5 },
  ],
  { bands: [{ id: "red", min: 4 }] },
);
const HOUSEHOLDS = [hh("H1", { car: false }), hh("H2", { car: true })];
const MEMBERS = [
  mem("P1", "H1", { age: 75, major_illness: false }),
  mem("P2", "H1", { age: 40, major_illness: false }),
  mem("P3", "H2", { age: 50, major_illness: true }),
];

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
  await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
});
afterAll(async () => {
  await db.close();
});

describe("what-if", () => {
  it("editLiteral() types a typed value by its column, and names what it expected", () => {
    expect(editLiteral("number", " 12 ")).toBe("CAST('12' AS DOUBLE)");
    expect(editLiteral("boolean", "TRUE")).toBe("true");
    expect(editLiteral("date", "2024-01-31")).toBe("DATE '2024-01-31'");
    expect(editLiteral("text", "王'家")).toBe("'王''家'");
    expect(editLiteral("number", "")).toBe("NULL");
    expect(() => editLiteral("number", "abc")).toThrow('Expected a number but found "abc"');
    expect(() => editLiteral("boolean", "yes")).toThrow('Expected true or false but found "yes"');
  });

  it("whatIfStatements() copies only the household's rows and quotes ids and columns as data", () => {
    const sql = whatIfStatements("H1'; DROP TABLE households; --", [
      { table: "members", person: "P1", column: "major_illness", value: "true" },
    ], SCHEMA);
    expect(sql.join("\n")).toContain("WHERE household_id = 'H1''; DROP TABLE households; --'");
    expect(sql.at(-1)).toBe(`UPDATE whatif.members SET "major_illness" = true WHERE person_id = 'P1'`);
    expect(() => whatIfStatements("H1", [{ table: "members", column: "nope", value: "1" }], SCHEMA)).toThrow(
      'Expected a column of members but found "nope"',
    );
  });

  it("a member's major illness raises the household's per-capita score, and the loaded tables are unchanged", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    const before = (await explainHousehold(db, compiled, "H1"))!;
    const after = (await explainWhatIf(db, compiled, SCHEMA, "H1", [
      { table: "members", person: "P2", column: "major_illness", value: "true" },
    ]))!;
    expect(before.household.per_capita).toBe(2.5 / 2);
    expect(after.household.per_capita).toBe((2.5 + 6) / 2);
    expect(after.household.band).toBe("red");
    expect(await explainHousehold(db, compiled, "H1")).toEqual(before);
    expect((await householdRows(db, "H1")).members.map((m) => m.major_illness)).toEqual([false, false]);
  });

  it("modelColumns() lists the columns the model reads, per table", () => {
    const compiled = compileModel(MODEL, SCHEMA);
    expect(modelColumns(compiled, SCHEMA, "members")).toEqual(["age", "major_illness"]);
    expect(modelColumns(compiled, SCHEMA, "households")).toEqual(["car"]);
  });
});
