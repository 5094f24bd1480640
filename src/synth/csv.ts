/**
 * The demo county's cells as CSV text, through the one CSV writer (src/base/csv.ts): null and
 * undefined are empty cells, booleans `true`/`false`, numbers plain decimals (src/base/format.ts
 * `plainNumber`, never exponent notation), quoting by RFC 4180.
 */
import { csvCell, toCsv as baseToCsv } from "../base/csv.ts";
import { plainNumber } from "../base/format.ts";

/** A cell value before formatting. */
export type Cell = string | number | boolean | null | undefined;

/** A cell as the text the CSV holds before quoting (null stays null: an empty cell). */
export function cellText(value: Cell): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? plainNumber(value) : String(value);
}

/** One CSV field, quoted when RFC 4180 requires it. */
export function csvField(value: Cell): string {
  return csvCell(cellText(value));
}

function* cellTexts(rows: Iterable<readonly Cell[]>): Iterable<(string | null)[]> {
  for (const row of rows) yield row.map(cellText);
}

/** A whole CSV text: header row, then one line per row, every line ending in "\n". */
export function toCsv(columns: readonly string[], rows: Iterable<readonly Cell[]>): string {
  return baseToCsv(columns, cellTexts(rows));
}
