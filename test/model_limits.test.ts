// The documented size limits of a model: big models and long `when`s score (the compiler writes
// SQL that nests about log n deep), and what is beyond a limit is refused with an InputError that
// names the limit, the file and the value — through the library and through `deno task score`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, type Model, MODEL_LIMITS, parseModel } from "../src/contract/mod.ts";
import { type Db, openDb } from "../src/db/mod.ts";
import {
  compileModel,
  MAX_BETWEEN_NESTING,
  MAX_TOKENS,
  MAX_WEIGHTED_POINTS,
  MAX_WHEN_LENGTH,
  MAX_WHEN_SQL_NESTING,
  sqlNesting,
} from "../src/model/mod.ts";
import { scoreHouseholds } from "../src/score/mod.ts";
import { hh, loadTables, mem, SCHEMA, scoreBoth, testModel } from "./score_fixtures.ts";
import type { Row } from "./_reference_interpreter.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
});
afterAll(async () => {
  await db.close();
});

const HOUSEHOLDS: Row[] = [
  hh("H1", { car: true, house_area: 80 }),
  hh("H2", { car: false, house_area: null }),
  hh("H3", { car: null, house_area: 200 }),
  hh("H4"),
];
const MEMBERS: Row[] = [
  mem("P1", "H1", { age: 72, income: 100.1, major_illness: true }),
  mem("P2", "H1", { age: 8, income: 0.3, major_illness: false }),
  mem("P3", "H2", { age: 45, income: null, major_illness: null }),
  mem("P4", "H3", { age: 30, income: 1234.5678, major_illness: true }),
  mem("P5", "H3", { age: null, income: 7, major_illness: false }),
];

/** The problems of what `f` throws, which must be an InputError. */
function problemsOf(f: () => unknown) {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected an InputError");
}

/** `n` indicators, alternating member and household rules, points that vary by index. */
function bigIndicators(n: number, points: (i: number) => number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `R${i}`,
    level: i % 2 === 0 ? "member" as const : "household" as const,
    when: i % 2 === 0 ? `age >= ${i % 90}` : `house_area > ${i % 250} or car`,
    points: points(i),
    otherwise: i % 7 === 0 ? -1 : 0,
  }));
}

describe("a big model scores", () => {
  it("a model of 2,000 indicators scores like its twin split into 20 models of 100 (integer units)", async () => {
    const indicators = bigIndicators(2000, (i) => (i % 13) + 0.5);
    const whole = await scoreBoth(db, testModel(indicators), HOUSEHOLDS, MEMBERS);
    expect(whole.compiled.sql).toContain("list_sum([");
    // Each part of 100 keeps the plain left-to-right SQL; the exact sums of the parts add up.
    const totals = new Map<string, number>();
    for (let k = 0; k < 20; k++) {
      const part = await scoreBoth(db, testModel(indicators.slice(k * 100, k * 100 + 100)), HOUSEHOLDS, MEMBERS);
      for (const r of part.rows) totals.set(r.household_id, (totals.get(r.household_id) ?? 0) + r.total_points);
    }
    for (const r of whole.rows) expect(r.total_points).toBe(totals.get(r.household_id));
    // H4 has no members: only the household rules' otherwise (−1 on every 7th index that is odd).
    const h4 = indicators.filter((ind, i) => ind.level === "household" && i % 7 === 0).length;
    expect(whole.byId.H4.total_points).toBe(-h4);
  });

  it("a model of 2,000 indicators in doubles sums in model order, bit for bit", async () => {
    const indicators = bigIndicators(2000, (i) => 1 / (i + 3));
    const { compiled, rows } = await scoreBoth(db, testModel(indicators), HOUSEHOLDS, MEMBERS);
    expect(compiled.coefficients[0].units).toBeNull();
    expect(compiled.sql).toContain("list_reduce([CAST('0' AS DOUBLE),");
    expect(rows.length).toBe(4);
  });

  it("a model of exactly 100 indicators keeps the plain form", () => {
    const sql = compileModel(testModel(bigIndicators(100, () => 1)), SCHEMA).sql;
    expect(sql).not.toContain("list_reduce");
    expect(sqlNesting(sql)).toBeGreaterThan(100);
  });
});

describe("a long `when` scores", () => {
  it("a when of 1,500 terms `age + age + …` scores like `age * 1500`", async () => {
    const long = Array(1500).fill("age").join(" + ") + " > 30000";
    const model = testModel([{ id: "LONG", when: long, points: 2 }, { id: "SHORT", when: "age * 1500 > 30000" }]);
    const { compiled, rows } = await scoreBoth(db, model, HOUSEHOLDS, MEMBERS);
    expect(sqlNesting(compiled.sql)).toBeLessThan(100);
    const hits = await db.all(
      `SELECT household_id, h0_LONG, h1_SHORT FROM (${
        compiled.sql.replace(/SELECT household_id[^]*$/, "SELECT * FROM hits")
      })`,
    );
    for (const h of hits) expect(h.h0_LONG).toBe(h.h1_SHORT);
    expect(rows.find((r) => r.household_id === "H1")!.total_points).toBe(3);
  });

  it("long chains of + and -, of * and /, in doubles, round as written (left to right)", async () => {
    const sum = ["income"].concat(Array.from({ length: 1200 }, (_, i) => `${i % 3 === 0 ? "-" : "+"} ${i / 7}`))
      .join(" ");
    const product = ["income"].concat(Array.from({ length: 600 }, (_, i) => `${i % 2 ? "/" : "*"} ${1 + i / 97}`))
      .join(" ");
    const withZero = product + " / 0";
    const model = testModel([
      { id: "S", when: `${sum} > 5`, points: 1 },
      { id: "S2", when: `${sum} = ${sum}`, points: 2 },
      { id: "P", when: `${product} > 1`, points: 4 },
      { id: "Z", when: `(${withZero}) is null`, points: 8 },
      { id: "H", level: "household", when: `sum_members(${sum}) > 100`, points: 16 },
    ]);
    const { compiled, byId } = await scoreBoth(db, model, HOUSEHOLDS, MEMBERS);
    expect(compiled.sql).toContain("list_reduce(");
    // Every member has `Z` (a division by 0 is null); P3's null income nulls every chain.
    expect(byId.H2.total_points).toBe(8);
  });

  it("long and/or chains keep three-valued logic (null and false, null or true)", async () => {
    const ands = Array.from({ length: 1200 }, (_, i) => `age > ${i % 20}`).join(" and ");
    const ors = Array.from({ length: 1200 }, (_, i) => `age = ${1000 + i}`).join(" or ") + " or major_illness";
    const bools = Array(1500).fill("major_illness").join(" and ");
    const model = testModel([
      { id: "A", when: ands, points: 1 },
      { id: "O", when: ors, points: 2 },
      { id: "B", when: bools, points: 4 },
      { id: "N", when: `not (${ands})`, points: 8 },
    ]);
    const { compiled, byId } = await scoreBoth(db, model, HOUSEHOLDS, MEMBERS);
    expect(sqlNesting(compiled.sql)).toBeLessThan(100);
    // P1 (72, ill): A, O, B. P2 (8, not ill): N. H1 = 1 + 2 + 4 + 8.
    expect(byId.H1.total_points).toBe(15);
  });

  it("a when of 2,500 terms (the token limit) checks and compiles without exhausting the stack", async () => {
    const model = testModel([
      { id: "A", when: Array(2500).fill("major_illness").join(" and ") },
      { id: "P", when: Array(2499).fill("age").join(" + ") + " > 0" },
    ]);
    const compiled = compileModel(model, SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const rows = await scoreHouseholds(db, compiled);
    expect(rows.map((r) => [r.household_id, r.total_points])).toEqual([["H1", 3], ["H2", 1], ["H3", 2], ["H4", 0]]);
  });

  it("nested `between`s are refused beyond the limit (the database would double its work at each)", async () => {
    const nested = (n: number) =>
      Array.from({ length: n }).reduce<string>((a) => `(${a}) between false and true`, "age > 1");
    const compiled = compileModel(testModel([{ when: nested(MAX_BETWEEN_NESTING), points: 1 }]), SCHEMA);
    await loadTables(db, SCHEMA, HOUSEHOLDS, MEMBERS);
    const rows = await scoreHouseholds(db, compiled);
    expect(rows.map((r) => [r.household_id, r.total_points])).toEqual([["H1", 2], ["H2", 1], ["H3", 1], ["H4", 0]]);
    const problems = problemsOf(() => compileModel(testModel([{ id: "B", when: nested(60) }]), SCHEMA, "b.json"));
    expect(problems).toEqual([{
      file: "b.json",
      indicator: "B",
      value: "60",
      message: expect.stringContaining(`60 deep, and the limit is ${MAX_BETWEEN_NESTING}`),
    }]);
  });

  /** `n` levels of parentheses, each holding a plain chain of 30 products: about 30 n levels of SQL. */
  const nestedWhen = (n: number) =>
    Array.from({ length: n }).reduce<string>((a) => `((${a} + 0)${" * 1".repeat(30)})`, "age") + " > 1";

  it("a when that nests too deeply for the database is refused naming the indicator and the limit", () => {
    const problems = problemsOf(() =>
      compileModel(testModel([{ id: "DEEP", when: nestedWhen(20) }]), SCHEMA, "deep.json")
    );
    expect(problems).toEqual([{
      file: "deep.json",
      indicator: "DEEP",
      value: expect.stringMatching(/^\d+$/),
      message: expect.stringContaining(`levels in SQL, and the limit is ${MAX_WHEN_SQL_NESTING}`),
    }]);
  });

  it("a when at the nesting limit runs on both engines", async () => {
    let levels = 1;
    const compiles = (n: number) => {
      try {
        return compileModel(testModel([{ when: nestedWhen(n) }]), SCHEMA) !== undefined;
      } catch {
        return false;
      }
    };
    while (levels < 45 && compiles(levels + 1)) levels++;
    const compiled = compileModel(testModel([{ when: nestedWhen(levels) }]), SCHEMA);
    expect(sqlNesting(compiled.sql)).toBeGreaterThan(MAX_WHEN_SQL_NESTING - 40);
    expect(compiles(levels + 1)).toBe(false);
    const wasm = await openDb("wasm");
    try {
      for (const engine of [db, wasm]) {
        await loadTables(engine, SCHEMA, HOUSEHOLDS, MEMBERS);
        expect((await scoreHouseholds(engine, compiled)).length).toBe(4);
      }
    } finally {
      await wasm.close();
    }
  });

  it("a when beyond the token or length limit is refused naming the limit", () => {
    const tokens = Array(MAX_TOKENS).fill("age").join(" + ") + " > 1";
    let problems = problemsOf(() => compileModel(testModel([{ id: "T", when: tokens }]), SCHEMA, "m.json"));
    expect(problems[0]).toMatchObject({ file: "m.json", indicator: "T" });
    expect(problems[0].message).toContain(`more than ${MAX_TOKENS} words and symbols`);
    const chars = `age > ${"1".repeat(MAX_WHEN_LENGTH)}`;
    problems = problemsOf(() => compileModel(testModel([{ id: "C", when: chars }]), SCHEMA, "m.json"));
    expect(problems[0]).toMatchObject({ file: "m.json", indicator: "C" });
    expect(problems[0].message).toContain(`the limit is ${MAX_WHEN_LENGTH}`);
  });
});

describe("model file limits", () => {
  const plain = JSON.stringify(testModel([{ when: "age > 60", points: 2 }]));

  it("a model nested 10,000 deep in an unknown key is refused naming the limit", () => {
    const deep = plain.replace(/^\{/, `{"notes":${"[".repeat(10_000)}${"]".repeat(10_000)},`);
    const problems = problemsOf(() => parseModel(deep, "deep.json"));
    expect(problems).toEqual([{
      file: "deep.json",
      value: "depth 10001",
      message:
        `Model JSON nests too deeply: 10001 levels of arrays and objects, and the limit is ${MODEL_LIMITS.depth}`,
    }]);
    // Brackets inside strings do not count; the deepest allowed nesting parses.
    const ok = plain.replace(/^\{/, `{"notes":${"[".repeat(99)}"]]]{{{"${"]".repeat(99)},`);
    expect(parseModel(ok).indicators.length).toBe(1);
  });

  it("a file over the size limit, or a list over the entry limit, is refused naming it", () => {
    const big = plain.replace(/^\{/, `{"notes":"${"x".repeat(MODEL_LIMITS.bytes)}",`);
    expect(problemsOf(() => parseModel(big, "big.json"))[0].message).toMatch(
      new RegExp(`too large: ${big.length} bytes, and the limit is ${MODEL_LIMITS.bytes} bytes`),
    );
    const model = JSON.parse(plain) as Model;
    const many = {
      ...model,
      bands: Array.from({ length: MODEL_LIMITS.entries + 1 }, (_, i) => ({ id: `b${i}`, min: -i })),
    };
    expect(problemsOf(() => parseModel(JSON.stringify(many), "many.json"))).toEqual([{
      file: "many.json",
      value: String(MODEL_LIMITS.entries + 1),
      message: `bands: too many entries: ${MODEL_LIMITS.entries + 1}, and the limit is ${MODEL_LIMITS.entries}`,
    }]);
  });

  it("a UTF-8 byte order mark at the start is accepted", () => {
    expect(parseModel("\ufeff" + plain)).toEqual(parseModel(plain));
  });

  it("points whose totals would overflow are refused naming the indicator and the limit", () => {
    for (const [points, weight] of [[1e308, 1], [1e16, 1], [10, 1e300]]) {
      const model = testModel([{ when: "true", points: 1 }, { id: "HUGE", when: "age > 1", points }], {
        categories: [{ id: "c", weight }],
      });
      const problems = problemsOf(() => compileModel(model, SCHEMA, "huge.json"));
      expect(problems.at(-1)).toMatchObject({ file: "huge.json", indicator: "HUGE" });
      expect(problems.at(-1)!.message).toContain("the limit is 1000000000000000");
    }
    const atLimit = testModel([{ when: "age > 1", points: MAX_WEIGHTED_POINTS }]);
    expect(() => compileModel(atLimit, SCHEMA)).not.toThrow();
  });
});

describe("deno task score at the limits", () => {
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["run", "-A", "scripts/score.ts", ...args], { encoding: "utf8" });
    return { status: r.status, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
  };
  const dir = mkdtempSync(join(tmpdir(), "limits-"));
  writeFileSync(join(dir, "households.csv"), "household_id,village,category,house_area\nH1,V,dibao,80\nH2,V,dibao,\n");
  writeFileSync(join(dir, "members.csv"), "person_id,household_id,age\nP1,H1,72\nP2,H1,8\nP3,H2,45\n");
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const model = testModel(
    bigIndicators(2000, (i) => (i % 5) + 1).map((ind) => ({
      ...ind,
      when: ind.level === "member" ? ind.when : `house_area > ${Number(ind.id.slice(1)) % 100}`,
    })),
  );

  it("scores a model of 2,000 indicators, saved with a BOM, like the same model without it", () => {
    const outs = [write("big.json", JSON.stringify(model)), write("bom.json", "\ufeff" + JSON.stringify(model))]
      .map((file) => {
        const out = mkdtempSync(join(tmpdir(), "limits-out-"));
        const r = run("--data", dir, "--model", file, "--out", out);
        expect(r.status, r.stderr).toBe(0);
        return readFileSync(join(out, "scores.csv"), "utf8");
      });
    expect(outs[1]).toBe(outs[0]);
    expect(outs[0].split("\n").length).toBe(4);
  });

  it("refuses a model nested 10,000 deep, or with points of 1e308, with exit 2 and no stack trace", () => {
    const deep = write(
      "deep.json",
      JSON.stringify(model).replace(/^\{/, `{"x":${"[".repeat(10_000)}${"]".repeat(10_000)},`),
    );
    const huge = write(
      "huge.json",
      JSON.stringify({ ...model, indicators: [{ ...model.indicators[1], points: 1e308 }] }),
    );
    for (
      const [file, text] of [[deep, /nests too deeply: 10001 levels .* the limit is 100/], [
        huge,
        /R1.*too large/,
      ]] as const
    ) {
      const r = run("--data", dir, "--model", file, "--out", mkdtempSync(join(tmpdir(), "limits-out-")));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(text);
      expect(r.stderr).toContain(file);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/Infinity|Uncaught|RangeError/);
    }
  });
});
