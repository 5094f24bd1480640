/**
 * A small writer of Excel workbooks (`.xlsx`): sheets of rows whose cells are text (inline
 * strings), numbers, booleans or dates (`{ date: "YYYY-MM-DD" }`, written as date-formatted
 * serials). The zip is stored, not deflated, with fixed timestamps: the same rows give the same
 * bytes. Text a spreadsheet would run as a formula gets a leading `'` (src/base/csv.ts); numbers
 * stay numbers. Files open in Excel, WPS and LibreOffice, and read back with `readWorkbook`.
 */
import { neutraliseFormula } from "../base/csv.ts";
import { concatBytes } from "../base/bytes.ts";
import { columnLetters, dateToSerial } from "./xlsx.ts";

/** A cell to write: empty (null/undefined), text, number, boolean or a date. */
export type XlsxWriteCell = string | number | boolean | null | undefined | { date: string };

/** A sheet to write: its name (at most 31 characters, none of `: \ / ? * [ ]`) and rows, the header first. */
export interface XlsxWriteSheet {
  name: string;
  rows: readonly (readonly XlsxWriteCell[])[];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of stored entries, in the order given, dated 1980-01-01 00:00. */
export function zipStored(entries: readonly { name: string; bytes: Uint8Array }[]): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const e of entries) {
    const name = encoder.encode(e.name);
    const crc = crc32(e.bytes);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true);
    lv.setUint16(10, 0, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.bytes.length, true);
    lv.setUint32(22, e.bytes.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const dir = new Uint8Array(46 + name.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, 20, true);
    dv.setUint16(8, 0x0800, true);
    dv.setUint16(12, 0, true);
    dv.setUint16(14, DOS_DATE, true);
    dv.setUint32(16, crc, true);
    dv.setUint32(20, e.bytes.length, true);
    dv.setUint32(24, e.bytes.length, true);
    dv.setUint16(28, name.length, true);
    dv.setUint32(42, offset, true);
    dir.set(name, 46);
    chunks.push(local, e.bytes);
    central.push(dir);
    offset += local.length + e.bytes.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  return concatBytes([...chunks, ...central, end]);
}

/** XML text: markup characters escaped, characters XML 1.0 forbids replaced by U+FFFD. */
function xmlText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");
}

function cellXml(ref: string, cell: XlsxWriteCell): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") {
    return Number.isFinite(cell) ? `<c r="${ref}"><v>${cell}</v></c>` : "";
  }
  if (typeof cell === "boolean") return `<c r="${ref}" t="b"><v>${cell ? 1 : 0}</v></c>`;
  if (typeof cell === "object") return `<c r="${ref}" s="1"><v>${dateToSerial(cell.date)}</v></c>`;
  const text = neutraliseFormula(cell);
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : "";
  // A literal `_xHHHH_` would read back as an escaped character: its `_` is escaped itself (`_x005F_`).
  const escaped = xmlText(text).replace(/_(x[0-9A-Fa-f]{4}_)/g, "_x005F_$1");
  return `<c r="${ref}" t="inlineStr"><is><t${space}>${escaped}</t></is></c>`;
}

function sheetXml(rows: readonly (readonly XlsxWriteCell[])[]): string {
  const body = rows.map((row, i) => {
    const cells = row.map((cell, c) => cellXml(`${columnLetters(c)}${i + 1}`, cell)).join("");
    return `<row r="${i + 1}">${cells}</row>`;
  }).join("");
  const freeze = rows.length > 1
    ? `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${freeze}<sheetData>${body}</sheetData></worksheet>`;
}

const BAD_SHEET_NAME = /[:\\/?*[\]]/;

/** An `.xlsx` workbook of the given sheets (at least one). Throws a RangeError on a bad or repeated sheet name. */
export function writeXlsx(sheets: readonly XlsxWriteSheet[]): Uint8Array {
  if (sheets.length === 0) throw new RangeError("A workbook needs at least one sheet");
  const seen = new Set<string>();
  for (const s of sheets) {
    if (s.name === "" || s.name.length > 31 || BAD_SHEET_NAME.test(s.name) || seen.has(s.name.toLowerCase())) {
      throw new RangeError(`Bad or repeated sheet name "${s.name}"`);
    }
    seen.add(s.name.toLowerCase());
  }
  const enc = new TextEncoder();
  const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`;
  const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const P = "http://schemas.openxmlformats.org/package/2006/relationships";
  const entries = [
    {
      name: "[Content_Types].xml",
      text: head + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
        sheets.map((_, i) =>
          `<Override PartName="/xl/worksheets/sheet${
            i + 1
          }.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
        ).join("") + `</Types>`,
    },
    {
      name: "_rels/.rels",
      text: head + `<Relationships xmlns="${P}"><Relationship Id="rId1" Type="${R}/officeDocument" ` +
        `Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      text: head + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${R}">` +
        `<sheets>${
          sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")
        }` +
        `</sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      text: head + `<Relationships xmlns="${P}">` +
        sheets.map((_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${R}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`
        ).join("") +
        `<Relationship Id="rId${sheets.length + 1}" Type="${R}/styles" Target="styles.xml"/></Relationships>`,
    },
    {
      name: "xl/styles.xml",
      text: head + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
        `<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
        `<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
        `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
        `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
        `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
        `<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
        `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
        `</styleSheet>`,
    },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, text: sheetXml(s.rows) })),
  ];
  return zipStored(entries.map((e) => ({ name: e.name, bytes: enc.encode(e.text) })));
}
