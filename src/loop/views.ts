/**
 * Everything the 闭环 Loop page shows, computed from one run: `loop.json`'s object, the figure
 * series of `figures.ts`, and the traces of a few cases for the swimlane. What the page's Web
 * Worker computes and posts back (plain data, no functions: it crosses `postMessage`).
 */
import { type LoopInput, type ReplicationResult, runReplication } from "./flow.ts";
import { backlogSeries, clearedRows, delayRows, fundsRows, queueSeries, yuanRows } from "./series.ts";
import { clockOf, type LoopContext, loopJson } from "./run.ts";
import { type CaseTrace, caseTrace, teachingCases } from "./swimlane.ts";

/** A loop input without its clock (rebuilt from the scenario): what crosses to a worker. */
export type LoopRequest = Omit<LoopInput, "clock"> & { context: LoopContext };

/** The page's views of one run. */
export interface LoopViews {
  json: ReturnType<typeof loopJson>;
  unit: string;
  queue: ReturnType<typeof queueSeries>;
  backlog: ReturnType<typeof backlogSeries>;
  cleared: ReturnType<typeof clearedRows>;
  delay: ReturnType<typeof delayRows>;
  funds: ReturnType<typeof fundsRows>;
  yuan: ReturnType<typeof yuanRows>;
  /** Cases of replication 1 for the swimlane. */
  traces: CaseTrace[];
  /** Milliseconds the replications took. */
  simulateMs: number;
}

/** Runs every replication of the request, calling `progress(done, total)` after each. */
export function runRequest(
  request: LoopRequest,
  progress: (done: number, total: number) => void = () => {},
): { input: LoopInput; results: ReplicationResult[]; ms: number } {
  const input: LoopInput = { ...request, clock: clockOf(request.scenario) };
  const started = performance.now();
  const results: ReplicationResult[] = [];
  const n = input.scenario.replications;
  for (let r = 0; r < n; r++) {
    results.push(runReplication(input, r));
    progress(r + 1, n);
  }
  return { input, results, ms: performance.now() - started };
}

/** The page's views of a run (`traces`: up to `cases` teaching cases of replication 1). */
export function loopViews(
  input: LoopInput,
  results: readonly ReplicationResult[],
  context: LoopContext,
  options: { cases?: number; simulateMs?: number } = {},
): LoopViews {
  const json = loopJson(input, results, context);
  const departmentIds = input.scenario.departments.map((d) => d.id);
  const stageLimits = Object.fromEntries(input.scenario.departments.map((d) => [d.id, d.time_limit_days]));
  const first = results[0];
  const traces = first
    ? teachingCases(first, options.cases ?? 12).map((c) =>
      caseTrace(first, c, departmentIds, input.clock, { bandIds: context.bandIds, stageLimits })
    )
    : [];
  return {
    json,
    unit: input.scenario.clock === "working" ? "working days 工作日" : "days 天",
    queue: queueSeries(results, departmentIds),
    backlog: backlogSeries(results),
    cleared: clearedRows(json),
    delay: delayRows(json),
    funds: fundsRows(json),
    yuan: yuanRows(json),
    traces,
    simulateMs: options.simulateMs ?? 0,
  };
}
