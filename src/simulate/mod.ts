/**
 * Simulation: the typed-array fast path for interactive use. From the per-indicator hit counts
 * (read once with SQL), a change of points, `otherwise`, category weights or bands re-scores every
 * household without evaluating any condition, equal bit for bit to the SQL score; the threshold
 * sweep turns scores into warnings / precision / recall curves.
 *
 * ```ts
 * import { coefficientsOf } from "../model/mod.ts";
 * import { packCoefficients, rescore } from "./mod.ts";
 * const { perCapita } = rescore(frame, packCoefficients(coefficientsOf(editedModel)));
 * ```
 */
export * from "./frame.ts";
export * from "./sweep.ts";
export * from "./order.ts";
export * from "./radix.ts";
export * from "./simulator.ts";
