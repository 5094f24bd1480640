/** Small numeric helpers of the generator. */

/** The logistic function: turns a log-odds into a probability. */
export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
