/**
 * A small RFC 4180 CSV reader for tools that rewrite CSV cell by cell (anonymize, tests); they
 * write it back with the one CSV writer, `src/base/csv.ts`.
 */

/** Parses CSV text into rows of fields (quotes removed, `""` unescaped). Blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let fieldWasQuoted = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') {
      quoted = true;
      fieldWasQuoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      fieldWasQuoted = false;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (!(row.length === 1 && row[0] === "" && !fieldWasQuoted)) rows.push(row);
      row = [];
      field = "";
      fieldWasQuoted = false;
    } else field += ch;
  }
  if (field !== "" || row.length > 0 || fieldWasQuoted) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
