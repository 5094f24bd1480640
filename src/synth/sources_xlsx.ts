/**
 * A minimal `.xlsx` writer for the demo sources (one sheet; strings shared, numbers plain, full
 * ISO dates as date-formatted serials, as Excel exports them): a zip of deflated XML parts.
 * The merge reads such workbooks with `src/merge/xlsx.ts`.
 */
import { concatBytes } from "../base/bytes.ts";

/** CRC-32 of bytes (zip entries carry it). */
export function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A minimal zip (deflated entries), as Excel writes them. */
export async function zip(entries: Record<string, string>): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const raw = enc.encode(text);
    const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    const data = new Uint8Array(await new Response(stream).arrayBuffer());
    const n = enc.encode(name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, 8, true);
    local.setUint32(14, crc32(raw), true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, raw.length, true);
    local.setUint16(26, n.length, true);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(10, 8, true);
    dir.setUint32(16, crc32(raw), true);
    dir.setUint32(20, data.length, true);
    dir.setUint32(24, raw.length, true);
    dir.setUint16(28, n.length, true);
    dir.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), n, data);
    central.push(new Uint8Array(dir.buffer), n);
    offset += 30 + n.length + data.length;
  }
  const size = central.reduce((s, c) => s + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, Object.keys(entries).length, true);
  end.setUint16(10, Object.keys(entries).length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  return concatBytes([...chunks, ...central, new Uint8Array(end.buffer)]);
}

/** One cell of a sheet: text, a number, or a date as its Excel serial (days since 1899-12-30). */
export type SheetCell = string | number | { date: number };

/** The column letters of a 0-based column index (A … Z, AA …). */
function columnName(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The Excel serial of an ISO date `YYYY-MM-DD`. */
export function excelSerial(iso: string): number {
  return Math.round(
    (Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) - Date.UTC(1899, 11, 30)) / 864e5,
  );
}

/** An .xlsx workbook of one sheet named `sheet`. */
export function xlsxOf(rows: readonly (readonly SheetCell[])[], sheet = "Sheet1"): Promise<Uint8Array> {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const sheetRows = rows.map((r, i) =>
    `<row r="${i + 1}">${
      r.map((v, j) => {
        const ref = `${columnName(j)}${i + 1}`;
        if (typeof v === "string") {
          if (v === "") return "";
          let k = index.get(v);
          if (k === undefined) {
            index.set(v, k = strings.length);
            strings.push(v);
          }
          return `<c r="${ref}" t="s"><v>${k}</v></c>`;
        }
        if (typeof v === "number") return `<c r="${ref}"><v>${v}</v></c>`;
        return `<c r="${ref}" s="1"><v>${v.date}</v></c>`;
      }).join("")
    }</row>`
  ).join("");
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  return zip({
    "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
    "xl/workbook.xml":
      `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${
        esc(sheet)
      }" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels":
      '<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    "xl/styles.xml":
      `<styleSheet ${ns}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
    "xl/sharedStrings.xml": `<sst ${ns}>${
      strings.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join("")
    }</sst>`,
    "xl/worksheets/sheet1.xml": `<worksheet ${ns}><sheetData>${sheetRows}</sheetData></worksheet>`,
  });
}
