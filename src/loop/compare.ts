/**
 * Scenario A against scenario B with paired intervals (`deno task loop --scenario a.json --compare
 * b.json`): both scenarios run with the same seed and replication count, so replication r of A and
 * replication r of B draw the same application arrivals and the same service times for the same
 * case (common random numbers, see `flow.ts`). For each figure the comparison takes, replication by
 * replication, the difference B − A, and gives the mean of those differences with a Student-t 95%
 * interval on them (the paired interval). Beside it, for reference, the unpaired (Welch) interval of
 * the difference of the two means, which ignores the pairing: the paired one is usually much
 * narrower, because the noise both scenarios share cancels.
 */
import type { ReplicationResult } from "./flow.ts";
import type { Scenario } from "./scenario.ts";
import { summarize, t975 } from "./stats.ts";
import { departmentFigures, overallFigures } from "./summary.ts";

/** The figures compared, per department and overall. */
export const COMPARED_FIGURES = ["wait_days", "utilisation", "cleared_within_limit", "open_at_horizon"] as const;

/** One figure's comparison. */
export interface PairedFigure {
  /** Mean across A's replications (those that have a value). */
  a: number | null;
  /** Mean across B's replications. */
  b: number | null;
  /** Mean of the per-replication differences B − A (replications where both have a value). */
  difference: number | null;
  /** Student-t 95% interval of those differences (null with fewer than two pairs). */
  ci95: [number, number] | null;
  /** Welch 95% interval of b − a, ignoring the pairing (for reference). */
  unpaired_ci95: [number, number] | null;
  /** Replications paired (both values present). */
  pairs: number;
}

type Rows = readonly Record<string, number | null>[];

/** Welch's interval for mean(b) − mean(a) from independent samples (nulls skipped). */
export function welchInterval(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
): [number, number] | null {
  const xs = a.filter((v): v is number => v !== null && Number.isFinite(v));
  const ys = b.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length < 2 || ys.length < 2) return null;
  const moments = (v: number[]) => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return { m, s2: v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1), n: v.length };
  };
  const x = moments(xs), y = moments(ys);
  const va = x.s2 / x.n, vb = y.s2 / y.n;
  const d = y.m - x.m;
  if (va + vb === 0) return [d, d];
  const df = (va + vb) ** 2 / (va ** 2 / (x.n - 1) + vb ** 2 / (y.n - 1));
  const half = t975(df) * Math.sqrt(va + vb);
  return [d - half, d + half];
}

/** Compares one figure across paired replications (`a[r]` and `b[r]` are replication r). */
export function pairedFigure(a: readonly (number | null)[], b: readonly (number | null)[]): PairedFigure {
  const diffs: number[] = [];
  for (let r = 0; r < Math.min(a.length, b.length); r++) {
    const x = a[r], y = b[r];
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    diffs.push(y - x);
  }
  const d = summarize(diffs);
  return {
    a: summarize(a).mean,
    b: summarize(b).mean,
    difference: d.mean,
    ci95: d.ci95,
    unpaired_ci95: welchInterval(a, b),
    pairs: d.n,
  };
}

/** The compared figures of one department or overall. */
export type PairedFigures = Record<(typeof COMPARED_FIGURES)[number], PairedFigure>;

function compareRows(a: Rows, b: Rows): PairedFigures {
  const pair = (k: (typeof COMPARED_FIGURES)[number]) =>
    pairedFigure(a.map((row) => row[k] ?? null), b.map((row) => row[k] ?? null));
  return {
    wait_days: pair("wait_days"),
    utilisation: pair("utilisation"),
    cleared_within_limit: pair("cleared_within_limit"),
    open_at_horizon: pair("open_at_horizon"),
  };
}

/** A department's per-replication figures, or nulls when the scenario does not list it. */
function departmentRows(scenario: Scenario, results: readonly ReplicationResult[], id: string): Rows {
  const d = scenario.departments.findIndex((spec) => spec.id === id);
  if (d < 0) return results.map(() => ({}));
  const staged = scenario.departments[d].time_limit_days !== undefined;
  return results.map((r) => departmentFigures(r, d, scenario.time_limit_days, staged));
}

/** One side of a comparison: its scenario (as run) and its replications. */
export interface ComparedSide {
  file: string | null;
  scenario: Scenario;
  results: readonly ReplicationResult[];
}

/** What `comparison.json` says besides the figures (model, data). */
export interface CompareContext {
  model?: { id: string; version: string; sha256: string };
  data?: { folder: string; digest: string };
  /** Notes, e.g. that B ran with A's seed and replication count. */
  notes?: readonly string[];
}

/**
 * The `comparison.json` object of `deno task loop --compare`: per figure overall and per department
 * (A's departments in order, then those only B lists), A's mean, B's mean and the paired difference
 * B − A with its interval.
 */
export function compareLoops(a: ComparedSide, b: ComparedSide, context: CompareContext = {}) {
  const verifiesA = a.scenario.verification !== undefined, verifiesB = b.scenario.verification !== undefined;
  const overall = compareRows(
    a.results.map((r) => overallFigures(r, a.scenario.time_limit_days, verifiesA)),
    b.results.map((r) => overallFigures(r, b.scenario.time_limit_days, verifiesB)),
  );
  const ids = [...a.scenario.departments.map((d) => d.id)];
  for (const d of b.scenario.departments) if (!ids.includes(d.id)) ids.push(d.id);
  const departments: Record<string, PairedFigures> = {};
  for (const id of ids) {
    departments[id] = compareRows(departmentRows(a.scenario, a.results, id), departmentRows(b.scenario, b.results, id));
  }
  const side = (s: ComparedSide) => ({
    file: s.file,
    seed: s.scenario.seed,
    replications: s.scenario.replications,
    horizon_days: s.scenario.horizon_days,
    time_limit_days: s.scenario.time_limit_days,
  });
  return {
    command: "loop --compare" as const,
    scenarios: { a: side(a), b: side(b) },
    model: context.model ?? null,
    data: context.data ?? null,
    method:
      "both scenarios run with the same seed and replications, so replication r of A and of B share their random streams (arrivals, service times, decisions per case); difference = mean over replications of (B − A); ci95 = Student-t 95% interval of those per-replication differences (paired); unpaired_ci95 = Welch 95% interval of mean(B) − mean(A), ignoring the pairing, for reference",
    figures: [...COMPARED_FIGURES],
    notes: [...(context.notes ?? [])],
    overall,
    departments,
  };
}

/** The `comparison.json` object of `deno task loop --compare`. */
export type LoopComparison = ReturnType<typeof compareLoops>;
