/**
 * The closed loop, simulated (点单 → 派单 → 接单 → 核实 → 销号): a discrete-event core (an event
 * heap keyed time, priority, sequence; departments as resources with staff, a queue discipline and
 * a calendar or working clock; level and tally monitors; seeded named random streams per
 * replication and per case) and the case flow of `deno task loop` (contract §5): batches of the
 * model's warnings routed by the model's routing, Poisson applications at the single window, time
 * limits, verification, and the `events.csv` / `loop.json` outputs.
 *
 * ```ts
 * import { eventsCsv, loopJson, runLoop, scenarioOf, clockOf } from "./mod.ts";
 *
 * const scenario = scenarioOf({
 *   seed: 1, replications: 5, horizon_days: 200, time_limit_days: 5,
 *   discovery: { applications_per_day: 0.8, applications_department: "civil_affairs" },
 *   departments: [{ id: "civil_affairs", staff: 1, service_days: { dist: "exponential", mean: 1 } }],
 * }, "example.json");
 * const input = { scenario, clock: clockOf(scenario), warnings: [] };
 * const results = runLoop(input);
 * const report = loopJson(input, results, { bandIds: [] });
 * console.log(report.departments.civil_affairs.utilisation.mean); // about 0.8 (M/M/1, ρ = 0.8)
 * console.log(eventsCsv(results, ["civil_affairs"], input.clock).split("\n")[0]);
 * ```
 */
export * from "./heap.ts";
export * from "./monitor.ts";
export * from "./clock.ts";
export * from "./distributions.ts";
export * from "./resource.ts";
export * from "./scenario.ts";
export * from "./flow.ts";
export * from "./cases.ts";
export * from "./stats.ts";
export * from "./summary.ts";
export * from "./events.ts";
export * from "./run.ts";
export * from "./report.ts";
export * from "./figures.ts";
export * from "./series.ts";
export * from "./swimlane.ts";
export * from "./views.ts";
export * from "./parquet.ts";
export * from "./compare.ts";
export * from "./prepare.ts";
