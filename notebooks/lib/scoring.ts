/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Scoring a model on the page's session with the typed-array fast path (src/simulate), and the
 * contract §3 figures of the result through the same function the command line uses.
 */
import type { Model } from "../../src/contract/mod.ts";
import {
  evaluateBatches,
  type VerifiedByBatch,
  verifiedByBatch,
  type VerifiedRow,
  type WarnedHouseholds,
  type WarningMetrics,
} from "../../src/evaluate/mod.ts";
import { bandCutsOf, coefficientsOf, compileModel } from "../../src/model/mod.ts";
import { type Hits, readHits } from "../../src/score/mod.ts";
import {
  assignBands,
  buildFrame,
  packCoefficients,
  type PackedCoefficients,
  rescore,
  type ScoreFrame,
  Simulator,
} from "../../src/simulate/mod.ts";
import type { Session } from "./session.ts";

/** What scoring reads: the score frame (hit counts), the compiled model's indicators, the verified cases. */
export type ScoringBasis = Pick<Session, "compiled" | "verified"> & { frame: ScoreFrame };

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

/** The slider state of each score frame: re-scores only what a change touches (src/simulate). */
const simulators = new WeakMap<ScoreFrame, Simulator>();

/**
 * Re-scores with the fast path (no SQL) and evaluates the warnings against the verified cases.
 * With `reuse` (a tick on the same frame) the frame's simulator re-scores incrementally and
 * the result's score arrays are the simulator's own; without it, fresh arrays.
 */
export function scoreModel(session: ScoringBasis, model: Model, reuse?: PageScores): PageScores {
  const coefficients = coefficientsOf(model, session.compiled.indicators);
  const packed = packCoefficients(coefficients);
  let total: Float64Array, perCapita: Float64Array;
  if (reuse) {
    let simulator = simulators.get(session.frame);
    if (!simulator) {
      simulator = new Simulator(session.frame, coefficients);
      simulators.set(session.frame, simulator);
    } else simulator.update(coefficients);
    ({ total, perCapita } = simulator);
  } else ({ total, perCapita } = rescore(session.frame, packed));
  const cuts = bandCutsOf(model.bands ?? []);
  const band = assignBands(perCapita, cuts, reuse?.band);
  let verified = prepared.get(session.verified);
  if (!verified) prepared.set(session.verified, verified = verifiedByBatch(session.verified));
  const warned = warnedHouseholds(session.frame.householdIds, verified, band);
  const { overall, batches } = evaluateBatches(warned, verified);
  return { packed, total, perCapita, band, bandIds: cuts.map((b) => b.id), warnings: warned.size, overall, batches };
}

/** The session's verified rows grouped and reduced once (each tick evaluates them against new warnings). */
const prepared = new WeakMap<readonly VerifiedRow[], VerifiedByBatch>();

/** Each verified household's position in the frame (absent: not in the frame), once per frame and verified rows. */
const positions = new WeakMap<readonly string[], WeakMap<VerifiedByBatch, Map<string, number>>>();

/**
 * The warned households as evaluation reads them (`has`, `size`), straight from the band array: a
 * tick builds no set of 50,000 ids, and only verified households are ever asked about (a map of
 * those few thousand, not of every household).
 */
function warnedHouseholds(ids: readonly string[], verified: VerifiedByBatch, band: Int8Array): WarnedHouseholds {
  let byVerified = positions.get(ids);
  if (!byVerified) positions.set(ids, byVerified = new WeakMap());
  let at = byVerified.get(verified);
  if (!at) {
    const wanted = new Set(verified.overall.ids);
    at = new Map();
    for (let h = 0; h < ids.length; h++) if (wanted.has(ids[h])) at.set(ids[h], h);
    byVerified.set(verified, at);
  }
  let size = 0;
  for (let h = 0; h < band.length; h++) if (band[h] >= 0) size++;
  const index = at;
  return {
    size,
    has: (id) => {
      const h = index.get(id);
      return h !== undefined && band[h] >= 0;
    },
  };
}

/** Hit counts evaluated with some parameter values, and their score frame. */
export interface EvaluatedHits {
  hits: Hits;
  frame: ScoreFrame;
  /** The parameter values the hit counts were evaluated with. */
  parameters: Record<string, number>;
}

/** The parameter values of a model, by id. */
export const parameterValues = (model: Model): Record<string, number> =>
  Object.fromEntries((model.parameters ?? []).map((p) => [p.id, p.value]));

/**
 * The hit counts for `model`'s parameter values: `previous` itself when they are unchanged, else
 * re-evaluated with SQL for only the rules that read a changed parameter (a new frame).
 */
export async function hitsFor(
  session: Pick<Session, "db" | "compiled" | "report" | "modelFile">,
  previous: EvaluatedHits,
  model: Model,
  progress: (affected: string[]) => void = () => {},
): Promise<EvaluatedHits> {
  const parameters = parameterValues(model);
  const changed = Object.keys(parameters).filter((id) => previous.parameters[id] !== parameters[id]);
  if (changed.length === 0) return previous;
  const affected = session.compiled.indicators.filter((i) => i.parameters.some((p) => changed.includes(p)));
  if (affected.length === 0) return { ...previous, parameters };
  progress(affected.map((i) => i.id));
  const sub: Model = { ...model, indicators: affected.map((i) => model.indicators[i.index]) };
  const fresh = await readHits(session.db, compileModel(sub, session.report.schema, session.modelFile));
  const hits: Hits = { ...previous.hits, hits: [...previous.hits.hits] };
  affected.forEach((ind, j) => (hits.hits[ind.index] = fresh.hits[j]));
  return { hits, frame: buildFrame(hits), parameters };
}
