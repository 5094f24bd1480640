import { describe, expect, it } from "vitest";
import { Rng } from "../src/base/random.ts";
import { openDb } from "../src/db/mod.ts";
import {
  assignPersonIds,
  COMPARISONS,
  constrainedComponents,
  expectationMaximisation,
  explainPair,
  gammasSql,
  loadStaged,
  matchWeight,
  nameParts,
  parseDate,
  type Pattern,
  probabilityOf,
  scorePairs,
  stageSources,
  startingM,
  uFromCounts,
} from "../src/merge/mod.ts";

const raw = (folder: string, manifest: object, csv: string) => ({
  folder,
  manifestText: JSON.stringify(manifest),
  file: "records.csv",
  header: csv.split("\n")[0].split(","),
  rows: csv.trim().split("\n").slice(1).map((l) => l.split(",")),
});
const manifest = (id: string, extra: object = {}) => ({
  source_id: id,
  department: "civil_affairs",
  kind: "roster",
  extract_date: "2024-03-31",
  ...extra,
});

describe("normalising names and dates", () => {
  it("simplifies traditional characters, folds full-width forms and reads polyphonic surnames", () => {
    expect(nameParts("黃誌強")?.name).toBe("黄志强");
    expect(nameParts("張　偉 ")?.name).toBe("张伟");
    expect(nameParts("单田芳")?.surnamePinyin).toBe("shan");
    expect(nameParts("曾国藩")?.pinyin).toBe("zeng guo fan");
    expect(nameParts("张玮")?.pinyin).toBe(nameParts("张伟")?.pinyin);
    expect(nameParts("𠮷田")?.length).toBe(2);
  });
  it("reads dates of every precision and refuses impossible ones", () => {
    expect(parseDate("1985-03-12")).toEqual({ y: 1985, m: 3, d: 12 });
    expect(parseDate("19850312")).toEqual({ y: 1985, m: 3, d: 12 });
    expect(parseDate("1985/3/2")).toEqual({ y: 1985, m: 3, d: 2 });
    expect(parseDate("１９８５年３月")).toEqual({ y: 1985, m: 3, d: null });
    expect(parseDate("1985")).toEqual({ y: 1985, m: null, d: null });
    expect(parseDate("1985-02-30")).toBeNull();
    expect(parseDate("1900-02-29")).toBeNull();
  });
});

describe("staging", () => {
  it("reads Chinese category names and sets aside a number that is not the record's own", () => {
    const staged = stageSources([
      raw(
        "a",
        manifest("a"),
        "record_id,id_pseudo,id_birth,id_check_ok,birth_date,category\n" +
          "1,k1,1960-01-01,true,2012-05-05,低保\n2,k2,1960-01-01,false,1960-01-01,支出型困难",
      ),
    ]);
    expect(staged.problems).toEqual([]);
    const [child, mistyped] = staged.records;
    expect([child.values.category, mistyped.values.category]).toEqual(["dibao", "rigid_expense"]);
    expect([child.id_pseudo, child.id_note, child.birth]).toEqual([null, "id_not_theirs", { y: 2012, m: 5, d: 5 }]);
    expect([mistyped.id_pseudo, mistyped.id_ok, mistyped.id_birth]).toEqual(["k2", false, null]);
  });
});

describe("Fellegi–Sunter weights", () => {
  // Two comparisons: id (equal / else) and name (exact / else); prior 1 in 10,000.
  const p = { m: [[0.98, 0.02], [0.9, 0.1]], u: [[0.0001, 0.9999], [0.01, 0.99]], lambda: 0.0001 };
  it("a pair agreeing on both adds log2(m/u) of each level to the prior odds", () => {
    // log2(0.0001/0.9999) = −13.287568… ; log2(0.98/0.0001) = 13.258566… ; log2(0.9/0.01) = 6.491853…
    const w = matchWeight(p, [0, 0]);
    expect(w).toBeCloseTo(Math.log2(0.0001 / 0.9999) + Math.log2(9800) + Math.log2(90), 12);
    expect(w).toBeCloseTo(6.462851, 5);
    expect(probabilityOf(w)).toBeCloseTo(0.988790, 5); // 2^w / (1 + 2^w)
  });
  it("a null comparison adds nothing and a disagreement subtracts", () => {
    expect(matchWeight(p, [-1, 0])).toBeCloseTo(-13.287568 + 6.491853, 5);
    expect(matchWeight(p, [1, 0])).toBeCloseTo(-13.287568 + Math.log2(0.02 / 0.9999) + 6.491853, 5);
  });
  it("u from random-pair counts never reaches zero", () => {
    expect(uFromCounts([0, 99])).toEqual([0.5 / 99.5, 99 / 99.5]);
  });
  it("the SQL weight of a staged pair equals the hand-worked weight, with the name's term frequency", async () => {
    const staged = stageSources([
      raw(
        "a",
        manifest("a"),
        "record_id,id_pseudo,name,birth_date,sex,village,household_ref\n" +
          "1,x1,张伟,1980-01-02,M,东村,h1\n2,x1,張偉,1980-01-02,M,东村,\n3,x2,李芳,1990-05-06,F,西村,h2\n4,x3,李芳,1991,F,西村,h3",
      ),
    ]);
    expect(staged.problems).toEqual([]);
    const db = await openDb("native");
    try {
      await loadStaged(db, staged.records);
      await db.exec("create table pairs as select 0 as rid_l, 1 as rid_r union all select 2, 3");
      await db.exec(gammasSql("gammas", "pairs", COMPARISONS));
      const m = COMPARISONS.map((c) => c.levels.map((_, l) => (l === 0 ? 0.9 : 0.1 / (c.levels.length - 1))));
      const u = COMPARISONS.map((c) => c.levels.map((_, l) => (l === 0 ? 0.01 : 0.99 / (c.levels.length - 1))));
      const params = { m, u, lambda: 0.001 };
      await scorePairs(db, COMPARISONS, params);
      const rows = await db.all("select * from scored order by rid_l");
      // Pair 0–1: id, id-birth (not given: null), name exact, birth exact, sex, village; household null.
      // Name and village are term-frequency adjusted: 张伟 and 东村 are each 2 of 4 records (tf 0.5).
      const g01 = COMPARISONS.map((c) => Number(rows[0][`g_${c.id}`]));
      expect(g01).toEqual([0, -1, 0, 0, 0, 0, -1]);
      const tf = Math.log2(0.01 / 0.5);
      expect(Number(rows[0].weight)).toBeCloseTo(matchWeight(params, g01, [tf, tf]), 10);
      expect(Number(rows[0].weight)).toBeCloseTo(Math.log2(0.001 / 0.999) + 5 * Math.log2(90) + 2 * tf, 10);
      // Pair 2–3: different valid-less ids (else level), same name, birth partial (1990-05-06 vs 1991: else).
      const g23 = COMPARISONS.map((c) => Number(rows[1][`g_${c.id}`]));
      expect(g23).toEqual([2, -1, 0, 4, 0, 0, 1]);
      expect(rows[1].evidence).toBe(true); // the village agrees
      // The waterfall of a pair adds up to the weight the pair was scored with.
      const w = await explainPair(db, params, 1, 0);
      expect(w.steps.map((x) => [x.comparison, x.level])).toEqual([
        ["prior", ""],
        ["id", "equal"],
        ["id_birth", "null"],
        ["name", "exact"],
        ["birth", "exact"],
        ["sex", "equal"],
        ["village", "equal"],
        ["household", "null"],
      ]);
      expect(w.weight).toBeCloseTo(Number(rows[0].weight), 10);
      expect(w.steps.find((x) => x.comparison === "name")!.tf_adjustment).toBeCloseTo(tf, 12);
    } finally {
      await db.close();
    }
  });
});

describe("expectation maximisation", () => {
  it("recovers known m and λ from simulated pairs with u fixed", () => {
    const rng = new Rng(7, "em");
    const trueM = [[0.9, 0.1], [0.7, 0.2, 0.1], [0.85, 0.15]];
    const u = [[0.05, 0.95], [0.02, 0.08, 0.9], [0.3, 0.7]];
    const lambda = 0.3;
    const counts = new Map<string, number>();
    for (let i = 0; i < 40000; i++) {
      const match = rng.chance(lambda);
      const gamma = (match ? trueM : u).map((levels) => rng.weighted(levels));
      const key = gamma.join(",");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const patterns: Pattern[] = [...counts].map(([k, n]) => ({ gamma: k.split(",").map(Number), count: n }));
    const res = expectationMaximisation(patterns, { m: startingM([2, 3, 2]), u, lambda: 0.5 }, [true, true, true], {
      tolerance: 1e-7,
      maxIterations: 500,
    });
    expect(res.converged).toBe(true);
    expect(res.lambda).toBeCloseTo(lambda, 1);
    res.m.forEach((levels, k) => levels.forEach((x, l) => expect(Math.abs(x - trueM[k][l])).toBeLessThan(0.03)));
  });
});

describe("clustering", () => {
  it("never joins two valid pseudonyms, taking the strongest edges first", () => {
    // a (valid X) — b (no id) strong; b — c (valid Y) weaker; c — d (no id).
    const { labels, ambiguous } = constrainedComponents(
      [{ rid: 0, validId: "X" }, { rid: 1, validId: null }, { rid: 2, validId: "Y" }, { rid: 3, validId: null }],
      [{ a: 0, b: 1, weight: 20 }, { a: 2, b: 3, weight: 15 }, { a: 1, b: 2, weight: 10 }],
    );
    expect([...labels]).toEqual([[0, 0], [1, 0], [2, 2], [3, 2]]);
    expect(ambiguous).toEqual([]);
  });
  it("keeps a cannot-link pair apart, and leaves alone a record fitting both about equally", () => {
    // Two namesakes 0 and 1 of one village (a cannot-link: their weight is strongly negative);
    // record 2 (name and village only) fits both within 1 bit; record 3 fits 0 clearly better.
    const nodes = [0, 1, 2, 3].map((rid) => ({ rid, validId: null }));
    const edges = [{ a: 0, b: 2, weight: 3 }, { a: 1, b: 2, weight: 2.5 }, { a: 0, b: 3, weight: 9 }, {
      a: 1,
      b: 3,
      weight: 2,
    }];
    const strict = constrainedComponents(nodes, edges, [[0, 1]], 0);
    expect([...strict.labels]).toEqual([[0, 0], [1, 1], [2, 0], [3, 0]]);
    const careful = constrainedComponents(nodes, edges, [[0, 1]], 4);
    expect(careful.ambiguous).toEqual([2]);
    expect([...careful.labels]).toEqual([[0, 0], [1, 1], [2, 2], [3, 0]]);
  });
  it("keeps person ids stable when a record is added, and numbers new persons on", () => {
    const first = assignPersonIds([["a\u00001", "b\u00001"], ["a\u00002"]], new Map());
    expect(first).toEqual(["P00000001", "P00000002"]);
    const previous = new Map([["a\u00001", "P00000001"], ["b\u00001", "P00000001"], ["a\u00002", "P00000002"]]);
    // Same persons in another order, one of them with a new record, and a new person.
    const second = assignPersonIds([["a\u00003"], ["a\u00002", "c\u00009"], ["b\u00001", "a\u00001"]], previous);
    expect(second).toEqual(["P00000003", "P00000002", "P00000001"]);
  });
  it("gives a split person's id to the larger part", () => {
    const previous = new Map([["s\u00001", "P00000001"], ["s\u00002", "P00000001"], ["s\u00003", "P00000001"]]);
    expect(assignPersonIds([["s\u00001"], ["s\u00002", "s\u00003"]], previous)).toEqual(["P00000002", "P00000001"]);
  });
});
