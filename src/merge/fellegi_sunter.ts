/**
 * The Fellegi–Sunter arithmetic, as Splink does it, on comparison vectors: `gamma[k]` is the level
 * index of comparison k (0 = most similar) or -1 where the comparison is null.
 *
 * - u: the share of random pairs at each level (`uFromCounts`, from a random sample of pairs).
 * - m: expectation maximisation on the blocked pairs with u fixed (`expectationMaximisation`),
 *   run on the counts of each distinct comparison vector (same result as pair by pair).
 * - match weight = log2(λ / (1 − λ)) + Σ log2(m / u) over the non-null comparisons, with the
 *   term-frequency adjustment log2(u / tf) where a level compares a value of frequency tf;
 *   probability = 2^w / (1 + 2^w).
 */

/**
 * The least m of any level: a level no training pair reached still has a small chance among
 * matches (a typo the training data lacked), so one disagreement never weighs more than
 * log2(0.001 / u) — about −10 bits.
 */
export const M_FLOOR = 1e-3;

/** m and u of each level of each comparison (index [comparison][level]). */
export interface Parameters {
  m: number[][];
  u: number[][];
  /** The prior: probability that two random records match. */
  lambda: number;
}

/** A comparison vector and how many pairs have it. */
export interface Pattern {
  gamma: number[];
  count: number;
}

/** u from the level counts of random pairs, each level at least half a pair (never 0). */
export function uFromCounts(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const floored = counts.map((c) => Math.max(c, 0.5));
  const sum = floored.reduce((s, c) => s + c, 0);
  return total === 0 ? counts.map(() => 1 / counts.length) : floored.map((c) => c / sum);
}

/** The Bayes factor m/u of one comparison's level. */
export function bayesFactor(p: Parameters, k: number, level: number): number {
  return p.m[k][level] / p.u[k][level];
}

/**
 * The match weight of a comparison vector: log2 prior odds + Σ log2(m/u), plus
 * `tfAdjustments` (log2(u/tf) of each term-frequency level, computed by the caller).
 */
export function matchWeight(p: Parameters, gamma: readonly number[], tfAdjustments: readonly number[] = []): number {
  let w = Math.log2(p.lambda / (1 - p.lambda));
  gamma.forEach((g, k) => {
    if (g >= 0) w += Math.log2(bayesFactor(p, k, g));
  });
  for (const t of tfAdjustments) w += t;
  return w;
}

/** The match probability of a weight. */
export function probabilityOf(weight: number): number {
  const odds = Math.pow(2, weight);
  return Number.isFinite(odds) ? odds / (1 + odds) : 1;
}

/** Result of EM: the parameters, the iterations run and whether it converged. */
export interface EmResult {
  m: number[][];
  lambda: number;
  iterations: number;
  converged: boolean;
}

/**
 * EM for m and λ with u fixed, on the patterns of blocked pairs. `active[k]` false leaves
 * comparison k out (it was used to block the training pairs: its m stays as given).
 */
export function expectationMaximisation(
  patterns: readonly Pattern[],
  start: Parameters,
  active: readonly boolean[],
  options: { tolerance: number; maxIterations: number },
): EmResult {
  let m = start.m.map((levels) => [...levels]);
  let lambda = start.lambda;
  const u = start.u;
  for (let it = 1; it <= options.maxIterations; it++) {
    const mNum = m.map((levels) => levels.map(() => 0));
    let matchTotal = 0;
    let total = 0;
    for (const { gamma, count } of patterns) {
      let pm = lambda, pu = 1 - lambda;
      gamma.forEach((g, k) => {
        if (g < 0 || !active[k]) return;
        pm *= m[k][g];
        pu *= u[k][g];
      });
      const p = pm + pu > 0 ? pm / (pm + pu) : 0;
      matchTotal += p * count;
      total += count;
      gamma.forEach((g, k) => {
        if (g >= 0 && active[k]) mNum[k][g] += p * count;
      });
    }
    const next = m.map((levels, k) => {
      if (!active[k]) return levels;
      const sum = mNum[k].reduce((s, x) => s + x, 0);
      return sum > 0 ? mNum[k].map((x) => Math.max(x / sum, M_FLOOR)) : levels;
    });
    const change = Math.max(...next.flatMap((levels, k) => levels.map((x, l) => Math.abs(x - m[k][l]))));
    m = next;
    lambda = total > 0 ? Math.min(Math.max(matchTotal / total, 1e-9), 1 - 1e-9) : lambda;
    if (change < options.tolerance) return { m, lambda, iterations: it, converged: true };
  }
  return { m, lambda, iterations: options.maxIterations, converged: false };
}

/** Starting m: most mass on the most similar level, falling geometrically (Splink's defaults are alike). */
export function startingM(levelCounts: readonly number[]): number[][] {
  return levelCounts.map((n) => {
    const raw = Array.from({ length: n }, (_, l) => Math.pow(0.15, l));
    const sum = raw.reduce((s, x) => s + x, 0);
    return raw.map((x) => x / sum);
  });
}
