/**
 * The village-cluster bootstrap: households of one village share a cadre, a survey team and local
 * conditions, so they are not independent draws. Intervals that treat them as independent are too
 * narrow. Here whole villages are resampled with replacement, with our own seeded generator, so
 * the same seed gives the same interval on every machine and every run.
 */

import { mulberry32 } from "../base/random.ts";

/** Default number of bootstrap replicates. */
export const DEFAULT_REPLICATES = 1000;
/** Default seed of the bootstrap generator. */
export const DEFAULT_SEED = 20240615;
/** Below this many clusters a cluster bootstrap interval is flagged as unreliable. */
export const MIN_CLUSTERS = 10;

/** Checks a seed: an integer in the 32-bit range. */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < -2147483648 || seed > 4294967295) {
    throw new RangeError(`Expected the seed to be a 32-bit integer but found ${seed}`);
  }
  return seed;
}

/**
 * The q-quantile of sorted values by linear interpolation between order statistics (Hyndman &
 * Fan type 7, the default of R and NumPy). Null for no values.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Draws the village indexes of each replicate: `replicates` rows of `clusters` indexes, each drawn
 * uniformly with replacement. Drawn once and shared by every statistic, so that all figures of one
 * report come from the same resampled counties.
 */
export function drawClusters(clusters: number, replicates: number, seed: number): Int32Array {
  const key = `${clusters}/${replicates}/${seed}`;
  if (lastDraws?.key === key) return lastDraws.draws;
  const random = mulberry32(checkSeed(seed));
  const draws = new Int32Array(clusters * replicates);
  for (let i = 0; i < draws.length; i++) draws[i] = Math.floor(random() * clusters);
  lastDraws = { key, draws };
  return draws;
}

/** The last draws, reused while the same (clusters, replicates, seed) is asked for again (never mutated). */
let lastDraws: { key: string; draws: Int32Array } | undefined;

/** A percentile bootstrap interval, with how it was obtained. */
export interface BootstrapInterval {
  /** 2.5th and 97.5th percentiles of the replicate statistics; null when no replicate defined it. */
  ci95: [number, number] | null;
  replicates: number;
  /** Replicates in which the statistic was undefined (a zero denominator); left out of the percentiles. */
  undefined_replicates: number;
  /** Clusters resampled. */
  clusters: number;
  /** Clusters that contribute to the denominator: the ones that carry the estimate. */
  effective_clusters: number;
  /**
   * True when fewer than {@link MIN_CLUSTERS} clusters contribute: the interval is then unreliable
   * (with fewer than 2 it is not computed at all).
   */
  few_clusters: boolean;
}

/**
 * The cluster bootstrap of a ratio Σnumerator / Σdenominator. `numerator[c]` and `denominator[c]`
 * are the counts of cluster c; `draws` come from {@link drawClusters} with the same cluster count.
 */
export function bootstrapRatio(
  numerator: ArrayLike<number>,
  denominator: ArrayLike<number>,
  draws: Int32Array,
  replicates: number,
): BootstrapInterval {
  const clusters = numerator.length;
  let effective = 0;
  for (let c = 0; c < clusters; c++) if (denominator[c] > 0) effective++;
  const values: number[] = [];
  for (let r = 0; r < replicates; r++) {
    let num = 0, den = 0;
    const base = r * clusters;
    for (let j = 0; j < clusters; j++) {
      const c = draws[base + j];
      num += numerator[c];
      den += denominator[c];
    }
    if (den > 0) values.push(num / den);
  }
  values.sort((a, b) => a - b);
  const lo = quantileSorted(values, 0.025), hi = quantileSorted(values, 0.975);
  return {
    ci95: lo === null || hi === null || effective < 2 ? null : [lo, hi],
    replicates,
    undefined_replicates: replicates - values.length,
    clusters,
    effective_clusters: effective,
    few_clusters: effective < MIN_CLUSTERS,
  };
}

/** How the bootstrap was run, as reports state it. */
export interface BootstrapSettings {
  seed: number;
  replicates: number;
  generator: "mulberry32";
  resampling: "villages with replacement";
  interval: "percentile (2.5%, 97.5%), linear interpolation (type 7)";
}

/** The settings object for a report. */
export function bootstrapSettings(seed: number, replicates: number): BootstrapSettings {
  return {
    seed,
    replicates,
    generator: "mulberry32",
    resampling: "villages with replacement",
    interval: "percentile (2.5%, 97.5%), linear interpolation (type 7)",
  };
}
