/**
 * Staging of an `.xlsx` table (contract §1): the first worksheet, or the one `dataset.json`
 * names under `sheets`, header in row 1. Cells become the text a CSV of the same table would
 * hold (numbers in shortest round-trip form, booleans `true`/`false`, date cells `YYYY-MM-DD`),
 * so typing and every later message are those of CSV; messages name the file and sheet as
 * `households.xlsx (sheet 户信息)`. Refused, each with the cell and the fix: a file that is not a
 * workbook, a missing sheet, an empty sheet, merged cells, formula cells, error cells, values
 * without a header, and a date stored as text (or as a plain number) in a date column.
 */
import { csvLine } from "../base/csv.ts";
import { formatInt } from "../base/format.ts";
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { type Problem, sha256Hex, type TableName, TABLES } from "../contract/mod.ts";
import { LIMITS, shownValue } from "./_csv_scan.ts";
import { type LoadContext, readBytes } from "./_context.ts";
import { checkHeader, type HeaderMap, type Staged, tooWide, withFile } from "./_steps_files.ts";
import type { DatasetFile } from "./types.ts";
import { columnLetters, readWorkbook, type XlsxCell, type XlsxSheet } from "./xlsx.ts";

/** At most this many cell problems are listed per file; the rest are counted. */
const MAX_CELL_PROBLEMS = 50;

/** A cell's value as CSV text. */
function cellText(cell: XlsxCell | undefined): string {
  if (cell === undefined) return "";
  if (cell.kind === "number") return String(cell.value);
  if (cell.kind === "boolean") return cell.value ? "true" : "false";
  return String(cell.value);
}

/** Stages a table's `.xlsx` workbook into `_raw_<table>` (all VARCHAR, with the sheet's row numbers). */
export async function stageXlsx(
  ctx: LoadContext,
  table: TableName,
  file: DatasetFile,
  mapping: HeaderMap,
): Promise<Staged> {
  const bytes = await readBytes(file);
  const digestPart = `${file.name}\t${await sha256Hex(bytes)}`;
  const path = ctx.path(file.name);
  const fail = (problems: Problem[]): Staged => ({ fatal: problems, rows: [], digestPart });
  let sheet: XlsxSheet | undefined;
  const wanted = ctx.state.description.sheets?.[table];
  try {
    const workbook = await readWorkbook(bytes);
    sheet = workbook.sheet(wanted);
    if (!sheet) {
      const names = workbook.sheetNames.map((n) => `"${n}"`).join(", ") || "none";
      return fail([{
        file: path,
        message: wanted === undefined
          ? "Workbook has no worksheet; put the table in its first sheet"
          : `Workbook has no sheet "${wanted}" (dataset.json "sheets"); its sheets are ${names}: ` +
            `rename the sheet or name one of these in dataset.json`,
      }]);
    }
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof TypeError || error instanceof RangeError)) throw error;
    return fail([{ file: path, message: `Cannot read the Excel workbook: ${error.message}` }]);
  }
  const at = `${path} (sheet ${sheet.name})`;
  const first = sheet.rows[0];
  if (!first) {
    return fail([{
      file: at,
      row: 1,
      message: "Sheet is empty; put the header in row 1 and one row per record below it" +
        (wanted === undefined ? ' (or name the sheet that holds the table in dataset.json "sheets")' : ""),
    }]);
  }
  if (first.r !== 1) {
    return fail([{
      file: at,
      row: 1,
      message:
        `Row 1 is empty and the first filled row is ${first.r}; the header must be in row 1: delete the rows above it`,
    }]);
  }
  let width = first.cells.length;
  while (width > 0 && cellText(first.cells[width - 1]).trim() === "") width--;
  if (width > LIMITS.columns) return fail([tooWide(at, width)]);
  const headerCells = first.cells.slice(0, width);
  const header = Array.from({ length: width }, (_, c) => cellText(headerCells[c]));
  const columnOf = (c: number) => (c < width && header[c] !== "" ? header[c] : columnLetters(c));
  const problems: Problem[] = [];
  let more = 0;
  const add = (p: Problem) => (problems.length < MAX_CELL_PROBLEMS ? problems.push(p) : more++);
  for (const m of sheet.merges) {
    add({
      file: at,
      row: m.r1,
      column: columnOf(m.c1),
      message: m.r1 === 1
        ? `Header cells ${m.ref} are merged; unmerge them (Merge & Center → Unmerge Cells) and give each column ` +
          "its own header in row 1 (a title above the header must be deleted)"
        : `Cells ${m.ref} are merged; unmerge them and fill in the value in every row`,
    });
  }
  const mappedHeader = header.map((h) => mapping.get(h.trim()) ?? h);
  const dateColumn = mappedHeader.map((name) => {
    const spec = TABLES[table];
    return (spec.columns[name] ?? spec.optional[name] ?? ctx.state.description.tables[table]?.[name]?.type) ===
      "date";
  });
  for (const row of sheet.rows) {
    for (let c = 0; c < row.cells.length; c++) {
      const cell = row.cells[c];
      if (cell?.kind === "date" && c < width) dateColumn[c] = true;
    }
  }
  const lines = [csvLine(["#row", ...header], { formulas: "keep" })];
  let rowsRead = 0;
  for (const row of sheet.rows) {
    const values: string[] = [];
    for (let c = 0; c < Math.max(width, row.cells.length); c++) {
      const cell = row.cells[c];
      const text = cellText(cell);
      if (cell === undefined) {
        if (c < width) values.push("");
        continue;
      }
      const ref = `${columnLetters(c)}${row.r}`;
      const where = { file: at, row: row.r, column: columnOf(c) };
      if (cell.formula !== undefined) {
        add({
          ...where,
          value: shownValue(text),
          message: `Cell ${ref} holds a formula (=${shownValue(cell.formula)}); replace the formulas with their ` +
            "values (copy, then Paste Special → Values) and save again",
        });
      } else if (cell.kind === "error") {
        add({ ...where, value: cell.value, message: `Cell ${ref} holds the error ${cell.value}; correct or clear it` });
      } else if (c >= width && text !== "") {
        add({
          ...where,
          value: shownValue(text),
          message: `Cell ${ref} has a value but its column has no header in row 1; add a header or delete the value`,
        });
      } else if (row.r > 1 && dateColumn[c] && (cell.kind === "text" || cell.kind === "number") && text.trim()) {
        add({
          ...where,
          value: shownValue(text),
          message: cell.kind === "text"
            ? `Cell ${ref} holds a date stored as text; enter it as a date (format the column as Date and ` +
              "retype it, or use Data → Text to Columns) so every value in this date column is a real date"
            : `Cell ${ref} holds a plain number in a date column; format it as a date (Format Cells → Date)`,
        });
      } else if (text.length * 3 > LIMITS.fieldBytes && new TextEncoder().encode(text).length > LIMITS.fieldBytes) {
        add({
          ...where,
          message: `Cell ${ref} is longer than the limit of ${
            formatInt(LIMITS.fieldBytes)
          } bytes per field; shorten it`,
        });
      }
      if (c < width) values.push(text);
    }
    if (row.r === 1 || values.every((v) => v === "")) continue;
    rowsRead++;
    lines.push(csvLine([row.r, ...values], { formulas: "keep" }));
  }
  if (more > 0) {
    problems.push({ file: at, message: `… and ${formatInt(more)} more cells like these; correct them all` });
  }
  const headerProblems = checkHeader(header, at, mapping);
  if (headerProblems.length > 0 || problems.length > 0) return fail([...headerProblems, ...problems]);
  const raw = `_raw_${table}`;
  await ctx.db.exec(`DROP TABLE IF EXISTS ${q(raw)}`);
  const columnsStruct = ["#row", ...header].map((c) => `${lit(c)}: 'VARCHAR'`).join(", ");
  const csv = new TextEncoder().encode(lines.join("\n") + "\n");
  await withFile(ctx.db, `_ingest_${table}.csv`, csv, (sqlPath) =>
    ctx.db.exec(
      `CREATE TABLE ${q(raw)} AS SELECT * REPLACE (CAST("#row" AS INTEGER) AS "#row") FROM read_csv(${sqlPath}, ` +
        `header=true, auto_detect=false, delim=',', quote='"', escape='"', columns={${columnsStruct}}, ` +
        `null_padding=false)`,
    ));
  const rawTypes = Object.fromEntries(header.map((c) => [c, "VARCHAR"]));
  return {
    raw: { table, file: at, format: "xlsx", raw, columns: header, rawTypes, rowsRead },
    fatal: [],
    rows: [],
    digestPart,
  };
}
