/**
 * Evaluation: the figures of contract §3 (precision with Wilson intervals, recall, coverage,
 * overall and per batch), kept apart by frame (survey, warning, application) for audits.
 *
 * ```ts
 * import { evaluateByBatch } from "./mod.ts";
 * const { overall } = evaluateByBatch(new Set(["H1"]), [{ household_id: "H1", batch: "B1", channel: "warning", need: true }]);
 * ```
 */
export * from "./wilson.ts";
export * from "./metrics.ts";
export * from "./outputs.ts";
export * from "./bootstrap.ts";
export * from "./frames.ts";
export * from "./population.ts";
export * from "./sweep_table.ts";
export * from "./drift.ts";
export * from "./audit.ts";
export * from "./compare.ts";
export * from "./context.ts";
export * from "./audit_file.ts";
