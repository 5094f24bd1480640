/**
 * A structural pass over CSV bytes (RFC 4180) before DuckDB reads them: it finds what DuckDB would
 * either refuse without a row number or load wrongly — bad UTF-8, ragged rows, stray or unclosed
 * quotes, blank lines — and re-emits the records with their 1-based row number as a first column
 * `#row`, so every later message can name the row.
 */

import { parseCsv } from "./_csv_parse.ts";

/**
 * The documented limits of a table, checked before DuckDB reads it: a wider table or a longer
 * field is refused (exit 2) naming the limit, the file and the value.
 */
export const LIMITS = {
  /** Columns per table. */
  columns: 2_048,
  /** Bytes (UTF-8) per field, header names included. */
  fieldBytes: 1_048_576,
} as const;

/** A value as a message shows it: at most 200 characters, the rest counted. */
export function shownValue(value: string): string {
  return value.length <= 200 ? value : `${value.slice(0, 200)}… (${value.length} characters)`;
}

/** A structural problem with one CSV record. */
export interface CsvScanProblem {
  row: number;
  message: string;
  value?: string;
  /** The column, when the problem is with one field (a NUL character). */
  column?: string;
}

/** What the scan found: header names, kept records rewritten with `#row`, and the problems. */
export interface CsvScan {
  header: string[];
  /** Records read (excluding the header and blank lines). */
  rowsRead: number;
  /** Records with a structural problem (their rows are not in `bytes`). */
  problems: CsvScanProblem[];
  /** The CSV again, with `#row` prepended to the header and to every kept record (empty when scanned with `rewrite: false`). */
  bytes: Uint8Array;
  /**
   * Per header column, over the kept records: the most bytes a field of it has, quotes included (a
   * bound on its value's length), and how many of its fields are not zero bytes (a bound on its
   * non-null values: an unquoted empty field is null, and nothing else is counted as one).
   */
  fieldStats?: { maxBytes: Int32Array; nonEmpty: Int32Array };
  /**
   * Whether the kept records are the input's records exactly and in order (after a byte-order mark,
   * if any), so that record k (from 0) is row k + 2 and a CSV reader of the input itself reads them
   * as they are in `bytes`: no blank line, no record with a problem, no record ended by a CR alone,
   * no quote in the header.
   */
  sequential?: boolean;
  /** Whether the input starts with a UTF-8 byte-order mark (not in `bytes`). */
  bom?: boolean;
  /** Whether the header record holds a quote. */
  headerQuoted?: boolean;
}

const QUOTE = 0x22, COMMA = 0x2c, LF = 0x0a, CR = 0x0d;

/**
 * Whether bytes are UTF-8 exactly as a fatal `TextDecoder` decides (overlong forms, surrogates and
 * code points past U+10FFFF refused), and whether they hold a NUL byte: one pass, no string built
 * (several times faster than decoding a county's file).
 */
export function utf8Of(bytes: Uint8Array): { valid: boolean; hasNul: boolean } {
  const n = bytes.length;
  let hasNul = false;
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c < 0x80) {
      if (c === 0) hasNul = true;
      i++;
      continue;
    }
    const c1 = bytes[i + 1];
    if (c >= 0xc2 && c <= 0xdf) {
      if (i + 1 >= n || (c1 & 0xc0) !== 0x80) return { valid: false, hasNul };
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      if (i + 2 >= n || (c1 & 0xc0) !== 0x80 || (bytes[i + 2] & 0xc0) !== 0x80) return { valid: false, hasNul };
      if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return { valid: false, hasNul };
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      if (
        i + 3 >= n || (c1 & 0xc0) !== 0x80 || (bytes[i + 2] & 0xc0) !== 0x80 || (bytes[i + 3] & 0xc0) !== 0x80
      ) return { valid: false, hasNul };
      if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return { valid: false, hasNul };
      i += 4;
    } else return { valid: false, hasNul };
  }
  return { valid: true, hasNul };
}

/** Node's `buffer.isUtf8` (simdutf, in Deno and Node), where there is one: not in the browser. */
const nativeIsUtf8: ((bytes: Uint8Array) => boolean) | undefined = (() => {
  // deno-lint-ignore no-explicit-any
  const get = (globalThis as any).process?.getBuiltinModule;
  try {
    const isUtf8 = typeof get === "function" ? get("node:buffer")?.isUtf8 : undefined;
    return typeof isUtf8 === "function" ? isUtf8 : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * {@link utf8Of} through the runtime's native UTF-8 check (the same rule as a fatal `TextDecoder`)
 * and a native search for NUL, several times faster; undefined where the runtime has no such check.
 */
export function fastUtf8Of(bytes: Uint8Array): { valid: boolean; hasNul: boolean } | undefined {
  if (!nativeIsUtf8) return undefined;
  return { valid: nativeIsUtf8(bytes), hasNul: bytes.indexOf(0) >= 0 };
}

/** Finds the first invalid UTF-8 sequence, returning its byte offset, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (utf8Of(bytes).valid) return -1;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Fall through to locate it.
  }
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

function decode(bytes: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(bytes.subarray(start, end));
}

/** Where one record ends and what is wrong with it, if anything: the state of {@link scanRecord}, reused record to record. */
interface RecordScan {
  /** Where the record starts; after the scan, where the next one starts. */
  pos: number;
  /** Where the record's content ends (before CR/LF). */
  end: number;
  fieldCount: number;
  firstFieldEmpty: boolean;
  problem: string | undefined;
  problemValue: string | undefined;
  /** Where the record's separating commas are (the first `commas.length` of them). */
  commas: Int32Array;
  /** Whether some record so far ended with a CR not followed by LF. */
  loneCr: boolean;
  /**
   * Whether the last record scanned reached the end of the bytes without its line end (or with a
   * CR as the very last byte): in a piece of a file, it may go on in the next one.
   */
  atEnd: boolean;
}

/** What {@link scanCsv} gives: the scan, or what stopped it. */
export type CsvScanResult = CsvScan & {
  notUtf8?: { row: number; looksGbk: boolean };
  /** The header has more than {@link LIMITS}.columns names (nothing else is scanned). */
  tooWide?: number;
  /** The first field longer than {@link LIMITS}.fieldBytes (nothing after it is scanned). */
  tooLong?: { row: number; column?: string; bytes: number };
};

/** What a scan carries from one piece of a file to the next (the whole file is one piece, usually). */
interface ScanState {
  header: string[];
  /** Records seen, the header and blank lines included (the row of the last one). */
  row: number;
  rowsRead: number;
  problems: CsvScanProblem[];
  blankLines: boolean;
  headerQuoted: boolean;
  maxBytes: Int32Array;
  nonEmpty: Int32Array;
  r: RecordScan;
  /** What stopped the scan, if anything did. */
  stop?: Pick<CsvScanResult, "notUtf8" | "tooWide" | "tooLong">;
}

function newScanState(): ScanState {
  return {
    header: [],
    row: 0,
    rowsRead: 0,
    problems: [],
    blankLines: false,
    headerQuoted: false,
    maxBytes: new Int32Array(0),
    nonEmpty: new Int32Array(0),
    r: {
      pos: 0,
      end: -1,
      fieldCount: 0,
      firstFieldEmpty: false,
      problem: undefined,
      problemValue: undefined,
      commas: new Int32Array(0),
      loneCr: false,
      atEnd: false,
    },
  };
}

/**
 * Scans the records of one piece of UTF-8 CSV bytes that starts where a record starts: every
 * record when `final`, else those that end (line end included) by `until`. Returns where the first
 * record it left starts (the piece's length when it left none); sets `s.stop` when the scan must
 * not go on.
 */
function scanRecords(
  s: ScanState,
  bytes: Uint8Array,
  final: boolean,
  hasNul: boolean,
  out?: RowWriter,
  until = bytes.length,
): number {
  const r = s.r;
  const problems = s.problems;
  r.pos = 0;
  let { row, rowsRead } = s;
  let maxBytes = s.maxBytes, nonEmpty = s.nonEmpty;
  try {
    while (r.pos < bytes.length) {
      const start = r.pos;
      if (!scanPlainRecord(bytes, r)) scanRecord(bytes, r);
      if (!final && (r.atEnd || r.pos > until)) return start; // it may go on in the next piece
      if (r.atEnd && r.end < bytes.length) r.loneCr = true; // the file ends with a CR
      row++;
      const { end, fieldCount } = r;
      if (end - start > LIMITS.fieldBytes) {
        const encoder = new TextEncoder();
        const fields = parseCsv(decode(bytes, start, end))[0] ?? [];
        const i = fields.findIndex((f) => encoder.encode(f).length > LIMITS.fieldBytes);
        if (i >= 0) {
          const column = row === 1 ? undefined : s.header[i];
          s.stop = { tooLong: { row, column, bytes: encoder.encode(fields[i]).length } };
          return bytes.length;
        }
      }
      if (row === 1) {
        s.header = parseHeader(decode(bytes, start, end));
        s.headerQuoted = bytes.subarray(start, end).includes(QUOTE);
        if (s.header.length > LIMITS.columns) {
          s.stop = { tooWide: s.header.length };
          return bytes.length;
        }
        out?.record("#row", bytes, start, end);
        r.commas = new Int32Array(s.header.length);
        maxBytes = s.maxBytes = new Int32Array(s.header.length);
        nonEmpty = s.nonEmpty = new Int32Array(s.header.length);
        continue;
      }
      if (fieldCount === 1 && r.firstFieldEmpty) {
        s.blankLines = true;
        continue; // a blank line
      }
      rowsRead++;
      const columns = s.header;
      // NUL characters cannot reach SQL text (or most tools); a record holding one is a problem of its own.
      if (hasNul && bytes.subarray(start, end).includes(0)) {
        const fields = parseCsv(decode(bytes, start, end))[0] ?? [];
        const column = columns[fields.findIndex((f) => f.includes("\0"))];
        const problem: CsvScanProblem = { row, message: nulMessage(column) };
        if (column !== undefined) problem.column = column;
        problems.push(problem);
        continue;
      }
      if (!r.problem && fieldCount !== columns.length) {
        r.problem = `Expected ${columns.length} fields as in the header but found ${fieldCount}; ` +
          (fieldCount > columns.length
            ? "quote fields that contain commas"
            : "add the missing fields (an empty field is null)");
        r.problemValue = decode(bytes, start, Math.min(end, start + 80));
      }
      if (r.problem) {
        problems.push({ row, message: r.problem, value: r.problemValue });
        continue;
      }
      out?.record(String(row), bytes, start, end);
      // A kept record has header.length fields, so every separating comma was recorded.
      let from = start;
      for (let i = 0; i < fieldCount; i++) {
        const to = i < fieldCount - 1 ? r.commas[i] : end;
        const n = to - from;
        if (n > maxBytes[i]) maxBytes[i] = n;
        if (n > 0) nonEmpty[i]++;
        from = to + 1;
      }
    }
    return bytes.length;
  } finally {
    s.row = row;
    s.rowsRead = rowsRead;
  }
}

/** The result of a scan from its final state. */
function scanResult(s: ScanState, bom: boolean, out?: RowWriter): CsvScanResult {
  const empty = new Uint8Array();
  if (s.stop?.notUtf8) return { header: [], rowsRead: 0, problems: [], bytes: empty, notUtf8: s.stop.notUtf8 };
  if (s.stop?.tooWide !== undefined) {
    return { header: s.header, rowsRead: 0, problems: [], bytes: empty, tooWide: s.stop.tooWide };
  }
  if (s.stop?.tooLong) {
    return { header: s.header, rowsRead: s.rowsRead, problems: s.problems, bytes: empty, tooLong: s.stop.tooLong };
  }
  const sequential = !s.blankLines && !s.r.loneCr && s.problems.length === 0 && !s.headerQuoted;
  return {
    header: s.header,
    rowsRead: s.rowsRead,
    problems: s.problems,
    bytes: out?.bytes() ?? empty,
    fieldStats: { maxBytes: s.maxBytes, nonEmpty: s.nonEmpty },
    sequential,
    bom,
    headerQuoted: s.headerQuoted,
  };
}

/**
 * Scans CSV bytes. Throws nothing: a file that is not UTF-8 at all comes back as one problem at the
 * row where the first bad byte is, and no records.
 */
export function scanCsv(input: Uint8Array, options: { rewrite?: boolean } = {}): CsvScanResult {
  let bytes = input;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bom) bytes = bytes.subarray(3);
  const utf8 = fastUtf8Of(bytes) ?? utf8Of(bytes);
  const bad = utf8.valid ? -1 : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    return { header: [], rowsRead: 0, problems: [], bytes: new Uint8Array(), notUtf8: notUtf8At(bytes, bad) };
  }
  const out = options.rewrite === false ? undefined : new RowWriter(bytes.length);
  const s = newScanState();
  scanRecords(s, bytes, true, utf8.hasNul, out);
  return scanResult(s, bom, out);
}

/** How many bytes of a file {@link scanCsvFile} reads at a time. */
const PIECE_BYTES = 64 << 20;

/** How many bytes past a record a problem's value may show (a stray quote's: 10), and some. */
const MARGIN = 16;

/** The most bytes one record may span in {@link scanCsvFile} (a buffer holds it whole). */
const RECORD_BYTES_LIMIT = 1 << 30;

/**
 * Scans a CSV file on disk piece by piece, as {@link scanCsv} scans its bytes (the same result), for
 * files larger than one buffer may be (a province's): no more than a piece and one record are in
 * memory. Also gives the file's SHA-256. With `rewrite`, each piece of the rewritten copy (`#row`
 * first) is handed to it as it is made; the result then has no `bytes`.
 */
export async function scanCsvFile(
  path: string,
  options: { rewrite?: (piece: Uint8Array) => void | Promise<void>; pieceBytes?: number } = {},
): Promise<CsvScanResult & { sha256: string }> {
  const { open } = await import("node:fs/promises");
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  const s = newScanState();
  let bom = false;
  try {
    const pieceBytes = Math.max(options.pieceBytes ?? PIECE_BYTES, 4);
    let carry = new Uint8Array(0);
    /** Where in the file `carry` (then the piece) starts. */
    let at = 0;
    let first = true;
    let final = false;
    while (!final) {
      // The next bytes are read in after the ones carried over: the piece is never copied whole.
      const buffer = new Uint8Array(carry.length + pieceBytes);
      buffer.set(carry);
      const { bytesRead } = await handle.read(buffer, carry.length, pieceBytes, null);
      final = bytesRead === 0;
      hash.update(buffer.subarray(carry.length, carry.length + bytesRead));
      if (s.stop?.notUtf8) continue; // the digest still covers the whole file
      let piece = buffer.subarray(0, carry.length + bytesRead);
      if (first) {
        if (piece.length < 3 && !final) {
          carry = piece.slice();
          continue;
        }
        first = false;
        bom = piece[0] === 0xef && piece[1] === 0xbb && piece[2] === 0xbf;
        if (bom) {
          piece = piece.subarray(3);
          at = 3;
        }
      }
      // Complete records end at a line feed, a character boundary: only bytes up to the last one
      // are checked now (a piece may end inside a character), the rest with the next piece.
      const lastLf = final ? piece.length - 1 : piece.lastIndexOf(LF);
      const checked = piece.subarray(0, lastLf + 1);
      const utf8 = fastUtf8Of(checked) ?? utf8Of(checked);
      if (!utf8.valid) {
        // As scanCsv: bad UTF-8 anywhere in the file is what is reported, whatever else stopped the scan.
        const row = await rowOfByte(path, bom ? 3 : 0, at + firstInvalidUtf8(checked));
        s.stop = { notUtf8: { row, looksGbk: notUtf8At(checked, 0).looksGbk } };
        continue;
      }
      let left = checked.length;
      if (!s.stop) {
        const out = options.rewrite ? new RowWriter(checked.length) : undefined;
        // Not the last piece: only records that end among its checked bytes (one ended by a lone CR
        // after the last line feed waits for the next piece) and at least MARGIN bytes before its
        // end, since a problem's value may show a few bytes past its record (as in scanCsv).
        const until = Math.min(checked.length, piece.length - MARGIN);
        left = scanRecords(s, piece, final, utf8.hasNul, out, until);
        if (out && !s.stop) await options.rewrite!(out.bytes());
        if (piece.length - left > RECORD_BYTES_LIMIT) {
          s.stop = { tooLong: { row: s.row + 1, bytes: piece.length - left } };
        }
      }
      // Once the scan stopped, the rest of the file is only checked for UTF-8.
      if (s.stop) left = Math.max(left, checked.length);
      carry = piece.slice(left);
      at += left;
    }
  } finally {
    await handle.close();
  }
  return { ...scanResult(s, bom), sha256: hash.digest("hex") };
}

/**
 * The row of the byte at `offset` in a CSV file, counted as {@link notUtf8At} counts (line feeds
 * outside quotes) from `start`, where its records start: the file is read again up to it (rarely).
 */
async function rowOfByte(path: string, start: number, offset: number): Promise<number> {
  const { createReadStream } = await import("node:fs");
  const lines = { row: 1, quoted: false };
  if (offset <= start) return lines.row;
  for await (const chunk of createReadStream(path, { start, end: offset - 1, highWaterMark: 1 << 22 })) {
    countLines(lines, chunk as Uint8Array);
  }
  return lines.row;
}

/** Advances a row count over bytes: a line feed outside quotes starts the next row (quotes toggle). */
function countLines(lines: { row: number; quoted: boolean }, bytes: Uint8Array): { row: number; quoted: boolean } {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === QUOTE) lines.quoted = !lines.quoted;
    else if (bytes[i] === LF && !lines.quoted) lines.row++;
  }
  return lines;
}

/** The message for a NUL character in a field of `column` (or past the header's columns). */
export function nulMessage(column: string | undefined): string {
  return `NUL character in ${
    column === undefined ? "a field" : `column "${column}"`
  }; remove it and load the file again`;
}

/** The message for a file that is not UTF-8 (the same for every command that reads CSV). */
export function notUtf8Message(looksGbk: boolean): string {
  return looksGbk
    ? "File is not UTF-8 (it looks like GBK/GB18030); save it as UTF-8 and load it again"
    : "File is not valid UTF-8; save it as UTF-8 and load it again";
}

/** Where bytes stop being UTF-8 (a BOM allowed): the row and whether they read as GBK, or undefined when they are UTF-8. */
export function notUtf8Of(input: Uint8Array): { row: number; looksGbk: boolean } | undefined {
  const bytes = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? input.subarray(3) : input;
  const bad = firstInvalidUtf8(bytes);
  return bad < 0 ? undefined : notUtf8At(bytes, bad);
}

/** The row of the first bad byte (quotes respected), and whether the whole file reads as GBK/GB18030. */
function notUtf8At(bytes: Uint8Array, bad: number): { row: number; looksGbk: boolean } {
  const { row } = countLines({ row: 1, quoted: false }, bytes.subarray(0, bad));
  let looksGbk = false;
  try {
    new TextDecoder("gb18030", { fatal: true }).decode(bytes);
    looksGbk = true;
  } catch { /* not GBK either */ }
  return { row, looksGbk };
}

/**
 * Scans one record from `r.pos` as {@link scanRecord} would, when it holds no quote and no CR (the
 * common case: a tight loop over the bytes); returns false, having moved nothing, for any other record.
 */
function scanPlainRecord(bytes: Uint8Array, r: RecordScan): boolean {
  const len = bytes.length;
  const start = r.pos;
  let pos = start;
  let commas = 0;
  const at = r.commas;
  const room = at.length;
  while (pos < len) {
    const b = bytes[pos];
    if (b === COMMA) {
      if (commas < room) at[commas] = pos;
      commas++;
    } else if (b <= QUOTE) {
      if (b === LF) break;
      if (b === QUOTE || b === CR) return false;
    }
    pos++;
  }
  r.end = pos;
  r.atEnd = pos >= len;
  r.pos = pos < len ? pos + 1 : pos;
  r.fieldCount = commas + 1;
  r.firstFieldEmpty = pos === start || bytes[start] === COMMA;
  r.problem = undefined;
  r.problemValue = undefined;
  return true;
}

/** Scans one record from `r.pos`: its fields, its end, the first structural problem; `r.pos` moves past its line end. */
function scanRecord(bytes: Uint8Array, r: RecordScan): void {
  const len = bytes.length;
  let pos = r.pos;
  let fieldCount = 0;
  let firstFieldEmpty = false;
  let problem: string | undefined;
  let problemValue: string | undefined;
  let fieldStart = pos;
  let end = -1;
  let atEnd = false;
  while (true) {
    if (pos < len && bytes[pos] === QUOTE) {
      pos++;
      const contentStart = pos;
      let closed = false;
      while (pos < len) {
        if (bytes[pos] === QUOTE) {
          if (bytes[pos + 1] === QUOTE) pos += 2;
          else {
            closed = true;
            pos++;
            break;
          }
        } else pos++;
      }
      if (!closed) {
        problem ??= 'Unclosed quote: the field opens with " but the file ends before it closes; close the quote';
        problemValue ??= decode(bytes, contentStart - 1, Math.min(len, contentStart + 40));
        fieldCount++;
        end = len;
        atEnd = true;
        break;
      }
      fieldCount++;
      if (pos < len && bytes[pos] !== COMMA && bytes[pos] !== LF && bytes[pos] !== CR) {
        problem ??= 'Stray characters after a closing quote; a quote inside a quoted field must be doubled ("")';
        problemValue ??= decode(bytes, fieldStart, Math.min(len, pos + 10));
        while (pos < len && bytes[pos] !== COMMA && bytes[pos] !== LF) pos++;
      }
    } else {
      while (pos < len && bytes[pos] !== COMMA && bytes[pos] !== LF && bytes[pos] !== CR) {
        if (bytes[pos] === QUOTE && !problem) {
          problem = 'A quote inside an unquoted field; put the field in quotes and double the quote ("")';
          problemValue = undefined;
        }
        pos++;
      }
      if (fieldCount === 0) firstFieldEmpty = pos === fieldStart;
      fieldCount++;
      if (problem && problemValue === undefined) problemValue = decode(bytes, fieldStart, pos);
    }
    if (pos >= len) {
      end = len;
      atEnd = true;
      break;
    }
    if (bytes[pos] === COMMA) {
      if (fieldCount - 1 < r.commas.length) r.commas[fieldCount - 1] = pos;
      pos++;
      fieldStart = pos;
      continue;
    }
    // End of record: CR, LF or CRLF.
    end = pos;
    if (bytes[pos] === CR) {
      pos++;
      // A CR as the very last byte is a lone one only at the end of the file (the caller decides).
      if (pos >= len) atEnd = true;
      else if (bytes[pos] !== LF) r.loneCr = true;
    }
    if (pos < len && bytes[pos] === LF) pos++;
    break;
  }
  r.pos = pos;
  r.end = end;
  r.atEnd = atEnd;
  r.fieldCount = fieldCount;
  r.firstFieldEmpty = firstFieldEmpty;
  r.problem = problem;
  r.problemValue = problemValue;
}

/** The rewritten CSV, record by record (`<row>,<record>\n`), in one buffer that grows by doubling. */
class RowWriter {
  #buf: Uint8Array;
  #at = 0;
  constructor(size: number) {
    this.#buf = new Uint8Array(size + (size >> 3) + 64);
  }
  /** Appends `prefix` (ASCII), a comma, the record's bytes and a line feed. */
  record(prefix: string, bytes: Uint8Array, start: number, end: number): void {
    const need = this.#at + prefix.length + (end - start) + 2;
    if (need > this.#buf.length) {
      const grown = new Uint8Array(Math.max(need, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#at));
      this.#buf = grown;
    }
    const buf = this.#buf;
    let at = this.#at;
    for (let k = 0; k < prefix.length; k++) buf[at++] = prefix.charCodeAt(k);
    buf[at++] = COMMA;
    buf.set(bytes.subarray(start, end), at);
    at += end - start;
    buf[at++] = LF;
    this.#at = at;
  }
  /** What was written. */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#at);
  }
}

/** Splits the header record into names (quotes removed, doubled quotes unescaped). */
function parseHeader(line: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let name = "";
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else name += line[i++];
      }
      while (i < line.length && line[i] !== ",") name += line[i++];
    } else {
      while (i < line.length && line[i] !== ",") name += line[i++];
    }
    names.push(name);
    i++;
  }
  return names;
}
