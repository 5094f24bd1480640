/**
 * Seeded random models and datasets for the differential tests: every grammar feature, nulls,
 * parameters, weights, fractional and negative points, both levels, households without members.
 */
import type { DatasetSchema, Model } from "../src/contract/mod.ts";
import type { Row } from "./_reference_interpreter.ts";
import { mulberry32 } from "../src/base/random.ts";

/** A small seeded PRNG: mulberry32, the toolkit's one (src/base/random.ts). */
export const rng: (seed: number) => () => number = mulberry32;

export const RANDOM_SCHEMA: DatasetSchema = {
  households: {
    household_id: "text",
    village: "text",
    category: "text",
    h_num: "number",
    h_amount: "number",
    h_flag: "boolean",
    h_text: "text",
    h_date: "date",
  },
  members: {
    person_id: "text",
    household_id: "text",
    m_num: "number",
    m_amount: "number",
    m_small: "number",
    m_flag: "boolean",
    m_flag2: "boolean",
    m_text: "text",
    m_date: "date",
  },
};

const NUMBERS = [-3, -1, 0, 1, 2, 3, 5, 7, 10, 0.1, 0.2, 0.3, 0.25, 1.5, 2.75, 1 / 3, 100, 1e16, -0];
const AMOUNTS = [0, 0.1, 0.7, 12.34, 100.01, 999.99, 1000, 3.3, 1e16, 1];
const TEXTS = ["a", "b", "B", "ab", "", "农", "农民", "it's", "z"];
const DATES = ["1949-10-01", "1960-02-29", "2000-01-01", "2020-12-31", "2024-03-01"];

/** A random dataset of `households` households with 0–5 members each (about 2% have none). */
export function randomDataset(seed: number, households: number): { households: Row[]; members: Row[] } {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = <T>(v: T, pNull = 0.2): T | null => (r() < pNull ? null : v);
  const hs: Row[] = [];
  const ms: Row[] = [];
  let person = 0;
  for (let i = 0; i < households; i++) {
    const id = `H${String(i).padStart(4, "0")}${r() < 0.1 ? "农" : ""}`;
    hs.push({
      household_id: id,
      village: pick(["王家村", "李家湾, 一组", `张"庄`]),
      category: pick(["dibao", "tekun", "other"]),
      h_num: maybe(pick(NUMBERS)),
      h_amount: maybe(pick(AMOUNTS)),
      h_flag: maybe(r() < 0.5),
      h_text: maybe(pick(TEXTS)),
      h_date: maybe(pick(DATES)),
    });
    const size = r() < 0.02 ? 0 : 1 + Math.floor(r() * 5);
    for (let j = 0; j < size; j++) {
      ms.push({
        // Ids not in insertion order, so that person_id order matters.
        person_id: `P${String((person++ * 7919) % 100003).padStart(6, "0")}`,
        household_id: id,
        m_num: maybe(pick(NUMBERS)),
        m_amount: maybe(pick(AMOUNTS)),
        m_small: maybe(Math.floor(r() * 4)),
        m_flag: maybe(r() < 0.5),
        m_flag2: maybe(r() < 0.3),
        m_text: maybe(pick(TEXTS)),
        m_date: maybe(pick(DATES)),
      });
    }
  }
  return { households: hs, members: ms };
}

type Level = "member" | "household";

/** Generates random `when` text of a given type for a scope. */
class ExprGen {
  constructor(private readonly r: () => number, private readonly params: string[]) {}

  private pick<T>(xs: T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  private kw(word: string): string {
    const v = this.r();
    return v < 0.15 ? word.toUpperCase() : v < 0.2 ? word[0].toUpperCase() + word.slice(1) : word;
  }
  private num(): string {
    const v = this.pick([
      "0",
      "1",
      "2",
      "3",
      "5",
      "10",
      "0.1",
      "0.5",
      "1.5",
      "2.75",
      "100",
      "1e3",
      "2.5E-1",
      ".5",
      "1000.0",
      "0.3",
      "1e16",
    ]);
    return v;
  }
  private col(scope: { level: Level; inAgg: boolean }, type: "number" | "boolean" | "text" | "date"): string {
    const member = {
      number: ["m_num", "m_amount", "m_small"],
      boolean: ["m_flag", "m_flag2"],
      text: ["m_text"],
      date: ["m_date"],
    }[type];
    const household = { number: ["h_num", "h_amount"], boolean: ["h_flag"], text: ["h_text"], date: ["h_date"] }[type];
    if (scope.level === "member" || scope.inAgg) {
      return this.r() < 0.75 ? this.pick(member) : `household.${this.pick(household)}`;
    }
    return this.r() < 0.9 ? this.pick(household) : `household.${this.pick(household)}`;
  }
  private canAggregate(scope: { level: Level; inAgg: boolean }) {
    return scope.level === "household" && !scope.inAgg;
  }
  private agg(scope: { level: Level; inAgg: boolean }) {
    return { level: scope.level, inAgg: true };
  }

  number(d: number, scope: { level: Level; inAgg: boolean }): string {
    const leaf = d <= 0 || this.r() < 0.3;
    if (leaf) {
      const v = this.r();
      if (v < 0.35) return this.num();
      if (v < 0.45 && this.params.length) return `$${this.pick(this.params)}`;
      if (v < 0.48) return this.kw("null");
      return this.col(scope, "number");
    }
    const v = this.r();
    if (this.canAggregate(scope) && v < 0.25) {
      const a = this.agg(scope);
      return this.pick([
        () => `${this.kw("count_members")}()`,
        () => `${this.kw("count_members")}(${this.boolean(d - 1, a)})`,
        () => `sum_members(${this.number(d - 1, a)})`,
        () => `min_members(${this.number(d - 1, a)})`,
        () => `MAX_MEMBERS(${this.number(d - 1, a)})`,
      ])();
    }
    return this.pick([
      () => `(${this.number(d - 1, scope)} ${this.pick(["+", "-", "*", "/", "/", "*"])} ${this.number(d - 1, scope)})`,
      () => {
        const n = this.number(d - 1, scope);
        return n.startsWith("-") ? `- ${n}` : `-${n}`;
      },
      () => `${this.kw("abs")}(${this.number(d - 1, scope)})`,
      () => `coalesce(${this.number(d - 1, scope)}, ${this.number(d - 1, scope)})`,
      () =>
        `${this.pick(["least", "greatest"])}(${this.number(d - 1, scope)}, ${this.number(d - 1, scope)}${
          this.r() < 0.3 ? `, ${this.number(0, scope)}` : ""
        })`,
      () => `${this.number(d - 1, scope)} ${this.pick(["+", "-"])} ${this.number(0, scope)} * ${this.number(0, scope)}`,
    ])();
  }

  text(d: number, scope: { level: Level; inAgg: boolean }): string {
    const v = this.r();
    if (d <= 0 || v < 0.5) return v < 0.3 ? `'${this.pick(TEXTS).replaceAll("'", "''")}'` : this.col(scope, "text");
    if (this.canAggregate(scope) && v < 0.65) {
      return `${this.pick(["min_members", "max_members"])}(${this.text(d - 1, this.agg(scope))})`;
    }
    return this.pick([
      () => `coalesce(${this.text(d - 1, scope)}, ${this.text(d - 1, scope)})`,
      () => `${this.pick(["least", "greatest"])}(${this.text(d - 1, scope)}, ${this.text(d - 1, scope)})`,
    ])();
  }

  date(d: number, scope: { level: Level; inAgg: boolean }): string {
    const v = this.r();
    if (d <= 0 || v < 0.6) return this.col(scope, "date");
    if (this.canAggregate(scope) && v < 0.75) {
      return `${this.pick(["min_members", "max_members"])}(${this.date(d - 1, this.agg(scope))})`;
    }
    return this.pick([
      () => `coalesce(${this.date(d - 1, scope)}, '${this.pick(DATES)}')`,
      () => `${this.pick(["least", "greatest"])}(${this.date(d - 1, scope)}, ${this.date(d - 1, scope)})`,
    ])();
  }

  private op(): string {
    return this.pick(["=", "!=", "<>", "<", "<=", ">", ">="]);
  }

  boolean(d: number, scope: { level: Level; inAgg: boolean }): string {
    if (d <= 0 || this.r() < 0.15) {
      const v = this.r();
      if (v < 0.6) return this.col(scope, "boolean");
      if (v < 0.9) return `${this.number(0, scope)} ${this.op()} ${this.number(0, scope)}`;
      return this.kw(this.pick(["true", "false", "null"]));
    }
    const v = this.r();
    if (this.canAggregate(scope) && v < 0.2) {
      return `${this.pick(["any_member", "all_members"])}(${this.boolean(d - 1, this.agg(scope))})`;
    }
    return this.pick([
      () => `(${this.boolean(d - 1, scope)} ${this.kw("and")} ${this.boolean(d - 1, scope)})`,
      () => `(${this.boolean(d - 1, scope)} ${this.kw("or")} ${this.boolean(d - 1, scope)})`,
      () => `${this.kw("not")} ${this.boolean(d - 1, scope)}`,
      () => `${this.number(d - 1, scope)} ${this.op()} ${this.number(d - 1, scope)}`,
      () => `${this.number(d - 1, scope)} ${this.op()} ${this.number(d - 1, scope)}`,
      () => `${this.text(d - 1, scope)} ${this.op()} ${this.text(d - 1, scope)}`,
      () =>
        `${this.date(d - 1, scope)} ${this.op()} ${this.r() < 0.5 ? `'${this.pick(DATES)}'` : this.date(d - 1, scope)}`,
      () => `(${this.boolean(0, scope)}) ${this.pick(["=", "<>", "<", ">="])} (${this.boolean(0, scope)})`,
      () =>
        `${this.number(d - 1, scope)} ${this.r() < 0.3 ? this.kw("not") + " " : ""}${this.kw("between")} ${
          this.number(d - 1, scope)
        } ${this.kw("and")} ${this.number(d - 1, scope)}`,
      () =>
        `${this.date(d - 1, scope)} ${this.kw("between")} '${this.pick(DATES)}' ${this.kw("and")} '${
          this.pick(DATES)
        }'`,
      () => {
        const items = Array.from(
          { length: 1 + Math.floor(this.r() * 3) },
          () => this.pick(["1", "2", "-3", "0.5", "0", "null", "10", "-0"]),
        );
        if (this.params.length && this.r() < 0.3) items.push(`$${this.pick(this.params)}`);
        return `${this.number(d - 1, scope)} ${this.r() < 0.3 ? this.kw("not") + " " : ""}${this.kw("in")} (${
          items.join(", ")
        })`;
      },
      () =>
        `${this.text(d - 1, scope)} ${this.r() < 0.3 ? "not " : ""}in (${
          ["'a'", "'B'", "'农'", "null", "'it''s'"].filter(() => this.r() < 0.5).concat("''").join(",")
        })`,
      () =>
        `(${
          this.pick([() =>
            this.number(d - 1, scope), () =>
            this.text(d - 1, scope), () =>
            this.boolean(d - 1, scope), () =>
            this.date(d - 1, scope)])()
        }) ${this.kw("is")} ${this.r() < 0.5 ? this.kw("not") + " " : ""}${this.kw("null")}`,
      () => `coalesce(${this.boolean(d - 1, scope)}, ${this.boolean(d - 1, scope)})`,
    ])();
  }
}

const POINTS = [1, 2, 3, 6, 0.5, 0.1, 0.3, -1, -2.5, 1 / 3, 0];
const WEIGHTS = [1, 1, 0.5, 1.5, 2, 0.1, -1, 3];

/** A random model: 1–8 indicators over 1–3 categories, 0–3 parameters, 0–3 bands. */
export function randomModel(seed: number): Model {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const parameters = Array.from(
    { length: Math.floor(r() * 4) },
    (_, i) => ({ id: `p${i}`, value: pick([0, 1, 2.5, 5, 10, 0.1, -1, 1000]) }),
  );
  const gen = new ExprGen(r, parameters.map((p) => p.id));
  const categories = Array.from(
    { length: 1 + Math.floor(r() * 3) },
    (_, i) => ({ id: `cat${i}`, weight: pick(WEIGHTS) }),
  );
  const indicators = Array.from({ length: 1 + Math.floor(r() * 8) }, (_, i) => {
    const level: Level = r() < 0.5 ? "member" : "household";
    return {
      id: `I${i}`,
      category: pick(categories).id,
      level,
      when: gen.boolean(1 + Math.floor(r() * 3), { level, inAgg: false }),
      points: pick(POINTS),
      otherwise: r() < 0.6 ? 0 : pick(POINTS),
    };
  });
  const mins = Array.from({ length: Math.floor(r() * 4) }, () => Math.round((r() * 8 - 2) * 4) / 4);
  const bands = [...new Set(mins)].sort((a, b) => b - a).map((min, i) => ({ id: `b${i}`, min }));
  return { id: `random-${seed}`, version: "1", parameters, categories, indicators, bands } as Model;
}
