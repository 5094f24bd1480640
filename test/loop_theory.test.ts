/**
 * The core against queueing theory, with fixed seeds: M/M/1 and M/M/c waits (Erlang C), the share
 * waiting at most a day, M/D/1 and M/G/1 (Pollaczek–Khinchine), utilisation, the clearance time of
 * a batch on c servers, Little's law and conservation. Each simulated mean must lie within four
 * standard errors (of the replication means) of the theory.
 */
import { describe, expect, it } from "vitest";
import { clockOf, type Figure, loopJson, runLoop, scenarioOf, type WarningCase } from "../src/loop/mod.ts";
import { t975 } from "../src/loop/stats.ts";

/** Erlang C: the probability an arrival waits, for offered load a = λ/μ on c servers. */
function erlangC(c: number, a: number): number {
  let term = 1, sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = term * (a / c) * (c / (c - a));
  return last / (sum + last);
}

function queueScenario(c: number, lambda: number, service: unknown, extra: Record<string, unknown> = {}) {
  return scenarioOf({
    seed: 20240601,
    replications: 10,
    horizon_days: 20000,
    warmup_days: 500,
    time_limit_days: 1000,
    discovery: { applications_per_day: lambda, applications_department: "window" },
    departments: [{ id: "window", staff: c, service_days: service }],
    ...extra,
  }, "theory.json");
}

function simulate(scenario: ReturnType<typeof queueScenario>, warnings: WarningCase[] = []) {
  const input = { scenario, clock: clockOf(scenario), warnings };
  const results = runLoop(input);
  return { results, json: loopJson(input, results, { bandIds: [] }) };
}

/** |simulated − theory| in standard errors of the replication mean. */
function errors(f: Figure, theory: number, replications: number): number {
  const se = (f.ci95![1] - f.ci95![0]) / 2 / t975(replications - 1);
  return Math.abs(f.mean! - theory) / se;
}

describe("queueing theory", () => {
  it("M/M/1: wait ρ/(μ−λ), P(wait ≤ 1) = 1 − ρe^{−(μ−λ)}, utilisation ρ", () => {
    const { json } = simulate(queueScenario(1, 0.8, { dist: "exponential", mean: 1 }));
    const w = json.departments.window;
    expect(errors(w.wait_days, 4, 10)).toBeLessThan(4);
    expect(Math.abs(w.wait_days.mean! - 4) / 4).toBeLessThan(0.06);
    expect(errors(w.share_wait_at_most_1_day, 1 - 0.8 * Math.exp(-0.2), 10)).toBeLessThan(4);
    expect(errors(w.utilisation, 0.8, 10)).toBeLessThan(4);
  });

  it("M/M/c (c = 5, a = 4): wait C(c, a)/(cμ − λ), P(wait ≤ 1) = 1 − C e^{−(cμ−λ)}", () => {
    const { json } = simulate(queueScenario(5, 4, { dist: "exponential", mean: 1 }, { horizon_days: 5000 }));
    const C = erlangC(5, 4);
    const w = json.departments.window;
    expect(errors(w.wait_days, C / (5 - 4), 10)).toBeLessThan(4);
    expect(errors(w.share_wait_at_most_1_day, 1 - C * Math.exp(-(5 - 4)), 10)).toBeLessThan(4);
    expect(errors(w.utilisation, 0.8, 10)).toBeLessThan(4);
  });

  it("M/D/1 and M/G/1 (lognormal cv 0.5): Pollaczek–Khinchine ρ(1 + cv²)E[S] / (2(1 − ρ))", () => {
    const d = simulate(queueScenario(1, 0.8, { dist: "fixed", value: 1 })).json.departments.window;
    expect(errors(d.wait_days, (0.8 * 1) / (2 * 0.2), 10)).toBeLessThan(4);
    const g = simulate(queueScenario(1, 0.7, { dist: "lognormal", mean: 1, cv: 0.5 })).json.departments.window;
    expect(errors(g.wait_days, (0.7 * 1.25) / (2 * 0.3), 10)).toBeLessThan(4);
  });

  it("Little's law: time-average queue = arrival rate × wait", () => {
    const { json } = simulate(queueScenario(2, 1.5, { dist: "exponential", mean: 1 }, { horizon_days: 5000 }));
    const w = json.departments.window;
    expect(Math.abs(w.queue_length.mean! - 1.5 * w.wait_days.mean!) / w.queue_length.mean!).toBeLessThan(0.02);
  });
});

describe("batches", () => {
  it("N cases on c servers: fixed service clears at ⌈N/c⌉; exponential at (N − c)/c + H_c on average", () => {
    const warnings: WarningCase[] = Array.from({ length: 20 }, (_, i) => ({
      householdId: `H${String(i).padStart(2, "0")}`,
      band: 0,
      first: "window",
      then: [],
    }));
    const batch = (service: unknown, replications: number) =>
      scenarioOf({
        seed: 5,
        replications,
        horizon_days: 100,
        time_limit_days: 100,
        discovery: { batches: [{ day: 0 }] },
        departments: [{ id: "window", staff: 3, service_days: service }],
      }, "batch.json");
    const last = (s: ReturnType<typeof batch>) =>
      runLoop({ scenario: s, clock: clockOf(s), warnings }).map((r) => Math.max(...r.cases.map((c) => c.cleared)));
    expect(new Set(last(batch({ dist: "fixed", value: 1 }, 3)))).toEqual(new Set([7]));
    const times = last(batch({ dist: "exponential", mean: 1 }, 400));
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const sd = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / (times.length - 1));
    const theory = 17 / 3 + (1 + 1 / 2 + 1 / 3);
    expect(Math.abs(mean - theory) / (sd / Math.sqrt(times.length))).toBeLessThan(4);
  });
});

describe("conservation", () => {
  it("created = cleared + open in every replication; tasks queued = started + waiting; queue area = Σ waits", () => {
    const scenario = queueScenario(2, 2.2, { dist: "exponential", mean: 1 }, {
      horizon_days: 300,
      warmup_days: 0,
      replications: 5,
      time_limit_days: 5,
    });
    const { results, json } = simulate(scenario);
    for (const r of results) {
      const cleared = r.cases.filter((c) => !Number.isNaN(c.cleared)).length;
      const open = r.cases.length - cleared;
      expect(open).toBe(r.departments[0].openAtHorizon); // one task per application
      const count = (code: number) => r.log.code.filter((c) => c === code).length;
      expect(count(0)).toBe(r.cases.length); // created
      expect(count(7)).toBe(cleared); // cleared
      expect(count(1) - count(2)).toBe(r.departments[0].openAtHorizon - (count(2) - count(3))); // waiting
      // Queue area = Σ (min(started, horizon) − queued), exactly up to rounding.
      const queued = new Map<number, number>();
      let sum = 0;
      r.log.code.forEach((c, e) => {
        if (c === 1) queued.set(r.log.caseIndex[e], r.log.time[e]);
        if (c === 2) {
          sum += r.log.time[e] - queued.get(r.log.caseIndex[e])!;
          queued.delete(r.log.caseIndex[e]);
        }
      });
      for (const t of queued.values()) sum += r.horizon - t;
      expect(r.departments[0].queueArea).toBeCloseTo(sum, 6);
    }
    const o = json.overall;
    expect(o.cases_created.mean).toBeCloseTo(o.cases_cleared.mean! + o.open_at_horizon.mean!, 9);
    expect(o.open_at_horizon.mean).toBeCloseTo(o.breached_at_horizon.mean! + o.censored_at_horizon.mean!, 9);
  });

  it("two scenarios with the same seed share their arrivals and each case's service draws (paired)", () => {
    const a = queueScenario(2, 1.5, { dist: "exponential", mean: 1 }, {
      horizon_days: 200,
      replications: 3,
      warmup_days: 0,
    });
    const b = queueScenario(3, 1.5, { dist: "exponential", mean: 1 }, {
      horizon_days: 200,
      replications: 3,
      warmup_days: 0,
    });
    const ra = simulate(a).results, rb = simulate(b).results;
    for (let r = 0; r < 3; r++) {
      expect(rb[r].cases.map((c) => c.created)).toEqual(ra[r].cases.map((c) => c.created));
    }
    // More staff never makes a case wait longer under FCFS with the same arrivals and service times.
    const wa = simulate(a).json.departments.window.wait_days.mean!;
    const wb = simulate(b).json.departments.window.wait_days.mean!;
    expect(wb).toBeLessThan(wa);
  });
});
