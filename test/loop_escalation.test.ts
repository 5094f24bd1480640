/**
 * Escalation to a higher office, split batches, the time-to-assistance distribution and the
 * swimlane, each against a small case worked by hand.
 */
import { describe, expect, it } from "vitest";
import {
  batchOfHousehold,
  caseTrace,
  clockOf,
  delayDistribution,
  eventsCsv,
  loopJson,
  runLoop,
  scenarioOf,
  swimlaneAt,
  type WarningCase,
} from "../src/loop/mod.ts";
import { loopJsonSchema } from "../src/contract/outputs.ts";

/** a: 1 staff, 10 days a task; the office: 1 staff, 1 day; limit 10 days; one batch of two warnings on day 0. */
function officeScenario(extra: Record<string, unknown> = {}, a: Record<string, unknown> = {}) {
  return scenarioOf({
    seed: 3,
    replications: 1,
    horizon_days: 30,
    time_limit_days: 10,
    discovery: { batches: [{ day: 0 }] },
    escalation: { at_risk_share: 0.5, to: "office" },
    departments: [
      { id: "a", staff: 1, service_days: { dist: "fixed", value: 10 }, ...a },
      { id: "office", staff: 1, service_days: { dist: "fixed", value: 1 } },
    ],
    ...extra,
  }, "office.json");
}

const TWO: WarningCase[] = [
  { householdId: "H1", band: 0, first: "a", then: [] },
  { householdId: "H2", band: 0, first: "a", then: [] },
];

const rowsOf = (csv: string) => csv.trimEnd().split("\n").slice(1).map((l) => l.split(","));

describe("escalation to a higher office", () => {
  it("an at-risk case's waiting task leaves its queue for the office; a task already in service stays", () => {
    // H1 starts at a on day 0 and finishes on day 10 (= due: within the limit). H2 waits; at day 5
    // (half the limit) it is at risk: withdrawn from a, served by the office 5 → 6, cleared on day 6.
    const scenario = officeScenario();
    const input = { scenario, clock: clockOf(scenario), warnings: TWO };
    const results = runLoop(input);
    const rows = rowsOf(eventsCsv(results, ["a", "office"], input.clock));
    expect(rows.filter((r) => r[1] === "W1-H2").map((r) => `${r[4]}:${r[5]}@${r[6]}`)).toEqual([
      ":created@0",
      "a:queued@0",
      ":at_risk@5",
      "a:escalated@5",
      "office:queued@5",
      "office:started@5",
      "office:finished@6",
      ":cleared@6",
    ]);
    expect(rows.filter((r) => r[1] === "W1-H1").map((r) => `${r[4]}:${r[5]}@${r[6]}`)).toEqual([
      ":created@0",
      "a:queued@0",
      "a:started@0",
      ":at_risk@5",
      "a:finished@10",
      ":cleared@10",
    ]);
    const json = loopJsonSchema.parse(loopJson(input, results, { bandIds: ["red"] }));
    expect(json.overall.escalated_to_office.mean).toBe(1);
    expect(json.overall.escalated_cases.mean).toBe(2);
    expect(json.overall.cleared_within_limit.mean).toBe(1);
    // a: two tasks queued, one wait (0 days: H2 never started there); the office: one task, no wait.
    expect(json.departments.a.tasks.mean).toBe(2);
    expect(json.departments.a.wait_days.mean).toBe(0);
    expect(json.departments.office.tasks.mean).toBe(1);
    expect(json.departments.office.utilisation.mean).toBeCloseTo(1 / 30, 12);
    expect(json.scenario.escalation).toEqual({ at_risk_share: 0.5, to: "office" });
  });

  it("a task still waiting past its department's stage limit goes to the office at that moment", () => {
    // a's stage limit 3 days: H2 still waits on day 3 and moves to the office (3 → 4); no case is at risk before day 10.
    const scenario = officeScenario({ escalation: { at_risk_share: 1, to: "office" } }, { time_limit_days: 3 });
    const input = { scenario, clock: clockOf(scenario), warnings: TWO };
    const rows = rowsOf(eventsCsv(runLoop(input), ["a", "office"], input.clock));
    expect(rows.filter((r) => r[1] === "W1-H2").map((r) => `${r[4]}:${r[5]}@${r[6]}`)).toEqual([
      ":created@0",
      "a:queued@0",
      "a:escalated@3",
      "office:queued@3",
      "office:started@3",
      "office:finished@4",
      ":cleared@4",
    ]);
  });

  it("escalation.to must be a listed department", () => {
    expect(() => officeScenario({ escalation: { at_risk_share: 0.5, to: "nowhere" } })).toThrow(
      /escalation\.to: department "nowhere" is not listed/,
    );
  });
});

describe("split batches", () => {
  it("each warned household enters in exactly one batch, the same one every time", () => {
    const warnings: WarningCase[] = Array.from({ length: 400 }, (_, i) => ({
      householdId: `H${String(i).padStart(6, "0")}`,
      band: 0,
      first: "a",
      then: [],
    }));
    const scenario = scenarioOf({
      seed: 1,
      replications: 2,
      horizon_days: 300,
      time_limit_days: 10,
      discovery: { batches: [{ day: 0 }, { day: 100 }], warnings: "split" },
      departments: [{ id: "a", staff: 50, service_days: { dist: "fixed", value: 1 } }],
    }, "split.json");
    const results = runLoop({ scenario, clock: clockOf(scenario), warnings });
    for (const r of results) {
      expect(r.cases.length).toBe(400);
      expect(new Set(r.cases.map((c) => c.householdId)).size).toBe(400);
      const first = r.cases.filter((c) => c.created === 0).length;
      expect(first).toBe(warnings.filter((w) => batchOfHousehold(w.householdId, 2) === 0).length);
      expect(first).toBeGreaterThan(160);
      expect(first).toBeLessThan(240);
    }
    // Without split, both batches warn everyone (each case cleared long before the second batch).
    const every = { ...scenario, discovery: { ...scenario.discovery, warnings: "every_batch" as const } };
    expect(runLoop({ scenario: every, clock: clockOf(every), warnings })[0].cases.length).toBe(800);
    expect(batchOfHousehold("H000001", 1)).toBe(0);
  });
});

describe("time to assistance", () => {
  it("whole-day bins with an open last bin, and the median and 90th percentile per replication", () => {
    // One replication: delays 0.5, 1.5, 3 (bins [0,1), [1,2), [2,∞)); another: 0.2 and 0.4 (both in [0,1)).
    const d = delayDistribution([[0.5, 1.5, 3], [0.2, 0.4]], 2);
    expect(d.bins.map((b) => [b.from, b.to])).toEqual([[0, 1], [1, 2], [2, null]]);
    expect(d.bins.map((b) => b.share.mean)).toEqual([(1 / 3 + 1) / 2, 1 / 6, 1 / 6]);
    // Median: the ⌈0.5 n⌉-th smallest (1.5 and 0.2); 90th: the ⌈0.9 n⌉-th (3 and 0.4).
    expect(d.p50.mean).toBeCloseTo((1.5 + 0.2) / 2, 12);
    expect(d.p90.mean).toBeCloseTo((3 + 0.4) / 2, 12);
  });
});

describe("the swimlane", () => {
  it("steps through a case: waiting, then escalated, then working at the office, against its due day", () => {
    const scenario = officeScenario();
    const input = { scenario, clock: clockOf(scenario), warnings: TWO };
    const [r] = runLoop(input);
    const trace = caseTrace(r, 1, ["a", "office"], input.clock, { bandIds: ["red"], stageLimits: {} });
    expect(trace).toMatchObject({ caseId: "W1-H2", band: "red", created: 0, due: 10 });
    expect(trace.steps.map((s) => s.event)).toEqual([
      "created",
      "queued",
      "at_risk",
      "escalated",
      "queued",
      "started",
      "finished",
      "cleared",
    ]);
    // Step 2 (at risk, day 5): waiting at a since day 0, still open.
    expect(swimlaneAt(trace, 2).spans).toEqual([{ lane: "a", kind: "waiting", from: 0, to: 5, open: true }]);
    // Step 5 (started at the office, day 5): a's wait closed at 5, the office's wait 5 → 5, work open.
    const at5 = swimlaneAt(trace, 5);
    expect(at5.lanes).toEqual(["case", "a", "office"]);
    expect(at5.spans).toEqual([
      { lane: "a", kind: "waiting", from: 0, to: 5, open: false },
      { lane: "office", kind: "waiting", from: 5, to: 5, open: false },
      { lane: "office", kind: "working", from: 5, to: 5, open: true },
    ]);
    expect(at5.currentLane).toBe("office");
    // The last step: cleared on day 6; the case lane carries the due day. Steps are clamped.
    const end = swimlaneAt(trace, 99);
    expect(end.step).toBe(7);
    expect(end.current).toEqual({ day: 6, department: null, event: "cleared" });
    expect(end.spans.at(-1)).toEqual({ lane: "office", kind: "working", from: 5, to: 6, open: false });
    expect(end.deadlines).toEqual([{ lane: "case", day: 10, kind: "due" }]);
  });
});
