/**
 * Staging: every source read, checked against contract §4 and normalised into one list of
 * records the linkage compares. The steps, each returning its problems:
 *
 * 1. `readSources`: the folder's `<source_id>/manifest.json` and `records.csv | .parquet | .xlsx`.
 * 2. `checkManifest`: the manifest's fields (zod), the folder name, the header mapping.
 * 3. `checkIdentifiers`: no column may hold raw resident identity or mobile numbers (always fatal).
 * 4. `stageRows`: each row's record id (non-empty, unique), each typed cell, then normalised:
 *    names (NFC, full-width → ASCII, simplified, pinyin), dates of any precision, villages through
 *    the alias table. Strict by default: any row problem fails the merge (exit 2); lenient, the
 *    row is rejected with its reason and the rest go on.
 *
 * An identity pseudonym is *trusted* for matching only where what the number encodes agrees with
 * what the record says: a record whose `id_birth` is two or more years from its `birth_date`, or
 * whose `id_sex` differs from its `sex` while its birth date is a year or more off too, carries
 * someone else's number (a dependant recorded with the applicant's); its pseudonym, `id_birth`
 * and `id_sex` are then set aside (`id_note`). A sex that alone disagrees is a clerk's slip. The
 * `id_birth` and `id_sex` of a number whose check digit failed (mistyped) are set aside too; its
 * pseudonym stays (the same mistake may recur), but never counts for cannot-link.
 */
import { join } from "node:path";
import { CATEGORY_LABELS_ZH, type Problem } from "../contract/mod.ts";
import type { Db } from "../db/mod.ts";
import { isMobileNumber, isResidentIdNumber, parseCsv } from "../ingest/mod.ts";
import { readXlsx } from "./xlsx.ts";
import {
  CATEGORIES,
  type FieldType,
  type Manifest,
  ManifestSchema,
  PERSON_FIELDS,
  type PersonField,
  VALUE_FIELDS,
  type ValueField,
} from "./manifest.ts";
import {
  type NameParts,
  nameParts,
  normaliseText,
  parseBoolean,
  parseDate,
  parseNumber,
  parseRelation,
  parseSex,
  type PartialDate,
  type Relation,
  villageNormaliser,
} from "./normalise.ts";

/** One source as read from disk: its manifest text and its table. */
export interface RawSource {
  /** The folder name below the sources folder. */
  folder: string;
  manifestText: string | null;
  /** `records.csv` or `records.parquet` (the file name inside the folder); null when missing. */
  file: string | null;
  header: string[];
  rows: string[][];
  /** Why the table could not be read, if it could not. */
  unreadable?: string;
}

/** A staged record: the normalised fields the linkage compares, and the value fields. */
export interface StagedRecord {
  /** Position in the staged list (0-based): the record's key in SQL. */
  rid: number;
  source_id: string;
  record_id: string;
  kind: string;
  extract_date: string;
  /** The identity pseudonym, when present and trusted. */
  id_pseudo: string | null;
  /** The pseudonym's number had a valid check digit (null: not said, or not trusted). */
  id_ok: boolean | null;
  id_birth: string | null;
  id_sex: "M" | "F" | null;
  /** Why the record's identity fields were set aside, if they were. */
  id_note: string | null;
  name: NameParts | null;
  birth: PartialDate | null;
  sex: "M" | "F" | null;
  town: string | null;
  village: string | null;
  household_ref: string | null;
  relation: Relation | null;
  values: Partial<Record<ValueField, number | boolean | string>>;
  /** Free columns of the person (normalised text, non-empty only). */
  free: Record<string, string>;
  /** Free columns the manifest lists as `household_fields` (normalised text, non-empty only). */
  householdFree: Record<string, string>;
}

/** A record that was read but not staged, with the reason. */
export interface Rejected {
  source_id: string;
  record_id: string;
  reason: string;
}

/** Per source: its manifest and how many records were read and rejected. */
export interface SourceSummary {
  source_id: string;
  department: string;
  kind: string;
  extract_date: string;
  file: string;
  read: number;
  rejected: number;
}

/** What staging gives: records, rejections, per-source counts and every problem found. */
export interface Staged {
  records: StagedRecord[];
  rejected: Rejected[];
  sources: SourceSummary[];
  problems: Problem[];
}

/** Reads `<folder>/<source>/manifest.json` and `records.csv | records.parquet` of every source folder. */
export async function readSources(db: Db, folder: string): Promise<RawSource[]> {
  const out: RawSource[] = [];
  const entries: string[] = [];
  for await (const e of Deno.readDir(folder)) if (e.isDirectory && !e.name.startsWith(".")) entries.push(e.name);
  entries.sort();
  for (const name of entries) {
    const dir = join(folder, name);
    let manifestText: string | null = null;
    try {
      manifestText = await Deno.readTextFile(join(dir, "manifest.json"));
    } catch { /* reported by checkManifest */ }
    const files: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.isFile && /^records\.[a-z]+$/.test(e.name)) files.push(e.name);
    files.sort();
    const file = ["records.csv", "records.parquet", "records.xlsx"].find((f) => files.includes(f)) ?? files[0] ?? null;
    let header: string[] = [];
    let rows: string[][] = [];
    let unreadable: string | undefined;
    if (file === "records.csv") {
      const table = parseCsv(await Deno.readTextFile(join(dir, file)));
      header = table[0] ?? [];
      rows = table.slice(1);
    } else if (file === "records.xlsx") {
      try {
        const table = await readXlsx(await Deno.readFile(join(dir, file)));
        header = table[0] ?? [];
        rows = table.slice(1).map((
          r,
        ) => (r.length < header.length ? [...r, ...Array(header.length - r.length).fill("")] : r));
      } catch (e) {
        unreadable = (e as Error).message;
      }
    } else if (file === "records.parquet") {
      const table = `src_${out.length}`;
      await db.importParquet(table, { path: join(dir, file) });
      const res = await db.columns(`select * from ${table}`);
      header = res.names;
      const n = res.columns[0]?.length ?? 0;
      rows = Array.from({ length: n }, (_, i) => res.columns.map((c) => (c[i] === null ? "" : String(c[i]))));
      await db.exec(`drop table ${table}`);
    }
    out.push({ folder: name, manifestText, file, header, rows, ...(unreadable ? { unreadable } : {}) });
  }
  return out;
}

const NAME_RULE = /^[a-z][a-z0-9_]*$/;
const KINDS_TEXT = "roster, hukou, tax, social_insurance, real_estate, business, housing_fund, vehicle, " +
  "financial_assets, major_illness, consumption, education";

/** The manifest of a raw source and its header mapped to field names, or its problems. */
export function checkManifest(raw: RawSource): { manifest?: Manifest; fields: string[]; problems: Problem[] } {
  const file = `${raw.folder}/manifest.json`;
  if (raw.manifestText === null) {
    return {
      fields: [],
      problems: [{ file, message: `Source "${raw.folder}" has no manifest.json; add one (contract §4)` }],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.manifestText);
  } catch (e) {
    return { fields: [], problems: [{ file, message: `Not valid JSON: ${(e as Error).message}` }] };
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    return {
      fields: [],
      problems: parsed.error.issues.map((i) => ({
        file,
        column: i.path.join(".") || undefined,
        message: i.path[0] === "kind" ? `Unknown kind; expected one of ${KINDS_TEXT}` : i.message,
      })),
    };
  }
  const manifest = parsed.data;
  const problems: Problem[] = [];
  if (manifest.source_id !== raw.folder) {
    problems.push({
      file,
      column: "source_id",
      value: manifest.source_id,
      message: `The source_id must be the folder's name "${raw.folder}"; rename one of them`,
    });
  }
  const data = `${raw.folder}/${raw.file ?? "records.csv"}`;
  if (raw.file === null) {
    problems.push({ file: data, message: "No records.csv, records.parquet or records.xlsx in this source" });
  } else if (!["records.csv", "records.parquet", "records.xlsx"].includes(raw.file)) {
    problems.push({ file: data, message: `${raw.file} is not read; export the table as records.csv` });
  } else if (raw.unreadable) problems.push({ file: data, message: `Cannot read the table: ${raw.unreadable}` });
  const fields = raw.header.map((h) => {
    const header = normaliseText(h);
    return manifest.columns?.[header] ?? manifest.columns?.[h] ?? header;
  });
  const seen = new Map<string, number>();
  fields.forEach((f, i) => {
    if (!NAME_RULE.test(f)) {
      problems.push({
        file: data,
        row: 1,
        column: raw.header[i],
        message: `Header "${raw.header[i]}" maps to no field; map it in manifest.json "columns" (e.g. "${
          raw.header[i]
        }": "name") or rename it to match [a-z][a-z0-9_]*`,
      });
    } else if (seen.has(f)) {
      problems.push({ file: data, row: 1, column: raw.header[i], message: `Field "${f}" appears twice in the header` });
    }
    seen.set(f, i);
  });
  if (raw.file !== null && !seen.has("record_id")) {
    problems.push({ file: data, row: 1, column: "record_id", message: "Every source needs a record_id column" });
  }
  return { manifest, fields, problems };
}

/** Cells that could be an identity or mobile number once normalised (digits, X, +, spaces, full-width digits). */
const MAYBE_NUMBER = /^[\s\u3000+＋]*[0-9０-９][0-9０-９\s\u3000]{9,}[0-9０-９Xx Ｘｘ]?[\s\u3000]*$/;

/** Raw identity or mobile numbers in any column: refused, naming the first row and the column. */
export function checkIdentifiers(raw: RawSource): Problem[] {
  const problems: Problem[] = [];
  const data = `${raw.folder}/${raw.file}`;
  for (let c = 0; c < raw.header.length; c++) {
    for (let r = 0; r < raw.rows.length; r++) {
      const cell = raw.rows[r][c] ?? "";
      if (cell.length < 11 || cell.length > 40 || !MAYBE_NUMBER.test(cell)) continue;
      const t = normaliseText(cell);
      const kind = isResidentIdNumber(t) ? "resident identity numbers" : isMobileNumber(t) ? "mobile numbers" : "";
      if (kind) {
        problems.push({
          file: data,
          row: r + 2,
          column: raw.header[c],
          message: `Column holds raw ${kind}; pseudonymize it first (deno task anonymize, keyed hashing)`,
        });
        break;
      }
    }
  }
  return problems;
}

type Cell = string | number | boolean | PartialDate | null;

/** The Chinese names of the categories (and 支出型困难, the name the pilot used for rigid_expense). */
const CATEGORY_WORDS = new Map<string, string>([
  ...Object.entries(CATEGORY_LABELS_ZH).map(([code, zh]) => [zh, code] as [string, string]),
  ["支出型困难", "rigid_expense"],
  ["最低生活保障", "dibao"],
  ["特困供养", "tekun"],
]);

/** Reads one cell of a field; a string result is the problem. */
function readCell(type: FieldType, text: string): { value: Cell } | string {
  if (text.trim() === "") return { value: null };
  switch (type) {
    case "text":
      return { value: normaliseText(text) };
    case "date": {
      const d = parseDate(text);
      return d ? { value: d } : "is not a date (YYYY-MM-DD, YYYYMMDD, YYYY/M/D, YYYY-MM or YYYY)";
    }
    case "sex": {
      const s = parseSex(text);
      return s ? { value: s } : "is not a sex (M or F)";
    }
    case "boolean": {
      const b = parseBoolean(text);
      return b !== undefined ? { value: b } : "is not a boolean (true/false, 1/0)";
    }
    case "relation": {
      const r = parseRelation(text);
      return r ? { value: r } : "is not a relation (head, spouse, child, parent, grandchild, sibling, other)";
    }
    case "number": {
      const n = parseNumber(text);
      return n !== undefined ? { value: n } : "is not a number";
    }
    case "category": {
      const t = normaliseText(text);
      const code = CATEGORIES.includes(t) ? t : CATEGORY_WORDS.get(t);
      return code ? { value: code } : `is not a category (${CATEGORIES.join(", ")}, or 低保, 特困, …)`;
    }
  }
}

/** Options of staging. */
export interface StageOptions {
  /** Reject rows with problems instead of failing (default false: strict). */
  lenient?: boolean;
  /** Old village name → current name. */
  aliases?: ReadonlyMap<string, string>;
}

/**
 * Stages every raw source: manifests and headers checked, rows typed and normalised. Problems of
 * manifests, headers and raw identifiers always fail; row problems fail unless `lenient`.
 */
export function stageSources(raws: readonly RawSource[], options: StageOptions = {}): Staged {
  const village = villageNormaliser(options.aliases ?? new Map());
  const staged: Staged = { records: [], rejected: [], sources: [], problems: [] };
  const ids = new Set<string>();
  for (const raw of raws) {
    const { manifest, fields, problems } = checkManifest(raw);
    if (manifest && ids.has(manifest.source_id)) {
      problems.push({ file: `${raw.folder}/manifest.json`, column: "source_id", message: "Duplicate source_id" });
    }
    if (problems.length > 0 || !manifest) {
      staged.problems.push(...problems);
      continue;
    }
    ids.add(manifest.source_id);
    const idProblems = checkIdentifiers(raw);
    if (idProblems.length > 0) {
      staged.problems.push(...idProblems);
      continue;
    }
    const summary: SourceSummary = {
      source_id: manifest.source_id,
      department: manifest.department,
      kind: manifest.kind,
      extract_date: manifest.extract_date,
      file: raw.file!,
      read: raw.rows.filter((row) => !row.every((cell) => cell.trim() === "")).length,
      rejected: 0,
    };
    staged.sources.push(summary);
    stageRows(raw, manifest, fields, village, options.lenient === true, staged, summary);
  }
  return staged;
}

function stageRows(
  raw: RawSource,
  manifest: Manifest,
  fields: string[],
  village: (raw: string) => string,
  lenient: boolean,
  staged: Staged,
  summary: SourceSummary,
): void {
  const data = `${raw.folder}/${raw.file}`;
  const householdFields = new Set(manifest.household_fields ?? []);
  const types = fields.map((f) =>
    householdFields.has(f)
      ? null
      : (PERSON_FIELDS as Record<string, FieldType>)[f] ?? (VALUE_FIELDS as Record<string, FieldType>)[f] ?? null
  );
  const freeColumns = fields.flatMap((
    f,
    c,
  ) => (types[c] === null ? [{ f, c, household: householdFields.has(f) }] : []));
  const seen = new Map<string, number>();
  const ridCol = fields.indexOf("record_id");
  raw.rows.forEach((row, r) => {
    const rowNo = r + 2;
    if (row.every((cell) => cell.trim() === "")) return; // blank lines are no records
    const rowProblems: Problem[] = [];
    const cells: Record<string, Cell> = {};
    if (row.length !== fields.length) {
      rowProblems.push({
        file: data,
        row: rowNo,
        message: `Row has ${row.length} cells; the header has ${fields.length}`,
      });
    }
    fields.forEach((f, c) => {
      const type = types[c];
      if (type === null) return;
      const res = readCell(type, row[c] ?? "");
      if (typeof res === "string") {
        rowProblems.push({ file: data, row: rowNo, column: raw.header[c], value: row[c], message: `Value ${res}` });
      } else cells[f] = res.value;
    });
    const recordId = normaliseText(row[ridCol] ?? "");
    if (recordId === "") {
      rowProblems.push({ file: data, row: rowNo, column: raw.header[ridCol], message: "record_id is empty" });
    } else if (seen.has(recordId)) {
      rowProblems.push({
        file: data,
        row: rowNo,
        column: raw.header[ridCol],
        value: recordId,
        message: `Duplicate record_id (first at row ${seen.get(recordId)}); record ids must be unique in a source`,
      });
    } else seen.set(recordId, rowNo);
    if (rowProblems.length > 0) {
      summary.rejected++;
      if (lenient) {
        staged.rejected.push({
          source_id: manifest.source_id,
          record_id: recordId === "" || seen.get(recordId) !== rowNo ? `${recordId || "row"}#${rowNo}` : recordId,
          reason: rowProblems.map((p) => `row ${rowNo}${p.column ? ` ${p.column}` : ""}: ${p.message}`).join("; "),
        });
      } else staged.problems.push(...rowProblems);
      return;
    }
    const record = recordOf(staged.records.length, manifest, recordId, cells, village);
    for (const { f, c, household } of freeColumns) {
      const text = normaliseText(row[c] ?? "");
      if (text !== "") (household ? record.householdFree : record.free)[f] = text;
    }
    staged.records.push(record);
  });
}

function isoOfParts(d: PartialDate): string | null {
  return d.m !== null && d.d !== null ? `${d.y}-${String(d.m).padStart(2, "0")}-${String(d.d).padStart(2, "0")}` : null;
}

function recordOf(
  rid: number,
  manifest: Manifest,
  recordId: string,
  cells: Record<string, Cell>,
  village: (raw: string) => string,
): StagedRecord {
  const text = (f: PersonField) => (typeof cells[f] === "string" && cells[f] !== "" ? cells[f] as string : null);
  const birthDate = (cells.birth_date as PartialDate | null | undefined) ?? null;
  const idBirthDate = (cells.id_birth as PartialDate | null | undefined) ?? null;
  let idPseudo = text("id_pseudo");
  let idBirth = idBirthDate ? isoOfParts(idBirthDate) : null;
  let idSex = (cells.id_sex as "M" | "F" | null | undefined) ?? null;
  const sex = (cells.sex as "M" | "F" | null | undefined) ?? null;
  let idOk = idPseudo === null ? null : (cells.id_check_ok as boolean | null | undefined) ?? null;
  let note: string | null = null;
  const yearsApart = idBirthDate !== null && birthDate !== null ? Math.abs(idBirthDate.y - birthDate.y) : 0;
  const borrowed = yearsApart >= 2 || (yearsApart >= 1 && idSex !== null && sex !== null && idSex !== sex);
  if (idPseudo !== null && borrowed) {
    note = "id_not_theirs";
    idPseudo = null;
    idOk = null;
  }
  if (idPseudo === null || idOk === false) {
    // A number that failed its check digit was mistyped: what it encodes is not evidence.
    idBirth = null;
    idSex = null;
  }
  const values: StagedRecord["values"] = {};
  for (const f of Object.keys(VALUE_FIELDS) as ValueField[]) {
    const v = cells[f];
    if (v !== undefined && v !== null) values[f] = v as number | boolean | string;
  }
  const villageText = text("village");
  const nameText = text("name");
  return {
    rid,
    source_id: manifest.source_id,
    record_id: recordId,
    kind: manifest.kind,
    extract_date: manifest.extract_date,
    id_pseudo: idPseudo,
    id_ok: idOk,
    id_birth: idBirth,
    id_sex: idSex,
    id_note: note,
    name: nameText ? nameParts(nameText) : null,
    birth: birthDate ?? (idBirth ? parseDate(idBirth) : null),
    sex: sex ?? idSex,
    town: text("town"),
    village: villageText === null ? null : village(villageText),
    household_ref: text("household_ref"),
    relation: (cells.relation as Relation | null | undefined) ?? null,
    values,
    free: {},
    householdFree: {},
  };
}
