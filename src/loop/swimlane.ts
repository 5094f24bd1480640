/**
 * A trainer's swimlane of one case: one lane per department it reached, with its waiting and
 * working spans, its stage deadlines and the case's due time, stepped through its event log (step
 * k shows what had happened by the k-th event). Pure: the page only draws it.
 */
import type { Clock } from "./clock.ts";
import { EVENT, EVENT_NAMES, type ReplicationResult } from "./flow.ts";

/** One event of the case, in log order. */
export interface CaseStep {
  /** Calendar days since the start (as events.csv). */
  day: number;
  /** The department's id, or null for a case-level event (created, breached, cleared, at risk). */
  department: string | null;
  event: string;
}

/** One case's log, as the page steps through it. */
export interface CaseTrace {
  caseId: string;
  channel: "warning" | "application";
  /** Band id (warnings) or null. */
  band: string | null;
  created: number;
  due: number;
  /** Stage limits (days from queued) of the departments that have one. */
  stageLimits: Record<string, number>;
  steps: CaseStep[];
}

/** A span on a lane: waiting or working, from `from` to `to` (days; open spans end at the step's day). */
export interface LaneSpan {
  lane: string;
  kind: "waiting" | "working";
  from: number;
  to: number;
  open: boolean;
}

/** A deadline mark on a lane (`case` lane: the case's due time). */
export interface LaneDeadline {
  lane: string;
  day: number;
  kind: "stage" | "due";
}

/** The swimlane at one step. */
export interface SwimlaneView {
  step: number;
  steps: number;
  lanes: string[];
  spans: LaneSpan[];
  deadlines: LaneDeadline[];
  current: CaseStep;
  /** Lane of the current event ("case" for case-level events). */
  currentLane: string;
}

/** The lane of case-level events. */
export const CASE_LANE = "case";

/** The trace of case `c` of a replication (its events in log order, days as in events.csv). */
export function caseTrace(
  result: ReplicationResult,
  c: number,
  departmentIds: readonly string[],
  clock: Clock,
  options: { bandIds: readonly string[]; stageLimits: Readonly<Record<string, number | undefined>> },
): CaseTrace {
  const kase = result.cases[c];
  const steps: CaseStep[] = [];
  const { caseIndex, department, code, time } = result.log;
  for (let e = 0; e < code.length; e++) {
    if (caseIndex[e] !== c) continue;
    const d = department[e];
    steps.push({
      day: clock.toDay(time[e]),
      department: d >= 0 ? departmentIds[d] : null,
      event: EVENT_NAMES[code[e]],
    });
  }
  const stageLimits: Record<string, number> = {};
  for (const d of new Set(kase.departments)) {
    const limit = options.stageLimits[departmentIds[d]];
    if (limit !== undefined) stageLimits[departmentIds[d]] = limit;
  }
  return {
    caseId: kase.id,
    channel: kase.channel,
    band: kase.band >= 0 ? options.bandIds[kase.band] ?? null : null,
    created: clock.toDay(kase.created),
    due: clock.toDay(kase.due),
    stageLimits,
    steps,
  };
}

/**
 * Cases worth showing a class: the first `n` of replication 1 that reached at least `minDepartments`
 * departments (warnings first, in creation order), as indices into its cases.
 */
export function teachingCases(result: ReplicationResult, n: number, minDepartments = 2): number[] {
  const picked: number[] = [];
  for (const channel of ["warning", "application"] as const) {
    result.cases.forEach((c, i) => {
      if (picked.length < n && c.channel === channel && new Set(c.departments).size >= minDepartments) picked.push(i);
    });
  }
  return picked;
}

/** The swimlane after `step` events (0-based, clamped to the trace). */
export function swimlaneAt(trace: CaseTrace, step: number): SwimlaneView {
  const k = Math.max(0, Math.min(trace.steps.length - 1, Math.floor(step)));
  const now = trace.steps[k]?.day ?? trace.created;
  const lanes: string[] = [CASE_LANE];
  const spans: LaneSpan[] = [];
  const deadlines: LaneDeadline[] = [{ lane: CASE_LANE, day: trace.due, kind: "due" }];
  const open = new Map<string, LaneSpan>();
  const close = (lane: string, day: number) => {
    const span = open.get(lane);
    if (span) {
      span.to = day;
      span.open = false;
      open.delete(lane);
    }
  };
  for (let e = 0; e <= k && e < trace.steps.length; e++) {
    const s = trace.steps[e];
    const lane = s.department;
    if (lane === null) continue;
    if (!lanes.includes(lane)) lanes.push(lane);
    if (s.event === EVENT_NAMES[EVENT.queued]) {
      close(lane, s.day);
      const span: LaneSpan = { lane, kind: "waiting", from: s.day, to: now, open: true };
      spans.push(span);
      open.set(lane, span);
      const limit = trace.stageLimits[lane];
      if (limit !== undefined) deadlines.push({ lane, day: s.day + limit, kind: "stage" });
    } else if (s.event === EVENT_NAMES[EVENT.started]) {
      close(lane, s.day);
      const span: LaneSpan = { lane, kind: "working", from: s.day, to: now, open: true };
      spans.push(span);
      open.set(lane, span);
    } else if (s.event === EVENT_NAMES[EVENT.finished] || s.event === EVENT_NAMES[EVENT.escalated]) {
      close(lane, s.day);
    }
  }
  for (const span of open.values()) span.to = now;
  const current = trace.steps[k] ?? { day: trace.created, department: null, event: "created" };
  return {
    step: k,
    steps: trace.steps.length,
    lanes,
    spans,
    deadlines,
    current,
    currentLane: current.department ?? CASE_LANE,
  };
}
