// Property-based tests (fast-check, seeded and bounded): random and adversarial inputs to the
// `when` language, model files, the CSV writer and the CSV reader either work or are refused as
// input errors — never another exception, never a hang.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { type Db, openDb } from "../src/db/mod.ts";
import { compileModel, parseWhen, WhenError } from "../src/model/mod.ts";
import { scoreHouseholds } from "../src/score/mod.ts";
import { writeCsv } from "../src/base/csv.ts";
import { parseCsv } from "../src/ingest/mod.ts";
import { hh, loadTables, mem, SCHEMA, testModel } from "./score_fixtures.ts";
import { memoryFiles, VALID } from "./_datasets.ts";
import { loadDataset } from "../src/ingest/mod.ts";

const SEED = 20261202;
const params = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
  await loadTables(
    db,
    SCHEMA,
    [hh("H1", { car: true, house_area: 80, registered_on: "2020-02-29" }), hh("H2", { car: null }), hh("H3")],
    [
      mem("P1", "H1", { age: 72, income: 100.5, major_illness: true, occupation: "farmer", birth_date: "1950-01-01" }),
      mem("P2", "H1", { age: 0, income: -3, major_illness: false, disability_grade: 2, occupation: "" }),
      mem("P3", "H2", { age: null, income: null, major_illness: null }),
    ],
  );
});
afterAll(async () => {
  await db.close();
});

// ---------------------------------------------------------------------------------------------
// The `when` language

const NUMBER_COLUMNS = ["age", "income", "disability_grade", "household.house_area"];
const ATOMS = [
  ...NUMBER_COLUMNS,
  "major_illness",
  "occupation",
  "birth_date",
  "car",
  "1",
  "0",
  "-0",
  "1e308",
  "0.1",
  "null",
  "true",
  "'farmer'",
  "'2000-02-29'",
  "'it''s'",
  "'a\u0000b'",
  "$p",
  "$nope",
  "count_members()",
  "unknown_col",
];
const OPERATORS = ["+", "-", "*", "/", "=", "<>", "!=", "<", "<=", ">", ">=", "and", "or"];
const JUNK = [
  "(",
  ")",
  ",",
  "not",
  "is",
  "between",
  "in",
  "select",
  ";",
  "--",
  "'",
  '"',
  "$",
  "\u0000",
  "\u202e",
  "你",
];

/** A random expression from the grammar (mostly well formed, often ill typed). */
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...ATOMS),
    fc.tuple(tie("e"), fc.constantFrom(...OPERATORS), tie("e")).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie("e").map((a) => `(${a})`),
    tie("e").map((a) => `not ${a}`),
    tie("e").map((a) => `-${a}`),
    tie("e").map((a) => `${a} is not null`),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([a, b, c]) => `${a} between ${b} and ${c}`),
    fc.tuple(tie("e"), fc.array(tie("e"), { minLength: 1, maxLength: 3 })).map(([a, xs]) =>
      `${a} in (${xs.join(", ")})`
    ),
    fc.tuple(fc.constantFrom("coalesce", "abs", "least", "greatest"), fc.array(tie("e"), { maxLength: 3 })).map((
      [f, xs],
    ) => `${f}(${xs.join(", ")})`),
    fc.tuple(
      fc.constantFrom("any_member", "all_members", "count_members", "sum_members", "min_members", "max_members"),
      tie("e"),
    ).map(([f, x]) => `${f}(${x})`),
  ),
})).e;

/** Long or deep shapes that stress the limits: flat chains, deep nesting, junk tokens. */
const adversarial: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom("age", "1", "income"), fc.constantFrom("+", "-", "*", "/", "and", "or"), fc.nat(3000))
    .map(([a, op, n]) => Array(n + 1).fill(a).join(` ${op} `) + (op === "and" || op === "or" ? "" : " > 0")),
  fc.tuple(fc.constantFrom("(", "not ", "-", "abs(", "coalesce(age, "), fc.nat(200)).map(([open, n]) =>
    open.repeat(n) + "age" + (open.endsWith("(") || open.endsWith(", ") ? ")".repeat(n) : "") + " > 1"
  ),
  fc.array(fc.constantFrom(...ATOMS, ...OPERATORS, ...JUNK), { maxLength: 40 }).map((xs) => xs.join(" ")),
  fc.string({ maxLength: 60, unit: "binary" }),
);

/** Compiles `when` as a member and as a household rule and runs it; only input errors may be thrown. */
async function compilesRunsOrRefuses(when: string): Promise<void> {
  for (const level of ["member", "household"] as const) {
    let compiled;
    try {
      compiled = compileModel(
        testModel([{ id: "X", level, when }], { parameters: [{ id: "p", value: 3 }] }),
        SCHEMA,
        "prop.json",
      );
    } catch (error) {
      if (error instanceof InputError) {
        expect(error.problems.length).toBeGreaterThan(0);
        for (const p of error.problems) expect(p).toMatchObject({ file: "prop.json", indicator: "X" });
        continue;
      }
      throw error;
    }
    const rows = await scoreHouseholds(db, compiled);
    expect(rows.length).toBe(3);
    for (const r of rows) expect(Number.isFinite(r.total_points)).toBe(true);
  }
}

describe("the `when` language on random input", () => {
  it("the parser returns a tree or throws WhenError, for any text", () => {
    fc.assert(
      fc.property(fc.oneof(expr, adversarial, fc.string({ maxLength: 200 })), (text) => {
        try {
          parseWhen(text);
        } catch (error) {
          if (!(error instanceof WhenError)) throw error;
          expect(error.position).toBeGreaterThanOrEqual(1);
        }
      }),
      params(400),
    );
  });

  it("random expressions compile and run in DuckDB, or are refused as input errors", async () => {
    await fc.assert(fc.asyncProperty(expr, compilesRunsOrRefuses), params(250));
  }, 60_000);

  it("adversarial expressions (long chains, deep nesting, junk) compile and run, or are refused", async () => {
    await fc.assert(fc.asyncProperty(adversarial, compilesRunsOrRefuses), params(60));
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Model files

const BASE_MODEL = JSON.stringify({
  id: "m",
  version: "1",
  parameters: [{ id: "p", value: 1 }],
  categories: [{ id: "c", weight: 1.5 }],
  indicators: [
    { id: "A", category: "c", level: "member", when: "age > $p", points: 2 },
    { id: "B", category: "c", level: "household", when: "any_member(major_illness)", points: -1, otherwise: 0.5 },
  ],
  bands: [{ id: "red", min: 3 }, { id: "yellow", min: 1 }],
});

/** A JSON value of any shape, including hostile keys. */
const jsonValue = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, -0, 1e308, -1e308, 5e-324, "", "x", "__proto__", "constructor"),
    fc.double(),
    fc.string({ maxLength: 10 }),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "id", "when", "indicators"), fc.string()),
      tie("v"),
      { maxKeys: 4 },
    ),
  ),
})).v;

/** Replaces the value at a random path of the model with a random value. */
function mutate(model: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || model === null || typeof model !== "object") return value;
  const keys = Object.keys(model as object);
  if (keys.length === 0) return value;
  const key = keys[path[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(model) ? [...model] as never : { ...model };
  copy[key] = mutate((model as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

/** parseModel, then compile: each returns or throws InputError. */
function parsesOrRefuses(text: string): void {
  let model;
  try {
    model = parseModel(text, "m.json");
  } catch (error) {
    if (error instanceof InputError) {
      for (const p of error.problems) expect(p.file).toBe("m.json");
      return;
    }
    throw error;
  }
  try {
    compileModel(model, SCHEMA, "m.json");
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  }
}

describe("model files on random input", () => {
  it("mutated models parse and compile, or are refused as input errors", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 5 }), jsonValue, (path, value) => {
        parsesOrRefuses(JSON.stringify(mutate(JSON.parse(BASE_MODEL), path, value)) ?? "null");
      }),
      params(500),
    );
  });

  it("random text, truncated models, BOMs and deep nesting are refused as input errors or parse", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 100, unit: "binary" }),
      fc.nat(BASE_MODEL.length).map((n) => BASE_MODEL.slice(0, n)),
      fc.tuple(fc.constantFrom("\ufeff", "\ufeff\ufeff", " ", "\u0000"), fc.constant(BASE_MODEL)).map(([a, b]) =>
        a + b
      ),
      fc.tuple(fc.nat(20_000), fc.constantFrom("[", '{"a":')).map(([n, open]) =>
        BASE_MODEL.replace(/^\{/, `{"deep":${open.repeat(n)}1${(open === "[" ? "]" : "}").repeat(n)},`)
      ),
      jsonValue.map((v) => JSON.stringify(v) ?? ""),
    );
    fc.assert(fc.property(text, parsesOrRefuses), params(300));
  });
});

// ---------------------------------------------------------------------------------------------
// CSV

describe("CSV on random input", () => {
  it("the one CSV writer round-trips through the reader", () => {
    const cell = fc.string({
      maxLength: 8,
      unit: fc.constantFrom("a", ",", '"', "\r", "\n", " ", "\r\n", "=", "你", "\t"),
    });
    const table = fc.integer({ min: 1, max: 4 }).chain((width) =>
      fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 })
    );
    fc.assert(
      fc.property(table, (rows) => {
        // A one-column row of one empty cell is a blank line, which the reader skips by design.
        fc.pre(rows.every((r) => r.length > 1 || r[0] !== ""));
        // Data files the toolkit reads back keep formulas as they are; …
        expect(parseCsv(writeCsv(rows, { formulas: "keep" }))).toEqual(rows);
        // … outputs for people neutralise them: a leading ' on text a spreadsheet would run, nothing else changed.
        const neutralised = rows.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
        expect(parseCsv(writeCsv(rows))).toEqual(neutralised);
      }),
      params(500),
    );
  });

  it("the dataset loader reports problems or loads random CSV bytes, never crashes", async () => {
    const piece = fc.constantFrom(
      "household_id",
      "village",
      "category",
      "person_id",
      "age",
      "H1",
      "P1",
      "70",
      "NaN",
      "Infinity",
      "1e309",
      ",",
      '"',
      '""',
      "\n",
      "\r\n",
      "\r",
      "\ufeff",
      "=HYPERLINK(1)",
      "你",
      " ",
      "\u0000",
      "_row",
    );
    const csv = fc.oneof(
      fc.array(piece, { maxLength: 30 }).map((xs) => xs.join("")),
      fc.uint8Array({ maxLength: 60 }),
      fc.tuple(fc.array(piece, { maxLength: 12 }), fc.constantFrom("households.csv", "members.csv")).map((
        [xs, f],
      ) => (VALID[f] as string) + xs.join("")),
    );
    await fc.assert(
      fc.asyncProperty(csv, fc.constantFrom("households.csv", "members.csv"), async (content, file) => {
        const files = memoryFiles({ ...VALID, [file]: content });
        const fresh = await openDb("native");
        try {
          const report = await loadDataset(fresh, files, { folder: "ds" });
          expect(typeof report.valid).toBe("boolean");
          if (!report.valid) expect(report.problems.length).toBeGreaterThan(0);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
        } finally {
          await fresh.close();
        }
      }),
      params(60),
    );
  }, 60_000);

  it("a NUL in a CSV value is reported as a problem", async () => {
    const fresh = await openDb("native");
    try {
      const files = memoryFiles({ ...VALID, "members.csv": (VALID["members.csv"] as string) + "a\u0000b\n" });
      const report = await loadDataset(fresh, files, { folder: "ds" });
      expect(report.valid).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it("a column named `_row` is refused as a name, not a crash", async () => {
    const fresh = await openDb("native");
    try {
      const files = memoryFiles({ ...VALID, "households.csv": "_row\r\ncategory_row" });
      const report = await loadDataset(fresh, files, { folder: "ds" });
      expect(typeof report.valid).toBe("boolean");
    } finally {
      await fresh.close();
    }
  });
});
