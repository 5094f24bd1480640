/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Scoring a model on the page's session with the typed-array fast path (src/simulate), and the
 * contract §3 figures of the result through the same function the command line uses.
 */
import type { Model } from "../../src/contract/mod.ts";
import { evaluateByBatch, type WarningMetrics } from "../../src/evaluate/mod.ts";
import { bandCutsOf, coefficientsOf } from "../../src/model/mod.ts";
import { assignBands, packCoefficients, type PackedCoefficients, rescore } from "../../src/simulate/mod.ts";
import type { Session } from "./session.ts";

/** One model's scores of every household, in frame (household_id) order. */
export interface PageScores {
  packed: PackedCoefficients;
  total: Float64Array;
  perCapita: Float64Array;
  /** Band index per household: 0 = first band, −1 = not warned. */
  band: Int8Array;
  bandIds: string[];
  warnings: number;
  overall: WarningMetrics;
  batches: Record<string, WarningMetrics>;
}

/** Re-scores with the fast path (no SQL) and evaluates the warnings against the verified cases. */
export function scoreModel(session: Session, model: Model, reuse?: PageScores): PageScores {
  const packed = packCoefficients(coefficientsOf(model, session.compiled.indicators));
  const { total, perCapita } = rescore(
    session.frame,
    packed,
    reuse && { total: reuse.total, perCapita: reuse.perCapita },
  );
  const cuts = bandCutsOf(model.bands ?? []);
  const band = assignBands(perCapita, cuts, reuse?.band);
  const warned = new Set<string>();
  const ids = session.frame.householdIds;
  for (let h = 0; h < band.length; h++) if (band[h] >= 0) warned.add(ids[h]);
  const { overall, batches } = evaluateByBatch(warned, session.verified);
  return { packed, total, perCapita, band, bandIds: cuts.map((b) => b.id), warnings: warned.size, overall, batches };
}
