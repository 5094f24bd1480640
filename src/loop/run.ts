/** Running a scenario: its clock, every replication, and the `loop.json` object. */
import { calendarClock, type Clock, workingClock } from "./clock.ts";
import { type LoopInput, type ReplicationResult, runReplication } from "./flow.ts";
import type { NeedEstimate } from "./cases.ts";
import type { Scenario } from "./scenario.ts";
import {
  clearedWithinLimitByAssistance,
  type Figure,
  PILOT_ASSISTANCE,
  PILOT_BY_TYPE,
  summarizeAssistance,
  summarizeReplications,
} from "./summary.ts";

/** The scenario's clock (`calendar` by default; `working` from `start_date`, with holidays and make-up workdays). */
export function clockOf(scenario: Scenario): Clock {
  return scenario.clock === "working"
    ? workingClock(scenario.start_date, scenario.horizon_days, scenario.holidays, scenario.workdays)
    : calendarClock(scenario.horizon_days);
}

/** Runs every replication of the scenario, in order. */
export function runLoop(input: LoopInput): ReplicationResult[] {
  const out: ReplicationResult[] = [];
  for (let r = 0; r < input.scenario.replications; r++) out.push(runReplication(input, r));
  return out;
}

/** What `loop.json` says besides the figures (model, data, warnings, verification source). */
export interface LoopContext {
  scenarioFile?: string;
  model?: { id: string; version: string; sha256: string };
  data?: { folder: string; digest: string };
  bandIds: readonly string[];
  /** Warned households per band id under the scenario's bands. */
  warnedByBand?: Record<string, number>;
  verification?: LoopVerification | null;
}

/** Where `loop.json` says the need probabilities come from. */
export type LoopVerification =
  | { need: "dataset"; source: string; estimates: Record<string, NeedEstimate> }
  | { need: number; source: string };

/** The `loop.json` object (contract §5), keys in a fixed order. */
export function loopJson(input: LoopInput, results: readonly ReplicationResult[], context: LoopContext) {
  const s = input.scenario;
  const summary = summarizeReplications(results, {
    departments: s.departments,
    limit: s.time_limit_days,
    bandIds: context.bandIds,
    verifies: !!input.need,
  });
  const unit = s.clock === "working" ? "working days" : "calendar days";
  return {
    scenario: {
      file: context.scenarioFile ?? null,
      seed: s.seed,
      replications: s.replications,
      horizon_days: s.horizon_days,
      warmup_days: s.warmup_days,
      clock: s.clock,
      start_date: s.start_date,
      time_limit_days: s.time_limit_days,
      batches: s.discovery.batches.map((b) => b.day),
      warnings: s.discovery.warnings,
      applications_per_day: s.discovery.applications_per_day,
      applications_department: s.discovery.applications_department ?? null,
      applications_from_dataset: s.discovery.applications_from_dataset,
      escalation: s.escalation ?? null,
      max_transfers: s.max_transfers,
    },
    model: context.model ?? null,
    data: context.data ?? null,
    units:
      `durations (wait_days, time_to_clear_days, limits) in ${unit}; events.csv day = calendar days since start_date`,
    interval: "mean across replications with a Student-t 95% interval of the replication figures",
    warnings: {
      households_per_batch: input.warnings.length,
      households_per_year: s.discovery.warnings === "split"
        ? input.warnings.length * (s.discovery.batches.length > 0 ? 1 : 0)
        : input.warnings.length * s.discovery.batches.length,
      by_band: context.warnedByBand ?? null,
      routing:
        "first: the responsible department (competent when no indicator dispatches), then the executing departments in parallel (src/model/routing.ts)",
    },
    verification: context.verification ?? null,
    assistance: input.assistance
      ? {
        source:
          "the dataset's verified rows in need: type shares per channel, amounts resampled from amount_yuan of the type and channel; temporary assistance is given at verification (assist first), other types when the case is cleared; counted when delivered by the horizon",
        pilot: {
          ...PILOT_ASSISTANCE,
          by_type: PILOT_BY_TYPE,
          note:
            "the pilot county's figures for 687 warnings over two batches, after verification (person-times, yuan): compare with by_channel.warning",
        },
        ...summarizeAssistance(results, input.assistance.types, { limit: s.time_limit_days }),
      }
      : null,
    overall: summary.overall,
    departments: summary.departments,
    cleared_within_limit_by_band: summary.cleared_within_limit_by_band,
    cleared_within_limit_by_channel: summary.cleared_within_limit_by_channel,
    cleared_within_limit_by_assistance: input.assistance
      ? clearedWithinLimitByAssistance(results, s.time_limit_days, input.assistance.types)
      : null,
    definitions: {
      wait_days: "started − queued, over tasks queued after warm-up that started by the horizon",
      share_wait_at_most_1_day: "share of those waits ≤ 1 day",
      utilisation: "busy staff-time ÷ (staff × time from warm-up to the horizon)",
      queue_length: "time-average number of tasks waiting",
      cleared_within_limit:
        "of cases created after warm-up and due (created + time_limit_days) by the horizon, the share cleared by their due time; a department's figure counts the cases that reached it",
      open_at_horizon:
        "department: tasks waiting or in service at the horizon; overall: open cases, breached (past due) + censored (not yet due)",
      over_stage_limit: "share of a department's tasks taking longer than its time_limit_days from queued to finished",
      transfers:
        "cases passed on (转办) after a department's work, by its transfer_probability, at most max_transfers per case; the due time does not move (the first department keeps the clock)",
      escalated_cases:
        "cases still open at escalation.at_risk_share of their limit (督办): their waiting and later tasks go ahead of the others",
      escalated_to_office:
        "tasks taken over by the higher office escalation.to: those of an at-risk case still waiting, and any still waiting past its department's time_limit_days (event escalated, then queued at the office)",
      cleared_within_limit_by_assistance:
        "cleared_within_limit by the assistance type the case received; none: not in need or no type",
      time_to_assistance_distribution:
        "share of deliveries (cases created after warm-up) by whole days from creation to assistance, the last bin open-ended",
    },
  };
}

/** A figure of `loop.json`. */
export type { Figure };
