/**
 * Service-time distributions, in clock days, each drawn by inversion or a fixed number of uniforms
 * from a named `Rng` stream (so a department's service times depend only on its own stream).
 */
import type { Rng } from "../base/random.ts";

/** A service-time distribution as a scenario writes it. */
export type Distribution =
  | { dist: "exponential"; mean: number }
  | { dist: "fixed"; value: number }
  | { dist: "uniform"; min: number; max: number }
  | { dist: "triangular"; min: number; mode: number; max: number }
  | { dist: "lognormal"; mean: number; cv: number };

/** The names of the distributions, for messages. */
export const DISTRIBUTIONS = ["exponential", "fixed", "uniform", "triangular", "lognormal"] as const;

/** The mean of a distribution. */
export function meanOf(d: Distribution): number {
  switch (d.dist) {
    case "exponential":
    case "lognormal":
      return d.mean;
    case "fixed":
      return d.value;
    case "uniform":
      return (d.min + d.max) / 2;
    case "triangular":
      return (d.min + d.mode + d.max) / 3;
  }
}

/** The squared coefficient of variation (variance / mean²), as Pollaczek–Khinchine reads it. */
export function scvOf(d: Distribution): number {
  const m = meanOf(d);
  if (m === 0) return 0;
  switch (d.dist) {
    case "exponential":
      return 1;
    case "fixed":
      return 0;
    case "lognormal":
      return d.cv * d.cv;
    case "uniform":
      return (d.max - d.min) ** 2 / 12 / (m * m);
    case "triangular": {
      const { min: a, mode: c, max: b } = d;
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18 / (m * m);
    }
  }
}

/** A sampler: one draw from `rng` per call. */
export type Sampler = (rng: Rng) => number;

/** Compiles a distribution to a sampler. */
export function samplerOf(d: Distribution): Sampler {
  switch (d.dist) {
    case "exponential": {
      const mean = d.mean;
      return (rng) => -mean * Math.log(1 - rng.uniform());
    }
    case "fixed": {
      const v = d.value;
      return () => v;
    }
    case "uniform": {
      const { min, max } = d;
      return (rng) => min + (max - min) * rng.uniform();
    }
    case "triangular": {
      const { min: a, mode: c, max: b } = d;
      const f = b > a ? (c - a) / (b - a) : 0;
      return (rng) => {
        const u = rng.uniform();
        return u < f ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
      };
    }
    case "lognormal": {
      // mean m, coefficient of variation cv: σ² = ln(1 + cv²), μ = ln m − σ²/2.
      const s2 = Math.log(1 + d.cv * d.cv);
      const sigma = Math.sqrt(s2), mu = Math.log(d.mean) - s2 / 2;
      return (rng) => Math.exp(mu + sigma * rng.normal(0, 1));
    }
  }
}

/** Exponential inter-arrival time of a Poisson stream of `rate` per day. */
export function exponentialGap(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.uniform()) / rate;
}
