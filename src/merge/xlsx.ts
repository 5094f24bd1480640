/**
 * A small reader of Excel workbooks (`.xlsx`): the first worksheet as rows of text cells, with
 * no dependency (an `.xlsx` is a zip of XML parts; entries stored or deflated, inflated with the
 * platform's `DecompressionStream`). Shared and inline strings, numbers, booleans, and numbers
 * formatted as dates (built-in date formats and custom ones with y/m/d) become `YYYY-MM-DD`.
 * Rows keep their sheet position: row r of the sheet is `rows[r - 1]` (empty where skipped).
 */

/** The entries of a zip archive: name → bytes (inflated). */
export async function unzip(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SyntaxError("Not an .xlsx file (no zip directory found)");
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = new Map<string, Uint8Array>();
  const decoder = new TextDecoder();
  for (let e = 0; e < count; e++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new SyntaxError("Broken zip directory in .xlsx file");
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + size);
    if (method === 0) out.set(name, data);
    else if (method === 8) {
      const stream = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      out.set(name, new Uint8Array(await new Response(stream).arrayBuffer()));
    } else throw new SyntaxError(`Unsupported zip compression method ${method} in .xlsx file`);
  }
  return out;
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e];
  });
}

/** The text of all `<t>` elements inside an XML fragment (rich text runs joined). */
function textOf(xml: string): string {
  let out = "";
  for (const m of xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += decodeXml(m[1]);
  return out;
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref.replace(/\d+$/, "")) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

/** Which cell styles (index into cellXfs) format numbers as dates. */
function dateStyles(stylesXml: string | undefined): Set<number> {
  const out = new Set<number>();
  if (!stylesXml) return out;
  const custom = new Map<number, string>();
  for (const m of stylesXml.matchAll(/<numFmt\s[^>]*>/g)) {
    custom.set(Number(attr(m[0], "numFmtId")), decodeXml(attr(m[0], "formatCode") ?? ""));
  }
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(stylesXml)?.[1] ?? "";
  [...xfs.matchAll(/<xf\s[^>]*>/g)].forEach((m, i) => {
    const id = Number(attr(m[0], "numFmtId") ?? 0);
    const code = custom.get(id)?.replace(/"[^"]*"|\[[^\]]*\]/g, "");
    if (BUILTIN_DATES.has(id) || (code !== undefined && /[yd]/i.test(code))) out.add(i);
  });
  return out;
}

function serialDate(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400000);
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first worksheet of an `.xlsx` workbook as rows of text cells. */
export async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const parts = await unzip(bytes);
  const text = (name: string) => {
    const b = parts.get(name);
    return b ? new TextDecoder().decode(b) : undefined;
  };
  const workbook = text("xl/workbook.xml") ?? "";
  const firstSheet = /<sheet\s[^>]*>/.exec(workbook)?.[0];
  const rid = firstSheet ? attr(firstSheet, "r:id") : undefined;
  const rels = text("xl/_rels/workbook.xml.rels") ?? "";
  let target = "worksheets/sheet1.xml";
  for (const m of rels.matchAll(/<Relationship\s[^>]*>/g)) {
    if (attr(m[0], "Id") === rid) target = attr(m[0], "Target") ?? target;
  }
  const sheetPath = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
  const sheet = text(sheetPath);
  if (sheet === undefined) throw new SyntaxError(`The workbook has no worksheet ${sheetPath}`);
  const shared = [...(text("xl/sharedStrings.xml") ?? "").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => textOf(m[1]));
  const dates = dateStyles(text("xl/styles.xml"));
  const rows: string[][] = [];
  for (const rm of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const r = Number(attr(rm[1], "r") ?? rows.length + 1) - 1;
    const cells: string[] = [];
    for (const cm of (rm[2] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = attr(cm[1], "r");
      const c = ref ? columnIndex(ref) : cells.length;
      const type = attr(cm[1], "t");
      const body = cm[2] ?? "";
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let value = "";
      if (type === "s") value = v !== undefined ? shared[Number(v)] ?? "" : "";
      else if (type === "inlineStr") value = textOf(body);
      else if (type === "b") value = v === "1" ? "true" : "false";
      else if (v !== undefined) {
        const style = Number(attr(cm[1], "s") ?? -1);
        value = type !== "str" && type !== "e" && dates.has(style) && Number.isFinite(Number(v))
          ? serialDate(Number(v))
          : decodeXml(v);
      }
      while (cells.length < c) cells.push("");
      cells[c] = value;
    }
    while (rows.length < r) rows.push([""]);
    rows[r] = cells.length ? cells : [""];
  }
  return rows;
}
