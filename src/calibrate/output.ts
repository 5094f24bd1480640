/** `calibration.json`: what was chosen, how, on which data and model, and what it does on every frame. */
import type { CalibrationJson } from "../contract/outputs.ts";
import { FRAME_DEFINITIONS, FRAME_NAMES, type FrameName, MIN_LABELED } from "../evaluate/frames.ts";
import type { CalibrationMethod, CalibrationOutcome } from "./calibrate.ts";
import type { UpperRule } from "./bands.ts";

/** Identity of a model in outputs. */
export type ModelIdentity = CalibrationJson["model"]["input"];

/** The calibration report as a plain object (keys in a fixed order): its type is its schema's (src/contract/outputs.ts). */
export type CalibrationFile = CalibrationJson;

/** Builds `calibration.json`. */
export function calibrationFile(input: {
  outcome: CalibrationOutcome;
  method: CalibrationMethod;
  upper: UpperRule;
  z: number;
  modelIn: ModelIdentity;
  modelOut: ModelIdentity;
  data: { folder: string; digest: string; households: number; labeled: Record<FrameName, number> };
  outputs: string[];
}): CalibrationFile {
  const { outcome } = input;
  const frames = {} as CalibrationFile["method"]["frames"];
  for (const f of FRAME_NAMES) {
    const d = FRAME_DEFINITIONS[f];
    frames[f] = {
      channel: d.channel,
      name_zh: d.name_zh,
      name_en: d.name_en,
      supports: { ...d.supports },
      description: d.description,
    };
  }
  return {
    command: "calibrate",
    model: { input: input.modelIn, output: input.modelOut },
    data: input.data,
    method: {
      mode: input.method.mode,
      rule: outcome.rule,
      upper: input.upper,
      z: input.z,
      min_labeled: MIN_LABELED,
      frames,
      bootstrap: outcome.bootstrap.settings,
    },
    bands: { before: outcome.before, after: outcome.after },
    fit: outcome.fit,
    threshold_stability: outcome.stability,
    fit_frame_bootstrap: outcome.bootstrap.fit_frame,
    side_by_side: outcome.side_by_side,
    band_counts: outcome.band_counts,
    workload: outcome.workload,
    notes: outcome.notes,
    outputs: input.outputs,
  };
}
