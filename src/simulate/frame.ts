/**
 * The score frame: per-indicator hit counts of every household, held sparsely in typed arrays, so
 * that a change of points, `otherwise`, weights or bands re-scores without evaluating any
 * condition (and without SQL). It follows the scoring arithmetic of `src/model/scoring.ts`
 * operation for operation, so its totals equal the SQL totals bit for bit.
 */
import type { BandCut, IndicatorCoefficient } from "../model/mod.ts";

/** Hit counts of all households, in household-id order, stored by row (CSR). */
export interface ScoreFrame {
  /** Number of households. */
  size: number;
  /** Number of indicators (the model's, in model order). */
  indicators: number;
  householdIds: string[];
  villages: (string | null)[];
  categories: (string | null)[];
  members: Int32Array;
  /** Row h's non-zero hits are entries offsets[h] … offsets[h+1]-1, in indicator order. */
  offsets: Int32Array;
  indicatorIndex: Int32Array;
  hitCount: Int32Array;
}

/** Builds a frame from dense hit columns (one per indicator, each of length `householdIds.length`). */
export function buildFrame(input: {
  householdIds: string[];
  villages: (string | null)[];
  categories: (string | null)[];
  members: ArrayLike<number>;
  hits: ArrayLike<number>[];
}): ScoreFrame {
  const size = input.householdIds.length;
  const k = input.hits.length;
  let nonZero = 0;
  for (const column of input.hits) for (let h = 0; h < size; h++) if (column[h] !== 0) nonZero++;
  const offsets = new Int32Array(size + 1);
  const indicatorIndex = new Int32Array(nonZero);
  const hitCount = new Int32Array(nonZero);
  let at = 0;
  for (let h = 0; h < size; h++) {
    offsets[h] = at;
    for (let i = 0; i < k; i++) {
      const v = input.hits[i][h];
      if (v !== 0) {
        indicatorIndex[at] = i;
        hitCount[at] = v;
        at++;
      }
    }
  }
  offsets[size] = at;
  return {
    size,
    indicators: k,
    householdIds: input.householdIds,
    villages: input.villages,
    categories: input.categories,
    members: Int32Array.from(input.members),
    offsets,
    indicatorIndex,
    hitCount,
  };
}

/** The hits of indicator `i` for household `h` (0 when absent). */
export function hitsAt(frame: ScoreFrame, h: number, i: number): number {
  for (let e = frame.offsets[h]; e < frame.offsets[h + 1]; e++) {
    if (frame.indicatorIndex[e] === i) return frame.hitCount[e];
    if (frame.indicatorIndex[e] > i) break;
  }
  return 0;
}

/** Coefficients as typed arrays for the hot loop. */
export interface PackedCoefficients {
  weightedPoints: Float64Array;
  weightedOtherwise: Float64Array;
  /** 1 for member-level indicators, 0 for household-level. */
  memberLevel: Uint8Array;
  /** Indices of the indicators whose weighted `otherwise` is not 0: they contribute to every household. */
  dense: Int32Array;
  /** Scoring rule 0 (exact models): the coefficients in integer units of 1/scale; scale 0 where the model is in doubles. */
  unitsPoints: Float64Array;
  unitsOtherwise: Float64Array;
  scale: number;
}

/** Packs the model's coefficients (from `coefficientsOf`) for re-scoring. */
export function packCoefficients(coefficients: readonly IndicatorCoefficient[]): PackedCoefficients {
  const n = coefficients.length;
  const weightedPoints = new Float64Array(n), weightedOtherwise = new Float64Array(n);
  const memberLevel = new Uint8Array(n);
  const dense: number[] = [];
  const unitsPoints = new Float64Array(n), unitsOtherwise = new Float64Array(n);
  const scale = coefficients[0]?.units?.scale ?? 0;
  for (const c of coefficients) {
    weightedPoints[c.index] = c.weightedPoints;
    weightedOtherwise[c.index] = c.weightedOtherwise;
    memberLevel[c.index] = c.level === "member" ? 1 : 0;
    if (c.weightedOtherwise !== 0) dense.push(c.index);
    if (c.units) {
      unitsPoints[c.index] = c.units.points;
      unitsOtherwise[c.index] = c.units.otherwise;
    }
  }
  return {
    weightedPoints,
    weightedOtherwise,
    memberLevel,
    dense: Int32Array.from(dense),
    unitsPoints,
    unitsOtherwise,
    scale,
  };
}

/** Totals and per-capita scores of every household, in frame order. */
export interface Rescored {
  total: Float64Array;
  perCapita: Float64Array;
}

/**
 * The entries one re-score walks: per household, every indicator that has hits or is dense
 * (non-zero weighted `otherwise`), in model order, with hits and misses precomputed. It depends
 * only on the frame and on which indicators are dense, so it is rebuilt only when that set changes.
 */
interface RescorePlan {
  dense: string;
  offsets: Int32Array;
  indicator: Int32Array;
  hits: Int32Array;
  misses: Int32Array;
}

const plans = new WeakMap<ScoreFrame, RescorePlan>();

function planOf(frame: ScoreFrame, k: PackedCoefficients): RescorePlan {
  const key = k.dense.join(",");
  const cached = plans.get(frame);
  if (cached && cached.dense === key) return cached;
  const { size, offsets, indicatorIndex, hitCount, members } = frame;
  const dense = k.dense, denseCount = dense.length;
  const total = indicatorIndex.length + size * denseCount; // an upper bound
  const planOffsets = new Int32Array(size + 1);
  let indicator = new Int32Array(total), hits = new Int32Array(total), misses = new Int32Array(total);
  let at = 0;
  for (let h = 0; h < size; h++) {
    planOffsets[h] = at;
    const m = members[h];
    let e = offsets[h], d = 0;
    const end = offsets[h + 1];
    while (e < end || d < denseCount) {
      const hitIndex = e < end ? indicatorIndex[e] : 0x7fffffff;
      const denseIndex = d < denseCount ? dense[d] : 0x7fffffff;
      let i: number, count: number;
      if (hitIndex <= denseIndex) {
        i = hitIndex;
        count = hitCount[e++];
        if (denseIndex === hitIndex) d++;
      } else {
        i = denseIndex;
        count = 0;
        d++;
      }
      indicator[at] = i;
      hits[at] = count;
      misses[at] = (k.memberLevel[i] === 1 ? m : 1) - count;
      at++;
    }
  }
  planOffsets[size] = at;
  indicator = indicator.slice(0, at);
  hits = hits.slice(0, at);
  misses = misses.slice(0, at);
  const plan = { dense: key, offsets: planOffsets, indicator, hits, misses };
  plans.set(frame, plan);
  return plan;
}

/**
 * Re-scores every household of the frame (or only `subset.households`, in place in `out`). An indicator with no hits and a zero weighted
 * `otherwise` contributes exactly +0, which leaves a sum unchanged, so it is skipped; all others
 * are added in model order as hits × (w·p) + misses × (w·o), as the SQL does.
 */
export function rescore(
  frame: ScoreFrame,
  k: PackedCoefficients,
  out?: Rescored,
  subset?: { households: Int32Array; count: number },
): Rescored {
  const n = frame.size;
  const total = out?.total ?? new Float64Array(n);
  const perCapita = out?.perCapita ?? new Float64Array(n);
  const { offsets, indicator, hits, misses } = planOf(frame, k);
  const members = frame.members;
  const count = subset ? subset.count : n;
  const scale = k.scale;
  // Rule 0 (exact models): integer units, exact in doubles below 2^53, one division at the end.
  // Otherwise rules 3–5 in doubles, in model order.
  const wp = scale ? k.unitsPoints : k.weightedPoints, wo = scale ? k.unitsOtherwise : k.weightedOtherwise;
  for (let t = 0; t < count; t++) {
    const h = subset ? subset.households[t] : t;
    let sum = 0;
    const end = offsets[h + 1];
    for (let e = offsets[h]; e < end; e++) {
      const i = indicator[e];
      sum = sum + (hits[e] * wp[i] + misses[e] * wo[i]);
    }
    const m = members[h];
    if (scale) {
      total[h] = sum / scale;
      perCapita[h] = m === 0 ? NaN : sum / (m * scale);
    } else {
      total[h] = sum;
      perCapita[h] = m === 0 ? NaN : sum / m; // SQL: null for a household without members
    }
  }
  return { total, perCapita };
}

/** Band index of every household (0 = first band, −1 = not warned). */
export function assignBands(perCapita: Float64Array, bands: readonly BandCut[], out?: Int8Array): Int8Array {
  const result = out ?? new Int8Array(perCapita.length);
  const mins = bands.map((b) => b.min);
  for (let h = 0; h < perCapita.length; h++) {
    const s = perCapita[h];
    let band = -1;
    for (let b = 0; b < mins.length; b++) {
      if (mins[b] <= s) {
        band = b;
        break;
      }
    }
    result[h] = band;
  }
  return result;
}
