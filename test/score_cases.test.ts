// Hand-worked cases: every grammar rule and every null case of contract §2, with exact expected
// scores. Each case runs the compiled SQL on DuckDB and the reference interpreter, which must
// agree (scoreBoth throws otherwise), and then checks the numbers worked out by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../src/db/mod.ts";
import { hh, mem, scoreBoth, type TestIndicator, testModel } from "./score_fixtures.ts";
import type { Row } from "./_reference_interpreter.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
});
afterAll(async () => {
  await db.close();
});

/** Scores one model and returns total points by household id. */
async function totals(
  indicators: TestIndicator[],
  households: Row[],
  members: Row[],
  options: Parameters<typeof testModel>[1] = {},
) {
  const { byId } = await scoreBoth(db, testModel(indicators, options), households, members);
  return Object.fromEntries(Object.entries(byId).map(([id, r]) => [id, r.total_points]));
}

/** Which of several one-point-each member conditions hold for one member: the sum of 2^i. */
async function firedBits(whens: string[], member: Row, household: Row = {}): Promise<number> {
  const t = await totals(whens.map((when, i) => ({ when, points: 2 ** i })), [hh("H", household)], [
    mem("P", "H", member),
  ]);
  return t.H;
}

describe("member indicators", () => {
  it("a single member over 70 with a major illness adds 6 points", async () => {
    const { byId } = await scoreBoth(db, testModel([{ when: "age > 70 and major_illness", points: 6 }]), [hh("H1")], [
      mem("P1", "H1", { age: 75, major_illness: true }),
    ]);
    expect(byId.H1).toEqual({
      household_id: "H1",
      village: "V",
      category: "dibao",
      members: 1,
      total_points: 6,
      per_capita: 6,
      band: null,
    });
  });

  it("each matching member adds the points once: two of three members over 60 give 2 × 3 points", async () => {
    const { byId } = await scoreBoth(db, testModel([{ when: "age > 60", points: 3 }]), [hh("H1")], [
      mem("P1", "H1", { age: 61 }),
      mem("P2", "H1", { age: 65 }),
      mem("P3", "H1", { age: 30 }),
    ]);
    expect(byId.H1.total_points).toBe(6);
    expect(byId.H1.per_capita).toBe(2);
  });

  it("otherwise applies once to every member whose when is false or null", async () => {
    const t = await totals([{ when: "age >= 18", points: 2, otherwise: -1 }], [hh("H1")], [
      mem("P1", "H1", { age: 20 }),
      mem("P2", "H1", { age: 10 }),
      mem("P3", "H1", { age: null }),
    ]);
    expect(t.H1).toBe(0); // 2 − 1 − 1
  });

  it("household.<column> in a member rule reads that member's household", async () => {
    const t = await totals([{ when: "age < 18 and household.car", points: 1 }], [
      hh("H1", { car: true }),
      hh("H2", { car: false }),
      hh("H3"),
    ], [
      mem("P1", "H1", { age: 10 }),
      mem("P2", "H1", { age: 30 }),
      mem("P3", "H2", { age: 10 }),
      mem("P4", "H3", { age: 10 }),
    ]);
    expect(t).toEqual({ H1: 1, H2: 0, H3: 0 });
  });
});

describe("household indicators and aggregates", () => {
  it("a household rule fires once, whatever the household size", async () => {
    const { byId } = await scoreBoth(db, testModel([{ level: "household", when: "not car", points: 5 }]), [
      hh("H1", { car: false }),
      hh("H2"),
    ], [
      mem("P1", "H1"),
      mem("P2", "H1"),
      mem("P3", "H1"),
      mem("P4", "H2"),
    ]);
    expect(byId.H1.total_points).toBe(5);
    expect(byId.H1.per_capita).toBe(5 / 3);
    expect(byId.H2.total_points).toBe(0); // car is null: not null is null, which counts as false
  });

  it("count_members() counts every member", async () => {
    const t = await totals([{ level: "household", when: "count_members() >= 4", points: 2 }], [hh("H1"), hh("H2")], [
      ...["a", "b", "c", "d"].map((p) => mem(p, "H1")),
      ...["e", "f", "g"].map((p) => mem(p, "H2")),
    ]);
    expect(t).toEqual({ H1: 2, H2: 0 });
  });

  it("count_members(cond) counts only members whose cond is true (null is not counted)", async () => {
    const t = await totals([{ level: "household", when: "count_members(age >= 60) = 2", points: 1 }], [
      hh("H1"),
      hh("H2"),
    ], [
      mem("a", "H1", { age: 70 }),
      mem("b", "H1", { age: 65 }),
      mem("c", "H1", { age: null }),
      mem("d", "H1", { age: 30 }),
      mem("e", "H2", { age: 70 }),
      mem("f", "H2", { age: null }),
    ]);
    expect(t).toEqual({ H1: 1, H2: 0 });
  });

  it("sum_members skips nulls and is 0 when every value is null", async () => {
    const t = await totals(
      [
        { level: "household", when: "sum_members(income) < 1000", points: 1 },
        { level: "household", when: "sum_members(income) = 0", points: 10 },
      ],
      [hh("H1"), hh("H2"), hh("H3")],
      [
        mem("a", "H1", { income: 400 }),
        mem("b", "H1", { income: null }),
        mem("c", "H1", { income: 500 }),
        mem("d", "H2"),
        mem("e", "H2"),
        mem("f", "H3", { income: 600 }),
        mem("g", "H3", { income: 500 }),
      ],
    );
    expect(t).toEqual({ H1: 1, H2: 11, H3: 0 });
  });

  it("sum_members adds in person_id order, so the last bit never depends on the engine", async () => {
    // 1e16 + 1 + 1 is 1e16 in doubles, but 1 + 1 + 1e16 is 1e16 + 2: the order is person_id.
    const t = await totals([{ level: "household", when: "sum_members(income) = 10000000000000002", points: 1 }], [
      hh("H1"),
      hh("H2"),
    ], [
      mem("p3", "H1", { income: 1e16 }),
      mem("p1", "H1", { income: 1 }),
      mem("p2", "H1", { income: 1 }),
      mem("q1", "H2", { income: 1e16 }),
      mem("q2", "H2", { income: 1 }),
      mem("q3", "H2", { income: 1 }),
    ]);
    expect(t).toEqual({ H1: 1, H2: 0 });
  });

  it("min_members and max_members skip nulls and are null when every value is null", async () => {
    const t = await totals(
      [
        { level: "household", when: "max_members(age) >= 80", points: 1, otherwise: -2 },
        { level: "household", when: "min_members(age) is null", points: 10 },
        { level: "household", when: "min_members(birth_date) < '1950-01-01'", points: 100 },
      ],
      [hh("H1"), hh("H2")],
      [
        mem("a", "H1", { age: null, birth_date: "1940-05-01" }),
        mem("b", "H1", { age: 85, birth_date: null }),
        mem("c", "H2"),
        mem("d", "H2"),
      ],
    );
    // H2: max is null → otherwise −2; min is null → +10; min date null → 0.
    expect(t).toEqual({ H1: 101, H2: 8 });
  });

  it("any_member and all_members count a null condition as not matching and are never null", async () => {
    const whens = [
      "all_members(major_illness)",
      "any_member(major_illness)",
      "not all_members(major_illness)",
      "not any_member(major_illness)",
    ];
    const t = await totals(whens.map((when, i) => ({ level: "household", when, points: 2 ** i })), [
      hh("H1"),
      hh("H2"),
      hh("H3"),
      hh("H4"),
    ], [
      mem("a", "H1", { major_illness: true }),
      mem("b", "H1", { major_illness: true }),
      mem("c", "H2", { major_illness: true }),
      mem("d", "H2", { major_illness: null }),
      mem("e", "H3", { major_illness: null }),
      mem("f", "H3", { major_illness: false }),
      mem("g", "H4", { major_illness: null }),
    ]);
    expect(t).toEqual({ H1: 1 + 2, H2: 2 + 4, H3: 4 + 8, H4: 4 + 8 });
  });

  it("aggregate arguments may read the member's household", async () => {
    const t = await totals(
      [{ level: "household", when: "any_member(age > 60 and household.car = false)", points: 1 }],
      [
        hh("H1", { car: false }),
        hh("H2", { car: true }),
      ],
      [mem("a", "H1", { age: 70 }), mem("b", "H2", { age: 70 })],
    );
    expect(t).toEqual({ H1: 1, H2: 0 });
  });

  it("a household rule mixes household columns, aggregates and parameters", async () => {
    const t = await totals(
      [{ level: "household", when: "sum_members(income) / count_members() < $dibao * 12 and not car", points: 4 }],
      [hh("H1", { car: false }), hh("H2", { car: false }), hh("H3", { car: true })],
      [
        mem("a", "H1", { income: 6000 }),
        mem("b", "H1", { income: 0 }),
        mem("c", "H2", { income: 8000 }),
        mem("d", "H3", { income: 0 }),
      ],
      { parameters: [{ id: "dibao", value: 580 }] },
    );
    expect(t).toEqual({ H1: 4, H2: 0, H3: 0 }); // 580 × 12 = 6960: H1 3000 < 6960, H2 8000 is not
  });
});

describe("null logic", () => {
  it("a when that is null takes otherwise", async () => {
    const t = await totals([{ when: "age > 60", points: 3, otherwise: 1 }], [hh("H1")], [
      mem("a", "H1", { age: null }),
    ]);
    expect(t.H1).toBe(1);
  });

  it("true or null is true; false and null is false; null and true is null", async () => {
    const bits = await firedBits([
      "major_illness or age > 60",
      "major_illness and age > 90",
      "not (major_illness and age > 60)",
    ], {
      age: 70,
      major_illness: null,
    });
    // 1: null or true = true; 2: null and false = false; 4: not (null and true) = not null = null.
    expect(bits).toBe(1);
  });

  it("false or null is null, and not of null is null", async () => {
    const t = await totals([{ when: "age > 90 or major_illness", points: 1, otherwise: 5 }, {
      when: "not major_illness",
      points: 1,
      otherwise: 7,
    }], [
      hh("H"),
    ], [mem("a", "H", { age: 70, major_illness: null })]);
    expect(t.H).toBe(12);
  });

  it("division by zero is null, not infinity", async () => {
    const bits = await firedBits([
      "income / disability_grade > 100",
      "income / disability_grade is null",
      "income / (age - age) is null",
      "1 / 0 is null",
    ], {
      income: 500,
      disability_grade: 0,
      age: 40,
    });
    expect(bits).toBe(2 + 4 + 8);
  });

  it("x in (…, null) is true on a match and null otherwise; not in follows", async () => {
    const whens = [
      "disability_grade in (1, 2, null)",
      "disability_grade not in (1, null)",
      "disability_grade not in (1, 2)",
      "disability_grade in (3)",
    ];
    expect(await firedBits(whens, { disability_grade: 1 })).toBe(1);
    expect(await firedBits(whens, { disability_grade: 3 })).toBe(4 + 8);
    expect(await firedBits(whens, { disability_grade: null })).toBe(0);
  });

  it("between with a null bound: false when the other bound already fails, else null", async () => {
    const whens = [
      "age between 60 and null",
      "age not between 60 and null",
      "age between 60 and 70",
      "age not between 60 and 70",
    ];
    expect(await firedBits(whens, { age: 50 })).toBe(2 + 8); // 50 >= 60 is false, so between is false and not between true
    expect(await firedBits(whens, { age: 65 })).toBe(4); // 65 <= null is null
    expect(await firedBits(whens, { age: 60 })).toBe(4); // bounds are inclusive
    expect(await firedBits(whens, { age: null })).toBe(0);
  });

  it("= null is never true; is null and is not null test for null", async () => {
    const whens = ["age = null", "age <> null", "age is null", "age is not null", "null is null", "null"];
    expect(await firedBits(whens, { age: null })).toBe(4 + 16);
    expect(await firedBits(whens, { age: 30 })).toBe(8 + 16);
  });

  it("the when `null` always takes otherwise", async () => {
    const t = await totals(
      [{ when: "null", points: 5, otherwise: 2 }, { level: "household", when: "NULL", points: 5, otherwise: 3 }],
      [hh("H")],
      [
        mem("a", "H"),
        mem("b", "H"),
      ],
    );
    expect(t.H).toBe(2 + 2 + 3);
  });

  it("coalesce takes the first value that is not null", async () => {
    const whens = [
      "coalesce(income, 0) < 100",
      "coalesce(income, disability_grade, 7) = 7",
      "coalesce(null, income) is null",
    ];
    expect(await firedBits(whens, {})).toBe(1 + 2 + 4);
    expect(await firedBits(whens, { income: 50, disability_grade: 2 })).toBe(1);
  });

  it("least and greatest skip nulls and are null only when every argument is", async () => {
    const whens = [
      "least(income, 500) = 500",
      "greatest(income, age) > 60",
      "least(income, disability_grade) is null",
      "greatest(null, null) is null",
    ];
    expect(await firedBits(whens, { age: 70 })).toBe(1 + 2 + 4 + 8);
    expect(await firedBits(whens, { age: 70, income: 100 })).toBe(2 + 8);
  });

  it("arithmetic with a null operand is null", async () => {
    const whens = ["age + income is null", "-income is null", "abs(income) is null", "income * 0 = 0"];
    expect(await firedBits(whens, { age: 1 })).toBe(1 + 2 + 4);
  });
});

describe("grammar", () => {
  it("every comparison operator, with != and <> the same", async () => {
    const whens = ["age = 60", "age != 60", "age <> 61", "age < 61", "age <= 60", "age > 59", "age >= 61", "age != 61"];
    expect(await firedBits(whens, { age: 60 })).toBe(1 + 4 + 8 + 16 + 32 + 128);
  });

  it("* and / bind tighter than + and -, all left-associative, unary minus tightest", async () => {
    const whens = [
      "1 + 2 * 3 = 7",
      "(1 + 2) * 3 = 9",
      "10 - 4 - 3 = 3",
      "12 / 3 / 2 = 2",
      "-age * 2 < -100",
      "- -3 = 3",
      "2 - -3 = 5",
      "-(1 + 2) = -3",
    ];
    expect(await firedBits(whens, { age: 60 })).toBe(255);
  });

  it("and binds tighter than or, and not tighter than and", async () => {
    const whens = [
      "true or false and false",
      "not false and false",
      "not (false and false)",
      "(true or false) and false",
      "not not true",
    ];
    expect(await firedBits(whens, {})).toBe(1 + 4 + 16);
  });

  it("numbers: integers, decimals and exponents", async () => {
    const whens = [
      "income = 1500",
      "income = 1.5e3",
      "income = 15E+2",
      "income < 1500.0001",
      "0.5 = .5",
      "2.5e-1 = 0.25",
      "income = 1500.",
      "0.1 + 0.2 = 0.3",
    ];
    expect(await firedBits(whens, { income: 1500 })).toBe(127); // 0.1 + 0.2 is not 0.3 in doubles, in SQL too
  });

  it("text literals in single quotes with '' for a quote; text compares by code point", async () => {
    const whens = [
      "occupation = 'farmer''s aide'",
      "occupation < 'g'",
      "occupation > 'Farmer'",
      "'农民' > 'farmer'",
      "occupation in ('x', 'farmer''s aide')",
    ];
    expect(await firedBits(whens, { occupation: "farmer's aide" })).toBe(31);
  });

  it("booleans compare with true and false", async () => {
    const whens = [
      "major_illness = true",
      "major_illness <> false",
      "major_illness = false",
      "major_illness",
      "false < true",
    ];
    expect(await firedBits(whens, { major_illness: true })).toBe(1 + 2 + 8 + 16);
    expect(await firedBits(whens, { major_illness: false })).toBe(4 + 16);
  });

  it("a date column compares with 'YYYY-MM-DD' text, in between and in too", async () => {
    const whens = [
      "birth_date < '1950-01-01'",
      "household.registered_on between '2020-01-01' and '2020-12-31'",
      "birth_date in ('1949-10-01', '1950-01-01')",
      "birth_date < household.registered_on",
      "coalesce(birth_date, '2000-01-01') = '1949-10-01'",
      "greatest(birth_date, '1960-01-01') = '1960-01-01'",
    ];
    expect(await firedBits(whens, { birth_date: "1949-10-01" }, { registered_on: "2020-12-31" })).toBe(63);
  });

  it("parameters read the model's named numbers", async () => {
    const t = await totals([{ when: "age >= $old_age", points: 1 }], [hh("H")], [
      mem("a", "H", { age: 65 }),
      mem("b", "H", { age: 64.5 }),
    ], {
      parameters: [{ id: "old_age", value: 65 }],
    });
    expect(t.H).toBe(1);
  });

  it("keywords, functions and column names are case-insensitive", async () => {
    const whens = [
      "AGE BETWEEN 60 AND 70 AND Major_Illness IS NOT NULL",
      "Not TRUE Or COALESCE(Age, 0) > 1",
      "age NOT IN (1, 2)",
      "NULL IS NULL",
    ];
    expect(await firedBits(whens, { age: 65, major_illness: false })).toBe(15);
  });

  it("abs, and functions nest", async () => {
    const whens = ["abs(income - 1000) <= 100", "abs(-2) = 2", "least(abs(income - 2000), greatest(1, 2)) = 2"];
    expect(await firedBits(whens, { income: 950 })).toBe(1 + 2 + 4); // least(1050, 2) = 2
    expect(await firedBits(whens, { income: 1200 })).toBe(2 + 4);
  });
});

describe("scoring arithmetic", () => {
  it("a category weight multiplies points and otherwise", async () => {
    const t = await totals([{ when: "age > 60", points: 4, otherwise: -2, category: "w" }], [hh("H")], [
      mem("a", "H", { age: 70 }),
      mem("b", "H", { age: 30 }),
    ], {
      categories: [{ id: "w", weight: 1.5 }],
    });
    expect(t.H).toBe(3); // 6 − 3
  });

  it("decimal points add up exactly, with no rounding: 0.1 + 0.2 + 0.3 is 0.6", async () => {
    const { byId } = await scoreBoth(
      db,
      testModel([{ when: "true", points: 0.1 }, { when: "true", points: 0.2 }, { when: "true", points: 0.3 }]),
      [hh("H")],
      [
        mem("a", "H"),
      ],
    );
    expect(byId.H.total_points).toBe(0.6);
    expect(byId.H.total_points).not.toBe(0 + 0.1 + 0.2 + 0.3); // what summing doubles would give
  });

  it("exact per-capita scores: 1.1 points for each of three members over three members is 1.1, and ties stay ties", async () => {
    const { byId } = await scoreBoth(
      db,
      testModel([{ when: "true", points: 1.1 }], { bands: [{ id: "red", min: 1.1 }] }),
      [hh("H"), hh("K")],
      [mem("a", "H"), mem("b", "H"), mem("c", "H"), mem("d", "K")],
    );
    expect(byId.H.total_points).toBe(3.3);
    expect(byId.H.per_capita).toBe(1.1);
    expect(byId.H.per_capita).toBe(byId.K.per_capita);
    expect(byId.H.band).toBe("red"); // 3 × 1.1 / 3 in doubles is 1.0999999999999999, below the band
  });

  it("points written with more than 9 decimals are summed as doubles in model order", async () => {
    const { byId } = await scoreBoth(
      db,
      testModel([{ when: "true", points: 1 / 3 }, { when: "true", points: 0.2 }]),
      [hh("H")],
      [mem("a", "H")],
    );
    expect(byId.H.total_points).toBe(0 + 1 / 3 + 0.2);
  });

  it("per-capita score is the total divided by members, unrounded", async () => {
    const { byId } = await scoreBoth(db, testModel([{ level: "household", when: "true", points: 10 }]), [hh("H")], [
      mem("a", "H"),
      mem("b", "H"),
      mem("c", "H"),
    ]);
    expect(byId.H.per_capita).toBe(10 / 3);
  });

  it("bands: the first band whose min ≤ per-capita score; exactly at min is in; below the last is not warned", async () => {
    const bands = [{ id: "red", min: 30 }, { id: "orange", min: 20 }, { id: "yellow", min: 12 }];
    const cases: [number, string | null][] = [
      [45, "red"],
      [30, "red"],
      [29.999, "orange"],
      [20, "orange"],
      [12, "yellow"],
      [11.5, null],
      [-3, null],
    ];
    for (const [points, band] of cases) {
      // One member and one household rule that always fires: the per-capita score is the points.
      const { byId } = await scoreBoth(db, testModel([{ level: "household", when: "true", points }], { bands }), [
        hh("H"),
      ], [mem("a", "H")]);
      expect([byId.H.per_capita, byId.H.band]).toEqual([points, band]);
    }
  });

  it("a model without bands warns nobody", async () => {
    const { byId } = await scoreBoth(db, testModel([{ when: "true", points: 100 }]), [hh("H")], [mem("a", "H")]);
    expect(byId.H.band).toBeNull();
  });

  it("rows are ordered by per-capita score descending, then household id", async () => {
    const { rows } = await scoreBoth(db, testModel([{ when: "age > 60", points: 1 }]), [
      hh("B"),
      hh("A"),
      hh("C"),
      hh("D"),
    ], [
      mem("b1", "B", { age: 70 }),
      mem("a1", "A", { age: 70 }),
      mem("c1", "C", { age: 10 }),
      mem("d1", "D", { age: 70 }),
      mem("d2", "D", { age: 70 }),
      mem("d3", "D", { age: 10 }),
    ]);
    expect(rows.map((r) => r.household_id)).toEqual(["A", "B", "D", "C"]);
  });

  it("a household without members scores 0 with no per-capita score and sorts last", async () => {
    const { byId, rows } = await scoreBoth(
      db,
      testModel([{ when: "true", points: 1, otherwise: 5 }, {
        level: "household",
        when: "all_members(age > 1) and count_members() = 0",
        points: 2,
      }]),
      [hh("E"), hh("H")],
      [mem("a", "H", { age: 0 })],
    );
    expect(byId.E).toMatchObject({ members: 0, total_points: 2, per_capita: null, band: null });
    expect(rows.map((r) => r.household_id)).toEqual(["H", "E"]);
  });

  it("village and category come through, with Chinese text, commas and quotes", async () => {
    const { byId } = await scoreBoth(db, testModel([{ when: "true" }]), [
      hh("H", { village: `王家村, "一组"`, category: "near_dibao" }),
    ], [mem("a", "H")]);
    expect(byId.H).toMatchObject({ village: `王家村, "一组"`, category: "near_dibao" });
  });
});
