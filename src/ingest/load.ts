/**
 * Loading a dataset folder (contract §1) into DuckDB tables `households`, `members` and `verified`,
 * validating all of it on the way: file structure, column names, types, ids, references, category
 * and channel codes, households without members, and raw personal identifiers. Every problem names
 * the file, the row (header = row 1), the column, the value and the fix.
 */
import {
  CATEGORY_CODES,
  COLUMN_NAME,
  type ColumnType,
  type DatasetDescription,
  DatasetDescriptionSchema,
  type DatasetSchema,
  type Problem,
  sha256Hex,
  type TableName,
  TABLES,
  VERIFIED_CHANNELS,
} from "../contract/mod.ts";
import { type Db, type FileSource, quoteIdent as q, quoteText as lit } from "../db/types.ts";
import { scanCsv } from "./_csv_scan.ts";
import { isMobileNumber, isResidentIdNumber, maskIdentifier } from "./_personal.ts";

/** One file of a dataset folder: its name inside the folder (`households.csv`) and where its bytes are. */
export interface DatasetFile {
  name: string;
  source: FileSource;
}

/** How to load. */
export interface LoadOptions {
  /** The folder as the user named it, prefixed to file names in messages. */
  folder?: string;
  /** Load the valid rows and reject the others, instead of refusing the whole dataset. */
  lenient?: boolean;
  /** How many problems to keep in the report (the total is always counted). Default 200. */
  maxProblems?: number;
}

/** What the validation report says of one column. */
export interface ColumnReport {
  name: string;
  type: ColumnType;
  /** Where the type came from: the contract, `dataset.json`, or inference from the values. */
  typeSource: "contract" | "dataset.json" | "inferred" | "parquet";
  nulls: number;
  /** Distinct non-null values, for text columns. */
  distinct?: number;
}

/** What the validation report says of one table. */
export interface TableReport {
  table: TableName;
  file: string;
  format: "csv" | "parquet";
  rowsRead: number;
  accepted: number;
  rejected: number;
  columns: ColumnReport[];
}

/** A rejected row with its reasons (lenient mode writes these to `rejected.csv`). */
export interface RejectedRow {
  file: string;
  row: number;
  column?: string;
  value?: string;
  reason: string;
}

/** The outcome of loading: per-table counts, column types, problems, and the data digest. */
export interface LoadReport {
  folder: string;
  valid: boolean;
  lenient: boolean;
  tables: TableReport[];
  /** The first problems found (at most `maxProblems`). */
  problems: Problem[];
  /** How many problems there are in all. */
  problemCount: number;
  /** Every rejected row with its reasons (lenient mode only). */
  rejected: RejectedRow[];
  /** Files in the folder that were not loaded as tables (with why). */
  ignored: string[];
  /** Column types of the loaded tables: what the model is checked against. */
  schema: DatasetSchema;
  /** SHA-256 over the names and contents of the files loaded. */
  digest: string;
}

const BOOLEAN_WORDS = "('true','false','1','0')";
/** Share of values that must fit a type for a column to take it, the rest being reported as bad values. */
const MAJORITY = 0.9;
const MAJORITY_MIN_VALUES = 10;

/** SQL: true where text `v` is a plain decimal number (what DuckDB's cast accepts, less inf, nan and 1_000). */
function isNumberSql(v: string): string {
  return `(isfinite(TRY_CAST(${v} AS DOUBLE)) AND NOT contains(${v}, '_'))`;
}

/** SQL: true where text `v` is a date written YYYY-MM-DD. */
function isDateSql(v: string): string {
  return `(length(${v}) = 10 AND substr(${v}, 5, 1) = '-' AND substr(${v}, 8, 1) = '-' AND TRY_CAST(${v} AS DATE) IS NOT NULL)`;
}

/** The SQL that converts a raw text value to its type (null where it does not convert). */
function convertSql(col: string, type: ColumnType): string {
  const c = `trim(CAST(${q(col)} AS VARCHAR))`;
  switch (type) {
    case "text":
      return `CAST(${q(col)} AS VARCHAR)`;
    case "number":
      return `CASE WHEN ${isNumberSql(c)} THEN TRY_CAST(${c} AS DOUBLE) END`;
    case "boolean":
      return `CASE lower(${c}) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END`;
    case "date":
      return `CASE WHEN ${isDateSql(c)} THEN TRY_CAST(${c} AS DATE) END`;
  }
}

const EXPECTED: Record<ColumnType, string> = {
  number: "a number such as 1200 or 0.5",
  boolean: "a boolean: true, false, 1 or 0",
  date: "a date written YYYY-MM-DD",
  text: "text",
};

function duckTypeToColumnType(duckType: string): ColumnType | undefined {
  const t = duckType.toUpperCase();
  if (
    /^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)/
      .test(t)
  ) {
    return "number";
  }
  if (t.startsWith("VARCHAR")) return "text";
  if (t === "BOOLEAN") return "boolean";
  if (t === "DATE" || t.startsWith("TIMESTAMP")) return "date";
  return undefined;
}

interface RawTable {
  table: TableName;
  file: string;
  format: "csv" | "parquet";
  raw: string;
  columns: string[];
  /** DuckDB types of the raw columns (all VARCHAR for CSV). */
  rawTypes: Record<string, string>;
  rowsRead: number;
}

/** Loads and validates a dataset. Strict mode creates no tables when anything is invalid. */
export async function loadDataset(db: Db, files: DatasetFile[], options: LoadOptions = {}): Promise<LoadReport> {
  const folder = options.folder ?? ".";
  const maxProblems = options.maxProblems ?? 200;
  const lenient = options.lenient ?? false;
  const path = (name: string) => (folder === "." || folder === "" ? name : `${folder.replace(/\/+$/, "")}/${name}`);
  const problems: Problem[] = [];
  let problemCount = 0;
  const addProblem = (p: Problem) => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
  };
  /** A problem with a whole file or column: nothing can be loaded, even leniently. */
  let fatal = false;
  const addFileProblem = (p: Problem) => {
    fatal = true;
    addProblem(p);
  };
  const ignored: string[] = [];
  const byName = new Map(files.map((f) => [f.name, f]));
  const digestParts: string[] = [];
  const readBytes = async (f: DatasetFile): Promise<Uint8Array> => {
    if ("bytes" in f.source) return f.source.bytes;
    const { readFile } = await import("node:fs/promises");
    return new Uint8Array(await readFile(f.source.path));
  };

  // dataset.json: optional column descriptions and types.
  let description: DatasetDescription = { tables: {} };
  const descriptionFile = byName.get("dataset.json");
  if (descriptionFile) {
    const bytes = await readBytes(descriptionFile);
    digestParts.push(`dataset.json\t${await sha256Hex(bytes)}`);
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      addFileProblem({ file: path("dataset.json"), message: `Not valid JSON: ${(error as Error).message}` });
    }
    if (raw !== undefined) {
      const parsed = DatasetDescriptionSchema.safeParse(raw);
      if (parsed.success) description = parsed.data;
      else {
        for (const issue of parsed.error.issues) {
          addFileProblem({ file: path("dataset.json"), message: `${issue.path.join(".")}: ${issue.message}` });
        }
      }
    }
  }

  for (const f of files) {
    const m = /^([a-z_]+)\.(csv|parquet)$/.exec(f.name);
    if (f.name === "dataset.json") continue;
    if (f.name.startsWith("sources/")) ignored.push(`${f.name} (a raw department extract; the merge step reads it)`);
    else if (!m || !(m[1] in TABLES)) ignored.push(`${f.name} (not a table of the contract)`);
  }

  // 1. Read each table's file into a raw table with a `_row` column. Row problems go to `_problems`.
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE _problems (tbl VARCHAR, "row" INTEGER, col VARCHAR, val VARCHAR, message VARCHAR)`,
  );
  const raws: Partial<Record<TableName, RawTable>> = {};
  for (const table of Object.keys(TABLES) as TableName[]) {
    const csv = byName.get(`${table}.csv`);
    const parquet = byName.get(`${table}.parquet`);
    if (csv && parquet) {
      addFileProblem({
        file: path(`${table}.csv`),
        message: `Both ${table}.csv and ${table}.parquet are present; keep one of them`,
      });
      continue;
    }
    const file = csv ?? parquet;
    if (!file) {
      if (TABLES[table].required) {
        addFileProblem({
          file: path(`${table}.csv`),
          message: `Missing required table "${table}": expected ${table}.csv or ${table}.parquet in the folder`,
        });
      }
      continue;
    }
    const bytes = await readBytes(file);
    digestParts.push(`${file.name}\t${await sha256Hex(bytes)}`);
    const raw = `_raw_${table}`;
    await db.exec(`DROP TABLE IF EXISTS ${q(raw)}`);
    if (file === csv) {
      const scan = scanCsv(bytes);
      if (scan.notUtf8) {
        addFileProblem({
          file: path(file.name),
          row: scan.notUtf8.row,
          message: scan.notUtf8.looksGbk
            ? "File is not UTF-8 (it looks like GBK/GB18030); save it as UTF-8 and load it again"
            : "File is not valid UTF-8; save it as UTF-8 and load it again",
        });
        continue;
      }
      if (scan.header.length === 0 || (scan.header.length === 1 && scan.header[0] === "")) {
        addFileProblem({
          file: path(file.name),
          row: 1,
          message: "File is empty; expected a header row of column names",
        });
        continue;
      }
      if (!checkHeader(scan.header, path(file.name), addFileProblem)) continue;
      for (const p of scan.problems) {
        await db.exec(
          `INSERT INTO _problems VALUES (${lit(table)}, ${p.row}, NULL, ${
            p.value === undefined ? "NULL" : lit(p.value)
          }, ${lit(p.message)})`,
        );
      }
      const sqlPath = await db.registerFile(`_ingest_${table}.csv`, { bytes: scan.bytes });
      const columnsStruct = ["_row", ...scan.header].map((c) => `${lit(c)}: 'VARCHAR'`).join(", ");
      await db.exec(
        `CREATE TABLE ${q(raw)} AS SELECT * REPLACE (CAST("_row" AS INTEGER) AS "_row") FROM read_csv(${sqlPath}, ` +
          `header=true, auto_detect=false, delim=',', quote='"', escape='"', columns={${columnsStruct}}, ` +
          `null_padding=false)`,
      );
      const rawTypes = Object.fromEntries(scan.header.map((c) => [c, "VARCHAR"]));
      raws[table] = {
        table,
        file: path(file.name),
        format: "csv",
        raw,
        columns: scan.header,
        rawTypes,
        rowsRead: scan.rowsRead,
      };
    } else {
      try {
        await db.importParquet(`_import_${table}`, { bytes });
      } catch (error) {
        addFileProblem({
          file: path(file.name),
          message: `Cannot read Parquet file: ${(error as Error).message.split("\n")[0]}`,
        });
        continue;
      }
      await db.exec(
        `CREATE TABLE ${q(raw)} AS SELECT CAST(rowid + 2 AS INTEGER) AS "_row", * FROM ${q(`_import_${table}`)}`,
      );
      await db.exec(`DROP TABLE ${q(`_import_${table}`)}`);
      const described = await db.all(`DESCRIBE ${q(raw)}`);
      const columns = described.map((r) => String(r.column_name)).filter((c) => c !== "_row");
      if (!checkHeader(columns, path(file.name), addFileProblem)) continue;
      const rawTypes = Object.fromEntries(described.map((r) => [String(r.column_name), String(r.column_type)]));
      const [{ n }] = await db.all(`SELECT count(*) AS n FROM ${q(raw)}`);
      raws[table] = { table, file: path(file.name), format: "parquet", raw, columns, rawTypes, rowsRead: Number(n) };
    }
  }

  // 2. Decide each column's type; build the typed table and record values that do not convert.
  const columnReports: Partial<Record<TableName, ColumnReport[]>> = {};
  const zeroOne: Partial<Record<TableName, string[]>> = {};
  for (const rawTable of Object.values(raws)) {
    const { table, raw, columns, rawTypes } = rawTable;
    const spec = TABLES[table];
    const missing = Object.keys(spec.columns).filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      addFileProblem({
        file: rawTable.file,
        row: 1,
        column: missing.join(", "),
        message: `Missing required column${missing.length > 1 ? "s" : ""} ${
          missing.map((c) => `"${c}"`).join(", ")
        }; the header has ${columns.map((c) => `"${c}"`).join(", ")}`,
      });
      delete raws[table];
      continue;
    }
    const declared = description.tables[table] ?? {};
    const types: Record<string, { type: ColumnType; source: ColumnReport["typeSource"] }> = {};
    const toInfer: string[] = [];
    for (const col of columns) {
      const fixed = spec.columns[col] ?? spec.optional[col];
      if (fixed) types[col] = { type: fixed, source: "contract" };
      else if (declared[col]?.type) types[col] = { type: declared[col].type!, source: "dataset.json" };
      else if (rawTable.format === "parquet" && duckTypeToColumnType(rawTypes[col])) {
        types[col] = { type: duckTypeToColumnType(rawTypes[col])!, source: "parquet" };
      } else toInfer.push(col);
    }
    if (toInfer.length > 0) {
      const parts = toInfer.flatMap((col, i) => {
        const c = `trim(CAST(${q(col)} AS VARCHAR))`;
        return [
          `count(${q(col)}) AS n${i}`,
          `count(*) FILTER (WHERE ${isNumberSql(c)}) AS num${i}`,
          `count(*) FILTER (WHERE lower(${c}) IN ('true','false')) AS word${i}`,
          `count(*) FILTER (WHERE lower(${c}) IN ${BOOLEAN_WORDS}) AS bool${i}`,
          `count(*) FILTER (WHERE ${isDateSql(c)}) AS date${i}`,
        ];
      });
      const [stats] = await db.all(`SELECT ${parts.join(", ")} FROM ${q(raw)}`);
      toInfer.forEach((col, i) => {
        const n = Number(stats[`n${i}`]), num = Number(stats[`num${i}`]), word = Number(stats[`word${i}`]);
        const bool = Number(stats[`bool${i}`]), date = Number(stats[`date${i}`]);
        const most = (k: number) => k === n || (n >= MAJORITY_MIN_VALUES && k >= MAJORITY * n);
        let type: ColumnType = "text";
        if (n === 0) type = "text";
        else if (word > 0 && most(bool)) type = "boolean";
        else if (most(num)) type = "number";
        else if (most(date)) type = "date";
        types[col] = { type, source: "inferred" };
        if (type === "number" && word === 0 && bool === n) (zeroOne[table] ??= []).push(col);
      });
    }
    // Typed table.
    const typedExpr: Record<string, string> = {};
    const select = columns.map((col) => {
      const { type } = types[col];
      const rawType = rawTypes[col];
      const native = rawTable.format === "parquet" && duckTypeToColumnType(rawType) === type;
      const expr = native
        ? (type === "number" ? `CAST(${q(col)} AS DOUBLE)` : type === "date" ? `CAST(${q(col)} AS DATE)` : q(col))
        : convertSql(col, type);
      typedExpr[col] = expr;
      return `${expr} AS ${q(col)}`;
    });
    await db.exec(
      `CREATE OR REPLACE TABLE ${q(`_typed_${table}`)} AS SELECT "_row", ${select.join(", ")} FROM ${q(raw)}`,
    );
    // Values that did not convert: the typed column has fewer non-null values than the raw one.
    // One cheap count per table finds the columns to look at; only those are scanned for rows.
    const nonNull = (table: string) =>
      db.all(`SELECT ${columns.map((col, i) => `count(${q(col)}) AS n${i}`).join(", ")} FROM ${q(table)}`);
    const [[rawCounts], [typedCounts]] = await Promise.all([nonNull(raw), nonNull(`_typed_${table}`)]);
    for (const [i, col] of columns.entries()) {
      const { type, source } = types[col];
      if (type === "text" || rawCounts[`n${i}`] === typedCounts[`n${i}`]) continue;
      const hint = source === "inferred"
        ? ` (most of the column is ${type}; fix the value, or declare the column "text" in dataset.json)`
        : source === "dataset.json"
        ? " (as dataset.json declares)"
        : "";
      await db.exec(
        `INSERT INTO _problems SELECT ${lit(table)}, "_row", ${lit(col)}, CAST(${q(col)} AS VARCHAR), ` +
          `${lit(`Expected ${EXPECTED[type]}${hint}`)} FROM ${q(raw)} ` +
          `WHERE ${q(col)} IS NOT NULL AND (${typedExpr[col]}) IS NULL`,
      );
    }
    columnReports[table] = columns.map((col) => ({
      name: col,
      type: types[col].type,
      typeSource: types[col].source,
      nulls: 0,
    }));
  }

  // 3. Personal-data guard: refuse raw identity and mobile numbers in any column. One cheap scan
  // per table counts long digit strings per column; only columns that have some are then read
  // (their first candidates) and checked exactly: pattern and GB 11643 check digit.
  for (const rawTable of Object.values(raws)) {
    const cols = rawTable.columns;
    if (cols.length === 0) continue;
    const text = (col: string) => `CAST(${q(col)} AS VARCHAR)`;
    const digits = (col: string) =>
      `length(${text(col)}) BETWEEN 11 AND 22 AND regexp_full_match(${text(col)}, '[+]?[0-9]{10,}[0-9Xx]([.]0+)?')`;
    const [longest] = await db.all(
      `SELECT ${cols.map((col, i) => `max(length(${text(col)})) AS l${i}`).join(", ")} FROM ${q(rawTable.raw)}`,
    );
    const long = cols.filter((_, i) => Number(longest[`l${i}`] ?? 0) >= 11);
    if (long.length === 0) continue;
    const [counts] = await db.all(
      `SELECT ${long.map((col, i) => `count(*) FILTER (WHERE ${digits(col)}) AS c${i}`).join(", ")} FROM ${
        q(rawTable.raw)
      }`,
    );
    for (const [i, col] of long.entries()) {
      if (Number(counts[`c${i}`]) === 0) continue;
      const candidates = await db.all(
        `SELECT "_row" AS r, regexp_replace(${text(col)}, '[.]0+$', '') AS v FROM ${q(rawTable.raw)} WHERE ${
          digits(col)
        } ORDER BY "_row" LIMIT 500`,
      );
      const id = candidates.find((c) => isResidentIdNumber(String(c.v)));
      const mobile = candidates.find((c) => isMobileNumber(String(c.v)));
      const hit = id ?? mobile;
      if (!hit) continue;
      addFileProblem({
        file: rawTable.file,
        row: Number(hit.r),
        column: col,
        value: maskIdentifier(String(hit.v)),
        message: `Column "${col}" holds what look like ${id ? "resident identity numbers" : "mobile phone numbers"}; ` +
          `raw personal identifiers must not be loaded. ` +
          `Pseudonymize it first: deno task anonymize --in <raw folder> --out <dataset folder> --key-file <key file> --columns ${col}`,
      });
    }
  }

  // 4. Row checks of the contract.
  const H = raws.households ? q(`_typed_households`) : undefined;
  const M = raws.members ? q(`_typed_members`) : undefined;
  const V = raws.verified ? q(`_typed_verified`) : undefined;
  const insert = (table: TableName, col: string, from: string, where: string, message: string) =>
    db.exec(
      `INSERT INTO _problems SELECT ${lit(table)}, "_row", ${lit(col)}, CAST(${q(col)} AS VARCHAR), ${message} ` +
        `FROM ${from} WHERE ${where}`,
    );
  const nonEmpty = async (table: TableName, from: string, col: string, what: string) =>
    await insert(
      table,
      col,
      from,
      `${q(col)} IS NULL OR trim(CAST(${q(col)} AS VARCHAR)) = ''`,
      lit(`Empty ${col}; every row needs ${what}`),
    );
  const unique = async (table: TableName, from: string, col: string) =>
    await db.exec(
      `INSERT INTO _problems SELECT ${lit(table)}, "_row", ${lit(col)}, ${q(col)}, ` +
        `'Duplicate ${col} "' || ${q(col)} || '" (first at row ' || first_row || '); ${col} must be unique' ` +
        `FROM (SELECT "_row", ${q(col)}, min("_row") OVER (PARTITION BY ${q(col)}) AS first_row FROM ${from} WHERE ${
          q(col)
        } IS NOT NULL AND ${q(col)} <> '') WHERE "_row" > first_row`,
    );
  if (H) {
    await nonEmpty("households", H, "household_id", "a household_id");
    await unique("households", H, "household_id");
    await nonEmpty("households", H, "village", "a village");
    await insert(
      "households",
      "category",
      H,
      `category IS NOT NULL AND category NOT IN (${CATEGORY_CODES.map(lit).join(", ")})`,
      lit(`Unknown category; expected one of ${CATEGORY_CODES.join(", ")}`),
    );
    await nonEmpty("households", H, "category", `a category (one of ${CATEGORY_CODES.join(", ")})`);
  }
  if (M) {
    await nonEmpty("members", M, "person_id", "a person_id");
    await unique("members", M, "person_id");
    await nonEmpty("members", M, "household_id", "the household_id of its household");
  }
  if (V) {
    // batch, channel and need may be empty (null): such a row still labels its household, with
    // need not true; a row without a batch counts only overall. Present values must be valid.
    await nonEmpty("verified", V, "household_id", "a household_id");
    await insert(
      "verified",
      "channel",
      V,
      `channel IS NOT NULL AND channel NOT IN (${VERIFIED_CHANNELS.map(lit).join(", ")})`,
      lit(`Unknown channel; expected one of ${VERIFIED_CHANNELS.join(", ")}`),
    );
  }
  // References, in cascade order: households → members → households without members → verified.
  const rejectedRows = (table: TableName) => `(SELECT "row" FROM _problems WHERE tbl = ${lit(table)})`;
  if (H && M) {
    await db.exec(
      `INSERT INTO _problems SELECT 'members', m."_row", 'household_id', m.household_id, ` +
        `'household_id "' || m.household_id || '" is not in ' || ${
          lit(raws.households!.file.split("/").pop()!)
        } || '; add the household or fix the id' ` +
        `FROM ${M} m WHERE m.household_id IS NOT NULL AND m.household_id NOT IN (SELECT household_id FROM ${H} WHERE household_id IS NOT NULL)`,
    );
    if (lenient) {
      await db.exec(
        `INSERT INTO _problems SELECT 'members', m."_row", 'household_id', m.household_id, ` +
          `'Its household "' || m.household_id || '" was rejected (households row ' || h."_row" || ')' ` +
          `FROM ${M} m JOIN ${H} h USING (household_id) WHERE h."_row" IN ${rejectedRows("households")} ` +
          `AND NOT EXISTS (SELECT 1 FROM ${H} h2 WHERE h2.household_id = m.household_id AND h2."_row" NOT IN ${
            rejectedRows("households")
          })`,
      );
    }
    const memberFile = raws.members!.file.split("/").pop()!;
    await db.exec(
      `INSERT INTO _problems SELECT 'households', h."_row", 'household_id', h.household_id, ` +
        `'Household "' || h.household_id || '" has no member rows in ${memberFile}' || ` +
        `CASE WHEN EXISTS (SELECT 1 FROM ${M} m WHERE m.household_id = h.household_id) THEN ' that were accepted' ELSE '' END || ` +
        `'; every household needs at least one member' ` +
        `FROM ${H} h WHERE h.household_id IS NOT NULL ` +
        (lenient ? `AND h."_row" NOT IN ${rejectedRows("households")} ` : "") +
        `AND NOT EXISTS (SELECT 1 FROM ${M} m WHERE m.household_id = h.household_id` +
        (lenient ? ` AND m."_row" NOT IN ${rejectedRows("members")})` : ")"),
    );
  }
  if (H && V) {
    await db.exec(
      `INSERT INTO _problems SELECT 'verified', v."_row", 'household_id', v.household_id, ` +
        `'household_id "' || v.household_id || '" is not in ' || ${lit(raws.households!.file.split("/").pop()!)} || ` +
        `CASE WHEN EXISTS (SELECT 1 FROM ${H} h WHERE h.household_id = v.household_id) THEN ' (its row was rejected)' ELSE '; fix the id' END ` +
        `FROM ${V} v WHERE v.household_id IS NOT NULL AND v.household_id NOT IN ` +
        `(SELECT household_id FROM ${H} WHERE household_id IS NOT NULL AND "_row" NOT IN ${
          rejectedRows("households")
        })` +
        (lenient ? "" : ` AND v.household_id NOT IN (SELECT household_id FROM ${H} WHERE household_id IS NOT NULL)`),
    );
  }

  // 5. Collect problems, decide, build the final tables.
  const fileOf = (table: string) => raws[table as TableName]?.file ?? table;
  const [{ n: rowProblemCount }] = await db.all(`SELECT count(*) AS n FROM _problems`);
  const listed = await db.all(
    `SELECT tbl, "row", col, val, message FROM _problems ORDER BY tbl = 'households' DESC, tbl = 'members' DESC, tbl, "row", col NULLS FIRST LIMIT ${maxProblems}`,
  );
  for (const p of listed) {
    addProblem({
      file: fileOf(String(p.tbl)),
      row: Number(p.row),
      column: p.col === null ? undefined : String(p.col),
      value: p.val === null ? undefined : String(p.val),
      message: String(p.message),
    });
  }
  problemCount += Number(rowProblemCount) - listed.length;
  if (!raws.households || !raws.members) fatal = true;
  const valid = problemCount === 0;

  const tables: TableReport[] = [];
  let rejected: RejectedRow[] = [];
  const schema: DatasetSchema = { households: {}, members: {} };
  const loadTables = valid || (lenient && !fatal);
  if (lenient && !fatal) {
    const all = await db.all(
      `SELECT tbl, "row", col, val, message FROM _problems ORDER BY tbl = 'households' DESC, tbl = 'members' DESC, tbl, "row", col NULLS FIRST`,
    );
    rejected = all.map((p) => ({
      file: fileOf(String(p.tbl)),
      row: Number(p.row),
      column: p.col === null ? undefined : String(p.col),
      value: p.val === null ? undefined : String(p.val),
      reason: String(p.message),
    }));
  }
  for (const rawTable of Object.values(raws)) {
    const { table } = rawTable;
    const typed = q(`_typed_${table}`);
    const [{ n: bad }] = await db.all(`SELECT count(DISTINCT "row") AS n FROM ${rejectedRows(table)}`);
    const columns = columnReports[table] ?? [];
    if (loadTables) {
      const names = columns.map((c) => q(c.name)).join(", ");
      if (Number(bad) > 0) {
        await db.exec(
          `CREATE OR REPLACE TABLE ${q(table)} AS SELECT ${names} FROM ${typed} WHERE "_row" NOT IN ${
            rejectedRows(table)
          } ORDER BY "_row"`,
        );
      } else {
        // Nothing rejected: the typed table becomes the table, without a copy.
        await db.exec(
          `DROP TABLE IF EXISTS ${q(table)}; ALTER TABLE ${typed} RENAME TO ${q(table)}; ALTER TABLE ${
            q(table)
          } DROP COLUMN "_row"`,
        );
      }
      if (columns.length > 0) {
        const stats = columns.flatMap((c, i) => [
          `count(*) - count(${q(c.name)}) AS nulls${i}`,
          c.type === "text" ? `count(DISTINCT ${q(c.name)}) AS distinct${i}` : `0 AS distinct${i}`,
        ]);
        const [s] = await db.all(`SELECT ${stats.join(", ")} FROM ${q(table)}`);
        columns.forEach((c, i) => {
          c.nulls = Number(s[`nulls${i}`]);
          if (c.type === "text") c.distinct = Number(s[`distinct${i}`]);
        });
      }
      if (table === "households" || table === "members") {
        schema[table] = Object.fromEntries(columns.map((c) => [c.name, c.type]));
        if (zeroOne[table]) (schema.zeroOne ??= {})[table] = zeroOne[table];
      }
    }
    tables.push({
      table,
      file: rawTable.file,
      format: rawTable.format,
      rowsRead: rawTable.rowsRead,
      accepted: loadTables ? rawTable.rowsRead - Number(bad) : 0,
      rejected: loadTables ? Number(bad) : rawTable.rowsRead,
      columns,
    });
    await db.exec(`DROP TABLE IF EXISTS ${q(rawTable.raw)}; DROP TABLE IF EXISTS ${typed}`);
  }
  if (loadTables && !raws.verified) {
    await db.exec(
      `CREATE OR REPLACE TABLE verified (household_id VARCHAR, batch VARCHAR, channel VARCHAR, need BOOLEAN, assistance VARCHAR, amount_yuan DOUBLE, verified_on DATE)`,
    );
  }
  digestParts.sort();
  return {
    folder,
    valid,
    lenient,
    tables,
    problems,
    problemCount,
    rejected,
    ignored,
    schema,
    digest: await sha256Hex(digestParts.join("\n")),
  };
}

function checkHeader(names: string[], file: string, addProblem: (p: Problem) => void): boolean {
  let ok = true;
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "_row") continue;
    if (!COLUMN_NAME.test(name)) {
      ok = false;
      const suggestion = name.trim().toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^[^a-z]+/, "");
      addProblem({
        file,
        row: 1,
        column: name,
        message: `Column name "${name}" is not allowed; names must match [a-z][a-z0-9_]*` +
          (suggestion ? ` (for example "${suggestion}")` : ""),
      });
    } else if (seen.has(name)) {
      ok = false;
      addProblem({ file, row: 1, column: name, message: `Column "${name}" appears twice in the header; rename one` });
    }
    seen.add(name);
  }
  return ok;
}
