import { ScoreSorter } from "./radix.ts";

/**
 * The threshold sweep: for every distinct per-capita score t (descending), how many households
 * score ≥ t (would be warned with a lowest band at t), and among labeled households how many of
 * those are labeled and how many in need. From these come precision, recall and coverage curves.
 */

/** Labels of one frame, by household position in the score frame. */
export interface FrameLabels {
  /** 1 where the household has a verified row in the frame. */
  labeled: Uint8Array;
  /** 1 where some verified row of the household in the frame says need. */
  need: Uint8Array;
}

/** Cumulative counts at each distinct threshold, thresholds descending. */
export interface Sweep {
  thresholds: Float64Array;
  warnings: Int32Array;
  labeledWarnings: Int32Array;
  truePositives: Int32Array;
  /** Labeled households in need in the frame (recall's denominator). */
  labeledPositives: number;
  labeledTotal: number;
}

/**
 * Sweeps all distinct scores as thresholds, in one pass down the scores sorted descending. NaN
 * scores (no members) never count as warned. Pass a `sorter` to reuse its buffers between ticks.
 */
export function sweep(perCapita: Float64Array, labels?: FrameLabels, sorter?: ScoreSorter): Sweep {
  const use = sorter && sorter.size >= perCapita.length ? sorter : new ScoreSorter(perCapita.length);
  return sweepSorted(perCapita, use.ascending(perCapita), labels);
}

/** Buffers a sweep may write into (each at least as long as the scores), to allocate nothing per tick. */
export interface SweepBuffers {
  thresholds: Float64Array;
  warnings: Int32Array;
  labeledWarnings: Int32Array;
  truePositives: Int32Array;
}

/**
 * The sweep over scores whose ascending order is known: `ascending` holds positions (NaN last)
 * and `sortedScores`, if given, the scores in that order (read sequentially, which is faster).
 * With `buffers`, the result's arrays are views into them.
 */
export function sweepSorted(
  perCapita: Float64Array,
  ascending: Int32Array,
  labels?: FrameLabels,
  sortedScores?: Float64Array,
  buffers?: SweepBuffers,
): Sweep {
  const sorted = ascending;
  let score = sortedScores;
  if (!score) {
    score = new Float64Array(sorted.length);
    for (let i = 0; i < sorted.length; i++) score[i] = perCapita[sorted[i]];
  }
  let n = sorted.length;
  while (n > 0 && Number.isNaN(score[n - 1])) n--;
  const size = buffers ? 0 : (() => {
    let distinct = 0;
    for (let i = n - 1; i >= 0; i--) if (i === n - 1 || score[i] !== score[i + 1]) distinct++;
    return distinct;
  })();
  const thresholds = buffers?.thresholds ?? new Float64Array(size);
  const warnings = buffers?.warnings ?? new Int32Array(size);
  const labeledWarnings = buffers?.labeledWarnings ?? new Int32Array(size);
  const truePositives = buffers?.truePositives ?? new Int32Array(size);
  let t = -1, lw = 0, tp = 0, labeledTotal = 0, labeledPositives = 0;
  const labeled = labels?.labeled, need = labels?.need;
  for (let i = n - 1; i >= 0; i--) {
    const s = score[i];
    if (t < 0 || s !== thresholds[t]) thresholds[++t] = s;
    if (labeled && labeled[sorted[i]]) {
      lw++;
      if (need![sorted[i]]) tp++;
    }
    warnings[t] = n - i;
    labeledWarnings[t] = lw;
    truePositives[t] = tp;
  }
  if (labeled) {
    for (let h = 0; h < labeled.length; h++) {
      if (labeled[h]) {
        labeledTotal++;
        if (need![h]) labeledPositives++;
      }
    }
  }
  const count = t + 1;
  return {
    thresholds: thresholds.subarray(0, count),
    warnings: warnings.subarray(0, count),
    labeledWarnings: labeledWarnings.subarray(0, count),
    truePositives: truePositives.subarray(0, count),
    labeledPositives,
    labeledTotal,
  };
}
