/**
 * From replications to `loop.json` (contract §5): per department and overall, the mean across
 * replications and a Student-t 95% interval of each replication's figure.
 *
 * Definitions (each replication, warm-up excluded):
 * - `wait_days`: mean of `started − queued` over tasks queued after warm-up that started by the
 *   horizon (a task still waiting at the horizon has no wait yet; it counts in `open_at_horizon`).
 * - `share_wait_at_most_1_day`: the share of those waits ≤ 1 day.
 * - `utilisation`: busy staff-time ÷ (staff × time from warm-up to the horizon).
 * - `queue_length`: the time-average number of tasks waiting (Little: = arrival rate × wait).
 * - `cleared_within_limit`: of the cases created after warm-up whose due time (created +
 *   `time_limit_days`) is at or before the horizon — the cases whose outcome is known — the share
 *   cleared by their due time. A department's figure counts the cases that reached it.
 * - `open_at_horizon`: tasks waiting or in service at the horizon (department); cases open (overall),
 *   split into `breached_at_horizon` (past due) and `censored_at_horizon` (not yet due).
 */
import type { Case, ReplicationResult } from "./flow.ts";
import { summarize, type Summary } from "./stats.ts";

/** A figure across replications, as `loop.json` writes it. */
export interface Figure {
  mean: number | null;
  ci95: [number, number] | null;
}

function figure(values: readonly (number | null)[]): Figure {
  const s: Summary = summarize(values);
  return { mean: s.mean, ci95: s.ci95 };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The figures of `loop.json` overall (`share_in_need` only when the scenario verifies). */
export type OverallSummary =
  & Record<
    | "cases_created"
    | "cases_cleared"
    | "already_open"
    | "wait_days"
    | "share_wait_at_most_1_day"
    | "utilisation"
    | "time_to_clear_days"
    | "open_cases_mean"
    | "cleared_within_limit"
    | "open_at_horizon"
    | "breached_at_horizon"
    | "censored_at_horizon"
    | "transfers"
    | "escalated_cases"
    | "escalated_to_office",
    Figure
  >
  & { share_in_need?: Figure };

/** A department's figures of `loop.json` (`over_stage_limit` only when it has its own time limit). */
export type DepartmentSummary =
  & Record<
    | "tasks"
    | "wait_days"
    | "share_wait_at_most_1_day"
    | "utilisation"
    | "queue_length"
    | "cleared_within_limit"
    | "open_at_horizon",
    Figure
  >
  & { over_stage_limit?: Figure };

/** Per-replication figures of one department (the values `loop.json` summarises). */
export function departmentFigures(r: ReplicationResult, d: number, limit: number, hasStageLimit: boolean) {
  const dep = r.departments[d];
  const span = r.horizon - r.warmup;
  let known = 0, within = 0;
  for (const c of r.cases) {
    if (c.created < r.warmup || c.due > r.horizon || !c.departments.includes(d)) continue;
    known++;
    if (c.cleared - c.created <= limit) within++;
  }
  const out: Record<string, number | null> = {
    tasks: dep.tasks,
    wait_days: ratio(dep.waitSum, dep.waitCount),
    share_wait_at_most_1_day: ratio(dep.waitAtMostOneDay, dep.waitCount),
    utilisation: ratio(dep.busyArea, dep.staff * span),
    queue_length: ratio(dep.queueArea, span),
    cleared_within_limit: ratio(within, known),
    open_at_horizon: dep.openAtHorizon,
  };
  if (hasStageLimit) out.over_stage_limit = ratio(dep.stageBreached, dep.tasks);
  return out;
}

/** Per-replication figures of the whole loop (the values `loop.json` summarises). */
export function overallFigures(r: ReplicationResult, limit: number, verifies: boolean) {
  const span = r.horizon - r.warmup;
  let waitSum = 0, waitCount = 0, atMost = 0, busy = 0, staff = 0;
  for (const d of r.departments) {
    waitSum += d.waitSum;
    waitCount += d.waitCount;
    atMost += d.waitAtMostOneDay;
    busy += d.busyArea;
    staff += d.staff;
  }
  let cleared = 0, breached = 0, censored = 0, known = 0, within = 0, clearSum = 0, clearCount = 0;
  let verified = 0, need = 0, transfers = 0, escalated = 0, toOffice = 0;
  for (const c of r.cases) {
    transfers += c.transfers;
    toOffice += c.toOffice;
    if (c.escalated) escalated++;
    const open = Number.isNaN(c.cleared);
    if (open) {
      if (c.due <= r.horizon) breached++; // due by the horizon and not cleared: its breached event is in the log
      else censored++;
    } else cleared++;
    if (c.need !== null) {
      verified++;
      if (c.need) need++;
    }
    if (c.created < r.warmup) continue;
    if (!open) {
      clearSum += c.cleared - c.created;
      clearCount++;
    }
    if (c.due <= r.horizon) {
      known++;
      if (c.cleared - c.created <= limit) within++;
    }
  }
  const out: Record<string, number | null> = {
    cases_created: r.cases.length,
    cases_cleared: cleared,
    already_open: r.alreadyOpen,
    wait_days: ratio(waitSum, waitCount),
    share_wait_at_most_1_day: ratio(atMost, waitCount),
    utilisation: ratio(busy, staff * span),
    time_to_clear_days: ratio(clearSum, clearCount),
    open_cases_mean: r.openCasesMean,
    cleared_within_limit: ratio(within, known),
    open_at_horizon: breached + censored,
    breached_at_horizon: breached,
    censored_at_horizon: censored,
    transfers,
    escalated_cases: escalated,
    escalated_to_office: toOffice,
  };
  if (verifies) out.share_in_need = ratio(need, verified);
  return out;
}

/** `cleared_within_limit` per group (band id, channel or assistance type) in one replication. */
function groupFigures(r: ReplicationResult, limit: number, groupOf: (c: Case) => string) {
  const known = new Map<string, number>(), within = new Map<string, number>();
  for (const c of r.cases) {
    if (c.created < r.warmup || c.due > r.horizon) continue;
    const g = groupOf(c);
    known.set(g, (known.get(g) ?? 0) + 1);
    if (c.cleared - c.created <= limit) within.set(g, (within.get(g) ?? 0) + 1);
  }
  return (g: string) => ratio(within.get(g) ?? 0, known.get(g) ?? 0);
}

/** Summaries of `loop.json`: overall, per department, and `cleared_within_limit` by band and channel. */
export function summarizeReplications(
  results: readonly ReplicationResult[],
  options: {
    departments: readonly { id: string; time_limit_days?: number }[];
    limit: number;
    bandIds: readonly string[];
    verifies: boolean;
  },
): {
  overall: OverallSummary;
  departments: Record<string, DepartmentSummary>;
  cleared_within_limit_by_band: Record<string, Figure>;
  cleared_within_limit_by_channel: { warning: Figure; application: Figure };
} {
  const across = (rows: Record<string, number | null>[]): Record<string, Figure> => {
    const keys = rows.length > 0 ? Object.keys(rows[0]) : [];
    return Object.fromEntries(keys.map((k) => [k, figure(rows.map((row) => row[k]))]));
  };
  // The keys are those overallFigures and departmentFigures write (loop.json's schema checks them).
  const overall = across(results.map((r) => overallFigures(r, options.limit, options.verifies))) as OverallSummary;
  const departments: Record<string, DepartmentSummary> = {};
  options.departments.forEach((spec, d) => {
    departments[spec.id] = across(
      results.map((r) => departmentFigures(r, d, options.limit, spec.time_limit_days !== undefined)),
    ) as DepartmentSummary;
  });
  const byBand = results.map((r) =>
    groupFigures(r, options.limit, (c) => (c.band >= 0 ? options.bandIds[c.band] : ""))
  );
  const byChannel = results.map((r) => groupFigures(r, options.limit, (c) => c.channel));
  return {
    overall,
    departments,
    cleared_within_limit_by_band: Object.fromEntries(
      options.bandIds.map((b) => [b, figure(byBand.map((f) => f(b)))]),
    ),
    cleared_within_limit_by_channel: {
      warning: figure(byChannel.map((f) => f("warning"))),
      application: figure(byChannel.map((f) => f("application"))),
    },
  };
}

/**
 * `cleared_within_limit` by the assistance type the case received (`none`: verified not in need,
 * or in need with no type drawn), over the cases whose outcome is known (as the overall figure).
 */
export function clearedWithinLimitByAssistance(
  results: readonly ReplicationResult[],
  limit: number,
  types: readonly string[],
): Record<string, Figure> {
  const per = results.map((r) => groupFigures(r, limit, (c) => (c.assistance >= 0 ? types[c.assistance] : "none")));
  return Object.fromEntries([...types, "none"].map((t) => [t, figure(per.map((f) => f(t)))]));
}

/**
 * The pilot's assistance figures (Xiaochang: 687 warnings over two batches, verified by the
 * departments; the mission's source), for comparison with the warning channel.
 */
export const PILOT_ASSISTANCE = { person_times: 404, yuan: 1_192_000 } as const;
/** The pilot's person-times by assistance type (education 117, medical 111, employment 63, temporary 99, charity 14). */
export const PILOT_BY_TYPE: Readonly<Record<string, number>> = {
  education: 117,
  medical: 111,
  employment: 63,
  temporary: 99,
  charity: 14,
};

/** One bin of the time-to-assistance distribution: [from, to) days (`to` null: open-ended). */
export interface DelayBin {
  from: number;
  to: number | null;
  share: Figure;
}

/**
 * The time-to-assistance distribution (creation → delivery, cases created after warm-up): per
 * replication, the share of deliveries in each whole-day bin [k, k + 1) for k < `upTo`, and one
 * open bin [upTo, ∞); then across replications. Also the 50th and 90th percentiles.
 */
export function delayDistribution(delays: readonly (readonly number[])[], upTo: number) {
  const bins: DelayBin[] = [];
  const shares = delays.map((ds) => {
    const counts = new Array(upTo + 1).fill(0);
    for (const d of ds) counts[Math.min(upTo, Math.floor(d))]++;
    return counts.map((n) => ratio(n, ds.length));
  });
  for (let k = 0; k <= upTo; k++) {
    bins.push({ from: k, to: k < upTo ? k + 1 : null, share: figure(shares.map((s) => s[k])) });
  }
  const quantile = (q: number) =>
    figure(delays.map((ds) => {
      if (ds.length === 0) return null;
      const sorted = Float64Array.from(ds).sort();
      return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }));
  return { bins, p50: quantile(0.5), p90: quantile(0.9) };
}

/**
 * Assistance delivered by the horizon, across replications: person-times and yuan by type and in
 * total, and the time from a case's creation to its assistance (cases created after warm-up).
 */
export function summarizeAssistance(
  results: readonly ReplicationResult[],
  types: readonly string[],
  options: { limit: number },
) {
  const per = results.map((r) => {
    const count = types.map(() => 0), yuan = types.map(() => 0);
    const zeros = () => ({ count: 0, yuan: 0, typeCount: types.map(() => 0), typeYuan: types.map(() => 0) });
    const channel = { warning: zeros(), application: zeros() };
    const delays: number[] = [];
    let delaySum = 0;
    for (const c of r.cases) {
      if (c.assistance < 0 || Number.isNaN(c.assisted)) continue;
      count[c.assistance]++;
      yuan[c.assistance] += c.amount;
      const ch = channel[c.channel];
      ch.count++;
      ch.yuan += c.amount;
      ch.typeCount[c.assistance]++;
      ch.typeYuan[c.assistance] += c.amount;
      if (c.created >= r.warmup) {
        delaySum += c.assisted - c.created;
        delays.push(c.assisted - c.created);
      }
    }
    return { count, yuan, channel, delay: ratio(delaySum, delays.length), delays };
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const funds = (ch: "warning" | "application") => ({
    person_times: figure(per.map((p) => p.channel[ch].count)),
    yuan: figure(per.map((p) => p.channel[ch].yuan)),
    by_type: Object.fromEntries(types.map((t, i) => [t, {
      person_times: figure(per.map((p) => p.channel[ch].typeCount[i])),
      yuan: figure(per.map((p) => p.channel[ch].typeYuan[i])),
    }])),
  });
  const distribution = delayDistribution(per.map((p) => p.delays), Math.ceil(2 * options.limit));
  return {
    person_times: figure(per.map((p) => sum(p.count))),
    yuan: figure(per.map((p) => sum(p.yuan))),
    time_to_assistance_days: figure(per.map((p) => p.delay)),
    time_to_assistance_p50_days: distribution.p50,
    time_to_assistance_p90_days: distribution.p90,
    time_to_assistance_distribution: distribution.bins,
    by_channel: { warning: funds("warning"), application: funds("application") },
    by_type: Object.fromEntries(
      types.map((t, i) => [t, {
        person_times: figure(per.map((p) => p.count[i])),
        yuan: figure(per.map((p) => p.yuan[i])),
      }]),
    ),
  };
}
