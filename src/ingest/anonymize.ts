/**
 * Pseudonymizing raw identifiers before loading: each value of the named columns is replaced by a
 * keyed HMAC-SHA256 pseudonym. The same value and key always give the same pseudonym, so monthly
 * extracts still link; without the key the pseudonym cannot be reversed or recomputed.
 */
import { InputError, TABLES } from "../contract/mod.ts";
import { writeCsv } from "../base/csv.ts";
import { parseCsv } from "./_csv_parse.ts";
import { notUtf8Message, notUtf8Of } from "./_csv_scan.ts";

/**
 * What anonymize does with a file of the raw folder (by its name inside it): pseudonymize a CSV
 * table of the contract or a raw department extract (`sources/*.csv`), copy `dataset.json`, refuse
 * a Parquet table (anonymize reads CSV), and leave everything else (a key file, notes, exports)
 * where it is.
 */
export function anonymizeAction(name: string): "pseudonymize" | "copy" | "parquet" | "skip" {
  if (name === "dataset.json") return "copy";
  if (/^sources\/[^/]+\.csv$/.test(name)) return "pseudonymize";
  const m = /^([a-z_]+)\.(csv|parquet)$/.exec(name);
  if (!m || !Object.hasOwn(TABLES, m[1])) return "skip";
  return m[2] === "csv" ? "pseudonymize" : "parquet";
}

/** CSV bytes as text; an `InputError` naming the file and row when they are not UTF-8 (as `validate` refuses them). */
export function decodeCsv(bytes: Uint8Array, file: string): string {
  const bad = notUtf8Of(bytes);
  if (bad) throw new InputError([{ file, row: bad.row, message: notUtf8Message(bad.looksGbk) }]);
  return new TextDecoder().decode(bytes);
}

/** What pseudonymizing one CSV file did. */
export interface PseudonymizeResult {
  csv: string;
  /** The named columns found in this file, with how many values were replaced. */
  replaced: Record<string, number>;
}

/** Imports a key for HMAC-SHA256; the key needs at least 16 bytes. */
export async function importKey(key: Uint8Array, keyFile: string): Promise<CryptoKey> {
  if (key.length < 16) {
    throw new InputError([{
      file: keyFile,
      message:
        `Key file has ${key.length} bytes; expected at least 16 random bytes (for example: head -c 32 /dev/urandom > ${keyFile})`,
    }]);
  }
  return await crypto.subtle.importKey("raw", key as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The pseudonym of one value: `px_` and the first 20 hex digits of HMAC-SHA256(key, value). */
export async function pseudonymOf(key: CryptoKey, value: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(value)));
  return "px_" + [...mac.subarray(0, 10)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Replaces the values of `columns` in one CSV text; empty cells stay empty (null). */
export async function pseudonymize(csvText: string, columns: string[], key: CryptoKey): Promise<PseudonymizeResult> {
  const rows = parseCsv(csvText);
  const header = rows[0] ?? [];
  const replaced: Record<string, number> = {};
  const indexes = columns.map((c) => header.indexOf(c)).filter((i) => i >= 0);
  const cache = new Map<string, string>();
  for (const i of indexes) replaced[header[i]] = 0;
  for (let r = 1; r < rows.length; r++) {
    for (const i of indexes) {
      const value = rows[r][i];
      if (value === undefined || value === "") continue;
      let p = cache.get(value);
      if (p === undefined) cache.set(value, p = await pseudonymOf(key, value));
      rows[r][i] = p;
      replaced[header[i]]++;
    }
  }
  // The pseudonymized file is data the toolkit reads back: values round-trip as they are.
  return { csv: writeCsv(rows, { formulas: "keep" }), replaced };
}
