/** Test helpers: workbooks written by SheetJS (`@e965/xlsx`, a dev dependency), the independent reader and writer. */
import * as XLSX from "@e965/xlsx";
import { dateToSerial } from "../src/ingest/xlsx.ts";

/** A fixture cell: a plain value, a date, a formula with its cached value, or nothing. */
export type FixtureCell = string | number | boolean | null | { date: string } | { f: string; v: number | string };

/** A sheet to write: name, rows (header first) and merged ranges (`B1:C1`). */
export interface FixtureSheet {
  name: string;
  rows: FixtureCell[][];
  merges?: string[];
}

/** An .xlsx workbook written by SheetJS (strings shared), dates as date-formatted serials. */
export function sheetjsWorkbook(sheets: FixtureSheet[]): Uint8Array {
  const wb = XLSX.utils.book_new();
  for (const s of sheets) {
    const ws: XLSX.WorkSheet = {};
    let maxC = 0;
    s.rows.forEach((row, r) =>
      row.forEach((v, c) => {
        maxC = Math.max(maxC, c);
        if (v === null) return;
        const ref = XLSX.utils.encode_cell({ r, c });
        if (typeof v === "object" && "date" in v) ws[ref] = { t: "n", v: dateToSerial(v.date), z: "yyyy-mm-dd" };
        else if (typeof v === "object") ws[ref] = { t: typeof v.v === "number" ? "n" : "s", v: v.v, f: v.f };
        else ws[ref] = { t: typeof v === "number" ? "n" : typeof v === "boolean" ? "b" : "s", v };
      })
    );
    if (s.rows.length > 0) {
      ws["!ref"] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: s.rows.length - 1, c: maxC } });
    }
    if (s.merges) ws["!merges"] = s.merges.map((m) => XLSX.utils.decode_range(m));
    XLSX.utils.book_append_sheet(wb, ws, s.name);
  }
  return new Uint8Array(XLSX.write(wb, { type: "array", bookType: "xlsx", bookSST: true, compression: true }));
}

/** Every sheet of a workbook read by SheetJS: name → rows of raw values (dates as serials). */
export function sheetjsRead(bytes: Uint8Array): Record<string, unknown[][]> {
  const wb = XLSX.read(bytes, { type: "array" });
  return Object.fromEntries(
    wb.SheetNames.map((n) => [n, XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[n], { header: 1, raw: true })]),
  );
}

/** The number format SheetJS reads for a cell (`yyyy-mm-dd` for our date cells). */
export function sheetjsFormat(bytes: Uint8Array, sheet: string, ref: string): string | undefined {
  const wb = XLSX.read(bytes, { type: "array", cellNF: true });
  return wb.Sheets[sheet][ref]?.z as string | undefined;
}
