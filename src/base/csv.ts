/**
 * The one CSV writer (RFC 4180): comma-separated, LF line ends, every line ending in "\n"; a
 * field is quoted when it holds a double quote, a comma, a CR or an LF, with quotes doubled.
 * Null and undefined are empty cells; every other value is written as `String(value)`.
 *
 * Formula neutralisation (OWASP "CSV injection"): a spreadsheet runs a cell that starts with
 * `=`, `+`, `-`, `@`, a tab or a CR, so such a text cell is written with a leading `'`
 * (`=HYPERLINK(…)` → `'=HYPERLINK(…)`, `-H1` → `'-H1`). Numbers are never touched (`-3.5` stays
 * `-3.5`), nor is text that is a plain decimal number (`-3.5`, `+2`, `1e-3`: a spreadsheet reads
 * it as that number, never as a formula). Files the toolkit itself reads back as data (a
 * pseudonymized dataset) pass `{ formulas: "keep" }` so their values round-trip unchanged.
 */

/** How text that a spreadsheet would run as a formula is written. */
export interface CsvOptions {
  /** `"neutralise"` (default): a leading `'`; `"keep"`: as is (data files read back by the toolkit). */
  formulas?: "neutralise" | "keep";
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The text a spreadsheet will not run: a leading `'` when it starts with = + - @ tab or CR (plain numbers excepted). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One CSV field. */
export function csvCell(value: unknown, options: CsvOptions = {}): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  const kind = typeof value;
  if (kind !== "number" && kind !== "bigint" && kind !== "boolean" && options.formulas !== "keep") {
    text = neutraliseFormula(text);
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (without its line end). */
export function csvLine(cells: readonly unknown[], options: CsvOptions = {}): string {
  return cells.map((cell) => csvCell(cell, options)).join(",");
}

/** Rows as a CSV text, each line ending in "\n". */
export function writeCsv(rows: readonly (readonly unknown[])[], options: CsvOptions = {}): string {
  return rows.map((row) => csvLine(row, options)).join("\n") + "\n";
}

/** A header row, then the rows; throws a RangeError when a row's length differs from the header's. */
export function toCsv(
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
  options: CsvOptions = {},
): string {
  const lines = [csvLine(columns, options)];
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`Expected a CSV row of ${columns.length} cells but found ${row.length}`);
    }
    lines.push(csvLine(row, options));
  }
  return lines.join("\n") + "\n";
}
