/**
 * The evaluation figures of contract §3, for a set of verified rows: warnings, labeled warnings,
 * true positives, precision with its Wilson interval, labeled positives, recall and coverage.
 * Pure: takes which households are warned and the verified rows, so the command line and the
 * browser compute the same numbers from the same inputs.
 */
import { ratio, wilsonInterval } from "./wilson.ts";

/** One verified row as evaluation reads it. */
export interface VerifiedRow {
  household_id: string;
  /** May be null at run time (an empty cell): the row then counts only overall. */
  batch: string;
  /** May be null at run time (an empty cell): the row is in no frame. */
  channel: string;
  /** May be null at run time (an empty cell): counts as not in need. */
  need: boolean;
  assistance?: string | null;
  amount_yuan?: number | null;
}

/** The figures for one set of verified rows (field names and meaning exactly as contract §3). */
export interface WarningMetrics {
  warnings: number;
  labeled_warnings: number;
  true_positives: number;
  precision: number | null;
  precision_ci95: [number, number] | null;
  labeled_positives: number;
  recall: number | null;
  coverage: number | null;
}

/** Which households are warned: a set of ids, or anything that answers `has` and `size` as one would. */
export type WarnedHouseholds = Pick<ReadonlySet<string>, "has" | "size">;

/**
 * Verified rows as the figures read them: each household once (in order of first row), and
 * whether any of its rows says it was in need. Prepared once, they can be evaluated against many
 * warning sets (a slider's ticks) with {@link metricsOf}.
 */
export interface VerifiedHouseholds {
  ids: string[];
  need: boolean[];
}

/** Reduces verified rows to {@link VerifiedHouseholds}. */
export function verifiedHouseholds(rows: readonly VerifiedRow[]): VerifiedHouseholds {
  const need = new Map<string, boolean>();
  for (const row of rows) need.set(row.household_id, (need.get(row.household_id) ?? false) || row.need === true);
  return { ids: [...need.keys()], need: [...need.values()] };
}

/** The figures of prepared verified households against the warned ones. */
export function metricsOf(warned: WarnedHouseholds, verified: VerifiedHouseholds): WarningMetrics {
  let labeledWarnings = 0, truePositives = 0, labeledPositives = 0;
  const { ids, need } = verified;
  for (let i = 0; i < ids.length; i++) {
    const isWarned = warned.has(ids[i]);
    if (isWarned) labeledWarnings++;
    if (need[i]) labeledPositives++;
    if (isWarned && need[i]) truePositives++;
  }
  return {
    warnings: warned.size,
    labeled_warnings: labeledWarnings,
    true_positives: truePositives,
    precision: ratio(truePositives, labeledWarnings),
    precision_ci95: wilsonInterval(truePositives, labeledWarnings),
    labeled_positives: labeledPositives,
    recall: ratio(truePositives, labeledPositives),
    coverage: ratio(labeledWarnings, warned.size),
  };
}

/**
 * Computes the figures. `warned` holds the ids of warned households; `rows` the verified rows of
 * the set (all of them for `overall`, one batch's for a batch).
 */
export function warningMetrics(warned: WarnedHouseholds, rows: readonly VerifiedRow[]): WarningMetrics {
  return metricsOf(warned, verifiedHouseholds(rows));
}

/** Verified rows prepared for {@link evaluateBatches}: all of them, and each batch's (batches sorted). */
export interface VerifiedByBatch {
  overall: VerifiedHouseholds;
  batches: [string, VerifiedHouseholds][];
}

/** Groups verified rows by batch (rows without a batch count overall only) and prepares each group. */
export function verifiedByBatch(rows: readonly VerifiedRow[]): VerifiedByBatch {
  const byBatch = new Map<string, VerifiedRow[]>();
  for (const row of rows) {
    if ((row.batch as string | null) === null || row.batch === "") continue; // no batch: overall only
    const list = byBatch.get(row.batch) ?? [];
    list.push(row);
    byBatch.set(row.batch, list);
  }
  return {
    overall: verifiedHouseholds(rows),
    batches: [...byBatch.keys()].sort().map((batch) => [batch, verifiedHouseholds(byBatch.get(batch)!)]),
  };
}

/** Overall figures and one set per batch, from rows prepared once by {@link verifiedByBatch}. */
export function evaluateBatches(
  warned: WarnedHouseholds,
  verified: VerifiedByBatch,
): { overall: WarningMetrics; batches: Record<string, WarningMetrics> } {
  // Object.fromEntries: a batch named `__proto__` is an own key like any other.
  const batches: Record<string, WarningMetrics> = Object.fromEntries(
    verified.batches.map(([batch, households]) => [batch, metricsOf(warned, households)]),
  );
  return { overall: metricsOf(warned, verified.overall), batches };
}

/**
 * Overall figures and one set per batch (batches in sorted order, so output is deterministic).
 * Rows without a batch count overall only.
 */
export function evaluateByBatch(
  warned: WarnedHouseholds,
  rows: readonly VerifiedRow[],
): { overall: WarningMetrics; batches: Record<string, WarningMetrics> } {
  return evaluateBatches(warned, verifiedByBatch(rows));
}
