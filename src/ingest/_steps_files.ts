/**
 * The file steps of validation: `description` (dataset.json), `inventory` (files that are not
 * tables) and `staging` (each table's CSV, Parquet or xlsx file into a raw table with row numbers;
 * headers mapped to names by dataset.json `header`).
 */
import {
  COLUMN_NAME,
  type DatasetDescription,
  DatasetDescriptionSchema,
  type Problem,
  sha256Hex,
  type TableName,
  TABLES,
} from "../contract/mod.ts";
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { type Db, dropTableOrView, type FileSource, type WrittenSource } from "../db/types.ts";
import { formatInt } from "../base/format.ts";
import { type CsvScanResult, LIMITS, notUtf8Message, scanCsv, scanCsvFile, shownValue } from "./_csv_scan.ts";
import { type LoadContext, type RawTable, readBytes, type StepResult } from "./_context.ts";
import type { DatasetFile } from "./types.ts";
import { stageXlsx } from "./_stage_xlsx.ts";

/** Step `description`: reads dataset.json, if present, into column descriptions and types. */
export async function readDescription(ctx: LoadContext): Promise<StepResult> {
  const file = ctx.byName.get("dataset.json");
  if (!file) return {};
  const bytes = await readBytes(file);
  const digestParts = [...ctx.state.digestParts, `dataset.json\t${await sha256Hex(bytes)}`];
  const fatal: Problem[] = [];
  let description: DatasetDescription = ctx.state.description;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    fatal.push({ file: ctx.path("dataset.json"), message: `Not valid JSON: ${(error as Error).message}` });
  }
  if (raw !== undefined) {
    const parsed = DatasetDescriptionSchema.safeParse(raw);
    if (parsed.success) description = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        fatal.push({ file: ctx.path("dataset.json"), message: `${issue.path.join(".")}: ${issue.message}` });
      }
    }
  }
  return { fatal, state: { description, digestParts } };
}

/** Step `inventory`: lists the files that are not tables of the contract (raw extracts, others). */
export function listIgnored(ctx: LoadContext): Promise<StepResult> {
  const ignored: string[] = [];
  for (const f of ctx.files) {
    const m = /^([a-z_]+)\.(csv|parquet|xlsx)$/.exec(f.name);
    if (f.name === "dataset.json") continue;
    if (f.name.startsWith("sources/")) ignored.push(`${f.name} (a raw department extract; the merge step reads it)`);
    else if (!m || !(m[1] in TABLES)) ignored.push(`${f.name} (not a table of the contract)`);
  }
  return Promise.resolve({ state: { ignored } });
}

/** What staging one table gives: its raw table, or the problems that stop it. */
export interface Staged {
  raw?: RawTable;
  fatal: Problem[];
  rows: string[];
  digestPart?: string;
}

/** A table's file headers mapped to column names (dataset.json `header`, trimmed): `户编号` → `household_id`. */
export type HeaderMap = ReadonlyMap<string, string>;

/** The header mapping dataset.json gives a table. */
function headerMap(ctx: LoadContext, table: TableName): HeaderMap {
  const columns = ctx.state.description.tables[table] ?? {};
  return new Map(
    Object.entries(columns).flatMap(([name, c]) => (c.header === undefined ? [] : [[c.header.trim(), name]])),
  );
}

/** Renames a staged table's mapped headers to their column names (the raw table and its column list). */
async function applyHeaderMap(ctx: LoadContext, raw: RawTable, mapping: HeaderMap): Promise<void> {
  const columns: string[] = [];
  const rawTypes: Record<string, string> = {};
  const maxBytes = new Map<string, number>();
  for (const header of raw.columns) {
    const name = mapping.get(header.trim()) ?? header;
    if (name !== header) await ctx.db.exec(`ALTER TABLE ${q(raw.raw)} RENAME COLUMN ${q(header)} TO ${q(name)}`);
    columns.push(name);
    rawTypes[name] = raw.rawTypes[header];
    const bytes = raw.maxBytes?.get(header);
    if (bytes !== undefined) maxBytes.set(name, bytes);
  }
  raw.columns = columns;
  raw.rawTypes = rawTypes;
  if (raw.maxBytes) raw.maxBytes = maxBytes;
}

/**
 * Step `staging`: reads each table's file (exactly one of CSV, Parquet or xlsx; `households` and
 * `members` are required) into `_raw_<table>` with its row number, checking encoding, emptiness
 * and header names (after dataset.json's `header` mapping).
 */
export async function stageTables(ctx: LoadContext): Promise<StepResult> {
  const raws: Partial<Record<TableName, RawTable>> = {};
  const fatal: Problem[] = [];
  const rows: string[] = [];
  const digestParts = [...ctx.state.digestParts];
  for (const table of Object.keys(TABLES) as TableName[]) {
    const present = (["csv", "parquet", "xlsx"] as const).filter((ext) => ctx.byName.has(`${table}.${ext}`));
    const mapping = headerMap(ctx, table);
    let staged: Staged;
    if (present.length > 1) {
      const names = present.map((ext) => `${table}.${ext}`);
      const message = `Both ${names.join(" and ")} are present; keep one of them`;
      staged = { fatal: [{ file: ctx.path(names[0]), message }], rows: [] };
    } else if (present[0] === "csv") staged = await stageCsv(ctx, table, ctx.byName.get(`${table}.csv`)!);
    else if (present[0] === "parquet") staged = await stageParquet(ctx, table, ctx.byName.get(`${table}.parquet`)!);
    else if (present[0] === "xlsx") staged = await stageXlsx(ctx, table, ctx.byName.get(`${table}.xlsx`)!, mapping);
    else {
      // .xlsx is accepted too; the message keeps its established wording.
      const message = `Missing required table "${table}": expected ${table}.csv or ${table}.parquet in the folder`;
      staged = { fatal: TABLES[table].required ? [{ file: ctx.path(`${table}.csv`), message }] : [], rows: [] };
    }
    if (staged.raw && mapping.size > 0) await applyHeaderMap(ctx, staged.raw, mapping);
    if (staged.raw && staged.raw.rowsRead === 0 && TABLES[table].required) {
      const what = table === "households" ? "household" : "member";
      staged.fatal.push({
        file: staged.raw.file,
        row: 2,
        message: `File has a header but no rows; add at least one ${what} (one row each) and load it again`,
      });
    }
    if (staged.raw && staged.fatal.length === 0) ctx.onStaged?.(staged.raw);
    fatal.push(...staged.fatal);
    rows.push(...staged.rows);
    if (staged.digestPart) digestParts.push(staged.digestPart);
    if (staged.raw) raws[table] = staged.raw;
  }
  return { fatal, rows, state: { raws, digestParts } };
}

/** How many CSV structure problems one `VALUES` statement appends. */
const VALUES_PER_STATEMENT = 500;

/** A CSV file's structural scan and how DuckDB is to read it. */
interface CsvRead {
  scan: CsvScanResult;
  digest: string;
  /** Whether it may be a view (no header mapping, at most {@link CSV_VIEW_COLUMNS} names, no quote in the header line). */
  viewable: boolean;
  /** Whether it reads as it is: the file itself (or its bytes after a BOM) is the view's source. */
  asIs: boolean;
  /** The file as it is, for {@link asIs}. */
  asItIs?: FileSource;
  /** Its rewritten copy (`#row` first), when it does not read as it is. */
  rewritten?: FileSource | WrittenSource;
}

/** Whether a scan of a file that may be a view finds it can be read as it is (a column named rowid would hide the position it is numbered by). */
function readsAsIs(scan: CsvScanResult): boolean {
  return scan.sequential === true && scan.header.length <= CSV_VIEW_COLUMNS && !scan.header.includes("rowid");
}

/** Scans a CSV file held in memory (or read into it whole). */
async function readCsvBytes(ctx: LoadContext, table: TableName, file: DatasetFile): Promise<CsvRead> {
  const bytes = await readBytes(file);
  const digest = sha256Hex(bytes); // hashed off the main thread while the scan runs
  // A file that can be read as it is (`sequential`) needs no rewritten copy: scanned without one
  // first when its header line promises a view, scanned again with one only when it turns out not to.
  const viewable = headerMap(ctx, table).size === 0 && mayStageAsView(bytes);
  let scan = scanCsv(bytes, { rewrite: !viewable });
  const asIs = viewable && readsAsIs(scan);
  if (viewable && !asIs) scan = scanCsv(bytes);
  const read: CsvRead = { scan, digest: await digest, viewable, asIs };
  if (!asIs) read.rewritten = { bytes: scan.bytes };
  else if (!scan.bom && ctx.db.engine === "native" && "path" in file.source) read.asItIs = { path: file.source.path };
  else {
    const asItIs = scan.bom ? bytes.subarray(3) : bytes;
    // The browser's engine takes a buffer it is given (transferred to its worker): a copy, so that
    // the caller's bytes stay whole (the native engine writes its own copy to disk).
    read.asItIs = { bytes: ctx.db.engine === "native" ? asItIs : asItIs.slice() };
  }
  return read;
}

/**
 * Scans a large CSV file on disk piece by piece (`LoadOptions.largeCsv`): as it is, the view
 * reads the file itself; otherwise its rewritten copy is made piece by piece, by a second scan, as
 * DuckDB's engine writes it to its own temporary file.
 */
async function readCsvFile(ctx: LoadContext, table: TableName, path: string): Promise<CsvRead> {
  const { pieceBytes } = ctx.largeCsv;
  const scan = await scanCsvFile(path, { pieceBytes });
  const viewable = headerMap(ctx, table).size === 0 && !scan.headerQuoted &&
    scan.header.length <= CSV_VIEW_COLUMNS;
  // A byte-order mark: the rewritten copy (which has none), since the file itself is not read then.
  const asIs = viewable && readsAsIs(scan) && !scan.bom;
  const rewritten: WrittenSource = {
    write: async (sink) => {
      await scanCsvFile(path, { rewrite: sink, pieceBytes });
    },
  };
  return { scan, digest: scan.sha256, viewable, asIs, ...(asIs ? { asItIs: { path } } : { rewritten }) };
}

/** The path of a CSV file on disk large enough to be scanned piece by piece (native engine), else undefined. */
async function largeCsvPath(ctx: LoadContext, file: DatasetFile): Promise<string | undefined> {
  if (ctx.db.engine !== "native" || !("path" in file.source)) return undefined;
  const { stat } = await import("node:fs/promises");
  const path = file.source.path;
  return (await stat(path)).size >= ctx.largeCsv.bytes ? path : undefined;
}

/** Stages a CSV file: a structural scan first (UTF-8, fields per row, quotes), then DuckDB reads the rows kept. */
async function stageCsv(ctx: LoadContext, table: TableName, file: DatasetFile): Promise<Staged> {
  const large = await largeCsvPath(ctx, file);
  const read = large === undefined ? await readCsvBytes(ctx, table, file) : await readCsvFile(ctx, table, large);
  const { scan, viewable, asIs } = read;
  const raw = `_raw_${table}`;
  const at = ctx.path(file.name);
  await ctx.db.exec(`DROP TABLE IF EXISTS ${q(raw)}`);
  const digestPart = `${file.name}\t${read.digest}`;
  if (scan.notUtf8) {
    const message = notUtf8Message(scan.notUtf8.looksGbk);
    return { fatal: [{ file: at, row: scan.notUtf8.row, message }], rows: [], digestPart };
  }
  if (scan.tooWide !== undefined) return { fatal: [tooWide(at, scan.tooWide)], rows: [], digestPart };
  if (scan.tooLong) {
    const message = `Field of ${formatInt(scan.tooLong.bytes)} bytes is longer than the limit of ${
      formatInt(LIMITS.fieldBytes)
    } bytes per field; shorten it or move long text out of the table`;
    const problem: Problem = { file: at, row: scan.tooLong.row, message };
    if (scan.tooLong.column !== undefined) problem.column = scan.tooLong.column;
    return { fatal: [problem], rows: [], digestPart };
  }
  if (scan.header.length === 0 || (scan.header.length === 1 && scan.header[0] === "")) {
    const message = "File is empty; expected a header row of column names";
    return { fatal: [{ file: at, row: 1, message }], rows: [], digestPart };
  }
  const headerProblems = checkHeader(scan.header, at, headerMap(ctx, table));
  if (headerProblems.length > 0) return { fatal: headerProblems, rows: [], digestPart };
  const rows: string[] = [];
  for (let i = 0; i < scan.problems.length; i += VALUES_PER_STATEMENT) {
    const values = scan.problems.slice(i, i + VALUES_PER_STATEMENT).map((p) =>
      `(${lit(table)}, ${p.row}, ${p.column === undefined ? "NULL" : lit(p.column)}, ${
        p.value === undefined ? "NULL" : lit(p.value)
      }, ${lit(p.message)})`
    );
    rows.push(`VALUES ${values.join(", ")}`);
  }
  const registered = `_ingest_${table}.csv`;
  const readCsv = (sqlPath: string, numbered: boolean) => {
    const columns = [...(numbered ? [`'#row': 'INTEGER'`] : []), ...scan.header.map((c) => `${lit(c)}: 'VARCHAR'`)];
    return `read_csv(${sqlPath}, header=true, auto_detect=false, delim=',', quote='"', escape='"', ` +
      `columns={${columns.join(", ")}}, null_padding=false)`;
  };
  const readSql = (sqlPath: string) => `SELECT * FROM ${readCsv(sqlPath, true)}`;
  const rawTypes = Object.fromEntries(scan.header.map((c) => [c, "VARCHAR"]));
  const staged: RawTable = {
    table,
    file: at,
    format: "csv",
    raw,
    columns: scan.header,
    rawTypes,
    rowsRead: scan.rowsRead,
  };
  if (viewable && scan.header.length <= CSV_VIEW_COLUMNS && scan.fieldStats) {
    // A view (a header mapping renames a table's columns, so not then) over the file itself when it
    // reads as it is, else over the rewritten bytes with their row numbers; the bytes stay
    // registered until the view is dropped. The later steps read it twice (the typed table, and
    // rarely the values that do not convert), which costs less than copying every text value into
    // a table first. The scan's bounds stand in for the counts a table would have been measured for.
    const sqlPath = await ctx.db.registerFile(registered, asIs ? read.asItIs! : read.rewritten!);
    try {
      if (asIs) {
        // Read as it is, record k is row k + 2: `row_number() OVER ()` keeps the file's order.
        staged.csvSource = readCsv(sqlPath, false);
        await ctx.db.exec(
          `CREATE VIEW ${
            q(raw)
          } AS SELECT CAST(row_number() OVER () + 1 AS INTEGER) AS "#row", * FROM ${staged.csvSource}`,
        );
      } else await ctx.db.exec(`CREATE VIEW ${q(raw)} AS ${readSql(sqlPath)}`);
    } catch (error) {
      await ctx.db.unregisterFile(registered);
      throw error;
    }
    const { maxBytes, nonEmpty } = scan.fieldStats;
    staged.view = true;
    staged.registered = registered;
    staged.maxBytes = new Map(scan.header.map((c, i) => [c, maxBytes[i]]));
    staged.nonNullAtMost = new Map(scan.header.map((c, i) => [c, nonEmpty[i]]));
  } else {
    await withFile(
      ctx.db,
      registered,
      read.rewritten!,
      (sqlPath) => ctx.db.exec(`CREATE TABLE ${q(raw)} AS ${readSql(sqlPath)}`),
    );
  }
  return { raw: staged, fatal: [], rows, digestPart };
}

/**
 * Up to how many columns a CSV file is staged as a view over its bytes rather than a table: a wider
 * one is converted in batches (`createTyped`), each of which would read the whole file again.
 */
const CSV_VIEW_COLUMNS = 64;

/** Whether a CSV file's header line (no quote in it) has at most {@link CSV_VIEW_COLUMNS} names: a view, if the rest allows. */
function mayStageAsView(bytes: Uint8Array): boolean {
  const end = bytes.indexOf(0x0a);
  const line = bytes.subarray(0, end < 0 ? bytes.length : end);
  if (line.includes(0x22)) return false;
  let names = 1;
  for (const b of line) if (b === 0x2c && ++names > CSV_VIEW_COLUMNS) return false;
  return true;
}

/** Drops a staged table's raw table or view and releases the file a view reads, if any. */
export async function releaseRaw(db: Db, raw: RawTable): Promise<void> {
  await dropTableOrView(db, raw.raw);
  if (raw.registered) await db.unregisterFile(raw.registered);
}

/**
 * Stages a Parquet file. On the native engine, a file on disk is not copied: `_raw_<table>` is a
 * view over `read_parquet(path)` with the row number from the file's own row positions
 * (`file_row_number + 2`, after a notional header). Otherwise (the browser, in-memory bytes, a
 * dataset.json header mapping for the table, or a file that has a column named `file_row_number`)
 * the file is imported into a table first, and the
 * row number is its position plus 2; a user column named `rowid` is set aside for that while it is
 * read, so it cannot stand in for the position.
 */
async function stageParquet(ctx: LoadContext, table: TableName, file: DatasetFile): Promise<Staged> {
  const raw = `_raw_${table}`;
  const at = ctx.path(file.name);
  const db = ctx.db;
  const onDisk = db.engine === "native" && "path" in file.source ? file.source.path : undefined;
  const digestPart = `${file.name}\t${onDisk ? await fileSha256(onDisk) : await sha256Hex(await readBytes(file))}`;
  await dropTableOrView(db, raw);
  let columns: string[];
  let rawTypes: Record<string, string>;
  let inPlace = false;
  try {
    const source = onDisk ? `read_parquet(${lit(onDisk)})` : undefined;
    const described = source ? await db.all(`DESCRIBE SELECT * FROM ${source}`) : [];
    const names = described.map((r) => String(r.column_name));
    // A header mapping renames the raw columns (applyHeaderMap): a table then, not a view over the file.
    if (source && !names.includes("file_row_number") && headerMap(ctx, table).size === 0) {
      await db.exec(
        `CREATE VIEW ${q(raw)} AS SELECT CAST(file_row_number + 2 AS INTEGER) AS "#row", * EXCLUDE (file_row_number) ` +
          `FROM read_parquet(${lit(onDisk!)}, file_row_number = true)`,
      );
      inPlace = true;
    } else await importParquetTable(ctx, table, file, raw);
    const typed = await db.all(`DESCRIBE ${q(raw)}`);
    columns = typed.map((r) => String(r.column_name)).filter((c) => c !== "#row");
    rawTypes = Object.fromEntries(typed.map((r) => [String(r.column_name), String(r.column_type)]));
  } catch (error) {
    await dropTableOrView(db, raw);
    const message = `Cannot read Parquet file: ${(error as Error).message.split("\n")[0]}`;
    return { fatal: [{ file: at, message }], rows: [], digestPart };
  }
  const refuse = async (problem: Problem): Promise<Staged> => {
    await dropTableOrView(db, raw);
    return { fatal: [problem], rows: [], digestPart };
  };
  if (columns.length > LIMITS.columns) return await refuse(tooWide(at, columns.length));
  const headerProblems = checkHeader(columns, at, headerMap(ctx, table));
  if (headerProblems.length > 0) {
    await dropTableOrView(db, raw);
    return { fatal: headerProblems, rows: [], digestPart };
  }
  const maxBytes = new Map<string, number>();
  // A file read in place is not copied, so its columns' non-null counts are taken in the same scan.
  const nonNull = inPlace && columns.length <= NON_NULL_COLUMNS ? new Map<string, number>() : undefined;
  const tooLong = await longestText(
    db,
    raw,
    columns.filter((c) => rawTypes[c].startsWith("VARCHAR")),
    maxBytes,
    nonNull && { columns, counts: nonNull },
  );
  if (tooLong) {
    return await refuse({ file: at, row: tooLong.row, column: tooLong.column, message: tooLongMessage(tooLong.bytes) });
  }
  const [{ n }] = await db.all(`SELECT count(*) AS n FROM ${q(raw)}`);
  return {
    raw: {
      table,
      file: at,
      format: "parquet",
      raw,
      columns,
      rawTypes,
      rowsRead: Number(n),
      view: onDisk !== undefined,
      maxBytes,
      ...(inPlace ? { parquetPath: onDisk } : {}),
      ...(nonNull ? { nonNull } : {}),
    },
    fatal: [],
    rows: [],
    digestPart,
  };
}

/** Imports a Parquet file into the table `raw` with `"#row"` = position + 2 (a user `rowid` column set aside meanwhile). */
async function importParquetTable(ctx: LoadContext, table: TableName, file: DatasetFile, raw: string): Promise<void> {
  const db = ctx.db;
  const imported = q(`_import_${table}`);
  await db.exec(`DROP TABLE IF EXISTS ${imported}`);
  if (db.engine === "native") {
    await withFile(
      db,
      `_import_${table}.parquet`,
      await readBytes(file),
      (sqlPath) => db.exec(`CREATE TABLE ${imported} AS SELECT * FROM read_parquet(${sqlPath})`),
    );
  } else {await db.importParquet(
      `_import_${table}`,
      "bytes" in file.source ? file.source : { bytes: await readBytes(file) },
    );}
  const names = (await db.all(`DESCRIBE ${imported}`)).map((r) => String(r.column_name));
  // A column named rowid hides DuckDB's row position: renamed while the position is read, then back.
  const hasRowid = names.includes("rowid");
  if (hasRowid) await db.exec(`ALTER TABLE ${imported} RENAME COLUMN rowid TO "#rowid"`);
  await db.exec(
    `CREATE TABLE ${q(raw)} AS SELECT CAST(rowid + 2 AS INTEGER) AS "#row", *${
      hasRowid ? ` RENAME ("#rowid" AS rowid)` : ""
    } FROM ${imported}`,
  );
  await db.exec(`DROP TABLE ${imported}`);
}

/** The SHA-256 of a file on disk, read in pieces (a province's file never sits whole in memory). */
async function fileSha256(path: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  const { createReadStream } = await import("node:fs");
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/** Up to how many columns a file read in place has its non-null counts taken while staging (one select list). */
const NON_NULL_COLUMNS = 1024;

/**
 * The first (by row) text value longer than {@link LIMITS}.fieldBytes among `columns`, if any; each
 * column's longest value in bytes is set in `maxBytes` (0 when it has none), and, when asked, the
 * non-null count of each of `nonNull.columns` in `nonNull.counts` (the same scan).
 */
async function longestText(
  db: Db,
  raw: string,
  columns: string[],
  maxBytes: Map<string, number>,
  nonNull?: { columns: string[]; counts: Map<string, number> },
): Promise<{ row: number; column: string; bytes: number } | undefined> {
  const items = [
    ...columns.map((c, i) => `max(strlen(${q(c)})) AS l${i}`),
    ...(nonNull?.columns ?? []).map((c, i) => `count(${q(c)}) AS n${i}`),
  ];
  if (items.length === 0) return undefined;
  const [longest] = await db.all(`SELECT ${items.join(", ")} FROM ${q(raw)}`);
  columns.forEach((c, i) => maxBytes.set(c, Number(longest[`l${i}`] ?? 0)));
  nonNull?.columns.forEach((c, i) => nonNull.counts.set(c, Number(longest[`n${i}`])));
  if (columns.length === 0) return undefined;
  const over = columns.filter((_, i) => Number(longest[`l${i}`] ?? 0) > LIMITS.fieldBytes);
  if (over.length === 0) return undefined;
  const firsts = await db.all(
    over.map((c) =>
      `SELECT * FROM (SELECT "#row" AS r, ${lit(c)} AS c, strlen(${q(c)}) AS b FROM ${q(raw)} WHERE strlen(${
        q(c)
      }) > ${LIMITS.fieldBytes} ORDER BY "#row" LIMIT 1)`
    ).join(" UNION ALL ") + " ORDER BY r, c",
  );
  const first = firsts[0];
  return { row: Number(first.r), column: String(first.c), bytes: Number(first.b) };
}

/** The message of a field longer than the limit (CSV and Parquet alike). */
function tooLongMessage(bytes: number): string {
  return `Field of ${formatInt(bytes)} bytes is longer than the limit of ${
    formatInt(LIMITS.fieldBytes)
  } bytes per field; shorten it or move long text out of the table`;
}

/**
 * Runs `use` with `bytes` registered as a file for SQL, then unregisters it at once (the native
 * engine's temporary copy of household data must not outlive the read, even if the run crashes later).
 */
export async function withFile<T>(
  db: Db,
  name: string,
  bytes: Uint8Array | FileSource | WrittenSource,
  use: (sqlPath: string) => Promise<T>,
): Promise<T> {
  const sqlPath = await db.registerFile(name, bytes instanceof Uint8Array ? { bytes } : bytes);
  try {
    return await use(sqlPath);
  } finally {
    await db.unregisterFile(name);
  }
}

/** The problem of a table wider than {@link LIMITS}.columns. */
export function tooWide(file: string, columns: number): Problem {
  return {
    file,
    row: 1,
    message: `File has ${formatInt(columns)} columns; the limit is ${
      formatInt(LIMITS.columns)
    } columns per table: drop the columns the model does not read, or split the table`,
  };
}

/** The table a staged file holds, from its name (`data/households.xlsx (sheet 户)` → `households`). */
function tableOf(file: string): string {
  return /([a-z_]+)\.(?:csv|parquet|xlsx)\b(?![\s\S]*\.(?:csv|parquet|xlsx)\b)/.exec(file)?.[1] ?? "<table>";
}

/**
 * The problems of a header, after mapping (dataset.json `header`): names outside
 * `[a-z][a-z0-9_]*` (with a suggestion and the mapping that would fix it) and names that appear twice.
 */
export function checkHeader(headers: string[], file: string, mapping: HeaderMap = new Map()): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const header of headers) {
    const name = mapping.get(header.trim()) ?? header;
    if (name.includes("\0")) {
      const shown = name.replaceAll("\0", "\\0");
      problems.push({
        file,
        row: 1,
        column: shown,
        message: `NUL character in column name "${shown}"; remove it and load the file again`,
      });
    } else if (!COLUMN_NAME.test(name)) {
      const suggestion = name.trim().toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^[^a-z]+/, "");
      problems.push({
        file,
        row: 1,
        column: shownValue(name),
        message: `Column name "${shownValue(name)}" is not allowed; names must match [a-z][a-z0-9_]*` +
          (suggestion
            ? ` (for example "${shownValue(suggestion)}")`
            : `: rename the header, or map it to a name in dataset.json ("tables": {"${tableOf(file)}": {"<name>": ` +
              `{"header": ${JSON.stringify(shownValue(name))}}}})`),
      });
    } else if (seen.has(name)) {
      problems.push({
        file,
        row: 1,
        column: name,
        message: `Column "${name}" appears twice in the header${
          name !== header ? ` (header "${header}" is mapped to it)` : ""
        }; rename one`,
      });
    }
    seen.add(name);
  }
  return problems;
}
