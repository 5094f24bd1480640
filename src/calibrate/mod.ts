/**
 * Band calibration by simulation: choose warning-band cut-offs by (a) a target precision whose
 * Wilson lower bound must reach the target in a fit frame, (b) a capacity of warnings per batch,
 * overall or per department, or (c) quantiles of the score; report the result out of sample on
 * the other frames; write the calibrated model.
 *
 * ```ts
 * import { calibrate } from "./mod.ts";
 * const outcome = calibrate({ population, frames, method: { mode: "precision", target: 0.7, frame: "survey" }, bootstrap: { seed: 1, replicates: 1000 } });
 * console.log(outcome.after); // the new band cuts
 * ```
 */
export * from "./threshold.ts";
export * from "./bands.ts";
export * from "./calibrate.ts";
export * from "./output.ts";
