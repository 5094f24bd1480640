/**
 * The seeded random numbers of the toolkit: no `Math.random` anywhere, so the same seed gives the
 * same results, byte for byte, on every machine.
 *
 * - `mulberry32(seed)`: a small 32-bit generator; the stream of the audit's village-cluster
 *   bootstrap (its numbers are part of `audit.json` and must not change) and of tests.
 */

/**
 * mulberry32: a small, fast 32-bit generator; the same seed gives the same stream everywhere.
 * Returns a function giving uniform numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
