/** Rendering a load report as text for the terminal, and rejected rows as CSV. */
import { formatProblem, InputError } from "../contract/mod.ts";
import type { LoadReport, RejectedRow } from "./load.ts";
import { writeCsv } from "../base/csv.ts";

/** The validation report as text: per table rows and columns, then the problems. */
export function formatLoadReport(report: LoadReport, options: { columns?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`Dataset ${report.folder} (digest ${report.digest.slice(0, 16)}…)`);
  for (const t of report.tables) {
    lines.push(`  ${t.table} (${t.file}): ${t.rowsRead} rows read, ${t.accepted} accepted, ${t.rejected} rejected`);
    if (options.columns !== false) {
      for (const c of t.columns) {
        const counts = c.nulls === undefined
          ? ""
          : ` ${c.nulls} null${c.distinct !== undefined ? `, ${c.distinct} distinct` : ""}`;
        lines.push(`    ${c.name.padEnd(24)} ${c.type.padEnd(8)} (${c.typeSource})${counts}`);
      }
    }
  }
  for (const name of report.ignored) lines.push(`  not loaded: ${name}`);
  if (report.problemCount === 0) lines.push("Valid: no problems found.");
  else {
    lines.push(`${report.problemCount} problem${report.problemCount === 1 ? "" : "s"} found:`);
    for (const p of report.problems) lines.push(`  ${formatProblem(p)}`);
    if (report.problemCount > report.problems.length) {
      lines.push(`  … and ${report.problemCount - report.problems.length} more (${report.problems.length} listed)`);
    }
    lines.push(
      report.lenient
        ? "Lenient mode: the rows above were rejected and the rest loaded."
        : "Nothing was loaded. Fix the problems, or pass --lenient to load the valid rows and write the rejected ones to rejected.csv.",
    );
  }
  return lines.join("\n");
}

/** Rejected rows as CSV, one line per reason (a value a spreadsheet would run as a formula gets a leading `'`). */
export function rejectedCsv(rows: RejectedRow[]): string {
  return writeCsv([
    ["file", "row", "column", "value", "reason"],
    ...rows.map((r) => [r.file, r.row, r.column, r.value, r.reason]),
  ]);
}

/** Throws the report's problems as an `InputError` unless the data may be scored. */
export function assertLoadable(report: LoadReport): void {
  const loadable = report.valid ||
    (report.lenient && report.tables.some((t) => t.table === "households" && t.accepted > 0));
  if (!loadable) throw new InputError(report.problems, formatLoadReport(report, { columns: false }));
}
