/**
 * The interactive tick: a stateful re-scorer for sliders. After a change of points, `otherwise` or
 * category weights it re-scores only the households the changed indicators touch (an indicator
 * with no hits and a zero weighted `otherwise` adds exactly +0 to a household, before and after),
 * and keeps the households sorted by score by merging the re-sorted few into the sorted rest — so
 * a tick costs in proportion to what changed, and still equals the full SQL score bit for bit.
 */
import type { IndicatorCoefficient } from "../model/mod.ts";
import { packCoefficients, type PackedCoefficients, rescore, type ScoreFrame } from "./frame.ts";
import { ScoreSorter } from "./radix.ts";
import { type FrameLabels, type Sweep, type SweepBuffers, sweepSorted } from "./sweep.ts";

/** Re-scores a frame tick by tick, keeping scores and their order current. */
export class Simulator {
  readonly frame: ScoreFrame;
  /** Current totals and per-capita scores, in frame order. */
  readonly total: Float64Array;
  readonly perCapita: Float64Array;
  private coefficients: PackedCoefficients;
  private readonly sorter: ScoreSorter;
  /** Positions in ascending score order. */
  private order: Int32Array;
  private spare: Int32Array;
  /** Scores in ascending order, beside `order`. */
  private sortedScores: Float64Array;
  private spareScores: Float64Array;
  private readonly buffers: SweepBuffers;
  /** Per indicator, the households with a hit (CSR by indicator). */
  private readonly postingOffsets: Int32Array;
  private readonly postings: Int32Array;
  private readonly mark: Uint8Array;
  private readonly touched: Int32Array;
  private readonly subsetSorter: ScoreSorter;
  private readonly movedScores: Float64Array;

  constructor(frame: ScoreFrame, coefficients: readonly IndicatorCoefficient[]) {
    this.frame = frame;
    this.coefficients = packCoefficients(coefficients);
    const n = frame.size;
    this.total = new Float64Array(n);
    this.perCapita = new Float64Array(n);
    rescore(frame, this.coefficients, this);
    this.sorter = new ScoreSorter(n);
    this.order = Int32Array.from(this.sorter.ascending(this.perCapita));
    this.spare = new Int32Array(n);
    this.sortedScores = Float64Array.from(this.order, (h) => this.perCapita[h]);
    this.spareScores = new Float64Array(n);
    this.buffers = {
      thresholds: new Float64Array(n),
      warnings: new Int32Array(n),
      labeledWarnings: new Int32Array(n),
      truePositives: new Int32Array(n),
    };
    // Postings: households with a non-zero hit count for each indicator.
    const counts = new Int32Array(frame.indicators + 1);
    for (let e = 0; e < frame.indicatorIndex.length; e++) counts[frame.indicatorIndex[e] + 1]++;
    for (let i = 0; i < frame.indicators; i++) counts[i + 1] += counts[i];
    this.postingOffsets = counts.slice();
    this.postings = new Int32Array(frame.indicatorIndex.length);
    const fill = counts.slice();
    for (let h = 0; h < n; h++) {
      for (let e = frame.offsets[h]; e < frame.offsets[h + 1]; e++) this.postings[fill[frame.indicatorIndex[e]]++] = h;
    }
    this.mark = new Uint8Array(n);
    this.touched = new Int32Array(n);
    this.subsetSorter = new ScoreSorter(n, 8);
    this.movedScores = new Float64Array(n);
  }

  /** Positions in ascending score order (the simulator's own buffer: read it before the next update). */
  ascending(): Int32Array {
    return this.order;
  }

  /**
   * Applies new coefficients (from `coefficientsOf` of the edited model); returns how many
   * households were re-scored.
   */
  update(coefficients: readonly IndicatorCoefficient[]): number {
    const next = packCoefficients(coefficients);
    const prev = this.coefficients;
    this.coefficients = next;
    const n = this.frame.size;
    if (next.dense.join(",") !== prev.dense.join(",") || next.scale !== prev.scale) return this.full();
    // Changed indicators. One whose `otherwise` is or was non-zero touches every household.
    const changed: number[] = [];
    let postingsTotal = 0;
    for (let i = 0; i < next.weightedPoints.length; i++) {
      if (
        Object.is(next.weightedPoints[i], prev.weightedPoints[i]) &&
        Object.is(next.weightedOtherwise[i], prev.weightedOtherwise[i])
      ) continue;
      if (next.weightedOtherwise[i] !== 0 || prev.weightedOtherwise[i] !== 0) return this.full();
      changed.push(i);
      postingsTotal += this.postingOffsets[i + 1] - this.postingOffsets[i];
    }
    if (postingsTotal > n / 4) return this.full();
    let touchedCount = 0;
    const { mark, touched, postings, postingOffsets } = this;
    for (const i of changed) {
      for (let p = postingOffsets[i]; p < postingOffsets[i + 1]; p++) {
        const h = postings[p];
        if (!mark[h]) {
          mark[h] = 1;
          touched[touchedCount++] = h;
        }
      }
    }
    if (touchedCount === 0) return 0;
    // Re-score the touched households (the same loop as a full re-score, on a subset).
    this.rescoreSubset(touched, touchedCount);
    // Re-sort: the touched, by their new scores, merged into the untouched in their old order.
    const pc = this.perCapita;
    const moved = this.subsetSorter.ascending(pc, touched, touchedCount);
    const movedScores = this.movedScores;
    for (let m = 0; m < touchedCount; m++) movedScores[m] = pc[moved[m]];
    const out = this.spare, outScores = this.spareScores;
    const order = this.order, scores = this.sortedScores;
    let w = 0, m = 0;
    for (let r = 0; r < n; r++) {
      const h = order[r];
      if (mark[h]) continue;
      const s = scores[r];
      // Moved scores below s go first; NaN sorts last (after every number).
      while (m < touchedCount && (movedScores[m] < s || (s !== s && movedScores[m] === movedScores[m]))) {
        outScores[w] = movedScores[m];
        out[w++] = moved[m++];
      }
      outScores[w] = s;
      out[w++] = h;
    }
    while (m < touchedCount) {
      outScores[w] = movedScores[m];
      out[w++] = moved[m++];
    }
    for (let t = 0; t < touchedCount; t++) mark[touched[t]] = 0;
    this.spare = order;
    this.order = out;
    this.spareScores = scores;
    this.sortedScores = outScores;
    return touchedCount;
  }

  /**
   * The threshold sweep over the current scores. Its arrays are views into the simulator's own
   * buffers: read (or copy) them before the next call.
   */
  sweep(labels?: FrameLabels): Sweep {
    return sweepSorted(this.perCapita, this.order, labels, this.sortedScores, this.buffers);
  }

  private full(): number {
    rescore(this.frame, this.coefficients, this);
    this.order.set(this.sorter.ascending(this.perCapita));
    for (let r = 0; r < this.order.length; r++) this.sortedScores[r] = this.perCapita[this.order[r]];
    return this.frame.size;
  }

  private rescoreSubset(households: Int32Array, count: number): void {
    rescore(this.frame, this.coefficients, this, { households, count });
  }
}
