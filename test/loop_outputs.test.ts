/** `loop.json` against its schema (src/contract/outputs.ts `loopJsonSchema`): what the writer builds validates, extra fields fail. */
import { describe, expect, it } from "vitest";
import {
  loopComparisonSchema,
  type LoopJsonFile,
  loopJsonSchema,
  outputJson,
  outputJsonWith,
  readOutput,
} from "../src/contract/outputs.ts";
import { clockOf, compareLoops, fixedNeed, type LoopInput, loopJson, runLoop, scenarioOf } from "../src/loop/mod.ts";
import type { z } from "zod";

type LoopComparisonFile = z.infer<typeof loopComparisonSchema>;

function build(extra: Record<string, unknown> = {}) {
  const scenario = scenarioOf({
    seed: 3,
    replications: 3,
    horizon_days: 60,
    time_limit_days: 5,
    discovery: { applications_per_day: 0.8, applications_department: "civil_affairs" },
    departments: [
      { id: "civil_affairs", staff: 1, service_days: { dist: "exponential", mean: 1 }, time_limit_days: 2 },
      { id: "constructor", staff: 1, service_days: { dist: "fixed", value: 1 } }, // a data key zod's record refuses
    ],
    ...extra,
  }, "schema.json");
  const need = scenario.verification ? fixedNeed(0.5, []) : null;
  const input: LoopInput = { scenario, clock: clockOf(scenario), warnings: [], need };
  const verification = need ? { need: 0.5, source: "the scenario's fixed probability" } : null;
  // Type test: the builder's object is what the schema reads (deno check fails otherwise).
  const json: LoopJsonFile = loopJson(input, runLoop(input), { bandIds: [], verification });
  return json;
}

describe("loopJsonSchema", () => {
  it("validates loop.json as built (with and without verification, escalation, stage limits), bytes unchanged", () => {
    for (const extra of [{}, { verification: { need: 0.5 }, escalation: { at_risk_share: 0.8 } }]) {
      const json = build(extra);
      const text = outputJson("loop.json", json);
      expect(text).toBe(JSON.stringify(json, null, 2) + "\n");
      expect(readOutput("loop.json", text)).toEqual(json);
    }
    expect(build({ verification: { need: 0.5 } }).overall.share_in_need).toBeDefined();
  });

  it("refuses a field the schema does not name and a wrong type, naming the path", () => {
    const json = build();
    expect(() => outputJson("loop.json", { ...json, surplus: 1 })).toThrow(/loop\.json does not match[\s\S]*surplus/);
    const bad = structuredClone(json) as unknown as { overall: { wait_days: { mean: unknown } } };
    bad.overall.wait_days.mean = "slow";
    expect(() => outputJson("loop.json", bad)).toThrow(/overall\.wait_days\.mean/);
    const extraFigure = structuredClone(json) as unknown as { departments: Record<string, Record<string, unknown>> };
    extraFigure.departments.civil_affairs.made_up = { mean: 1, ci95: null };
    expect(loopJsonSchema.safeParse(extraFigure).success).toBe(false);
  });
});

describe("loopComparisonSchema", () => {
  it("validates the comparison as built and refuses an extra field", () => {
    const scenario = scenarioOf({
      seed: 3,
      replications: 3,
      horizon_days: 60,
      time_limit_days: 5,
      discovery: { applications_per_day: 0.8, applications_department: "civil_affairs" },
      departments: [{ id: "civil_affairs", staff: 1, service_days: { dist: "exponential", mean: 1 } }],
    }, "a.json");
    const input: LoopInput = { scenario, clock: clockOf(scenario), warnings: [], need: null };
    const results = runLoop(input);
    const cmp: LoopComparisonFile = compareLoops({ file: "a.json", scenario, results }, {
      file: "a.json",
      scenario,
      results,
    });
    expect(outputJsonWith("comparison.json", loopComparisonSchema, cmp)).toBe(JSON.stringify(cmp, null, 2) + "\n");
    expect(() => outputJsonWith("comparison.json", loopComparisonSchema, { ...cmp, extra: 1 })).toThrow(
      /comparison\.json does not match[\s\S]*extra/,
    );
  });
});
