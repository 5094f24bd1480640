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
import { assignBands, packCoefficients, type PackedCoefficients, rescore, Simulator } from "../../src/simulate/mod.ts";
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

/** The slider state of each session: re-scores only what a change touches (src/simulate). */
const simulators = new WeakMap<Session, Simulator>();

/**
 * Re-scores with the fast path (no SQL) and evaluates the warnings against the verified cases.
 * With `reuse` (a tick of the same session) the session's simulator re-scores incrementally and
 * the result's score arrays are the simulator's own; without it, fresh arrays.
 */
export function scoreModel(session: Session, model: Model, reuse?: PageScores): PageScores {
  const coefficients = coefficientsOf(model, session.compiled.indicators);
  const packed = packCoefficients(coefficients);
  let total: Float64Array, perCapita: Float64Array;
  if (reuse) {
    let simulator = simulators.get(session);
    if (!simulator || simulator.frame !== session.frame) {
      simulator = new Simulator(session.frame, coefficients);
      simulators.set(session, simulator);
    } else simulator.update(coefficients);
    ({ total, perCapita } = simulator);
  } else ({ total, perCapita } = rescore(session.frame, packed));
  const cuts = bandCutsOf(model.bands ?? []);
  const band = assignBands(perCapita, cuts, reuse?.band);
  const warned = new Set<string>();
  const ids = session.frame.householdIds;
  for (let h = 0; h < band.length; h++) if (band[h] >= 0) warned.add(ids[h]);
  const { overall, batches } = evaluateByBatch(warned, session.verified);
  return { packed, total, perCapita, band, bandIds: cuts.map((b) => b.id), warnings: warned.size, overall, batches };
}
