/**
 * The dispatch rule as data (`src/model/routing.ts`): hand-worked cases read as policy sentences,
 * overrides from the model's `routing` section, invalid routing reported at its path, and the
 * default routing equal to the rule as it was before it became data, household by household on
 * the committed sample.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { loadContext } from "../src/evaluate/mod.ts";
import { loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import {
  DEFAULT_ROUTING,
  departmentWorkload,
  householdDepartmentsOf,
  routeHousehold,
  type RoutingIndicator,
  routingOf,
  routingTableOf,
  workloadRule,
} from "../src/model/routing.ts";
import { dispatchChain } from "../src/report/dispatch.ts";
import { buildFrame, packCoefficients } from "../src/simulate/mod.ts";

const ind = (id: string, department: string | undefined, hits: number, points: number, weight = 1): RoutingIndicator =>
  department === undefined ? { id, hits, weight, points } : { id, department, hits, weight, points };

const roles = (r: ReturnType<typeof routeHousehold>) => r.departments.map((d) => [d.department, d.roles]);

/** A small model whose routing section is `routing`. */
function modelText(routing?: unknown): string {
  return JSON.stringify({
    id: "m",
    version: "1",
    categories: [{ id: "c" }],
    indicators: [
      { id: "M01", category: "c", level: "member", when: "age >= 60", points: 3, department: "medical_insurance" },
      { id: "E03", category: "c", level: "member", when: "age < 18", points: 2, department: "education" },
      { id: "X01", category: "c", level: "household", when: "true", points: 1 },
    ],
    ...(routing === undefined ? {} : { routing }),
  });
}

function problemsOf(text: string): string[] {
  try {
    parseModel(text);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe("the default routing, as policy sentences", () => {
  const routing = routingOf(undefined);

  it("a model without routing routes by the documented default", () => {
    expect(routing).toEqual(DEFAULT_ROUTING);
    expect(routingOf({})).toEqual(DEFAULT_ROUTING);
  });

  it("a household whose medical indicators add the most points is the responsibility of medical_insurance", () => {
    const r = routeHousehold(routing, [
      ind("M01", "medical_insurance", 2, 3), // 6 points
      ind("E02", "education", 1, 4), // 4 points
    ]);
    expect(r.responsible).toBe("medical_insurance");
    expect(roles(r)).toEqual([
      ["civil_affairs", ["competent"]],
      ["medical_insurance", ["responsible"]],
      ["education", ["executing"]],
    ]);
    expect(r.dispatched).toEqual(["education", "medical_insurance"]);
  });

  it("civil affairs is competent for every warning, and also responsible when its indicators add the most", () => {
    const r = routeHousehold(routing, [ind("B07", "civil_affairs", 1, 5), ind("H01", "housing", 1, 5, 0.8)]);
    expect(roles(r)).toEqual([["civil_affairs", ["competent", "responsible"]], ["housing", ["executing"]]]);
    expect(r.dispatched).toEqual(["civil_affairs", "housing"]);
  });

  it("an indicator that did not fire, or adds no positive points, sends the case nowhere", () => {
    const r = routeHousehold(routing, [
      ind("H01", "housing", 0, 5),
      ind("P04", "education", 1, -3),
      ind("J05", "hrss", 1, 2, 0),
    ]);
    expect(roles(r)).toEqual([["civil_affairs", ["competent"]]]);
    expect(r.responsible).toBeNull();
    expect(r.dispatched).toEqual([]);
  });

  it("an indicator naming no department dispatches to unassigned", () => {
    const r = routeHousehold(routing, [ind("X01", undefined, 1, 2)]);
    expect(r.responsible).toBe("unassigned");
  });

  it("equal points make the department with the smaller id responsible; indicators are listed largest first", () => {
    const r = routeHousehold(routing, [
      ind("H02", "housing", 1, 3),
      ind("E01", "education", 1, 1),
      ind("E05", "education", 1, 2),
    ]);
    expect(roles(r)).toEqual([
      ["civil_affairs", ["competent"]],
      ["education", ["responsible"]],
      ["housing", ["executing"]],
    ]);
    expect(r.departments[1].indicators.map((i) => [i.id, i.points])).toEqual([["E05", 2], ["E01", 1]]);
    expect(r.departments[1].points).toBe(3);
  });

  it("dispatchChain routes a warned household by the same rule and an unwarned one nowhere", () => {
    const indicators = [ind("M01", "medical_insurance", 2, 3), ind("E02", "education", 1, 8)];
    expect(dispatchChain(indicators, "red", []).departments).toEqual(routeHousehold(routing, indicators).departments);
    expect(dispatchChain(indicators, null, []).departments).toEqual([]);
  });
});

describe("routing overrides a county can write", () => {
  it("a school-age child out of school (E03) is the responsibility of education, whatever else adds points", () => {
    const routing = routingOf({ responsible_overrides: [{ indicator: "E03", department: "education" }] });
    const r = routeHousehold(routing, [ind("M01", "medical_insurance", 3, 3), ind("E03", "education", 1, 2)]);
    expect(roles(r)).toEqual([
      ["civil_affairs", ["competent"]],
      ["education", ["responsible"]],
      ["medical_insurance", ["executing"]],
    ]);
    // When E03 did not fire, the most points decide again.
    const s = routeHousehold(routing, [ind("M01", "medical_insurance", 3, 3), ind("E03", "education", 0, 2)]);
    expect(s.responsible).toBe("medical_insurance");
  });

  it("the first override whose indicator fired wins, and may name a department no fired indicator has", () => {
    const routing = routingOf({
      responsible_overrides: [
        { indicator: "H01", department: "housing" },
        { indicator: "M01", department: "county_office" },
      ],
    });
    const r = routeHousehold(routing, [ind("M01", "medical_insurance", 1, 3), ind("H01", "housing", 0, 5)]);
    expect(roles(r)).toEqual([
      ["civil_affairs", ["competent"]],
      ["county_office", ["responsible"]],
      ["medical_insurance", ["executing"]],
    ]);
    expect(r.dispatched).toEqual(["county_office", "medical_insurance"]);
  });

  it("monitored households (防返贫监测) have agriculture as competent department when the county says so", () => {
    const routing = routingOf({
      competent: { default: "civil_affairs", by_household_category: { monitored: "agriculture" } },
    });
    const indicators = [ind("M01", "medical_insurance", 1, 3)];
    expect(routeHousehold(routing, indicators, { category: "monitored" }).competent).toBe("agriculture");
    expect(routeHousehold(routing, indicators, { category: "dibao" }).competent).toBe("civil_affairs");
    expect(dispatchChain(indicators, "red", [], { routing, category: "monitored" }).departments[0].department).toBe(
      "agriculture",
    );
  });

  it("with executing none only the responsible department takes the case", () => {
    const routing = routingOf({ executing: "none", unassigned: "county_office" });
    const r = routeHousehold(routing, [ind("M01", "medical_insurance", 1, 3), ind("X01", undefined, 1, 5)]);
    expect(roles(r)).toEqual([["civil_affairs", ["competent"]], ["county_office", ["responsible"]]]);
    expect(r.dispatched).toEqual(["county_office"]);
  });

  it("the whole-population form counts exactly the departments each household's case is dispatched to", () => {
    const routing = routingOf({ executing: "none", responsible_overrides: [{ indicator: "I2", department: "d_c" }] });
    const coefficients = ["d_a", "d_b", undefined].map((department, i) => ({
      index: i,
      id: `I${i}`,
      level: "household" as const,
      category: "c",
      weight: 1,
      points: i + 1,
      otherwise: 0,
      weightedPoints: i + 1,
      weightedOtherwise: 0,
      column: `h${i}_I${i}`,
      parameters: [],
      columns: [],
      units: null,
      ...(department ? { department } : {}),
    }));
    const frame = buildFrame({
      householdIds: ["H1", "H2", "H3", "H4"],
      villages: ["v", "v", "v", "v"],
      categories: ["dibao", "dibao", "dibao", "dibao"],
      members: [1, 1, 1, 1],
      hits: [[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 1, 0]],
    });
    const table = routingTableOf(routing, coefficients);
    expect(table.departments).toEqual(["d_a", "d_b", "d_c", "unassigned"]);
    const packed = packCoefficients(coefficients);
    const { offsets, index } = householdDepartmentsOf(table, frame, packed.weightedPoints);
    const perHousehold = frame.householdIds.map((_, h) =>
      Array.from(index.subarray(offsets[h], offsets[h + 1]), (d) => table.departments[d])
    );
    // H1: d_b most points (2 > 1); H2: d_a; H3: I2 fired → d_c responsible; H4: nothing.
    expect(perHousehold).toEqual([["d_b"], ["d_a"], ["d_c"], []]);
    frame.householdIds.forEach((_, h) => {
      const byName = routeHousehold(
        routing,
        coefficients.map((c, i) => ({
          ...c,
          hits: frame.hitCount.find((_, e) =>
            e >= frame.offsets[h] && e < frame.offsets[h + 1] && frame.indicatorIndex[e] === i
          ) ?? 0,
        })),
      );
      expect(byName.dispatched).toEqual(perHousehold[h]);
    });
    const counts = departmentWorkload(table, frame, packed.weightedPoints, Int8Array.from([0, -1, 0, 0]));
    expect(Array.from(counts)).toEqual([0, 1, 1, 0]);
  });
});

describe("routing in the model file", () => {
  it("a model without routing parses without one, so its digest is unchanged", () => {
    expect(parseModel(modelText()).routing).toBeUndefined();
    const model = parseModel(readFileSync("models/county-default.json", "utf8"));
    expect(model.routing).toBeUndefined();
  });

  it("a valid routing section parses as written", () => {
    const routing = {
      competent: { default: "civil_affairs", by_household_category: { monitored: "agriculture" } },
      responsible: "most_points",
      responsible_overrides: [{ indicator: "E03", department: "education" }],
      executing: "other_fired",
      unassigned: "county_office",
      departments: ["civil_affairs", "agriculture"],
    };
    expect(parseModel(modelText(routing)).routing).toEqual(routing);
  });

  it("names the path of an unknown department or indicator", () => {
    const problems = problemsOf(modelText({
      competent: "civil_afairs",
      responsible_overrides: [{ indicator: "E3", department: "education" }, {
        indicator: "M01",
        department: "housing",
      }],
    }));
    expect(problems).toEqual([
      expect.stringMatching(/^routing\.competent: Routing names unknown department "civil_afairs"; expected one of/),
      expect.stringMatching(/^routing\.responsible_overrides\[0\]\.indicator: Routing names unknown indicator "E3"/),
      expect.stringMatching(/^routing\.responsible_overrides\[1\]\.department: .*unknown department "housing"/),
    ]);
  });

  it("accepts a department no indicator names once it is listed in routing.departments", () => {
    expect(problemsOf(modelText({ competent: "county_office" }))).toHaveLength(1);
    expect(problemsOf(modelText({ competent: "county_office", departments: ["county_office"] }))).toEqual([]);
  });

  it("reports a misspelt key, an unknown strategy and an unknown household category at their paths", () => {
    const problems = problemsOf(modelText({
      responsibel: "most_points",
      executing: "all",
      competent: { default: "medical_insurance", by_household_category: { poor: "education" } },
    }));
    expect(problems.some((p) => p.startsWith("routing: ") && p.includes("responsibel"))).toBe(true);
    expect(problems.some((p) => p.startsWith("routing.executing: "))).toBe(true);
    expect(problems.some((p) => p.startsWith("routing.competent"))).toBe(true);
  });
});

// ---------------------------------------------------------------- the rule as it was, on the sample

/** The departments of a household before routing was data (src/evaluate/population.ts, issue 8). */
function departmentsBefore(
  coefficients: { department?: string; weightedPoints: number }[],
  hits: (i: number) => number,
): string[] {
  const out = new Set<string>();
  coefficients.forEach((c, i) => {
    if (hits(i) > 0 && c.weightedPoints > 0) out.add(c.department || "unassigned");
  });
  return [...out].sort();
}

/** dispatchChain's departments before routing was data (src/report/dispatch.ts, issue 8). */
function chainBefore(indicators: RoutingIndicator[]): { department: string; roles: string[]; points: number }[] {
  const by = new Map<string, { department: string; roles: string[]; points: number }>();
  for (const i of indicators) {
    const w = i.weight * i.points;
    if (!(i.hits > 0 && w > 0)) continue;
    const department = i.department || "unassigned";
    let d = by.get(department);
    if (!d) by.set(department, d = { department, roles: [], points: 0 });
    d.points += i.hits * w;
  }
  const list = [...by.values()].sort((a, b) => b.points - a.points || (a.department < b.department ? -1 : 1));
  if (!by.has("civil_affairs")) list.push({ department: "civil_affairs", roles: [], points: 0 });
  list.forEach((d, i) => {
    if (d.department === "civil_affairs") d.roles.push("competent");
    if (i === 0 && d.points > 0) d.roles.push("responsible");
    else if (d.points > 0) d.roles.push("executing");
  });
  return list.sort((a, b) => Number(b.roles.includes("competent")) - Number(a.roles.includes("competent")));
}

describe("the default routing on the committed sample", () => {
  it("dispatches every household to the same departments, in the same roles, as before routing was data", async () => {
    const db = await openDb("native");
    try {
      const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
      const model = parseModel(readFileSync("models/county-default.json", "utf8"));
      const { population } = await loadContext(db, compileModel(model, report.schema));
      const { frame, coefficients, householdDepartments: { offsets, index } } = population;
      let warned = 0, multi = 0;
      for (let h = 0; h < frame.size; h++) {
        const hitsOf = (i: number) => {
          for (let e = frame.offsets[h]; e < frame.offsets[h + 1]; e++) {
            if (frame.indicatorIndex[e] === i) return frame.hitCount[e];
          }
          return 0;
        };
        const now = Array.from(index.subarray(offsets[h], offsets[h + 1]), (d) => population.departments[d]);
        expect(now).toEqual(departmentsBefore(coefficients, hitsOf));
        const indicators = coefficients.map((c, i) => ({ ...c, hits: hitsOf(i) }));
        const routed = routeHousehold(DEFAULT_ROUTING, indicators);
        expect(routed.dispatched).toEqual(now);
        if (population.bands[h] >= 0) {
          warned++;
          if (now.length > 1) multi++;
          const chain = dispatchChain(indicators, "warned", []).departments;
          expect(chain.map((d) => ({ department: d.department, roles: d.roles, points: d.points }))).toEqual(
            chainBefore(indicators),
          );
        }
      }
      expect(warned).toBeGreaterThan(0);
      expect(multi).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

describe("the workload rule in words", () => {
  it("is the sentence audit.json prints for the default routing", () => {
    expect(workloadRule(DEFAULT_ROUTING)).toBe(
      "A warned household counts once for each department (the model's `department` field) of its fired indicators (hits > 0) with positive weighted points; indicators without one count as `unassigned`.",
    );
    expect(workloadRule(routingOf({ executing: "none" }))).toMatch(
      /^A warned household counts once, for its responsible/,
    );
  });
});
