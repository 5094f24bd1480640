/**
 * Figure data from the fast path's typed arrays: histogram bins, threshold curves with Wilson
 * intervals, department and village workload, band transitions. Pure and allocation-light, so a
 * page can recompute all of them on every slider tick.
 */
import { wilsonInterval } from "../evaluate/wilson.ts";
import { DEFAULT_ROUTING, departmentWorkload as routedWorkload, type RoutingTable } from "../model/routing.ts";
import type { FrameLabels, PackedCoefficients, ScoreFrame } from "../simulate/mod.ts";
import { finiteNumber, positiveInteger } from "./_options.ts";

/** One histogram bin of one management category. */
export interface ScoreBin {
  x0: number;
  x1: number;
  category: string;
  count: number;
}

/** A step of 1, 2 or 5 × 10^k close to `span / count`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m > 5 ? 10 : m > 2 ? 5 : m > 1 ? 2 : 1) * power;
}

/** The smallest and largest finite values. */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** A text column's distinct values in order of first appearance, and each row's code; cached per column array. */
const dictionaries = new WeakMap<readonly (string | null)[], { codes: Int32Array; values: (string | null)[] }>();
function dictionaryOf(column: readonly (string | null)[]): { codes: Int32Array; values: (string | null)[] } {
  let d = dictionaries.get(column);
  if (!d) {
    const index = new Map<string | null, number>();
    const codes = new Int32Array(column.length);
    for (let h = 0; h < column.length; h++) {
      let c = index.get(column[h]);
      if (c === undefined) index.set(column[h], c = index.size);
      codes[h] = c;
    }
    dictionaries.set(column, d = { codes, values: [...index.keys()] });
  }
  return d;
}

/**
 * Bins per-capita scores by management category. Bins have a nice width and edges on multiples of
 * it; NaN scores (households without members) are left out.
 */
export function scoreHistogram(
  perCapita: ArrayLike<number>,
  categories: readonly (string | null)[],
  options: { bins?: number; domain?: [number, number] } = {},
): { bins: ScoreBin[]; step: number; domain: [number, number] } {
  const count = positiveInteger(options.bins, "bins", 60);
  const [lo, hi] = options.domain ?? extent(perCapita);
  const step = niceStep(hi - lo, count);
  const start = Math.floor(lo / step) * step;
  const n = Math.max(1, Math.floor((hi - start) / step) + 1);
  const byCategory = new Map<string, Int32Array>();
  const { codes, values } = dictionaryOf(categories);
  const countsOf = values.map((c) => {
    const key = c ?? "other";
    if (!byCategory.has(key)) byCategory.set(key, new Int32Array(n));
    return byCategory.get(key)!;
  });
  for (let h = 0; h < perCapita.length; h++) {
    const v = perCapita[h];
    if (Number.isNaN(v)) continue;
    const b = Math.min(n - 1, Math.max(0, Math.floor((v - start) / step)));
    countsOf[codes[h]][b]++;
  }
  const bins: ScoreBin[] = [];
  for (const [category, counts] of [...byCategory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (let b = 0; b < n; b++) {
      if (counts[b] > 0) bins.push({ x0: start + b * step, x1: start + (b + 1) * step, category, count: counts[b] });
    }
  }
  return { bins, step, domain: [start, start + n * step] };
}

/** One point of a threshold curve: what a lowest band at `threshold` would give, in one frame. */
export interface ThresholdPoint {
  frame: string;
  threshold: number;
  warnings: number;
  labeled_warnings: number;
  true_positives: number;
  precision: number | null;
  precision_lo: number | null;
  precision_hi: number | null;
  /** Only where the frame supports recall (`recall: true`); null otherwise. */
  recall: number | null;
  recall_lo: number | null;
  recall_hi: number | null;
}

/** A frame of verified outcomes for the curves: its labels and whether it can support recall. */
export interface CurveFrame {
  name: string;
  labels: FrameLabels;
  recall: boolean;
}

/**
 * Precision, recall and warnings against the threshold, for each frame, at `points` evenly spaced
 * thresholds over the score range: the value at t counts households with per-capita ≥ t, exactly.
 */
export function thresholdCurves(
  perCapita: Float64Array,
  frames: readonly CurveFrame[],
  options: { points?: number; domain?: [number, number] } = {},
): ThresholdPoint[] {
  const points = positiveInteger(options.points, "points", 120);
  const [lo, hi] = options.domain ?? extent(perCapita);
  const grid = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / Math.max(1, points - 1));
  // Each household's grid position: the last grid threshold ≤ its score (−1 below the grid; NaN: none).
  // Counts at grid[i] are then the households at position ≥ i: one pass, no sort.
  const at = new Int32Array(perCapita.length);
  const scale = hi > lo ? (points - 1) / (hi - lo) : 0;
  for (let h = 0; h < perCapita.length; h++) {
    const v = perCapita[h];
    // A guess from the spacing, then corrected against the grid itself, so the count is exact.
    let k = Math.max(-1, Math.min(points - 1, Math.floor((v - lo) * scale) || 0));
    while (k + 1 < points && grid[k + 1] <= v) k++;
    while (k >= 0 && !(grid[k] <= v)) k--;
    at[h] = Number.isNaN(v) ? -1 : k;
  }
  const out: ThresholdPoint[] = [];
  for (const frame of frames) {
    const [warned, labeled, positive] = [
      new Int32Array(points + 1),
      new Int32Array(points + 1),
      new Int32Array(points + 1),
    ];
    let labeledPositives = 0;
    for (let h = 0; h < at.length; h++) {
      const isLabeled = frame.labels.labeled[h] !== 0, inNeed = isLabeled && frame.labels.need[h] !== 0;
      if (inNeed) labeledPositives++;
      if (at[h] < 0) continue;
      warned[at[h]]++;
      if (isLabeled) labeled[at[h]]++;
      if (inNeed) positive[at[h]]++;
    }
    for (let i = points - 1; i >= 0; i--) {
      warned[i] += warned[i + 1];
      labeled[i] += labeled[i + 1];
      positive[i] += positive[i + 1];
    }
    grid.forEach((t, i) => {
      const warnings = warned[i], lw = labeled[i], tp = positive[i];
      const p = wilsonInterval(tp, lw);
      const r = frame.recall ? wilsonInterval(tp, labeledPositives) : null;
      out.push({
        frame: frame.name,
        threshold: t,
        warnings,
        labeled_warnings: lw,
        true_positives: tp,
        precision: lw === 0 ? null : tp / lw,
        precision_lo: p ? p[0] : null,
        precision_hi: p ? p[1] : null,
        recall: frame.recall && labeledPositives > 0 ? tp / labeledPositives : null,
        recall_lo: r ? r[0] : null,
        recall_hi: r ? r[1] : null,
      });
    });
  }
  return out;
}

/**
 * Warned households per department: the routing's workload (`src/model/routing.ts`, the rule
 * `deno task audit` counts). Pass the model's `RoutingTable` (`routingTableOf(routingOf(model.routing),
 * model.indicators)`); the older form (`departmentOf[i]` is indicator i's department index, out of
 * `departments`) routes by the default rule. Index-aligned with the table's departments.
 */
export function departmentWorkload(
  frame: ScoreFrame,
  k: PackedCoefficients,
  table: RoutingTable,
  warned: Int8Array,
): Int32Array;
export function departmentWorkload(
  frame: ScoreFrame,
  k: PackedCoefficients,
  departmentOf: Int32Array,
  departments: number,
  warned: Int8Array,
): Int32Array;
export function departmentWorkload(
  frame: ScoreFrame,
  k: PackedCoefficients,
  tableOrDepartmentOf: RoutingTable | Int32Array,
  departmentsOrWarned: number | Int8Array,
  warned?: Int8Array,
): Int32Array {
  if (tableOrDepartmentOf instanceof Int32Array) {
    const departmentOf = tableOrDepartmentOf;
    const n = departmentOf.length;
    const table: RoutingTable = {
      routing: DEFAULT_ROUTING,
      departments: Array.from({ length: departmentsOrWarned as number }, (_, d) => String(d)),
      departmentOf,
      overrideRank: new Int32Array(n).fill(-1),
      overrideDepartment: new Int32Array(n).fill(-1),
      simple: true,
    };
    return routedWorkload(table, frame, k.weightedPoints, warned!);
  }
  return routedWorkload(tableOrDepartmentOf, frame, k.weightedPoints, departmentsOrWarned as Int8Array);
}

/** Households and warnings per village (villages in the order first seen). */
export function villageWarnings(
  villages: readonly (string | null)[],
  warned: Int8Array,
): { village: string; households: number; warnings: number }[] {
  const index = new Map<string, { village: string; households: number; warnings: number }>();
  const { codes, values } = dictionaryOf(villages);
  const rowOf = values.map((value) => {
    const v = value ?? "—";
    if (!index.has(v)) index.set(v, { village: v, households: 0, warnings: 0 });
    return index.get(v)!;
  });
  for (let h = 0; h < villages.length; h++) {
    const row = rowOf[codes[h]];
    row.households++;
    if (warned[h] >= 0) row.warnings++;
  }
  return [...index.values()];
}

/** One cell of the band transition matrix: households moving from one band to another. */
export interface BandTransition {
  from: string;
  to: string;
  count: number;
}

/** The label of "no band" in transition matrices. */
export const NO_BAND = "none";

/** Counts households by (baseline band, current band); band index −1 is {@link NO_BAND}. */
export function bandTransitions(baseline: Int8Array, current: Int8Array, bandIds: readonly string[]): BandTransition[] {
  const k = bandIds.length + 1;
  const counts = new Int32Array(k * k);
  for (let h = 0; h < baseline.length; h++) counts[(baseline[h] + 1) * k + (current[h] + 1)]++;
  const name = (i: number) => (i === 0 ? NO_BAND : bandIds[i - 1]);
  const out: BandTransition[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) out.push({ from: name(a), to: name(b), count: counts[a * k + b] });
  }
  return out;
}

/** Clamps `value` into [lo, hi]. */
export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, finiteNumber(value, "value", lo)));
}
