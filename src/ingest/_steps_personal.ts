/**
 * The personal-data step of validation: raw resident identity numbers and mobile numbers are
 * refused in any column, with the command that pseudonymizes them.
 */
import type { Problem } from "../contract/mod.ts";
import { quoteIdent as q } from "../base/sql.ts";
import type { LoadContext, RawTable, StepResult } from "./_context.ts";
import { isMobileNumber, isResidentIdNumber, maskIdentifier } from "./_personal.ts";

/** How many candidate values of a column are checked exactly. */
const CANDIDATES = 500;

const textSql = (col: string) => `CAST(${q(col)} AS VARCHAR)`;
/**
 * SQL: true where a value is a long digit string (11 to 22 characters), the shape of both
 * identifiers. A matching value is ASCII, so its bytes are its characters (`strlen`, cheaper than
 * `length`), and it starts with `+` or a digit (`>= '+' AND < ':'`, a byte comparison that rules
 * out nearly every other value before the regular expression runs).
 */
const digitsSql = (col: string) =>
  `strlen(${textSql(col)}) BETWEEN 11 AND 22 AND ${textSql(col)} >= '+' AND ${textSql(col)} < ':' AND ` +
  `regexp_full_match(${textSql(col)}, '[+]?[0-9]{10,}[0-9Xx]([.]0+)?')`;

/** The DuckDB types whose values are numbers (Parquet columns): their text is never needed to rule them out. */
const NUMERIC_TYPE =
  /^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)/;

/** Whether a raw column holds numbers, whose text is a long digit string only when they are 1e10 or more and whole. */
function isNumeric(rawTable: RawTable, col: string): boolean {
  return NUMERIC_TYPE.test((rawTable.rawTypes?.[col] ?? "").toUpperCase());
}

/** The DuckDB types whose text is never a digit string (`true`, `2024-07-21`, `2024-07-21 08:00:00`, `infinity`). */
const NEVER_DIGITS = /^(BOOLEAN|DATE|TIMESTAMP)/;

/**
 * SQL: true where a value is a long digit string; for a numeric column the arithmetic test (no
 * cast) comes first, so that only the rows it leaves are cast to text and tested.
 */
function longDigitsSql(rawTable: RawTable, col: string): string {
  return isNumeric(rawTable, col)
    ? `(${q(col)} >= 1e10 AND ${q(col)} = trunc(${q(col)})) AND ${digitsSql(col)}`
    : digitsSql(col);
}

/**
 * Step `personal_data`: one cheap scan per table finds columns with values of 11 bytes or more
 * (Parquet text columns: measured by staging; numbers: of 1e10 or more, found without casting them
 * to text; booleans, dates and timestamps never hold a digit string), then a filter per such column
 * looks for a long digit string; only columns that have one are then read (their first candidates)
 * and checked exactly: pattern and GB 11643 check digit.
 */
export async function checkPersonalData(ctx: LoadContext): Promise<StepResult> {
  const fatal: Problem[] = [];
  for (const rawTable of Object.values(ctx.state.raws)) {
    const cols = rawTable.columns;
    if (cols.length === 0) continue;
    // Per column, the most characters a value may have (numbers: 11 when some are 1e10 or more), or
    // the SQL that finds it. Staging measured the longest text of each Parquet text column in bytes;
    // bytes bound characters, so fewer than 11 needs no second look, and neither does a long column's
    // count below, which is exact.
    const bound: (number | string)[] = cols.map((col) => {
      const type = (rawTable.rawTypes?.[col] ?? "").toUpperCase();
      if (NEVER_DIGITS.test(type)) return 0;
      const bytes = rawTable.maxBytes?.get(col);
      if (bytes !== undefined) return bytes;
      return isNumeric(rawTable, col)
        ? `CASE WHEN max(${q(col)}) >= 1e10 THEN 11 ELSE 0 END`
        : `max(strlen(${textSql(col)}))`;
    });
    const measured = bound.flatMap((b, i) => (typeof b === "string" ? [`${b} AS l${i}`] : []));
    const [longest] = measured.length > 0
      ? await ctx.db.all(`SELECT ${measured.join(", ")} FROM ${q(rawTable.raw)}`)
      : [{}];
    const long = cols.filter((_, i) => Number(typeof bound[i] === "number" ? bound[i] : longest[`l${i}`] ?? 0) >= 11);
    if (long.length === 0) continue;
    for (const col of long) {
      // A filter of its own per column (not one aggregate of all): it short-circuits value by value,
      // and Parquet skips the row groups whose statistics rule out a digit string.
      const from = sourceOf(ctx, rawTable, col);
      const [{ n }] = await ctx.db.all(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${longDigitsSql(rawTable, col)} LIMIT 1)`,
      );
      if (Number(n) === 0) continue;
      const problem = await identifierProblem(ctx, rawTable, col, from);
      if (problem) fatal.push(problem);
    }
  }
  return { fatal };
}

/**
 * Where a column's raw values are read from: the raw table, or for a CSV file staged as a view and a
 * text column, the typed table, which holds the same text with the same row numbers and needs no
 * second read of the file.
 */
function sourceOf(ctx: LoadContext, rawTable: RawTable, col: string): string {
  const typed = rawTable.format === "csv" && rawTable.view && ctx.state.types[rawTable.table]?.[col]?.type === "text";
  return q(typed ? `_typed_${rawTable.table}` : rawTable.raw);
}

/** The problem of a column whose first long digit strings include an identity or mobile number, if any. */
async function identifierProblem(
  ctx: LoadContext,
  rawTable: RawTable,
  col: string,
  from: string,
): Promise<Problem | undefined> {
  const candidates = await ctx.db.all(
    `SELECT "#row" AS r, regexp_replace(${textSql(col)}, '[.]0+$', '') AS v FROM ${from} WHERE ${
      longDigitsSql(rawTable, col)
    } ORDER BY "#row" LIMIT ${CANDIDATES}`,
  );
  const id = candidates.find((c) => isResidentIdNumber(String(c.v)));
  const mobile = candidates.find((c) => isMobileNumber(String(c.v)));
  const hit = id ?? mobile;
  if (!hit) return undefined;
  return {
    file: rawTable.file,
    row: Number(hit.r),
    column: col,
    value: maskIdentifier(String(hit.v)),
    message: `Column "${col}" holds what look like ${id ? "resident identity numbers" : "mobile phone numbers"}; ` +
      `raw personal identifiers must not be loaded. ` +
      `Pseudonymize it first: deno task anonymize --in <raw folder> --out <dataset folder> --key-file <key file> --columns ${col}`,
  };
}
