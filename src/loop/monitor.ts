/**
 * Monitors (after Salabim's): a level monitor integrates a piecewise-constant quantity over time
 * (queue length, busy staff) for its time average; a tally monitor accumulates observations
 * (waits) for their count, mean and the share at or below a threshold.
 */

/** A piecewise-constant level over time, integrated from `from` (the end of warm-up) on. */
export class LevelMonitor {
  #value = 0;
  #since = 0;
  #area = 0;
  #from: number;
  #max = 0;

  constructor(from = 0) {
    this.#from = from;
  }

  /** The current level. */
  get value(): number {
    return this.#value;
  }

  /** The largest level seen. */
  get max(): number {
    return this.#max;
  }

  /** Sets the level at time `now` (non-decreasing times). */
  set(now: number, value: number): void {
    this.#accumulate(now);
    this.#value = value;
    if (value > this.#max) this.#max = value;
  }

  /** Adds `delta` to the level at time `now`. */
  add(now: number, delta: number): void {
    this.set(now, this.#value + delta);
  }

  #accumulate(now: number): void {
    const start = Math.max(this.#since, this.#from);
    if (now > start) this.#area += this.#value * (now - start);
    this.#since = now;
  }

  /** The integral of the level over [from, until]. */
  area(until: number): number {
    const start = Math.max(this.#since, this.#from);
    return this.#area + (until > start ? this.#value * (until - start) : 0);
  }

  /** The time average over [from, until] (null for an empty interval). */
  mean(until: number): number | null {
    return until > this.#from ? this.area(until) / (until - this.#from) : null;
  }
}

/** Observations (waits, durations): count, sum, and how many are at most `threshold`. */
export class TallyMonitor {
  count = 0;
  sum = 0;
  atMost = 0;
  readonly threshold: number;

  constructor(threshold = 1) {
    this.threshold = threshold;
  }

  /** Records one observation. */
  record(x: number): void {
    this.count++;
    this.sum += x;
    if (x <= this.threshold) this.atMost++;
  }

  /** The mean (null without observations). */
  mean(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }

  /** The share of observations at most `threshold` (null without observations). */
  shareAtMost(): number | null {
    return this.count === 0 ? null : this.atMost / this.count;
  }
}
