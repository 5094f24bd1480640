/**
 * The toolkit's reader of Excel workbooks (`.xlsx`), with no dependency: an `.xlsx` is a zip of
 * XML parts (entries stored or deflated, inflated with the platform's `DecompressionStream`, in
 * Deno and in every current browser). Each cell keeps the type Excel stored: text (shared or
 * inline strings, formula strings), number, boolean, error, or date — a number whose format is a
 * date format (built-in or custom with y/d), as `YYYY-MM-DD`, with Excel's 1900 leap-year bug
 * (serial 60 is the 29 February 1900 that never was) and the 1904 date system handled. Formula
 * cells keep their formula and cached value; merged ranges are listed. Chosen over `exceljs` and
 * `@e965/xlsx` (SheetJS) after measuring: see the README's dataset section.
 */

/** What a cell holds, as Excel stored it. `date` values are `YYYY-MM-DD`; `error` values are `#N/A` and the like. */
export type XlsxCell =
  | { kind: "text"; value: string; formula?: string }
  | { kind: "number"; value: number; formula?: string }
  | { kind: "boolean"; value: boolean; formula?: string }
  | { kind: "date"; value: string; serial: number; formula?: string }
  | { kind: "error"; value: string; formula?: string };

/** One row of a sheet: its number (1-based, as Excel shows it) and its cells by column (0-based). */
export interface XlsxRow {
  r: number;
  cells: (XlsxCell | undefined)[];
}

/** A merged range: first and last row (1-based) and column (0-based), and its reference (`B1:C1`). */
export interface XlsxMerge {
  ref: string;
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/** One worksheet: its rows in sheet order (rows with no cells left out) and merged ranges. */
export interface XlsxSheet {
  name: string;
  rows: XlsxRow[];
  merges: XlsxMerge[];
}

/** A workbook: its worksheet names in tab order, and each sheet read on demand. */
export interface XlsxWorkbook {
  sheetNames: string[];
  /** The named worksheet (the first without a name), or undefined when there is none of that name. */
  sheet(name?: string): XlsxSheet | undefined;
}

/** The entries of a zip archive: name → bytes (inflated). Throws a SyntaxError on what is not a zip. */
export async function unzip(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  if (bytes.length >= 4 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new SyntaxError(
      "Not an .xlsx workbook: an old-format .xls file or a password-protected workbook; " +
        'open it in Excel and save it as "Excel Workbook (.xlsx)" without a password',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SyntaxError("Not an .xlsx workbook (no zip directory found); save it again as .xlsx");
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = new Map<string, Uint8Array>();
  const decoder = new TextDecoder();
  for (let e = 0; e < count; e++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) {
      throw new SyntaxError("Broken zip directory in the .xlsx workbook; save it again as .xlsx");
    }
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
    if (local + 30 > bytes.length) throw new SyntaxError("Broken zip entry in the .xlsx workbook; save it again");
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + size);
    if (method === 0) out.set(name, data);
    else if (method === 8) {
      const stream = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      out.set(name, new Uint8Array(await new Response(stream).arrayBuffer()));
    } else throw new SyntaxError(`Unsupported zip compression method ${method} in the .xlsx workbook`);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML text with its entities and character references decoded. */
export function decodeXml(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e];
  });
}

/** The text of the `<t>` elements of a string item (rich-text runs joined; phonetic `<rPh>` runs left out). */
function textOf(xml: string): string {
  const plain = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  let out = "";
  for (const m of plain.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += decodeXml(m[1]);
  // OOXML escapes characters XML cannot hold as `_xHHHH_` (a carriage return is `_x000D_`).
  return out.includes("_x")
    ? out.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    : out;
}

const attr = (tag: string, name: string) => {
  const at = tag.indexOf(` ${name}="`);
  if (at < 0) return undefined;
  const from = at + name.length + 3;
  return tag.slice(from, tag.indexOf('"', from));
};

/** The 0-based column of a cell reference (`B7` → 1). */
export function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const ch = ref.charCodeAt(i);
    if (ch < 65 || ch > 90) break;
    n = n * 26 + (ch - 64);
  }
  return n - 1;
}

/** The column letters of a 0-based column (1 → `B`). */
export function columnLetters(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const BUILTIN_DATES = new Set([14, 15, 16, 17, 22, 27, 30, 36, 50, 57]);

/** Which cell styles (index into cellXfs) format numbers as dates. */
function dateStyles(stylesXml: string | undefined): Set<number> {
  const out = new Set<number>();
  if (!stylesXml) return out;
  const custom = new Map<number, string>();
  for (const m of stylesXml.matchAll(/<numFmt\s[^>]*>/g)) {
    custom.set(Number(attr(m[0], "numFmtId")), decodeXml(attr(m[0], "formatCode") ?? ""));
  }
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(stylesXml)?.[1] ?? "";
  [...xfs.matchAll(/<xf\b[^>]*>/g)].forEach((m, i) => {
    const id = Number(attr(m[0], "numFmtId") ?? 0);
    // Quoted text, [colours]/[locales] and escaped characters are not date codes.
    const code = custom.get(id)?.replace(/"[^"]*"|\[[^\]]*\]|\\./g, "");
    if (BUILTIN_DATES.has(id) || (code !== undefined && /[yd]/i.test(code))) out.add(i);
  });
  return out;
}

const DAY_MS = 86400000;

/**
 * The calendar date of an Excel serial (its whole days; a time of day is dropped), or undefined
 * for serial 60 in the 1900 system (Excel's 29 February 1900, a day that does not exist) and for
 * serials outside 1900–9999.
 */
export function serialToDate(serial: number, date1904 = false): string | undefined {
  const days = Math.floor(serial);
  if (!Number.isFinite(days) || days < (date1904 ? 0 : 1) || days > 2958465) return undefined;
  if (!date1904 && days === 60) return undefined;
  // 1900 system: serial 1 is 1900-01-01 and serial 61 is 1900-03-01 (serial 60 is the fictitious leap day).
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
}

/** The 1900-system serial of a `YYYY-MM-DD` date (for writing date cells). */
export function dateToSerial(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  const days = Math.round((ms - Date.UTC(1899, 11, 30)) / DAY_MS);
  return days < 61 ? days - 1 : days;
}

function parseMerges(xml: string): XlsxMerge[] {
  const out: XlsxMerge[] = [];
  for (const m of xml.matchAll(/<mergeCell\s[^>]*>/g)) {
    const ref = attr(m[0], "ref") ?? "";
    const [a, b = a] = ref.split(":");
    out.push({
      ref,
      r1: Number(a.replace(/^[A-Z]+/, "")),
      c1: columnIndex(a),
      r2: Number(b.replace(/^[A-Z]+/, "")),
      c2: columnIndex(b),
    });
  }
  return out;
}

/** Reads a workbook's parts; sheets are parsed when asked for. Throws a SyntaxError on a file that is not a workbook. */
export async function readWorkbook(bytes: Uint8Array): Promise<XlsxWorkbook> {
  const parts = await unzip(bytes);
  const decoder = new TextDecoder();
  const text = (name: string) => {
    const b = parts.get(name);
    return b ? decoder.decode(b) : undefined;
  };
  const workbook = text("xl/workbook.xml");
  if (workbook === undefined) {
    throw new SyntaxError("Not an .xlsx workbook (no xl/workbook.xml); save it again as .xlsx");
  }
  const date1904 = /<workbookPr\b[^>]*\sdate1904="(1|true)"/.test(workbook);
  const rels = new Map<string, string>();
  for (const m of (text("xl/_rels/workbook.xml.rels") ?? "").matchAll(/<Relationship\s[^>]*>/g)) {
    rels.set(attr(m[0], "Id") ?? "", attr(m[0], "Target") ?? "");
  }
  const sheets: { name: string; path: string }[] = [];
  for (const m of workbook.matchAll(/<sheet\s[^>]*>/g)) {
    const target = rels.get(attr(m[0], "r:id") ?? "") ?? `worksheets/sheet${sheets.length + 1}.xml`;
    const path = target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`;
    sheets.push({ name: decodeXml(attr(m[0], "name") ?? `Sheet${sheets.length + 1}`), path });
  }
  let shared: string[] | undefined;
  let dates: Set<number> | undefined;
  return {
    sheetNames: sheets.map((s) => s.name),
    sheet(name) {
      const found = name === undefined ? sheets[0] : sheets.find((s) => s.name === name);
      if (!found) return undefined;
      const xml = text(found.path);
      if (xml === undefined) throw new SyntaxError(`The workbook has no part ${found.path} for sheet "${found.name}"`);
      shared ??= [...(text("xl/sharedStrings.xml") ?? "").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => textOf(m[1]));
      dates ??= dateStyles(text("xl/styles.xml"));
      return { name: found.name, rows: parseRows(xml, shared, dates, date1904), merges: parseMerges(xml) };
    },
  };
}

function parseRows(xml: string, shared: string[], dates: Set<number>, date1904: boolean): XlsxRow[] {
  const rows: XlsxRow[] = [];
  const data = /<sheetData\b[^>]*?(?:\/>|>([\s\S]*)<\/sheetData>)/.exec(xml)?.[1] ?? "";
  for (const rm of data.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const r = Number(attr(rm[1], "r") ?? (rows.at(-1)?.r ?? 0) + 1);
    const cells: (XlsxCell | undefined)[] = [];
    for (const cm of (rm[2] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = attr(cm[1], "r");
      const c = ref ? columnIndex(ref) : cells.length;
      const cell = parseCell(cm[1], cm[2] ?? "", shared, dates, date1904);
      if (cell) cells[c] = cell;
      else if (cells.length <= c) cells.length = c + 1;
    }
    if (cells.some((c) => c !== undefined)) rows.push({ r, cells });
  }
  return rows;
}

function parseCell(
  tag: string,
  body: string,
  shared: string[],
  dates: Set<number>,
  date1904: boolean,
): XlsxCell | undefined {
  const type = attr(tag, "t");
  const fm = /<f\b[^>]*?(?:\/>|>([\s\S]*?)<\/f>)/.exec(body);
  const formula = fm ? decodeXml(fm[1] ?? "") || "(shared formula)" : undefined;
  const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
  const withFormula = <T extends XlsxCell>(cell: T): T => (formula === undefined ? cell : { ...cell, formula });
  if (type === "inlineStr") return withFormula({ kind: "text", value: textOf(body) });
  if (v === undefined) return formula === undefined ? undefined : { kind: "text", value: "", formula };
  if (type === "s") return withFormula({ kind: "text", value: shared[Number(v)] ?? "" });
  if (type === "str") return withFormula({ kind: "text", value: decodeXml(v) });
  if (type === "b") return withFormula({ kind: "boolean", value: v === "1" || v === "true" });
  if (type === "e") return withFormula({ kind: "error", value: decodeXml(v) });
  if (type === "d") return withFormula({ kind: "date", value: v.slice(0, 10), serial: dateToSerial(v.slice(0, 10)) });
  const n = Number(v);
  if (!Number.isFinite(n)) return withFormula({ kind: "text", value: decodeXml(v) });
  const s = Number(attr(tag, "s") ?? 0);
  if (dates.has(s)) {
    const date = serialToDate(n, date1904);
    if (date !== undefined) return withFormula({ kind: "date", value: date, serial: n });
    return withFormula({ kind: "error", value: `date serial ${v} (not a real date)` });
  }
  return withFormula({ kind: "number", value: n });
}
