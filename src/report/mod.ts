/**
 * Figures for the notebooks and the HTML report: pure functions of (data, options) that return an
 * Observable Plot figure (or its Plot options), plus the pure data preparation that feeds them from
 * the fast path's typed arrays. Pass `document` (e.g. linkedom's) to render SVG outside a browser.
 *
 * ```ts
 * import { parseHTML } from "linkedom";
 * import { type PlotDocument, scoreDistributionFigure, scoreHistogram } from "./mod.ts";
 *
 * const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: PlotDocument };
 * const { bins } = scoreHistogram(new Float64Array([1, 5, 12, 20]), ["dibao", "dibao", "tekun", "other"]);
 * const svg = scoreDistributionFigure(bins, { bands: [{ id: "yellow", min: 12 }], document });
 * console.log(svg.outerHTML);
 * ```
 */
export * from "./labels.ts";
export * from "./prepare.ts";
export * from "./distribution.ts";
export * from "./thresholds.ts";
export * from "./workload.ts";
export * from "./band_changes.ts";
export * from "./waterfall.ts";
export * from "./dispatch.ts";
export * from "./intervals.ts";
export { percent, type PlotDocument } from "./_options.ts";
export * from "./disparity.ts";
export * from "./drift.ts";
export * from "./view.ts";
export { auditReport } from "./report_audit.ts";
export { type CalibrationCurves, calibrationReport } from "./report_calibration.ts";
export { comparisonReport } from "./report_compare.ts";
