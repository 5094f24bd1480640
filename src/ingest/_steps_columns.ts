/**
 * The column steps of validation: `required_columns` (the contract's columns are there),
 * `column_types` (each column's type) and `typed_tables` (values converted; those that do not
 * convert are row problems).
 */
import { type ColumnType, type Problem, type TableName, TABLES } from "../contract/mod.ts";
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { ownValue } from "../base/lookup.ts";
import {
  convertSql,
  duckTypeToColumnType,
  EXPECTED,
  type InferenceCounts,
  inferenceCountsSql,
  inferType,
  keepsAll,
  nativeSql,
  NOT_FINITE,
} from "./_column_sql.ts";
import { releaseRaw } from "./_steps_files.ts";
import { type Db, inParallel } from "../db/types.ts";
import type { ColumnTyping, InPlace, LoadContext, RawTable, StepResult, TypedBuilt } from "./_context.ts";

/**
 * How many columns one query converts or counts: a select list of thousands of conversions plans in
 * time that grows with the square of its length, batches of this many keep it linear.
 */
const BATCH = 64;
/** How many plain non-null counts one query takes (they plan in linear time, so the batches are large). */
const COUNT_BATCH = 1024;

/** Step `required_columns`: refuses a table whose header lacks a column the contract requires. */
export async function checkRequiredColumns(ctx: LoadContext): Promise<StepResult> {
  const raws: Partial<Record<TableName, RawTable>> = {};
  const fatal: Problem[] = [];
  for (const rawTable of Object.values(ctx.state.raws)) {
    const { table, columns } = rawTable;
    const missing = Object.keys(TABLES[table].columns).filter((c) => !columns.includes(c));
    if (missing.length === 0) {
      raws[table] = rawTable;
      continue;
    }
    // Not checked further: its raw table or view goes now (no later step sees it to drop it).
    await releaseRaw(ctx.db, rawTable);
    fatal.push({
      file: rawTable.file,
      row: 1,
      column: missing.join(", "),
      message: `Missing required column${missing.length > 1 ? "s" : ""} ${
        missing.map((c) => `"${c}"`).join(", ")
      }; the header has ${columns.map((c) => `"${c}"`).join(", ")}`,
    });
  }
  return { fatal, state: { raws } };
}

/**
 * Step `column_types`: each column's type, from the contract, else dataset.json, else the Parquet
 * type, else inferred from the values (one counting query per table, whatever its width).
 */
export async function decideColumnTypes(ctx: LoadContext): Promise<StepResult> {
  const types: Partial<Record<TableName, Record<string, ColumnTyping>>> = {};
  const zeroOne: Partial<Record<TableName, string[]>> = {};
  for (const rawTable of Object.values(ctx.state.raws)) {
    const { table, raw } = rawTable;
    const { typed, toInfer } = declaredTypes(ctx, rawTable);
    const counts = new Map<number, InferenceCounts>();
    if (toInfer.length > 0) {
      for (const r of await ctx.db.all(inferenceCountsSql(raw, toInfer))) {
        const k = {
          n: Number(r.n),
          num: Number(r.num),
          word: Number(r.word),
          bool: Number(r.bool),
          date: Number(r.date),
        };
        counts.set(Number(r.k), k);
      }
    }
    toInfer.forEach((col, i) => {
      const inferred = inferType(counts.get(i) ?? { n: 0, num: 0, word: 0, bool: 0, date: 0 });
      typed[col] = { type: inferred.type, source: "inferred" };
      if (inferred.zeroOne) (zeroOne[table] ??= []).push(col);
    });
    types[table] = typed;
  }
  return { state: { types, zeroOne } };
}

/**
 * The types of a table's columns known without looking at its values (contract, else dataset.json,
 * else the Parquet type), and the columns whose type is left to infer.
 */
function declaredTypes(
  ctx: LoadContext,
  rawTable: RawTable,
): { typed: Record<string, ColumnTyping>; toInfer: string[] } {
  const { table, columns, rawTypes } = rawTable;
  const spec = TABLES[table];
  const declared = ctx.state.description.tables[table] ?? {};
  const typed: Record<string, ColumnTyping> = {};
  const toInfer: string[] = [];
  for (const col of columns) {
    // Own keys only: a column named `constructor` must not find Object's.
    const fixed = ownValue(spec.columns, col) ?? ownValue(spec.optional, col);
    const parquetType = rawTable.format === "parquet" ? duckTypeToColumnType(rawTypes[col]) : undefined;
    const described = ownValue(declared, col)?.type;
    if (fixed) typed[col] = { type: fixed, source: "contract" };
    else if (described) typed[col] = { type: described, source: "dataset.json" };
    else if (parquetType) typed[col] = { type: parquetType, source: "parquet" };
    else toInfer.push(col);
  }
  return { typed, toInfer };
}

/**
 * Starts building a CSV table's `_typed_<table>` as soon as staging has read it, on a connection of
 * its own, while staging goes on with the next file: when nothing the steps in between decide can
 * change it (every required column present, every column's type declared, none inferred). The
 * `typed_tables` step waits for it instead of building it. Does nothing where the engine has one
 * connection, or for any other table.
 */
export function buildTypedEarly(ctx: LoadContext, rawTable: RawTable): void {
  const { table, columns } = rawTable;
  if (!ctx.db.connect || rawTable.format !== "csv" || !rawTable.view) return;
  if (Object.keys(TABLES[table].columns).some((c) => !columns.includes(c))) return;
  const { typed, toInfer } = declaredTypes(ctx, rawTable);
  if (toInfer.length > 0) return;
  const built = ctx.db.connect().then(async (db) => {
    try {
      return await typedTable(ctx, db, rawTable, typed);
    } finally {
      await db.close();
    }
  });
  built.catch(() => {}); // awaited, and its error thrown, by the typed_tables step
  ctx.early.set(table, built);
}

/**
 * Step `typed_tables`: builds `_typed_<table>` with every value converted to its column's type;
 * values that do not convert are row problems. One cheap count per table finds the columns that
 * lost values; only those are scanned for rows. The tables are built at the same time, each on a
 * connection of its own (native: one file's conversion leaves a core idle); those started while
 * staging ({@link buildTypedEarly}) are waited for.
 */
export async function buildTypedTables(ctx: LoadContext): Promise<StepResult> {
  const early = ctx.early;
  const raws = Object.values(ctx.state.raws);
  const late = raws.filter((r) => !early.has(r.table));
  const builtLate = await inParallel(
    ctx.db,
    late,
    (db, rawTable) => typedTable(ctx, db, rawTable, ctx.state.types[rawTable.table]!),
  );
  const built = new Map(late.map((r, i) => [r.table, builtLate[i]]));
  for (const [table, pending] of early) built.set(table, await pending);
  const inPlace: Partial<Record<TableName, InPlace>> = {};
  for (const rawTable of raws) {
    const b = built.get(rawTable.table)!;
    if (b.inPlace) inPlace[rawTable.table] = b.inPlace;
  }
  return { rows: raws.flatMap((r) => built.get(r.table)!.rows), state: { inPlace } };
}

/** Builds one table's `_typed_<table>` on `db`: the SQL of its values that do not convert, and how it is read in place, if it is. */
async function typedTable(
  ctx: LoadContext,
  db: Db,
  rawTable: RawTable,
  types: Record<string, ColumnTyping>,
): Promise<TypedBuilt> {
  const rows: string[] = [];
  const { table, raw, columns, rawTypes } = rawTable;
  const typedExpr: Record<string, string> = {};
  const native = new Set<string>();
  const select = columns.map((col) => {
    const { type } = types[col];
    if (rawTable.format === "parquet" && duckTypeToColumnType(rawTypes[col]) === type) native.add(col);
    typedExpr[col] = native.has(col) ? nativeSql(col, type, rawTypes[col]) : convertSql(col, type);
    return `${typedExpr[col]} AS ${q(col)}`;
  });
  let inPlace: InPlace | undefined;
  if (rawTable.parquetPath !== undefined && rawTable.rowsRead >= ctx.inPlaceRows) {
    // A view over the file, no copy (a province's copy costs more than all its checks, and far more
    // memory): a column already of its type is read as it is, any other converted in the view.
    const source = `read_parquet(${lit(rawTable.parquetPath)})`;
    inPlace = { source, select };
    await db.exec(
      `CREATE OR REPLACE VIEW ${q(`_typed_${table}`)} AS SELECT CAST(file_row_number + 2 AS INTEGER) AS "#row", ${
        select.join(", ")
      } FROM read_parquet(${lit(rawTable.parquetPath)}, file_row_number = true)`,
    );
  } else if (rawTable.csvSource !== undefined) {
    // A CSV file read as it is: converted straight from the file (in parallel; the view's row
    // numbers would make it one thread), each row numbered by its position in the table.
    const positional = q(positionalTable(table));
    await db.exec(`CREATE OR REPLACE TABLE ${positional} AS SELECT ${select.join(", ")} FROM ${rawTable.csvSource}`);
    await db.exec(
      `CREATE OR REPLACE VIEW ${
        q(`_typed_${table}`)
      } AS SELECT CAST(rowid + 2 AS INTEGER) AS "#row", * FROM ${positional}`,
    );
  } else await createTyped(db, `_typed_${table}`, raw, select);
  // Values that did not convert: the typed column has fewer non-null values than the raw one
  // (text columns keep every value, and so do Parquet columns already of their type that cannot
  // hold NaN or infinity, so only the others are counted).
  const checked = columns.filter((col) => types[col].type !== "text" && !(native.has(col) && keepsAll(rawTypes[col])));
  // In place, staging counted the file's values: the raw side needs no scan, and every typed
  // column but the checked ones has exactly those counts (the final table's null counts).
  const counted = inPlace ? rawTable.nonNull : undefined;
  if (checked.length === 0) {
    if (counted) inPlace!.nonNull = counted;
    return { rows, inPlace };
  }
  const nonNull = async (from: string) => {
    const counts: Record<string, unknown> = {};
    for (let start = 0; start < checked.length; start += COUNT_BATCH) {
      const items = checked.slice(start, start + COUNT_BATCH).map((col, j) => `count(${q(col)}) AS n${start + j}`);
      Object.assign(counts, (await db.all(`SELECT ${items.join(", ")} FROM ${q(from)}`))[0]);
    }
    return counts;
  };
  // A CSV view has bounds from the scan instead: a column whose typed count reaches its bound lost
  // nothing; one below it is looked at row by row (which finds none when the bound was not reached).
  const bound = counted ?? rawTable.nonNullAtMost;
  const rawCounts = bound ? Object.fromEntries(checked.map((col, i) => [`n${i}`, bound.get(col)])) : await nonNull(raw);
  const typedCounts = await nonNull(`_typed_${table}`);
  if (counted) {
    const typedNonNull = new Map(counted);
    checked.forEach((col, i) => typedNonNull.set(col, Number(typedCounts[`n${i}`])));
    inPlace!.nonNull = typedNonNull;
  }
  for (const [i, col] of checked.entries()) {
    const { type, source } = types[col];
    if (Number(rawCounts[`n${i}`]) === Number(typedCounts[`n${i}`])) continue;
    rows.push(
      `SELECT ${lit(table)}, "#row", ${lit(col)}, CAST(${q(col)} AS VARCHAR), ` +
        `${lit((native.has(col) && NOT_FINITE[type]) || `Expected ${EXPECTED[type]}${typeHint(source, type)}`)} ` +
        `FROM ${q(raw)} ` +
        `WHERE ${q(col)} IS NOT NULL AND (${typedExpr[col]}) IS NULL`,
    );
  }
  return { rows, inPlace };
}

/**
 * The table under the view `_typed_<table>` of a CSV file read as it is: its values without row
 * numbers, which the view gives from each row's position (`rowid`, in file order).
 */
export function positionalTable(table: TableName): string {
  return `_typed_${table}#positional`;
}

/**
 * Creates `typed` from `raw` with the select items (`#row` first): one statement for a table of at
 * most {@link BATCH} columns; for a wider one, each batch into a part table, then the parts side by
 * side (`POSITIONAL JOIN`: every part holds the raw rows in their order).
 */
async function createTyped(db: Db, typed: string, raw: string, select: string[]): Promise<void> {
  if (select.length <= BATCH) {
    await db.exec(`CREATE OR REPLACE TABLE ${q(typed)} AS SELECT "#row", ${select.join(", ")} FROM ${q(raw)}`);
    return;
  }
  const parts: string[] = [];
  for (let from = 0; from < select.length; from += BATCH) {
    const part = q(`${typed}#${parts.length}`);
    await db.exec(
      `CREATE OR REPLACE TEMP TABLE ${part} AS SELECT ${select.slice(from, from + BATCH).join(", ")} FROM ${q(raw)}`,
    );
    parts.push(part);
  }
  await db.exec(
    `CREATE OR REPLACE TABLE ${q(typed)} AS SELECT ${q(raw)}."#row", ${parts.map((p) => `${p}.*`).join(", ")} ` +
      `FROM ${q(raw)} POSITIONAL JOIN ${parts.join(" POSITIONAL JOIN ")}`,
  );
  for (const part of parts) await db.exec(`DROP TABLE ${part}`);
}

/** What a bad-value message adds about where the column's type came from. */
function typeHint(source: ColumnTyping["source"], type: ColumnType): string {
  if (source === "inferred") {
    return ` (most of the column is ${type}; fix the value, or declare the column "text" in dataset.json)`;
  }
  return source === "dataset.json" ? " (as dataset.json declares)" : "";
}
