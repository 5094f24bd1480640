import { describe, expect, it } from "vitest";
import { Rng } from "../src/base/random.ts";
import {
  clockOf,
  EventHeap,
  eventsCsv,
  LevelMonitor,
  loopJson,
  meanOf,
  runLoop,
  samplerOf,
  scenarioOf,
  scvOf,
  summarize,
  t975,
  TallyMonitor,
  type WarningCase,
  workingClock,
} from "../src/loop/mod.ts";

describe("event heap", () => {
  it("orders by time, then priority, then scheduling order", () => {
    const heap = new EventHeap();
    const seen: string[] = [];
    const push = (t: number, p: number, name: string) => heap.push(t, p, () => seen.push(name));
    push(2, 1, "t2-arrival-first");
    push(1, 2, "t1-observe");
    push(2, 0, "t2-finish");
    push(1, 1, "t1-arrival");
    push(2, 1, "t2-arrival-second");
    push(0.5, 9, "t0.5");
    for (let e = heap.pop(); e; e = heap.pop()) e.action();
    expect(seen).toEqual(["t0.5", "t1-arrival", "t1-observe", "t2-finish", "t2-arrival-first", "t2-arrival-second"]);
  });

  it("keeps heap order over many random pushes and pops", () => {
    const rng = new Rng(7, "heap");
    const heap = new EventHeap();
    for (let i = 0; i < 2000; i++) heap.push(rng.int(0, 50), rng.int(0, 2), () => {});
    let last = { time: -1, priority: -1, sequence: -1 };
    for (let e = heap.pop(); e; e = heap.pop()) {
      const ok = e.time > last.time || (e.time === last.time &&
        (e.priority > last.priority || (e.priority === last.priority && e.sequence > last.sequence)));
      expect(ok).toBe(true);
      last = e;
    }
  });
});

describe("monitors and statistics", () => {
  it("a level monitor integrates from warm-up; a tally counts waits at most a day", () => {
    const level = new LevelMonitor(1);
    level.set(0, 2); // 2 on [0, 3): only [1, 3) counts
    level.set(3, 5); // 5 on [3, 4)
    level.set(4, 0);
    expect(level.area(10)).toBe(2 * 2 + 5);
    expect(level.mean(10)).toBe(9 / 9);
    const tally = new TallyMonitor(1);
    for (const x of [0, 1, 1.5, 3]) tally.record(x);
    expect([tally.mean(), tally.shareAtMost()]).toEqual([1.375, 0.5]);
  });

  it("t quantiles and the across-replication interval", () => {
    expect(t975(1)).toBeCloseTo(12.706205, 6);
    expect(t975(29)).toBeCloseTo(2.04523, 5);
    expect(t975(60)).toBeCloseTo(2.000298, 4);
    expect(t975(1e6)).toBeCloseTo(1.959966, 4);
    const s = summarize([1, 2, 3, null]);
    expect(s.mean).toBe(2);
    expect(s.ci95![1] - 2).toBeCloseTo(4.302653 * 1 / Math.sqrt(3), 9);
    expect(summarize([null]).mean).toBeNull();
  });

  it("samplers have the stated means and squared coefficients of variation", () => {
    const dists = [
      { dist: "exponential", mean: 2 },
      { dist: "fixed", value: 1.5 },
      { dist: "uniform", min: 1, max: 3 },
      { dist: "triangular", min: 1, mode: 2, max: 6 },
      { dist: "lognormal", mean: 2, cv: 0.5 },
    ] as const;
    for (const d of dists) {
      const sample = samplerOf(d);
      const rng = new Rng(11, d.dist);
      const n = 40000;
      let sum = 0, ss = 0;
      for (let i = 0; i < n; i++) {
        const x = sample(rng);
        sum += x;
        ss += x * x;
      }
      const mean = sum / n, variance = ss / n - mean * mean;
      expect(Math.abs(mean - meanOf(d))).toBeLessThan(0.03 * meanOf(d) + 1e-12);
      expect(Math.abs(variance / (mean * mean) - scvOf(d))).toBeLessThan(0.05 * scvOf(d) + 1e-9);
    }
  });
});

describe("clocks", () => {
  it("the working clock skips weekends and holidays and counts make-up workdays", () => {
    // 2024-01-05 is a Friday. Rest: Sat 6 (but a make-up workday), Sun 7, Mon 8 (a holiday).
    const clock = workingClock("2024-01-05", 14, ["2024-01-08"], ["2024-01-06"]);
    // Working days (calendar offset): Fri 5 (0), Sat 6 (1), Tue 9 (4) … Fri 12 (7), Mon 15 (10) … Thu 18 (13).
    expect(clock.horizon).toBe(10);
    expect([0, 1, 1.5, 2, 2.25, 5].map(clock.toDay)).toEqual([0, 1, 1.5, 4, 4.25, 7]);
    expect([0, 1, 2, 3, 4, 4.5, 8].map(clock.fromDay)).toEqual([0, 1, 2, 2, 2, 2.5, 6]);
  });
});

/** The hand-worked scenario: a (1 staff, 2 days), b (1 staff, 1 day), limit 3 days, batches on days 0 and 4. */
function handScenario(extra: Record<string, unknown> = {}) {
  return scenarioOf({
    seed: 1,
    replications: 2,
    horizon_days: 10,
    time_limit_days: 3,
    discovery: { batches: [{ day: 0 }, { day: 4 }] },
    departments: [
      { id: "a", staff: 1, service_days: { dist: "fixed", value: 2 } },
      { id: "b", staff: 1, service_days: { dist: "fixed", value: 1 } },
    ],
    ...extra,
  }, "hand.json");
}

const HAND_WARNINGS: WarningCase[] = [
  { householdId: "H1", band: 0, first: "a", then: ["b"] },
  { householdId: "H2", band: 0, first: "a", then: [] },
];

describe("golden trace computed by hand", () => {
  it("replays the hand-worked event list, ties included", () => {
    const scenario = handScenario();
    const input = { scenario, clock: clockOf(scenario), warnings: HAND_WARNINGS };
    const results = runLoop(input);
    const lines = eventsCsv(results, ["a", "b"], input.clock).split("\n");
    expect(lines[0]).toBe("replication,case_id,household_id,channel,department,event,day");
    // Ties: at day 2 a's finish frees the server, the queued W1-H2 starts, then W1-H1 moves on to b.
    // Day 3: b's finish (priority 0) clears W1-H1 before the due checks (priority 2): W1-H2 breaches.
    // Day 4: W1-H2 finishes (priority 0) before the second batch (priority 1), so both households re-enter.
    const expected = [
      "W1-H1,H1,,created,0",
      "W1-H1,H1,a,queued,0",
      "W1-H1,H1,a,started,0",
      "W1-H2,H2,,created,0",
      "W1-H2,H2,a,queued,0",
      "W1-H1,H1,a,finished,2",
      "W1-H2,H2,a,started,2",
      "W1-H1,H1,b,queued,2",
      "W1-H1,H1,b,started,2",
      "W1-H1,H1,b,finished,3",
      "W1-H1,H1,,cleared,3",
      "W1-H2,H2,,breached,3",
      "W1-H2,H2,a,finished,4",
      "W1-H2,H2,,cleared,4",
      "W2-H1,H1,,created,4",
      "W2-H1,H1,a,queued,4",
      "W2-H1,H1,a,started,4",
      "W2-H2,H2,,created,4",
      "W2-H2,H2,a,queued,4",
      "W2-H1,H1,a,finished,6",
      "W2-H2,H2,a,started,6",
      "W2-H1,H1,b,queued,6",
      "W2-H1,H1,b,started,6",
      "W2-H1,H1,b,finished,7",
      "W2-H1,H1,,cleared,7",
      "W2-H2,H2,,breached,7",
      "W2-H2,H2,a,finished,8",
      "W2-H2,H2,,cleared,8",
    ].map((l) => {
      const [id, hh, dep, event, day] = l.split(",");
      return `${id},${hh},warning,${dep},${event},${day}`;
    });
    const rep = (r: number) => lines.filter((l) => l.startsWith(`${r},`)).map((l) => l.slice(2));
    expect(rep(1)).toEqual(expected);
    expect(rep(2)).toEqual(expected);

    const json = loopJson(input, results, { bandIds: ["red"] });
    const a = json.departments.a, b = json.departments.b;
    expect(a.wait_days).toEqual({ mean: 1, ci95: [1, 1] }); // waits 0, 2, 0, 2
    expect(a.share_wait_at_most_1_day.mean).toBe(0.5);
    expect(a.utilisation.mean).toBe(0.8); // busy on [0, 8] of 10 days
    expect(b.utilisation.mean).toBe(0.2);
    expect(json.overall.cleared_within_limit.mean).toBe(0.5); // W1-H1 and W2-H1 in 3 days; W1-H2, W2-H2 in 4
    expect(json.overall.cases_created.mean).toBe(4);
    expect(json.overall.open_at_horizon.mean).toBe(0);
    expect(json.overall.time_to_clear_days.mean).toBe((3 + 4 + 3 + 4) / 4);
  });

  it("the band discipline serves the higher band first, FCFS within a band; an open household is not re-opened", () => {
    const scenario = handScenario({
      horizon_days: 5,
      discovery: { batches: [{ day: 0 }, { day: 1 }] },
      departments: [
        { id: "a", staff: 1, discipline: "band", service_days: { dist: "fixed", value: 1 } },
        { id: "b", staff: 1, service_days: { dist: "fixed", value: 1 } },
      ],
    });
    const warnings: WarningCase[] = [
      { householdId: "H1", band: 1, first: "a", then: [] },
      { householdId: "H2", band: 1, first: "a", then: [] },
      { householdId: "H3", band: 0, first: "a", then: [] },
    ];
    const input = { scenario, clock: clockOf(scenario), warnings };
    const [result] = runLoop(input);
    const started = eventsCsv([result], ["a", "b"], input.clock).split("\n")
      .filter((l) => l.includes(",started,")).map((l) => l.split(",")[1] + "@" + l.split(",")[6]);
    // Day 1: H1 finished and the batch finds H2, H3 still open (not re-opened), H1 re-enters at the back of band 1.
    expect(started).toEqual(["W1-H1@0", "W1-H3@1", "W1-H2@2", "W2-H1@3"]);
    expect(result.alreadyOpen).toBe(2);
  });
});

describe("the HTML report", () => {
  it("renders every section offline and escapes department ids", async () => {
    const { loopReport } = await import("../src/loop/report.ts");
    const { renderHtml } = await import("../src/report/html.ts");
    const evil = '<img src=x onerror="alert(1)">';
    const scenario = handScenario({
      departments: [
        { id: evil, staff: 1, service_days: { dist: "fixed", value: 2 } },
        { id: "b", staff: 1, service_days: { dist: "fixed", value: 1 } },
      ],
    });
    const warnings = HAND_WARNINGS.map((w) => ({ ...w, first: evil }));
    const input = { scenario, clock: clockOf(scenario), warnings };
    const results = runLoop(input);
    const html = renderHtml(loopReport(loopJson(input, results, { bandIds: ["red"] }), results));
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x");
    for (const id of ["scenario", "overall", "departments", "limits"]) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe("escalation and transfers", () => {
  it("an at-risk case jumps the queue; a transfer re-queues at the target, capped per case, the clock kept", () => {
    // a serves the higher band first: H1 (band 1) starts at day 0, then H3 (band 0) before H2 (band 1)…
    const bandFirst = (escalation?: unknown) => {
      const scenario = handScenario({
        horizon_days: 10,
        time_limit_days: 2,
        ...(escalation ? { escalation } : {}),
        discovery: { batches: [{ day: 0 }] },
        departments: [
          { id: "a", staff: 1, discipline: "band", service_days: { dist: "fixed", value: 1 } },
          { id: "b", staff: 1, service_days: { dist: "fixed", value: 1 } },
        ],
      });
      const warnings: WarningCase[] = [
        { householdId: "H1", band: 1, first: "a", then: [] },
        { householdId: "H2", band: 1, first: "a", then: [] },
        { householdId: "H3", band: 0, first: "a", then: [] },
      ];
      const input = { scenario, clock: clockOf(scenario), warnings };
      const [r] = runLoop(input);
      const log = eventsCsv([r], ["a", "b"], input.clock).split("\n").slice(1, -1).map((l) => l.split(","));
      return {
        started: log.filter((l) => l[5] === "started").map((l) => l[1]),
        atRisk: log.filter((l) => l[5] === "at_risk").map((l) => `${l[1]}@${l[6]}`),
      };
    };
    expect(bandFirst().started).toEqual(["W1-H1", "W1-H3", "W1-H2"]);
    // …but at risk at day 0.5 (25% of 2 days) all three are escalated, in case order: FIFO among escalated.
    const escalated = bandFirst({ at_risk_share: 0.25 });
    expect(escalated.atRisk).toEqual(["W1-H1@0.5", "W1-H2@0.5", "W1-H3@0.5"]);
    expect(escalated.started).toEqual(["W1-H1", "W1-H2", "W1-H3"]);

    const transfer = handScenario({
      replications: 1,
      max_transfers: 1,
      discovery: { batches: [{ day: 0 }] },
      departments: [
        { id: "a", staff: 1, service_days: { dist: "fixed", value: 1 }, transfer_probability: 1, transfer_to: "b" },
        { id: "b", staff: 1, service_days: { dist: "fixed", value: 1 }, transfer_probability: 1, transfer_to: "a" },
      ],
    });
    const t = { scenario: transfer, clock: clockOf(transfer), warnings: [HAND_WARNINGS[1]] };
    const [tr] = runLoop(t);
    const events = eventsCsv([tr], ["a", "b"], t.clock).split("\n").slice(1, -1).map((l) =>
      `${l.split(",")[4]}:${l.split(",")[5]}`
    );
    // a transfers to b once; b would transfer back, but the cap (1) makes it keep the case.
    expect(events).toEqual([
      ":created",
      "a:queued",
      "a:started",
      "a:finished",
      "a:transferred",
      "b:queued",
      "b:started",
      "b:finished",
      ":cleared",
    ]);
    expect(tr.cases[0].due).toBe(3); // created + limit: a transfer does not restart the clock
  });
});

describe("scenario problems by path", () => {
  it("lists transfer and escalation mistakes with the rest", () => {
    let message = "";
    try {
      handScenario({
        escalation: { at_risk_share: 1.5 },
        max_transfers: -1,
        departments: [
          { id: "a", staff: 1.5, service_days: { dist: "fixed", value: 2 }, transfer_probability: 0.2 },
          { id: "b", staff: 1, service_days: { dist: "fixed" }, transfer_to: "zz" },
        ],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (
      const text of [
        "hand.json: escalation.at_risk_share: at_risk_share must be at most 1",
        "hand.json: max_transfers: max_transfers must be ≥ 0",
        "hand.json: departments[0].staff: staff must be a whole number",
        "hand.json: departments[0].transfer_to: transfer_probability > 0 needs transfer_to",
        "hand.json: departments[1].service_days.value: value must be a number",
        'hand.json: departments[1].transfer_to: department "zz" is not listed in departments',
      ]
    ) expect(message).toContain(text);
  });
});

describe("the working clock in a run", () => {
  it("a batch on a rest day starts on the next working day; service skips the weekend; days print as calendar days", () => {
    // 2024-01-05 is a Friday; the batch is on day 1 (Saturday): work starts Monday (calendar day 3).
    const scenario = handScenario({
      replications: 1,
      clock: "working",
      start_date: "2024-01-05",
      horizon_days: 30,
      discovery: { batches: [{ day: 1 }] },
      departments: [
        { id: "a", staff: 1, service_days: { dist: "fixed", value: 2.5 } },
        { id: "b", staff: 1, service_days: { dist: "fixed", value: 1 } },
      ],
    });
    const input = { scenario, clock: clockOf(scenario), warnings: [HAND_WARNINGS[1]] };
    const lines = eventsCsv(runLoop(input), ["a", "b"], input.clock).trimEnd().split("\n").slice(1);
    // Working time 1 → Monday (day 3); +2.5 working days → Wednesday noon (day 5.5).
    expect(lines.map((l) => l.split(",").slice(4).join(","))).toEqual([
      ",created,3",
      "a,queued,3",
      "a,started,3",
      "a,finished,5.5",
      ",cleared,5.5",
    ]);
  });
});

describe("applications from the dataset", () => {
  it("a share of applicants are dataset households, routed on after the window; arrival times do not change", () => {
    const scenario = (share: number) =>
      handScenario({
        replications: 1,
        horizon_days: 60,
        time_limit_days: 30,
        discovery: { applications_per_day: 1, applications_department: "a", applications_from_dataset: share },
        departments: [
          { id: "a", staff: 3, service_days: { dist: "exponential", mean: 0.5 } },
          { id: "b", staff: 3, service_days: { dist: "exponential", mean: 0.5 } },
        ],
      });
    const applicants = {
      householdIds: ["H1", "H2"],
      departmentIds: ["a", "b"],
      // H1 is dispatched to a and b (a is the window: only b follows); H2 to nothing.
      departments: { offsets: Int32Array.of(0, 2, 2), index: Int32Array.of(0, 1) },
    };
    const run = (share: number) => {
      const s = scenario(share);
      return runLoop({ scenario: s, clock: clockOf(s), warnings: [], applicants })[0];
    };
    const outside = run(0), inside = run(0.5);
    expect(outside.cases.every((c) => c.householdId === "")).toBe(true);
    const fromData = inside.cases.filter((c) => c.householdId !== "");
    expect(fromData.length).toBeGreaterThan(5);
    for (const c of fromData) expect(c.then).toEqual(c.householdId === "H1" ? [1] : []);
    // Same arrival stream: every arrival either became a case at the same time or found its household open.
    const times = new Set(inside.cases.map((c) => c.created));
    expect(outside.cases.filter((c) => times.has(c.created)).length + inside.alreadyOpen).toBe(outside.cases.length);
  });
});
