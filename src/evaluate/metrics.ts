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

/**
 * Computes the figures. `warned` holds the ids of warned households; `rows` the verified rows of
 * the set (all of them for `overall`, one batch's for a batch).
 */
export function warningMetrics(warned: ReadonlySet<string>, rows: readonly VerifiedRow[]): WarningMetrics {
  const need = new Map<string, boolean>();
  for (const row of rows) need.set(row.household_id, (need.get(row.household_id) ?? false) || row.need === true);
  let labeledWarnings = 0, truePositives = 0, labeledPositives = 0;
  for (const [id, needed] of need) {
    const isWarned = warned.has(id);
    if (isWarned) labeledWarnings++;
    if (needed) labeledPositives++;
    if (isWarned && needed) truePositives++;
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
 * Overall figures and one set per batch (batches in sorted order, so output is deterministic).
 * Rows without a batch count overall only.
 */
export function evaluateByBatch(
  warned: ReadonlySet<string>,
  rows: readonly VerifiedRow[],
): { overall: WarningMetrics; batches: Record<string, WarningMetrics> } {
  const byBatch = new Map<string, VerifiedRow[]>();
  for (const row of rows) {
    if ((row.batch as string | null) === null || row.batch === "") continue; // no batch: overall only
    const list = byBatch.get(row.batch) ?? [];
    list.push(row);
    byBatch.set(row.batch, list);
  }
  // Object.fromEntries: a batch named `__proto__` is an own key like any other.
  const batches: Record<string, WarningMetrics> = Object.fromEntries(
    [...byBatch.keys()].sort().map((batch) => [batch, warningMetrics(warned, byBatch.get(batch)!)]),
  );
  return { overall: warningMetrics(warned, rows), batches };
}
