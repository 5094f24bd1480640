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
}

/** Packs the model's coefficients (from `coefficientsOf`) for re-scoring. */
export function packCoefficients(coefficients: readonly IndicatorCoefficient[]): PackedCoefficients {
  const n = coefficients.length;
  const weightedPoints = new Float64Array(n), weightedOtherwise = new Float64Array(n);
  const memberLevel = new Uint8Array(n);
  const dense: number[] = [];
  for (const c of coefficients) {
    weightedPoints[c.index] = c.weightedPoints;
    weightedOtherwise[c.index] = c.weightedOtherwise;
    memberLevel[c.index] = c.level === "member" ? 1 : 0;
    if (c.weightedOtherwise !== 0) dense.push(c.index);
  }
  return { weightedPoints, weightedOtherwise, memberLevel, dense: Int32Array.from(dense) };
}

/** Totals and per-capita scores of every household, in frame order. */
export interface Rescored {
  total: Float64Array;
  perCapita: Float64Array;
}

/**
 * Re-scores every household from the frame. An indicator with no hits and a zero weighted
 * `otherwise` contributes exactly +0, which leaves a sum unchanged, so it is skipped; all others
 * are added in model order, as the SQL does.
 */
export function rescore(frame: ScoreFrame, k: PackedCoefficients, out?: Rescored): Rescored {
  const n = frame.size;
  const total = out?.total ?? new Float64Array(n);
  const perCapita = out?.perCapita ?? new Float64Array(n);
  const { offsets, indicatorIndex, hitCount, members } = frame;
  const { weightedPoints: wp, weightedOtherwise: wo, memberLevel, dense } = k;
  const denseCount = dense.length;
  for (let h = 0; h < n; h++) {
    const m = members[h];
    let sum = 0;
    let e = offsets[h];
    const end = offsets[h + 1];
    let d = 0;
    // Merge the household's hits with the dense indicators, in model order.
    while (e < end || d < denseCount) {
      const hitIndex = e < end ? indicatorIndex[e] : 0x7fffffff;
      const denseIndex = d < denseCount ? dense[d] : 0x7fffffff;
      let i: number, hits: number;
      if (hitIndex <= denseIndex) {
        i = hitIndex;
        hits = hitCount[e++];
        if (denseIndex === hitIndex) d++;
      } else {
        i = denseIndex;
        hits = 0;
        d++;
      }
      const trials = memberLevel[i] === 1 ? m : 1;
      sum = sum + (hits * wp[i] + (trials - hits) * wo[i]);
    }
    total[h] = sum;
    perCapita[h] = m === 0 ? NaN : sum / m; // SQL: null for a household without members

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
