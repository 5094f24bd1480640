/**
 * The merge's view of an Excel workbook (`.xlsx`): the first worksheet as rows of text cells,
 * read with the toolkit's one workbook reader (src/ingest/xlsx.ts). Numbers are written in
 * shortest round-trip form, booleans `true`/`false`, date-formatted numbers `YYYY-MM-DD` (the
 * 1900 leap-year bug and the 1904 system handled), formula cells as their cached values.
 * Rows keep their sheet position: row r of the sheet is `rows[r - 1]` (`[""]` where skipped).
 */
import { readWorkbook } from "../ingest/xlsx.ts";

/** The first worksheet of an `.xlsx` workbook as rows of text cells. */
export async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const sheet = (await readWorkbook(bytes)).sheet();
  if (!sheet) throw new SyntaxError("The workbook has no worksheet");
  const rows: string[][] = [];
  for (const row of sheet.rows) {
    while (rows.length < row.r - 1) rows.push([""]);
    const cells = Array.from(row.cells, (cell) => {
      if (cell === undefined) return "";
      if (cell.kind === "boolean") return cell.value ? "true" : "false";
      return String(cell.value);
    });
    rows[row.r - 1] = cells.length ? cells : [""];
  }
  return rows;
}
