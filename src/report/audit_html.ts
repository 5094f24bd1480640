/**
 * The HTML files of `deno task audit`, `deno task calibrate` and `deno task compare`: each
 * report's view-model (src/report/report_*.ts) rendered by {@link renderHtml}. Pure functions of
 * the JSON the command writes (plus the calibration's curves): the same inputs give the same page.
 */
import type { CalibrationFile } from "../calibrate/output.ts";
import type { AuditFile } from "../evaluate/audit_file.ts";
import type { CompareFile } from "../evaluate/compare.ts";
import { renderHtml, type RenderHtmlOptions } from "./html.ts";
import { auditReport } from "./report_audit.ts";
import { type CalibrationCurves, calibrationReport } from "./report_calibration.ts";
import { comparisonReport } from "./report_compare.ts";

/** `audit.html`. */
export function auditHtml(file: AuditFile, options: RenderHtmlOptions = {}): string {
  return renderHtml(auditReport(file), options);
}

/** `calibration.html`. */
export function calibrationHtml(
  file: CalibrationFile,
  curves: CalibrationCurves,
  options: RenderHtmlOptions = {},
): string {
  return renderHtml(calibrationReport(file, curves), options);
}

/** `comparison.html`. */
export function compareHtml(file: CompareFile, options: RenderHtmlOptions = {}): string {
  return renderHtml(comparisonReport(file), options);
}
