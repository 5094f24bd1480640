/**
 * The demo county generator (src/synth, scripts/demo_data.ts) and the default model
 * (models/county-default.json): determinism, documented marginal rates, the committed sample, and
 * the model's shape (8 categories, 55 indicators, contract-valid, compiles against the data).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COLUMN_NAME, DatasetDescriptionSchema, ModelSchema, parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { assertLoadable, loadDataset, parseCsv, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import {
  csvField,
  DOCUMENTED,
  generateCounty,
  HOUSEHOLD_COLUMNS,
  makeVerified,
  marginals,
  MEMBER_COLUMNS,
  needsOf,
  PARAMS,
  toCsv,
  VERIFIED_COLUMNS,
} from "../src/synth/mod.ts";
import { Rng } from "../src/base/random.ts";

const MODEL_FILE = "models/county-default.json";
const SAMPLE = "data/sample";

/** The three tables of a generated county as CSV text, verified rows built for a given warned set. */
function tablesOf(seed: number, size: number, warned: (id: string) => boolean) {
  const county = generateCounty(PARAMS, seed, size);
  const warnedSet = new Set(county.households.map((h) => h.household_id).filter(warned));
  const { rows } = makeVerified(county, warnedSet, needsOf(county, PARAMS, seed), PARAMS, seed);
  return {
    households: toCsv(
      HOUSEHOLD_COLUMNS.map((c) => c.name),
      county.households.map((h) => HOUSEHOLD_COLUMNS.map((c) => c.get(h))),
    ),
    members: toCsv(
      MEMBER_COLUMNS.map((c) => c.name),
      county.households.flatMap((h) => h.members).map((m) => MEMBER_COLUMNS.map((c) => c.get(m))),
    ),
    verified: toCsv(VERIFIED_COLUMNS.map((c) => c.name), rows.map((r) => VERIFIED_COLUMNS.map((c) => c.get(r)))),
  };
}

describe("seeded random numbers", () => {
  it("repeat for the same seed and stream, differ across seeds and streams", () => {
    const draw = (seed: number, stream: string) => {
      const r = new Rng(seed, stream);
      return Array.from({ length: 5 }, () => r.nextU32());
    };
    expect(draw(20240601, "county")).toEqual(draw(20240601, "county"));
    expect(draw(20240601, "county")).not.toEqual(draw(20240602, "county"));
    expect(draw(20240601, "county")).not.toEqual(draw(20240601, "need"));
    const r = new Rng(1, "u");
    let min = 1, max = 0, sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = r.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 20000).toBeCloseTo(0.5, 1);
  });
});

describe("CSV writer", () => {
  it("quotes by RFC 4180 exactly when a field holds a comma, quote or line break", () => {
    expect(csvField("李家湾村")).toBe("李家湾村");
    expect(csvField("王家村, 一组")).toBe('"王家村, 一组"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField(null)).toBe("");
    expect(csvField(false)).toBe("false");
    expect(csvField(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvField(1e-7)).toBe("0.0000001");
    const text = toCsv(["a", "b"], [["x,y", 'q"'], [null, true]]);
    expect(parseCsv(text)).toEqual([["a", "b"], ["x,y", 'q"'], ["", "true"]]);
  });
});

describe("generator determinism", () => {
  it("gives identical tables for the same seed and different ones for another seed", () => {
    const warned = (id: string) => id.endsWith("7");
    const a = tablesOf(20240601, 1500, warned);
    const b = tablesOf(20240601, 1500, warned);
    expect(a.households).toBe(b.households);
    expect(a.members).toBe(b.members);
    expect(a.verified).toBe(b.verified);
    const c = tablesOf(99, 1500, warned);
    expect(c.households).not.toBe(a.households);
  });

  it("the latent need does not depend on which households are warned", () => {
    const county = generateCounty(PARAMS, 5, 800);
    const needs1 = needsOf(county, PARAMS, 5);
    const needs2 = needsOf(county, PARAMS, 5);
    expect([...needs1.values()]).toEqual([...needs2.values()]);
    const some = new Set(county.households.slice(0, 40).map((h) => h.household_id));
    const { rows } = makeVerified(county, some, needs1, PARAMS, 5);
    for (const r of rows) expect(r.need).toBe(needs1.get(r.household_id)!.need);
    const warnings = rows.filter((r) => r.channel === "warning");
    expect(new Set(warnings.map((r) => r.household_id))).toEqual(some);
    // Applications only come from households the warnings did not reach.
    for (const r of rows.filter((r) => r.channel === "application")) expect(some.has(r.household_id)).toBe(false);
  });
});

describe("documented marginal rates", () => {
  // Another seed than the documented one: the rates are properties of the generator, not of one draw.
  const county = generateCounty(PARAMS, 1, 8000);
  const measured = marginals(county, PARAMS);
  const needs = needsOf(county, PARAMS, 1);
  measured.need_prevalence = [...needs.values()].filter((n) => n.need).length / county.households.length;

  it("covers every documented rate", () => {
    expect(Object.keys(measured).sort()).toEqual(Object.keys(DOCUMENTED).sort());
  });

  for (const [key, { value, label }] of Object.entries(DOCUMENTED)) {
    it(`reproduces ${label} (${value})`, () => {
      const tolerance = key === "members_per_household" ? 0.08 : 0.006 + 0.1 * value;
      expect(Math.abs(measured[key] - value)).toBeLessThanOrEqual(tolerance);
    });
  }

  it("size and structure: 12 towns, about 2.8 members per household, every household has members", () => {
    expect(new Set(county.villages.map((v) => v.town)).size).toBe(12);
    expect(county.households.every((h) => h.members.length > 0)).toBe(true);
    expect(county.villages.length).toBe(Math.round(8000 / PARAMS.householdsPerVillage));
  });

  it("signals are correlated through the latent hardship, not independent", () => {
    const hh = county.households;
    const hi = hh.filter((h) => h.latent.hardship > 1.2);
    const lo = hh.filter((h) => h.latent.hardship < -0.2);
    const rate = (xs: typeof hh, f: (h: (typeof hh)[number]) => boolean) => xs.filter(f).length / xs.length;
    const ill = (h: (typeof hh)[number]) => h.members.some((m) => m.major_illness || m.disability_grade !== null);
    const poorHouse = (h: (typeof hh)[number]) =>
      h.housing_grade === "C" || h.housing_grade === "D" || !h.drinking_water_safe;
    expect(rate(hi, ill)).toBeGreaterThan(1.5 * rate(lo, ill));
    expect(rate(hi, poorHouse)).toBeGreaterThan(2 * rate(lo, poorHouse));
    expect(rate(hi, (h) => h.members.some((m) => m.vehicle_count > 0))).toBeLessThan(
      rate(lo, (h) => h.members.some((m) => m.vehicle_count > 0)),
    );
  });
});

describe("the committed sample (data/sample)", () => {
  const files = readdirSync(SAMPLE).sort();

  it("holds the four files and stays small", () => {
    expect(files).toEqual(["dataset.json", "households.csv", "members.csv", "verified.csv"]);
    const bytes = files.reduce((s, f) => s + statSync(join(SAMPLE, f)).size, 0);
    expect(bytes).toBeLessThan(200 * 1024);
  });

  it("follows the contract: column names, unique ids, members for every household, known codes", () => {
    const table = (name: string) => {
      const [header, ...rows] = parseCsv(readFileSync(join(SAMPLE, `${name}.csv`), "utf8"));
      return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
    };
    const hh = table("households"), mm = table("members"), vv = table("verified");
    for (const t of [hh, mm, vv]) for (const c of t.header) expect(c).toMatch(COLUMN_NAME);
    expect(hh.header).toEqual(HOUSEHOLD_COLUMNS.map((c) => c.name));
    expect(mm.header).toEqual(MEMBER_COLUMNS.map((c) => c.name));
    expect(vv.header).toEqual(VERIFIED_COLUMNS.map((c) => c.name));
    expect(hh.rows.length).toBe(300);
    const ids = new Set(hh.rows.map((r) => r.household_id));
    expect(ids.size).toBe(300);
    expect(new Set(mm.rows.map((r) => r.person_id)).size).toBe(mm.rows.length);
    for (const r of mm.rows) expect(ids.has(r.household_id)).toBe(true);
    expect(new Set(mm.rows.map((r) => r.household_id)).size).toBe(300);
    for (const r of hh.rows) {
      expect(["dibao", "tekun", "monitored", "near_dibao", "rigid_expense", "other"]).toContain(r.category);
    }
    for (const r of vv.rows) {
      expect(ids.has(r.household_id)).toBe(true);
      expect(["warning", "application", "survey"]).toContain(r.channel);
      expect(["true", "false"]).toContain(r.need);
      expect(r.verified_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (r.need === "false") expect(r.assistance).toBe("");
      else {expect(["education", "medical", "employment", "temporary", "charity", "basic_living"]).toContain(
          r.assistance,
        );}
    }
    // Every household of each surveyed village has a survey row.
    const surveyed = new Set(vv.rows.filter((r) => r.channel === "survey").map((r) => r.household_id));
    const villages = new Set(hh.rows.filter((r) => surveyed.has(r.household_id)).map((r) => r.village));
    expect(villages.size).toBe(4);
    for (const r of hh.rows) if (villages.has(r.village)) expect(surveyed.has(r.household_id)).toBe(true);
    // Booleans are written true/false; no value looks like an identity or phone number.
    const all = [...hh.rows, ...mm.rows].flatMap((r) => Object.values(r));
    for (const v of all) expect(v).not.toMatch(/^\d{17}[\dXx]$|^1[3-9]\d{9}$/);
  });

  it("has a dataset.json that describes every column with a type and a Chinese label", () => {
    const description = DatasetDescriptionSchema.parse(JSON.parse(readFileSync(join(SAMPLE, "dataset.json"), "utf8")));
    for (
      const [table, cols] of [["households", HOUSEHOLD_COLUMNS], ["members", MEMBER_COLUMNS], [
        "verified",
        VERIFIED_COLUMNS,
      ]] as const
    ) {
      expect(Object.keys(description.tables[table])).toEqual(cols.map((c) => c.name));
      for (const c of Object.values(description.tables[table])) {
        expect(c.type).toBeDefined();
        expect(c.label_zh).toBeTruthy();
        expect(c.description).toBeTruthy();
      }
    }
  });

  it("is exactly what the generator writes today (regenerated byte for byte)", () => {
    const out = mkdtempSync(join(tmpdir(), "demo-sample-"));
    const r = spawnSync(process.execPath, ["run", "-A", "scripts/demo_data.ts", "--households", "300", "--out", out], {
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("Demo county: 300 households");
    for (const f of files) expect(readFileSync(join(out, f)), f).toEqual(readFileSync(join(SAMPLE, f)));
  }, 300_000);
});

describe("the default model (models/county-default.json)", () => {
  const text = readFileSync(MODEL_FILE, "utf8");
  const raw = JSON.parse(text);
  const model = parseModel(text, MODEL_FILE);

  it("is contract-valid and has the pilot's 8 categories and 55 indicators", () => {
    expect(ModelSchema.safeParse(raw).success).toBe(true);
    expect(model.id).toBe("county-default");
    expect(model.categories.map((c) => c.id)).toEqual([
      "basic",
      "property_income",
      "medical",
      "education",
      "employment",
      "housing",
      "near_dibao",
      "rigid_expense",
    ]);
    expect(model.indicators).toHaveLength(55);
    for (const c of model.categories) expect(model.indicators.some((i) => i.category === c.id)).toBe(true);
    expect(raw.note).toMatch(/not an official/i);
  });

  it("documents every indicator and parameter", () => {
    for (const i of model.indicators) {
      expect(i.name, i.id).toBeTruthy();
      expect(i.name_zh, i.id).toBeTruthy();
      expect(i.department, i.id).toBeTruthy();
      expect(i.rationale, i.id).toBeTruthy();
    }
    for (const p of model.parameters) {
      expect(p.unit, p.id).toBeTruthy();
      expect(p.name_zh, p.id).toBeTruthy();
      expect(p.reference, p.id).toBeTruthy();
    }
    const ids = model.parameters.map((p) => p.id);
    for (
      const id of ["dibao_monthly", "near_dibao_multiple", "monitor_line_yearly", "rigid_ratio", "asset_cap_months"]
    ) expect(ids).toContain(id);
    expect(model.parameters.find((p) => p.id === "dibao_monthly")!.reference).toMatch(/assumption/i);
  });

  it("mixes levels, fractional and negative points, non-zero otherwise; asset signals are negative", () => {
    const levels = new Set(model.indicators.map((i) => i.level));
    expect(levels).toEqual(new Set(["member", "household"]));
    expect(model.indicators.some((i) => !Number.isInteger(i.points))).toBe(true);
    expect(model.indicators.filter((i) => i.otherwise !== 0).length).toBeGreaterThanOrEqual(2);
    const assets = [
      "vehicle_count",
      "has_business",
      "real_estate_count",
      "housing_fund",
      "tax_paid_yuan",
      "financial_assets_yuan",
    ];
    for (const col of assets) {
      const rules = model.indicators.filter((i) => new RegExp(`\\b${col}\\b`).test(i.when));
      expect(rules.length, col).toBeGreaterThan(0);
      for (const r of rules) expect(r.points, r.id).toBeLessThan(0);
    }
    const departments = new Set(model.indicators.map((i) => i.department));
    for (
      const d of [
        "civil_affairs",
        "education",
        "medical_insurance",
        "health",
        "hrss",
        "housing",
        "water",
        "emergency_management",
        "disabled_federation",
        "trade_union",
        "charity_federation",
        "agriculture",
      ]
    ) {
      expect(departments.has(d), d).toBe(true);
    }
    expect(model.bands.map((b) => b.id)).toEqual(["red", "orange", "yellow"]);
    for (let i = 1; i < model.bands.length; i++) expect(model.bands[i].min).toBeLessThan(model.bands[i - 1].min);
  });

  it("compiles against the sample's columns (every name and type checks)", async () => {
    const db = await openDb("native");
    try {
      const report = await loadDataset(db, await readDatasetFolder(SAMPLE), { folder: SAMPLE });
      assertLoadable(report);
      expect(() => compileModel(model, report.schema, MODEL_FILE)).not.toThrow();
    } finally {
      await db.close();
    }
  }, 120_000);
});
