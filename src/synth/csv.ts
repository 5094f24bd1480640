/**
 * The demo county's cells as CSV text: null/undefined is an empty cell, booleans `true`/`false`,
 * numbers plain decimals (never exponent notation); quoting by RFC 4180 as the one CSV writer does.
 */

/** A cell value before formatting. */
export type Cell = string | number | boolean | null | undefined;

/** A number as plain decimal text (never exponent notation), trailing zeros trimmed. */
function plainNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Expected a finite number but found ${value}`);
  if (Number.isInteger(value)) return value.toFixed(0);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(10).replace(/0+$/, "").replace(/\.$/, "");
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function baseToCsv(columns: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [columns.map(csvCell).join(",")];
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`Expected a CSV row of ${columns.length} cells but found ${row.length}`);
    }
    lines.push(row.map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}

/** A cell as the text the CSV holds before quoting (null stays null: an empty cell). */
export function cellText(value: Cell): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? plainNumber(value) : String(value);
}

/** One CSV field, quoted when RFC 4180 requires it. */
export function csvField(value: Cell): string {
  return csvCell(cellText(value));
}

/** A whole CSV text: header row, then one line per row, every line ending in "\n". */
export function toCsv(columns: readonly string[], rows: Iterable<readonly Cell[]>): string {
  return baseToCsv(columns, mapRows(rows));
}

function* mapRows(rows: Iterable<readonly Cell[]>): Iterable<(string | null)[]> {
  for (const row of rows) yield row.map(cellText);
}
