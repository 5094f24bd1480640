/**
 * Choosing a cut-off, three ways:
 * (a) target precision — the smallest distinct per-capita score t of the fit frame's labeled
 *     households at which the Wilson lower bound of precision among labeled households with
 *     per-capita ≥ t reaches the target;
 * (b) capacity — the smallest distinct score at which warnings (overall and/or per department)
 *     stay within the given numbers;
 * (c) quantiles — the smallest distinct score at which at most a share 1 − q of households score
 *     at or above it.
 */
import { wilsonInterval, Z95 } from "../evaluate/wilson.ts";
import type { FrameLabels } from "../evaluate/frames.ts";
import type { SweepTable } from "../evaluate/sweep_table.ts";

/** Precision of the labeled households at or above one threshold. */
export interface PrecisionPoint {
  threshold: number;
  labeled_warnings: number;
  true_positives: number;
  precision: number;
  /** Wilson lower bound of precision. */
  lower: number;
  upper: number;
}

/** Precision at every distinct score of the labeled households, thresholds descending. */
export function labeledPrecisionCurve(scores: ArrayLike<number>, need: ArrayLike<number>, z = Z95): PrecisionPoint[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) idx.push(i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  const out: PrecisionPoint[] = [];
  let n = 0, k = 0;
  for (let j = 0; j < idx.length; j++) {
    n++;
    if (need[idx[j]]) k++;
    if (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[j]]) continue;
    const [lower, upper] = wilsonInterval(k, n, z)!;
    out.push({ threshold: scores[idx[j]], labeled_warnings: n, true_positives: k, precision: k / n, lower, upper });
  }
  return out;
}

/** The labeled households of a frame: their scores and needs. */
export function labeledOf(perCapita: Float64Array, labels: FrameLabels): { scores: Float64Array; need: Uint8Array } {
  const scores: number[] = [], need: number[] = [];
  for (let h = 0; h < perCapita.length; h++) {
    if (!labels.labeled[h]) continue;
    scores.push(perCapita[h]);
    need.push(labels.need[h]);
  }
  return { scores: Float64Array.from(scores), need: Uint8Array.from(need) };
}

/** What the target-precision rule found. */
export interface TargetPrecisionResult {
  /** The smallest threshold whose Wilson lower bound reaches the target; null when none does. */
  chosen: PrecisionPoint | null;
  /** The threshold with the highest lower bound (what comes closest), null without labeled households. */
  best: PrecisionPoint | null;
  /** Distinct scores checked. */
  candidates: number;
}

/** Rule (a) on a precision curve. */
export function targetPrecisionOnCurve(curve: readonly PrecisionPoint[], target: number): TargetPrecisionResult {
  let chosen: PrecisionPoint | null = null, best: PrecisionPoint | null = null;
  for (const p of curve) {
    if (p.lower >= target) chosen = p; // descending thresholds: the last to qualify is the smallest
    if (best === null || p.lower > best.lower) best = p;
  }
  return { chosen, best, candidates: curve.length };
}

/** Rule (a): the lowest band's `min` for a target precision in a frame. */
export function targetPrecisionThreshold(
  perCapita: Float64Array,
  labels: FrameLabels,
  target: number,
  z = Z95,
): TargetPrecisionResult {
  const { scores, need } = labeledOf(perCapita, labels);
  return targetPrecisionOnCurve(labeledPrecisionCurve(scores, need, z), target);
}

/** A capacity: warnings allowed in one batch, overall and/or per department. */
export interface Capacity {
  overall?: number;
  departments?: Record<string, number>;
}

/** Rule (b): the index into the sweep's thresholds of the smallest feasible one, or −1. */
export function capacityIndex(table: SweepTable, capacity: Capacity): number {
  const limits: { counts: ArrayLike<number>; max: number }[] = [];
  if (capacity.overall !== undefined) limits.push({ counts: table.warnings, max: capacity.overall });
  for (const [d, max] of Object.entries(capacity.departments ?? {})) {
    const i = table.departments.indexOf(d);
    if (i < 0) {
      throw new RangeError(
        `Expected a department of the model (${table.departments.map((x) => `"${x}"`).join(", ")}) but found "${d}"`,
      );
    }
    limits.push({ counts: table.byDepartment[i], max });
  }
  let at = -1;
  // Counts grow as the threshold falls, so the feasible thresholds are a prefix of the sweep.
  for (let t = 0; t < table.thresholds.length; t++) {
    if (limits.every((l) => l.counts[t] <= l.max)) at = t;
    else break;
  }
  return at;
}

/**
 * Rule (c): for each q, the index of the smallest distinct score t with warnings(t) / households ≤
 * 1 − q (−1 when even the top score warns more). `households` counts scored households.
 */
export function quantileIndexes(
  table: Pick<SweepTable, "thresholds" | "warnings">,
  households: number,
  quantiles: readonly number[],
): number[] {
  return quantiles.map((q) => {
    let at = -1;
    for (let t = 0; t < table.thresholds.length; t++) {
      // The tolerance absorbs the rounding of 1 − q (1 − 0.9 is 0.09999999999999998).
      if (table.warnings[t] <= (1 - q) * households + 1e-9) at = t;
      else break;
    }
    return at;
  });
}
