/** The Wilson score interval: an honest interval for a proportion, sound for small counts and for 0 or 1. */

/** z for a two-sided 95% interval, as the contract fixes it. */
export const Z95 = 1.959964;

/**
 * Wilson score interval for `successes` out of `n` at `z`; null when n is 0 (nothing to estimate).
 * Bounds are clamped to [0, 1] against rounding.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** A ratio whose zero denominator gives null, as the contract says. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
