/**
 * Re-scoring from hit counts without SQL: the typed-array fast path. It follows the scoring
 * arithmetic of `src/model/scoring.ts` operation for operation, so it agrees with the SQL
 * pipeline bit for bit; use it to try new points, weights or bands without re-running the rules
 * (a change of a parameter or a `when` needs the SQL again — see `indicatorsReadingParameter`).
 */
import { type BandCut, bandOf, contribution, type IndicatorCoefficient } from "../model/mod.ts";
import type { Hits } from "./run.ts";

/** Scores of every household of a {@link Hits}, index-aligned with it, plus the output order. */
export interface FastScores {
  total: Float64Array;
  /** NaN where the household has no members (the SQL gives null). */
  perCapita: Float64Array;
  band: (string | null)[];
  /** Indexes into the arrays, ordered by per_capita descending (NaN last), then household_id. */
  order: Int32Array;
}

/** Compares text code point by code point, as DuckDB orders VARCHAR. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Scores households from their hit counts with the given coefficients and bands. */
export function scoreHits(hits: Hits, coefficients: IndicatorCoefficient[], bands: BandCut[]): FastScores {
  const count = hits.householdIds.length;
  const total = new Float64Array(count);
  const perCapita = new Float64Array(count);
  const band: (string | null)[] = new Array(count);
  for (let h = 0; h < count; h++) {
    const members = hits.members[h];
    let t = 0;
    for (const c of coefficients) t = t + contribution(c, hits.hits[c.index][h], members);
    total[h] = t;
    const pc = members === 0 ? null : t / members;
    perCapita[h] = pc === null ? NaN : pc;
    band[h] = bandOf(bands, pc);
  }
  const order = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => {
    const [pa, pb] = [perCapita[a], perCapita[b]];
    if (pa !== pb && !(Number.isNaN(pa) && Number.isNaN(pb))) {
      if (Number.isNaN(pa)) return 1;
      if (Number.isNaN(pb)) return -1;
      return pb - pa;
    }
    return compareCodePoints(hits.householdIds[a], hits.householdIds[b]);
  });
  return { total, perCapita, band, order };
}
