// src/score: hit counts as typed arrays and the fast re-scoring that must match SQL bit for bit,
// the contributions table, the debug run, explaining one household, both engines giving the same
// rows, and a model compiled against a dataset loaded by src/ingest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../src/db/mod.ts";
import { compileModel, contribution, householdTotal, STEP_NAMES, sumsOrderFreeSql } from "../src/model/mod.ts";
import { explainHousehold, readContributions, readHits, runSteps, scoreHouseholds } from "../src/score/mod.ts";
import { buildFrame, scoreFrame } from "../src/simulate/mod.ts";
import { load } from "./_datasets.ts";
import { interpretModel } from "./_reference_interpreter.ts";
import { hh, loadTables, mem, SCHEMA, testModel } from "./score_fixtures.ts";
import { RANDOM_SCHEMA, randomDataset, randomModel } from "./score_random.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
});
afterAll(async () => {
  await db.close();
});

const MODEL = testModel(
  [
    { id: "M03", category: "medical", when: "major_illness and age >= 16", points: 6 },
    { id: "E01", category: "elderly", when: "age > 70", points: 3, otherwise: -0.5 },
    { id: "H01", category: "assets", level: "household", when: "not coalesce(car, false)", points: 2.5, otherwise: -4 },
    { id: "H02", category: "income", level: "household", when: "sum_members(income) < 1000", points: 1 / 3 },
  ],
  {
    categories: [{ id: "medical", weight: 1.5 }, { id: "elderly" }, { id: "assets", weight: 2 }, {
      id: "income",
      weight: 0.1,
    }],
    bands: [{ id: "red", min: 8 }, { id: "yellow", min: 2 }],
  },
);
const HOUSEHOLDS = [hh("H1", { car: false }), hh("H2", { car: true }), hh("H3")];
const MEMBERS = [
  mem("P1", "H1", { age: 75, major_illness: true, income: 200 }),
  mem("P2", "H1", { age: 40, major_illness: true, income: null }),
  mem("P3", "H1", { age: 12, major_illness: true, income: 100 }),
  mem("P4", "H2", { age: 80, major_illness: false, income: 5000 }),
  mem("P5", "H3", { age: null, major_illness: null, income: null }),
];

describe("readHits() and the fast path (src/simulate scoreFrame)", () => {
  it("reads one hit count per household and indicator, ordered by household id", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const hits = await readHits(db, compiled);
    expect(hits.householdIds).toEqual(["H1", "H2", "H3"]);
    expect(hits.members).toEqual(Int32Array.from([3, 1, 1]));
    expect(hits.hits).toEqual([
      Int32Array.from([2, 0, 0]),
      Int32Array.from([1, 1, 0]),
      Int32Array.from([1, 0, 1]),
      Int32Array.from([1, 0, 1]),
    ]);
  });

  it("re-scores from hits exactly as the SQL scores, order included", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const hits = await readHits(db, compiled);
    const fast = scoreFrame(buildFrame(hits), compiled.coefficients, compiled.bands);
    const sql = await scoreHouseholds(db, compiled);
    expect([...fast.order].map((i) => hits.householdIds[i])).toEqual(sql.map((r) => r.household_id));
    for (const row of sql) {
      const i = hits.householdIds.indexOf(row.household_id);
      expect([fast.total[i], fast.perCapita[i], fast.band[i]]).toEqual([row.total_points, row.per_capita, row.band]);
    }
    // H1: M03 2 × 9 + 1 × 0; E01 1 × 3 + 2 × −0.5; H01 5; H02 0.1 × (1/3) = 18 + 2 + 5 + 0.1/3.
    expect(sql[0]).toMatchObject({ household_id: "H1", total_points: ((0 + 18) + 2) + 5 + 0.1 * (1 / 3) });
  });

  it("matches SQL bit for bit on random models, and with edited points and weights", async () => {
    const { households, members } = randomDataset(77, 300);
    await loadTables(db, RANDOM_SCHEMA, households, members);
    for (let seed = 500; seed < 520; seed++) {
      const model = randomModel(seed);
      const compiled = compileModel(model, RANDOM_SCHEMA);
      const hits = await readHits(db, compiled);
      const sql = await scoreHouseholds(db, compiled);
      const fast = scoreFrame(buildFrame(hits), compiled.coefficients, compiled.bands);
      expect([...fast.order].map((i) => hits.householdIds[i])).toEqual(sql.map((r) => r.household_id));
      sql.forEach((row, k) => {
        const i = fast.order[k];
        expect(fast.total[i]).toBe(row.total_points);
        expect(row.per_capita === null ? Number.isNaN(fast.perCapita[i]) : fast.perCapita[i] === row.per_capita).toBe(
          true,
        );
        expect(fast.band[i]).toBe(row.band);
      });
      // Edit points and weights: re-score from the same hits vs re-running the SQL.
      for (const ind of model.indicators) ind.points = ind.points * 1.1 + 0.3;
      for (const c of model.categories) c.weight = c.weight + 0.25;
      const edited = compileModel(model, RANDOM_SCHEMA);
      const fastEdited = scoreFrame(buildFrame(hits), edited.coefficients, edited.bands);
      const sqlEdited = await scoreHouseholds(db, edited);
      sqlEdited.forEach((row, k) => expect(fastEdited.total[fastEdited.order[k]]).toBe(row.total_points));
    }
  });
});

describe("contributions", () => {
  it("one row per household and indicator, before and after weights, summing to the total in model order", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const rows = await readContributions(db, compiled);
    expect(
      rows.filter((r) => r.household_id === "H1").map((
        r,
      ) => [r.indicator, r.hits, r.misses, r.points_unweighted, r.points]),
    ).toEqual([
      ["M03", 2, 1, 12, 18],
      ["E01", 1, 2, 2, 2],
      ["H01", 1, 0, 2.5, 5],
      ["H02", 1, 0, 1 / 3, 0.1 * (1 / 3)],
    ]);
    const scored = await scoreHouseholds(db, compiled);
    for (const s of scored) {
      const mine = rows.filter((r) => r.household_id === s.household_id);
      expect(mine.reduce((t, r) => t + r.points, 0)).toBe(s.total_points);
      mine.forEach((r) =>
        expect(r.points).toBe(contribution(compiled.coefficients[r.indicator_index], r.hits, s.members))
      );
    }
  });
});

describe("runSteps()", () => {
  it("materializes and times every step; the tables hold the intermediate results", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const timings = await runSteps(db, compiled);
    expect(timings.map((t) => [t.name, t.rows])).toEqual(STEP_NAMES.map((n) => [n, n === "member_conditions" ? 5 : 3]));
    expect(timings.every((t) => t.ms >= 0)).toBe(true);
    expect(await db.all(`SELECT household_id, "h0_M03", "h1_E01", "h2_H01", "h3_H02" FROM hits ORDER BY household_id`))
      .toEqual([
        { household_id: "H1", h0_M03: 2, h1_E01: 1, h2_H01: 1, h3_H02: 1 },
        { household_id: "H2", h0_M03: 0, h1_E01: 1, h2_H01: 0, h3_H02: 0 },
        { household_id: "H3", h0_M03: 0, h1_E01: 0, h2_H01: 1, h3_H02: 1 },
      ]);
  });
});

describe("explainHousehold()", () => {
  it("lists every indicator with hits, points × weight and the members it fired for", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const e = (await explainHousehold(db, compiled, "H1"))!;
    expect(e.household).toEqual((await scoreHouseholds(db, compiled)).find((r) => r.household_id === "H1"));
    expect(e.indicators.map((i) => [i.id, i.hits, i.misses, i.unweighted, i.points_total, i.members])).toEqual([
      ["M03", 2, 1, 12, 18, ["P1", "P2"]],
      ["E01", 1, 2, 2, 2, ["P1"]],
      ["H01", 1, 0, 2.5, 5, undefined],
      ["H02", 1, 0, 1 / 3, 0.1 * (1 / 3), undefined],
    ]);
    expect(e.members).toEqual([{ person_id: "P1", fired: ["M03", "E01"] }, { person_id: "P2", fired: ["M03"] }, {
      person_id: "P3",
      fired: [],
    }]);
    expect(householdTotal(compiled.coefficients, (i) => e.indicators[i].hits, e.household.members)).toBe(
      e.household.total_points,
    );
  });

  it("returns null for an unknown household, and treats the id as data", async () => {
    const compiled = compileModel(MODEL, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    expect(await explainHousehold(db, compiled, "nope")).toBeNull();
    expect(await explainHousehold(db, compiled, "H1' OR '1'='1")).toBeNull();
  });
});

describe("both engines", () => {
  it("give the same scored rows, to the last bit, on random models", async () => {
    const wasm = await openDb("wasm");
    try {
      const { households, members } = randomDataset(4242, 200);
      await loadTables(db, RANDOM_SCHEMA, households, members);
      await loadTables(wasm, RANDOM_SCHEMA, households, members);
      for (let seed = 900; seed < 915; seed++) {
        const compiled = compileModel(randomModel(seed), RANDOM_SCHEMA);
        const [native, browser] = [await scoreHouseholds(db, compiled), await scoreHouseholds(wasm, compiled)];
        expect(browser).toEqual(native);
        const reference = interpretModel(compiled, households, members).map(({ hits: _, ...r }) => r);
        expect(JSON.stringify(native)).toBe(JSON.stringify(reference));
      }
    } finally {
      await wasm.close();
    }
  });
});

describe("sum_members in person_id order", () => {
  it("gives the same last bit on both engines, whatever the row order", async () => {
    // 1e16 + 1 + 1 is 1e16 in doubles, but 1 + 1 + 1e16 is 1e16 + 2.
    const model = testModel([{ level: "household", when: "sum_members(income) = 10000000000000002" }]);
    const households = [hh("H1"), hh("H2")];
    const members = [
      mem("p3", "H1", { income: 1e16 }),
      mem("p1", "H1", { income: 1 }),
      mem("p2", "H1", { income: 1 }),
      mem("q1", "H2", { income: 1e16 }),
      mem("q2", "H2", { income: 1 }),
      mem("q3", "H2", { income: 1 }),
    ];
    const wasm = await openDb("wasm");
    try {
      for (const engine of [db, wasm]) {
        await loadTables(engine, SCHEMA, households, members);
        const rows = await scoreHouseholds(engine, compileModel(model, SCHEMA));
        expect(rows.map((r) => [r.household_id, r.total_points])).toEqual([["H1", 1], ["H2", 0]]);
      }
    } finally {
      await wasm.close();
    }
  });
});

describe("with src/ingest", () => {
  it("a model compiles against the schema of a loaded CSV dataset and scores it", async () => {
    const { db: loaded, report } = await load("native", {
      "households.csv": 'household_id,village,category,has_car\nH1,"王家村, 一组",dibao,false\nH2,李家湾,tekun,true\n',
      "members.csv":
        "person_id,household_id,age,major_illness,income\nP1,H1,72,true,1200.5\nP2,H1,8,false,\nP3,H2,45,1,3000\n",
    });
    try {
      expect(report.valid).toBe(true);
      const model = testModel([
        { when: "age > 70 and major_illness", points: 6 },
        { level: "household", when: "not has_car and sum_members(income) < 2000", points: 1.5 },
      ], { bands: [{ id: "red", min: 3 }] });
      const compiled = compileModel(model, report.schema, "m.json");
      expect(await scoreHouseholds(loaded, compiled)).toEqual([
        {
          household_id: "H1",
          village: "王家村, 一组",
          category: "dibao",
          members: 2,
          total_points: 7.5,
          per_capita: 3.75,
          band: "red",
        },
        {
          household_id: "H2",
          village: "李家湾",
          category: "tekun",
          members: 1,
          total_points: 0,
          per_capita: 0,
          band: null,
        },
      ]);
    } finally {
      await loaded.close();
    }
  });
});

describe("the order-free check of sum_members", () => {
  it("joins members to their households only where a summed argument reads them", () => {
    const own = testModel([
      { id: "M1", category: "c", when: "household.car and age > 60", points: 1 },
      { id: "H1", category: "c", level: "household", when: "sum_members(income) < 1000", points: 1 },
    ]);
    const joined = testModel([
      {
        id: "H1",
        category: "c",
        level: "household",
        when: "sum_members(income * household.house_area) < 1000",
        points: 1,
      },
    ]);
    expect(sumsOrderFreeSql(compileModel(own, SCHEMA, "own.json"))).not.toContain("JOIN households");
    expect(sumsOrderFreeSql(compileModel(joined, SCHEMA, "joined.json"))).toContain("JOIN households");
  });
});
