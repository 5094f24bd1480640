/**
 * The seeded random numbers of the toolkit: no `Math.random` anywhere, so the same seed gives the
 * same results, byte for byte, on every machine.
 *
 * **For new code use `Rng`** (xoshiro128**, Blackman & Vigna, seeded through splitmix32 from a
 * seed and a stream name). Give every purpose its own named stream — `new Rng(seed, "arrivals")`,
 * or `rng.stream("arrivals")` from a parent — so adding a draw to one purpose never shifts the
 * numbers of another. A simulation with replications derives one stream per replication and per
 * random source by name, `root.stream(`replication-${r}`).stream("service-times")`: streams
 * derived by name do not depend on how many numbers any other stream has drawn. `fork()` derives
 * a child from the parent's current state instead (for a child per draw, in draw order).
 *
 * - `Rng`: the demo county generator (src/synth) and anything new.
 * - `mulberry32(seed)`: a small 32-bit generator; the stream of the audit's village-cluster
 *   bootstrap (its numbers are part of `audit.json` and must not change) and of older tests.
 *   Keep it for those; do not start new uses.
 *
 * ```ts
 * import { Rng } from "./random.ts";
 * const root = new Rng(20240601);
 * const arrivals = root.stream("replication-1").stream("arrivals");
 * console.log(arrivals.uniform(), arrivals.int(1, 6), arrivals.normal(0, 1));
 * ```
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

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a stream name, so that each purpose draws from its own independent stream. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A xoshiro128** generator for one seed and one named stream, with the draws simulations need
 * (uniform, integer, chance, normal, log-normal, weighted, pick, shuffle).
 */
export class Rng {
  /** The seed this stream was made from (an unsigned 32-bit integer). */
  readonly seed: number;
  /** The stream's name: "" for the root, "a/b" for `new Rng(seed, "a").stream("b")`. */
  readonly name: string;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** A generator for `seed` and the named stream (different names give independent streams). */
  constructor(seed: number, stream = "") {
    this.seed = seed >>> 0;
    this.name = stream;
    const sm = splitmix32(this.seed ^ hashName(stream));
    this.#a = sm();
    this.#b = sm();
    this.#c = sm();
    this.#d = sm();
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  /**
   * The child stream `name` of this one (same seed, name `parent/name`): independent of this
   * stream's state, so it gives the same numbers however many this stream has drawn.
   */
  stream(name: string): Rng {
    return new Rng(this.seed, this.name === "" ? name : `${this.name}/${name}`);
  }

  /** A child generator seeded from this stream's next number (advances this stream by one draw). */
  fork(): Rng {
    return new Rng(this.nextU32(), this.name);
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#b << 9) >>> 0;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal (Box–Muller; one pair of uniforms per draw, no cached second value). */
  normal(mean = 0, sd = 1): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal with the given median and log-scale standard deviation. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** An index drawn with probability proportional to `weights`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** A key of `table` drawn with probability proportional to its value. */
  pick<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[];
    return keys[this.weighted(keys.map((k) => table[k]))];
  }

  /** One element of `items`, uniformly. */
  one<T>(items: readonly T[]): T {
    return items[Math.floor(this.uniform() * items.length)];
  }

  /** Fisher–Yates shuffle of a copy of `items`. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
