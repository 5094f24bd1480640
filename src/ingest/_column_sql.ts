/**
 * Column types in SQL: which raw text values are numbers, booleans and dates, how they convert, how
 * a column's type is inferred from its values, and what a message says was expected.
 */
import type { ColumnType } from "../contract/mod.ts";
import { quoteIdent as q } from "../base/sql.ts";

/** The texts a boolean column accepts (lowercased, trimmed). */
export const BOOLEAN_WORDS = "('true','false','1','0')";
/** Share of values that must fit a type for a column to take it, the rest being reported as bad values. */
export const MAJORITY = 0.9;
/** Below this many values, a column takes a type only when every value fits it. */
export const MAJORITY_MIN_VALUES = 10;

/** What a message says a value of each type looks like. */
export const EXPECTED: Record<ColumnType, string> = {
  number: "a number such as 1200 or 0.5",
  boolean: "a boolean: true, false, 1 or 0",
  date: "a date written YYYY-MM-DD",
  text: "text",
};

/** SQL: true where text `v` is a plain decimal number (what DuckDB's cast accepts, less inf, nan and 1_000). */
export function isNumberSql(v: string): string {
  return `(isfinite(TRY_CAST(${v} AS DOUBLE)) AND NOT contains(${v}, '_'))`;
}

/** SQL: true where text `v` is a date written YYYY-MM-DD. */
export function isDateSql(v: string): string {
  return `(length(${v}) = 10 AND substr(${v}, 5, 1) = '-' AND substr(${v}, 8, 1) = '-' AND TRY_CAST(${v} AS DATE) IS NOT NULL)`;
}

/** SQL: a column's value as trimmed text. */
export function trimmedSql(col: string): string {
  return `trim(CAST(${q(col)} AS VARCHAR))`;
}

/**
 * The SQL that converts a raw text value to its type (null where it does not convert). Numbers and
 * booleans first try the value as it stands (most are written plainly: `1200`, `true`), which gives
 * the same result as trimming first whenever it succeeds; only the rest are trimmed and tested.
 */
export function convertSql(col: string, type: ColumnType): string {
  const v = `CAST(${q(col)} AS VARCHAR)`;
  const c = trimmedSql(col);
  switch (type) {
    case "text":
      return v;
    case "number":
      return `CASE WHEN ${isNumberSql(v)} THEN TRY_CAST(${v} AS DOUBLE) ` +
        `WHEN ${isNumberSql(c)} THEN TRY_CAST(${c} AS DOUBLE) END`;
    case "boolean":
      return `CASE ${v} WHEN 'true' THEN true WHEN 'false' THEN false WHEN '1' THEN true WHEN '0' THEN false ELSE ` +
        `CASE lower(${c}) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END END`;
    case "date":
      return `CASE WHEN ${isDateSql(c)} THEN TRY_CAST(${c} AS DATE) END`;
  }
}

/**
 * The SQL that reads a Parquet column already of its type as that type (DOUBLE for numbers, DATE for
 * dates); NaN and infinite values are null there, so they are reported like values that do not convert
 * (`NaN >= 60` is true in DuckDB: a NaN age must never reach a rule).
 */
export function nativeSql(col: string, type: ColumnType, duckType = ""): string {
  const sqlType = type === "number" ? "DOUBLE" : type === "date" ? "DATE" : undefined;
  if (!sqlType) return q(col);
  const cast = `CAST(${q(col)} AS ${sqlType})`;
  // Integers and decimals are always finite as DOUBLE: the test would never fail.
  return keepsAll(duckType) ? cast : `CASE WHEN isfinite(${cast}) THEN ${cast} END`;
}

/**
 * Whether a Parquet column read as its own type keeps every value: booleans, and numbers whose DuckDB
 * type has no NaN or infinity (integers and decimals, all finite as DOUBLE).
 */
export function keepsAll(duckType: string): boolean {
  return /^(BOOLEAN$|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL|NUMERIC)/
    .test(duckType.toUpperCase());
}

/** What a bad-value message says of a value of a Parquet column already of its type: it is not finite. */
export const NOT_FINITE: Partial<Record<ColumnType, string>> = {
  number: `Expected ${EXPECTED.number}, not NaN or infinity; fix the value or leave it empty`,
  date: `Expected ${EXPECTED.date}, not infinity; fix the value or leave it empty`,
};

/** The column type a DuckDB (Parquet) type already is, if any. */
export function duckTypeToColumnType(duckType: string): ColumnType | undefined {
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

/**
 * SQL: one row per column of `from` named in `cols` (`k`, its index in `cols`) with how many of its
 * non-null values fit each type ({@link InferenceCounts}); a column with no values has no row. The
 * values are unpivoted into one text column, so each test is written once whatever the column
 * count: the query's cost grows with the values, not with the square of the columns (a select list
 * of thousands of filtered counts plans in time that grows faster than its length).
 */
export function inferenceCountsSql(from: string, cols: readonly string[]): string {
  const values = cols.map((col, i) => `CAST(${q(col)} AS VARCHAR) AS "${i}"`).join(", ");
  const unpivoted = `UNPIVOT (SELECT ${values} FROM ${q(from)}) ON ${
    cols.map((_, i) => `"${i}"`).join(", ")
  } INTO NAME k VALUE v`;
  return `SELECT CAST(k AS INTEGER) AS k, count(*) AS n, ` +
    `count(*) FILTER (WHERE ${isNumberSql("t")}) AS num, ` +
    `count(*) FILTER (WHERE lower(t) IN ('true','false')) AS word, ` +
    `count(*) FILTER (WHERE lower(t) IN ${BOOLEAN_WORDS}) AS bool, ` +
    `count(*) FILTER (WHERE ${isDateSql("t")}) AS date ` +
    `FROM (SELECT k, trim(v) AS t FROM (${unpivoted})) GROUP BY k`;
}

/** How many of a column's values fit each type (from {@link inferenceCountsSql}). */
export interface InferenceCounts {
  /** Non-null values. */
  n: number;
  num: number;
  /** Values that are the words true or false. */
  word: number;
  /** Values that are true, false, 1 or 0. */
  bool: number;
  date: number;
}

/**
 * The type inferred from the counts: boolean when (nearly) all values are booleans and some are the
 * words true/false, else number, else date, else text. `zeroOne`: a number column of only 0 and 1.
 */
export function inferType(k: InferenceCounts): { type: ColumnType; zeroOne: boolean } {
  const most = (x: number) => x === k.n || (k.n >= MAJORITY_MIN_VALUES && x >= MAJORITY * k.n);
  let type: ColumnType = "text";
  if (k.n === 0) type = "text";
  else if (k.word > 0 && most(k.bool)) type = "boolean";
  else if (most(k.num)) type = "number";
  else if (most(k.date)) type = "date";
  return { type, zeroOne: type === "number" && k.word === 0 && k.bool === k.n };
}
