/** Across-replication summaries: mean and a Student-t 95% interval of per-replication values. */

/** t quantiles at 0.975 for 1 … 30 degrees of freedom. */
const T975 = [
  12.706205,
  4.302653,
  3.182446,
  2.776445,
  2.570582,
  2.446912,
  2.364624,
  2.306004,
  2.262157,
  2.228139,
  2.200985,
  2.178813,
  2.160369,
  2.144787,
  2.131450,
  2.119905,
  2.109816,
  2.100922,
  2.093024,
  2.085963,
  2.079614,
  2.073873,
  2.068658,
  2.063899,
  2.059539,
  2.055529,
  2.051831,
  2.048407,
  2.045230,
  2.042272,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (Cornish–Fisher beyond 30, error < 1e-5). */
export function t975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  const z = 1.959964;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** A summary across replications: mean, 95% interval (null with fewer than two values), count of values. */
export interface Summary {
  mean: number | null;
  ci95: [number, number] | null;
  /** Replications that had a value (a replication without, say, any task at a department has none). */
  n: number;
}

/** Summarises per-replication values (nulls skipped): mean ± t·s/√n. */
export function summarize(values: readonly (number | null)[]): Summary {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, ci95: null, n };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n < 2) return { mean, ci95: null, n };
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const half = t975(n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean, ci95: [mean - half, mean + half], n };
}
