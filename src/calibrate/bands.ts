/**
 * New bands from a chosen cut-off, and the calibrated model file: the input model's JSON with only
 * the bands' `min`, the `version` and a `calibrated_from` provenance note changed, so every other
 * field (and its order) stays as the author wrote it.
 */
import { InputError, type Model, parseModel } from "../contract/mod.ts";
import type { BandCut } from "../model/mod.ts";

/** The band added when a model without bands is calibrated. */
export const DEFAULT_BAND = { id: "warning", name: "Warning", name_zh: "预警" } as const;

/** How the upper bands follow a new lowest `min`: keep their distances above it, or keep their own `min`. */
export type UpperRule = "shift" | "keep";

/** Thrown when a calibration rule cannot be met: the command reports it and exits 2. */
export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalibrationError";
  }
}

/**
 * A shifted band min without the binary noise of the subtraction and addition (0.1 + (1.2 − 1)
 * is 0.29999999999999993): rounded to 15 significant digits. The lowest min itself is a score of
 * the data and is never rounded.
 */
export function shiftedMin(lowest: number, oldMin: number, oldLowest: number): number {
  return Number((lowest + (oldMin - oldLowest)).toPrecision(15));
}

/**
 * New band cuts with the lowest `min` at `lowest`. `shift`: every other band keeps its distance
 * above the lowest band (new minᵢ = lowest + (old minᵢ − old lowest min), to 15 significant
 * digits); `keep`: they keep their `min`, which must stay above the new lowest one.
 */
export function bandsWithLowest(bands: readonly BandCut[], lowest: number, upper: UpperRule = "shift"): BandCut[] {
  if (bands.length === 0) return [{ id: DEFAULT_BAND.id, min: lowest }];
  const last = bands[bands.length - 1].min;
  const out = bands.map((b, i) => ({
    id: b.id,
    min: i === bands.length - 1 ? lowest : upper === "shift" ? shiftedMin(lowest, b.min, last) : b.min,
  }));
  for (let i = 1; i < out.length; i++) {
    if (!(out[i].min < out[i - 1].min)) {
      throw new CalibrationError(
        `The new lowest min ${lowest} is not below the min ${out[i - 1].min} of band "${
          out[i - 1].id
        }" kept by --upper ${upper}; use --upper shift to keep the distances between bands`,
      );
    }
  }
  return out;
}

/** Band cuts with one `min` per band (quantile mode); mins must strictly decrease. */
export function bandsWithMins(bands: readonly BandCut[], mins: readonly number[]): BandCut[] {
  const ids = bands.length > 0 ? bands.map((b) => b.id) : [DEFAULT_BAND.id];
  if (mins.length !== ids.length) {
    throw new CalibrationError(
      `Expected ${ids.length} cut-off${ids.length === 1 ? "" : "s"} (one per band: ${
        ids.join(", ")
      }) but found ${mins.length}`,
    );
  }
  const out = ids.map((id, i) => ({ id, min: mins[i] }));
  for (let i = 1; i < out.length; i++) {
    if (!(out[i].min < out[i - 1].min)) {
      throw new CalibrationError(
        `Bands "${out[i - 1].id}" and "${out[i].id}" would get mins ${out[i - 1].min} and ${
          out[i].min
        }, which do not strictly decrease (ties in the scores); choose quantiles further apart`,
      );
    }
  }
  return out;
}

/** Where a calibrated model came from: written into it as `calibrated_from`. */
export interface Provenance {
  id: string;
  version: string;
  sha256: string;
  data_digest: string;
  method: string;
}

/**
 * The calibrated model's JSON text: the input text's object with new band mins, a new version and
 * the provenance note. Checked against the contract before it is returned.
 */
export function calibratedModelText(
  inputText: string,
  bands: readonly BandCut[],
  version: string,
  provenance: Provenance,
  file = "model.json",
): {
  text: string;
  model: Model;
} {
  const raw = JSON.parse(inputText) as Record<string, unknown>;
  const oldBands = Array.isArray(raw.bands) ? (raw.bands as Record<string, unknown>[]) : [];
  const newBands = bands.map((
    b,
    i,
  ) => (oldBands[i] ? { ...oldBands[i], min: b.min } : { ...DEFAULT_BAND, min: b.min }));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === "version") out.version = version;
    else if (k === "bands" || k === "calibrated_from") continue;
    else out[k] = v;
  }
  out.bands = newBands;
  out.calibrated_from = provenance;
  const text = JSON.stringify(out, null, 2) + "\n";
  try {
    return { text, model: parseModel(text, file) };
  } catch (error) {
    if (error instanceof InputError) {
      throw new Error(`Internal error: the calibrated model is not contract-valid: ${error.message}`);
    }
    throw error;
  }
}

/** The new version: the input's with a calibration suffix naming the method and the data digest. */
export function calibratedVersion(version: string, tag: string, dataDigest: string): string {
  return `${version}+cal.${tag}.${dataDigest.slice(0, 8)}`;
}
