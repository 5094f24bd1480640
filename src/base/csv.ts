/**
 * The one CSV writer (RFC 4180): comma-separated, LF line ends, every line ending in "\n"; a
 * field is quoted when it holds a double quote, a comma, a CR or an LF, with quotes doubled.
 * Null and undefined are empty cells; every other value is written as `String(value)`.
 */

/** One CSV field. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (without its line end). */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",");
}

/** Rows as a CSV text, each line ending in "\n". */
export function writeCsv(rows: readonly (readonly unknown[])[]): string {
  return rows.map(csvLine).join("\n") + "\n";
}

/** A header row, then the rows; throws a RangeError when a row's length differs from the header's. */
export function toCsv(columns: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [csvLine(columns)];
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`Expected a CSV row of ${columns.length} cells but found ${row.length}`);
    }
    lines.push(csvLine(row));
  }
  return lines.join("\n") + "\n";
}
