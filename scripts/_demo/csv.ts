/**
 * Writing tables as CSV by RFC 4180: comma-separated, CRLF-free (LF line ends are allowed by
 * readers of the contract), a field quoted whenever it holds a comma, a double quote, a CR or an
 * LF, with quotes doubled. Null/undefined is an empty cell; booleans are `true`/`false`; numbers
 * are written without exponent and with at most the decimals the column asks for.
 */

/** A cell value before formatting. */
export type Cell = string | number | boolean | null | undefined;

/** One CSV field, quoted when RFC 4180 requires it. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Cannot write non-finite number ${value} to CSV`);
    return formatNumber(value);
  }
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A number as plain decimal text (never exponent notation), trailing zeros trimmed. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toFixed(0);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(10).replace(/0+$/, "").replace(/\.$/, "");
}

/** A whole CSV text: header row, then one line per row, every line ending in "\n". */
export function toCsv(columns: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`CSV row has ${row.length} cells, expected ${columns.length}`);
    lines.push(row.map(csvField).join(","));
  }
  return lines.join("\n") + "\n";
}

/** Parses RFC 4180 CSV text into rows of strings (used by tests and for reading scores). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      fieldStarted = false;
      i++;
    } else if (ch === "\n" || ch === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStarted = false;
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (field !== "" || fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
