/** Scoring a frame completely — totals, per-capita, bands and the contract's output order — without SQL. */
import type { BandCut, IndicatorCoefficient } from "../model/mod.ts";
import { assignBands, packCoefficients, rescore, type ScoreFrame } from "./frame.ts";

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

/** Positions ordered as contract §3 orders `scores.csv`: per_capita descending (NaN last), then household_id. */
export function contractOrder(perCapita: Float64Array, householdIds: readonly string[]): Int32Array {
  return Int32Array.from({ length: perCapita.length }, (_, i) => i).sort((a, b) => {
    const [pa, pb] = [perCapita[a], perCapita[b]];
    const na = Number.isNaN(pa), nb = Number.isNaN(pb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && pa !== pb) return pb - pa;
    return compareCodePoints(householdIds[a], householdIds[b]);
  });
}

/** Every household of a frame scored as the SQL scores it, in frame order, plus the output order. */
export interface FrameScores {
  total: Float64Array;
  /** NaN where the household has no members (the SQL gives null). */
  perCapita: Float64Array;
  band: (string | null)[];
  order: Int32Array;
}

/** Scores a frame with the given coefficients and bands (no SQL; equal to the SQL bit for bit). */
export function scoreFrame(
  frame: ScoreFrame,
  coefficients: readonly IndicatorCoefficient[],
  bands: readonly BandCut[],
): FrameScores {
  const { total, perCapita } = rescore(frame, packCoefficients(coefficients));
  const bandIndex = assignBands(perCapita, bands);
  const band = Array.from(bandIndex, (b) => (b < 0 ? null : bands[b].id));
  return { total, perCapita, band, order: contractOrder(perCapita, frame.householdIds) };
}
