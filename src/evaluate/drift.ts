/**
 * Drift between batches: the population stability index (PSI) of the per-capita score
 * distribution and of each indicator's firing rate.
 *
 *   PSI = Σ_bins (a_i − e_i) · ln(a_i / e_i)
 *
 * with e_i the baseline's share of bin i and a_i the compared batch's. A share of 0 is replaced by
 * {@link PSI_EPSILON} (else the log is infinite). Score bins are the baseline's deciles: edges at
 * the baseline's 10%, 20%, … 90% quantiles (distinct values only, so ties merge bins), bins
 * `[edge_i, edge_{i+1})`, the first open below and the last open above. An indicator's firing rate
 * is two bins: fired (hits > 0) and not fired.
 *
 * Conventional verdicts: PSI < 0.1 stable; 0.1 ≤ PSI < 0.25 moderate shift; PSI ≥ 0.25 major shift.
 */
import { quantileSorted } from "./bootstrap.ts";

/** Shares of 0 are replaced by this before taking logs. */
export const PSI_EPSILON = 1e-4;

/** A PSI verdict. */
export type PsiVerdict = "stable" | "moderate" | "major";

/** The conventional verdict of a PSI value. */
export function psiVerdict(psi: number): PsiVerdict {
  return psi < 0.1 ? "stable" : psi < 0.25 ? "moderate" : "major";
}

/** PSI of two distributions over the same bins, given as shares (or counts, normalized here). */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = PSI_EPSILON): number {
  if (expected.length !== actual.length) {
    throw new RangeError(
      `Expected the two distributions to have the same number of bins but found ${expected.length} and ${actual.length}`,
    );
  }
  const se = expected.reduce((a, b) => a + b, 0), sa = actual.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(se > 0 ? expected[i] / se : 0, epsilon);
    const a = Math.max(sa > 0 ? actual[i] / sa : 0, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/** The PSI of a rate (share of households where something holds) between two batches: two bins. */
export function ratePsi(baselineRate: number, rate: number, epsilon = PSI_EPSILON): number {
  return psi([baselineRate, 1 - baselineRate], [rate, 1 - rate], epsilon);
}

/** Bin edges at the baseline's quantiles (1/bins, 2/bins, …), distinct and ascending. */
export function quantileEdges(values: ArrayLike<number>, bins = 10): number[] {
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(sorted, i / bins);
    if (q !== null && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  return edges;
}

/** Counts of values per bin: bin 0 is below edges[0], bin i is [edges[i-1], edges[i]), the last ≥ the last edge. */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isNaN(v)) continue;
    let a = 0, b = edges.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (edges[mid] <= v) a = mid + 1;
      else b = mid;
    }
    counts[a]++;
  }
  return counts;
}

/** The PSI of the score distribution of one batch against a baseline batch. */
export interface ScorePsi {
  psi: number;
  verdict: PsiVerdict;
  edges: number[];
  baseline_counts: number[];
  counts: number[];
}

/** PSI of scores: baseline deciles as bins. */
export function scorePsi(baseline: ArrayLike<number>, current: ArrayLike<number>, bins = 10): ScorePsi {
  const edges = quantileEdges(baseline, bins);
  const baselineCounts = binCounts(baseline, edges), counts = binCounts(current, edges);
  const value = psi(baselineCounts, counts);
  return { psi: value, verdict: psiVerdict(value), edges, baseline_counts: baselineCounts, counts };
}

/** One indicator's firing-rate drift. */
export interface IndicatorDrift {
  id: string;
  baseline_rate: number;
  rate: number;
  psi: number;
  verdict: PsiVerdict;
}

/** One batch compared with the batch before it. */
export interface DriftComparison {
  baseline: string;
  batch: string;
  baseline_households: number;
  households: number;
  score: ScorePsi;
  indicators: IndicatorDrift[];
  /** Indicators with a moderate or major shift, by id. */
  moderate: string[];
  major: string[];
}

/** Batch-to-batch drift of one channel's verified households. */
export interface BatchDrift {
  /** The channel whose verified rows define the batches (`any`: all channels). */
  channel: string;
  population: string;
  batches: { batch: string; households: number }[];
  comparisons: DriftComparison[];
  notes: string[];
}

/** What drift needs of a scored population. */
export interface DriftInput {
  householdIds: readonly string[];
  perCapita: Float64Array;
  /** Indicator ids in model order. */
  indicators: readonly string[];
  /** Hits CSR: entries offsets[h] … offsets[h+1]-1 of indicatorIndex/hitCount. */
  offsets: Int32Array;
  indicatorIndex: Int32Array;
  hitCount: Int32Array;
}

/**
 * Drift between consecutive batches (sorted by name). A batch's population is the households with
 * a verified row of that batch in `channel` (or in any channel for `any`); their current scores
 * and indicator firing are compared.
 */
export function batchDrift(
  input: DriftInput,
  rows: readonly { household_id: string; batch: string; channel: string }[],
  channel = "warning",
): BatchDrift {
  const position = new Map(input.householdIds.map((id, i) => [id, i]));
  const members = new Map<string, Set<number>>();
  for (const r of rows) {
    if (channel !== "any" && r.channel !== channel) continue;
    const h = position.get(r.household_id);
    if (h === undefined) continue;
    let set = members.get(r.batch);
    if (!set) members.set(r.batch, set = new Set());
    set.add(h);
  }
  const batches = [...members.keys()].sort();
  const population = channel === "any"
    ? "households with a verified row of the batch (any channel), scored by the model audited"
    : `households with a verified row of the batch in channel \`${channel}\`, scored by the model audited`;
  const out: BatchDrift = {
    channel,
    population,
    batches: batches.map((b) => ({ batch: b, households: members.get(b)!.size })),
    comparisons: [],
    notes: [],
  };
  if (batches.length < 2) {
    out.notes.push(`Drift needs at least two batches in channel ${channel}; the data has ${batches.length}.`);
    return out;
  }
  const k = input.indicators.length;
  const fired = (hs: number[]) => {
    const counts = new Float64Array(k);
    for (const h of hs) {
      for (let e = input.offsets[h]; e < input.offsets[h + 1]; e++) {
        if (input.hitCount[e] > 0) counts[input.indicatorIndex[e]]++;
      }
    }
    return counts;
  };
  for (let b = 1; b < batches.length; b++) {
    const base = [...members.get(batches[b - 1])!].sort((x, y) => x - y);
    const cur = [...members.get(batches[b])!].sort((x, y) => x - y);
    const score = scorePsi(
      Float64Array.from(base, (h) => input.perCapita[h]),
      Float64Array.from(cur, (h) => input.perCapita[h]),
    );
    const fb = fired(base), fc = fired(cur);
    const indicators: IndicatorDrift[] = input.indicators.map((id, i) => {
      const p0 = fb[i] / base.length, p1 = fc[i] / cur.length;
      const value = ratePsi(p0, p1);
      return { id, baseline_rate: p0, rate: p1, psi: value, verdict: psiVerdict(value) };
    });
    out.comparisons.push({
      baseline: batches[b - 1],
      batch: batches[b],
      baseline_households: base.length,
      households: cur.length,
      score,
      indicators,
      moderate: indicators.filter((d) => d.verdict === "moderate").map((d) => d.id),
      major: indicators.filter((d) => d.verdict === "major").map((d) => d.id),
    });
  }
  return out;
}
