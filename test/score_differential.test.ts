// The differential test: seeded random models (every grammar feature, nulls, parameters, weights,
// fractional and negative points, both levels) on seeded random datasets. The compiled SQL and the
// reference interpreter must agree exactly on every household: members, total, per-capita score,
// band and row order. Each model is one DuckDB query over a few hundred households.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../src/db/mod.ts";
import { buildSteps, compileModel, formatExpr, parseWhen, scoredSql } from "../src/model/mod.ts";
import { readHits, scoreHouseholds } from "../src/score/mod.ts";
import { interpretModel } from "./_reference_interpreter.ts";
import { loadTables } from "./score_fixtures.ts";
import { RANDOM_SCHEMA, randomDataset, randomModel } from "./score_random.ts";

const DATASETS = 3;
const MODELS_PER_DATASET = 50;
const HOUSEHOLDS = 250;

let db: Db;
beforeAll(async () => {
  db = await openDb("native");
});
afterAll(async () => {
  await db.close();
});

/** Equal doubles, with 0 and -0 the same (nothing downstream can tell them apart). */
function same(a: unknown, b: unknown): boolean {
  return a === b || Object.is(a, b) || (typeof a === "number" && typeof b === "number" && a === 0 && b === 0);
}

describe("compiled SQL agrees with the reference interpreter", () => {
  for (let d = 0; d < DATASETS; d++) {
    it(`on ${MODELS_PER_DATASET} random models over random dataset ${d + 1} (${HOUSEHOLDS} households each)`, async () => {
      const { households, members } = randomDataset(1000 + d, HOUSEHOLDS);
      await loadTables(db, RANDOM_SCHEMA, households, members);
      let compared = 0;
      for (let m = 0; m < MODELS_PER_DATASET; m++) {
        const seed = 10_000 * (d + 1) + m;
        const model = randomModel(seed);
        const compiled = compileModel(model, RANDOM_SCHEMA, `random-${seed}.json`);
        const sql = await scoreHouseholds(db, compiled);
        const ref = interpretModel(compiled, households, members);
        expect(sql.length).toBe(ref.length);
        for (let i = 0; i < ref.length; i++) {
          const [s, r] = [sql[i], ref[i]];
          const fields = [
            "household_id",
            "members",
            "total_points",
            "per_capita",
            "band",
            "village",
            "category",
          ] as const;
          if (!fields.every((f) => same(s[f], r[f]))) {
            const hits = await readHits(db, compiled);
            const h = hits.householdIds.indexOf(r.household_id);
            const detail = compiled.indicators.map((ind, k) =>
              `  ${ind.id} (${ind.level}) sql hits ${hits.hits[k][h]} vs reference ${r.hits[k]}: ${ind.when}`
            );
            throw new Error(
              `seed ${seed}, row ${i}: SQL ${JSON.stringify(s)} vs reference ${JSON.stringify(r)}\n${
                detail.join("\n")
              }`,
            );
          }
          compared++;
        }
      }
      expect(compared).toBe(MODELS_PER_DATASET * HOUSEHOLDS);
    });
  }

  it("exact models give the same rows with member rules summed in units as with a count per rule", async () => {
    const { households, members } = randomDataset(1000, HOUSEHOLDS);
    await loadTables(db, RANDOM_SCHEMA, households, members);
    let exact = 0;
    for (let m = 0; m < MODELS_PER_DATASET; m++) {
      const compiled = compileModel(randomModel(10_000 + m), RANDOM_SCHEMA, `random-${m}.json`);
      if (compiled.coefficients[0]?.units == null) continue;
      exact++;
      const counted = await db.all(scoredSql(compiled, { householdOnlyRules: true }));
      const summed = await db.all(scoredSql(compiled, { householdOnlyRules: true, memberUnits: true }));
      expect(summed).toEqual(counted);
      const sql = buildSteps(compiled, { memberUnits: true }).map((s) => s.sql).join("\n");
      if (compiled.indicators.some((i) => i.level === "member")) expect(sql).toContain("member_units");
    }
    expect(exact).toBeGreaterThan(5);
  });

  it("the random models use every grammar feature", () => {
    const text = Array.from(
      { length: DATASETS * MODELS_PER_DATASET },
      (_, i) => randomModel(10_000 * (Math.floor(i / MODELS_PER_DATASET) + 1) + (i % MODELS_PER_DATASET)),
    )
      .flatMap((m) => m.indicators.map((i) => i.when.toLowerCase()))
      .join("\n");
    for (
      const feature of [
        " or ",
        " and ",
        "not ",
        "!=",
        "<>",
        "<=",
        ">=",
        " between ",
        "not between",
        " in (",
        "not in",
        " is null",
        " is not null",
        "$p",
        "household.",
        "'",
        "null",
        "true",
        "false",
        "coalesce(",
        "abs(",
        "least(",
        "greatest(",
        "count_members()",
        "count_members(",
        "sum_members(",
        "min_members(",
        "max_members(",
        "any_member(",
        "all_members(",
        " / ",
        " * ",
        "-",
        ".5",
        "e3",
      ]
    ) {
      expect(text, feature).toContain(feature);
    }
  });

  it("every random `when` prints back canonically and reparses to the same canonical text", () => {
    for (let seed = 0; seed < 300; seed++) {
      for (const ind of randomModel(seed).indicators) {
        const canonical = formatExpr(parseWhen(ind.when));
        expect(formatExpr(parseWhen(canonical))).toBe(canonical);
      }
    }
  });
});
