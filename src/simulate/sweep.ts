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

/** Sweeps all distinct scores as thresholds. NaN scores (no members) never count as warned. */
export function sweep(perCapita: Float64Array, labels?: FrameLabels): Sweep {
  const sorted = Float64Array.from(perCapita).sort(); // ascending; NaN last
  let n = sorted.length;
  while (n > 0 && Number.isNaN(sorted[n - 1])) n--;
  // Labeled households' scores, ascending, with need flags.
  let labeledScores = new Float64Array(0), labeledNeed = new Uint8Array(0), labeledPositives = 0;
  if (labels) {
    const idx: number[] = [];
    for (let h = 0; h < perCapita.length; h++) {
      if (labels.labeled[h]) {
        idx.push(h);
        if (labels.need[h]) labeledPositives++;
      }
    }
    idx.sort((a, b) => perCapita[a] - perCapita[b] || a - b);
    labeledScores = Float64Array.from(idx, (h) => perCapita[h]);
    labeledNeed = Uint8Array.from(idx, (h) => labels.need[h]);
  }
  // Distinct thresholds, descending.
  let distinct = 0;
  for (let i = n - 1; i >= 0; i--) if (i === n - 1 || sorted[i] !== sorted[i + 1]) distinct++;
  const thresholds = new Float64Array(distinct);
  const warnings = new Int32Array(distinct);
  const labeledWarnings = new Int32Array(distinct);
  const truePositives = new Int32Array(distinct);
  let t = 0;
  let l = labeledScores.length - 1;
  let lw = 0, tp = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (i > 0 && sorted[i - 1] === sorted[i]) continue;
    const threshold = sorted[i];
    while (l >= 0 && labeledScores[l] >= threshold) {
      if (!Number.isNaN(labeledScores[l])) {
        lw++;
        if (labeledNeed[l]) tp++;
      }
      l--;
    }
    thresholds[t] = threshold;
    warnings[t] = n - i;
    labeledWarnings[t] = lw;
    truePositives[t] = tp;
    t++;
  }
  return { thresholds, warnings, labeledWarnings, truePositives, labeledPositives, labeledTotal: labeledScores.length };
}
