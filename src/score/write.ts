/**
 * Scores written straight from DuckDB (`COPY`), never as rows through JavaScript: what lets a
 * province (5.2M households) be scored in bounded memory. The CSV is byte for byte what
 * `scoresCsv` writes from rows (src/base/csv.ts: formula cells neutralised, RFC 4180 quoting,
 * numbers as JavaScript prints them); a number JavaScript would print in exponent notation stops
 * the copy, and the caller writes through rows instead.
 */
import type { CopyFormat, Db } from "../db/mod.ts";
import {
  buildSteps,
  type CompiledModel,
  pipelineSql,
  SCORED_COLUMNS,
  SCORED_ORDER,
  type StepOptions,
  sumsOrderFreeSql,
} from "../model/mod.ts";

/** What scoring needs of a database to write a file. */
export type CopyDb = Pick<Db, "exec" | "all" | "copyTo">;

/**
 * The fastest steps that give the same scores: member rules that read only their household
 * evaluated per household, and order-free `sum_members` where the data allow it (every summed
 * value a whole number; one scan of members checks).
 */
export async function scoringOptions(db: Pick<Db, "all">, compiled: CompiledModel): Promise<StepOptions> {
  const sql = sumsOrderFreeSql(compiled);
  if (sql === null) return { householdOnlyRules: true };
  const [{ order_free }] = await db.all(sql);
  return order_free === true ? { householdOnlyRules: true, orderFreeSums: true } : { householdOnlyRules: true };
}

/** The message of the copy that met a number JavaScript prints in exponent notation. */
const NOT_PLAIN = "scores: a number outside the plain-decimal range";

/** SQL: a DOUBLE as JavaScript's `String(x)` prints it, '' for null; numbers it would print in exponent notation raise an error. */
export function numberCellSql(x: string): string {
  return `CASE WHEN ${x} IS NULL THEN '' ` +
    `WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e15 THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ` +
    `WHEN abs(${x}) >= 1e-4 AND abs(${x}) < 1e15 THEN CAST(${x} AS VARCHAR) ` +
    `ELSE error('${NOT_PLAIN}') END`;
}

/**
 * SQL: a text value as one CSV cell of src/base/csv.ts (formula-like text neutralised, then quoted if
 * needed). The leading `'` of a neutralised formula never needs quoting, so whether to quote is decided
 * on the value itself, and the value is not rebuilt for every test; the first character is tested by
 * its code point (`ascii`), and without `IN (…)`, which DuckDB plans here as one join per use.
 */
export function textCellSql(v: string): string {
  const formulaStart = `list_contains([61, 43, 45, 64, 9, 13], ascii(${v}))`;
  const formula =
    `(${formulaStart} AND NOT regexp_full_match(${v}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?'))`;
  const mark = `(CASE WHEN ${formula} THEN '''' ELSE '' END)`;
  const quoted = `(contains(${v}, '"') OR contains(${v}, ',') OR contains(${v}, chr(13)) OR contains(${v}, chr(10)))`;
  // Nearly every value starts with no formula character and needs no quotes: it is written as it is,
  // and only the others are built (the same cell either way).
  const plain = `NOT (${formulaStart} OR ${quoted})`;
  return `CASE WHEN ${v} IS NULL THEN '' WHEN ${plain} THEN ${v} ` +
    `WHEN ${quoted} THEN '"' || ${mark} || replace(${v}, '"', '""') || '"' ` +
    `ELSE ${mark} || ${v} END`;
}

/** The counts of a written scores file. */
export interface WrittenScores {
  households: number;
  warned: number;
  /** With `{ warnedIds: true }`: the ids of the warned households, in household_id order. */
  warnedIds?: string[];
}

/**
 * Writes `scores.csv` (contract §3: per_capita descending, then household_id) to `path` with
 * `COPY`, or the scored households as Parquet (`format: "parquet"`, typed columns). Returns the
 * counts (and, with `warnedIds`, which households are warned: what evaluation needs of the scores,
 * without their rows through JavaScript), or null when a number would not print as plain decimals
 * (write through rows then).
 */
export async function copyScores(
  db: CopyDb,
  compiled: CompiledModel,
  path: string,
  format: Extract<CopyFormat, "lines" | "parquet"> = "lines",
  options: { warnedIds?: boolean } = {},
): Promise<WrittenScores | null> {
  const steps = buildSteps(compiled, { ...(await scoringOptions(db, compiled)), memberUnits: true });
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE _scored AS ${pipelineSql(steps, `SELECT ${SCORED_COLUMNS.join(", ")} FROM scored`)}`,
  );
  try {
    const [{ n, warned }] = await db.all(`SELECT count(*) AS n, count(band) AS warned FROM _scored`);
    if (format === "parquet") {
      await db.copyTo(`SELECT * FROM _scored ORDER BY ${SCORED_ORDER}`, path, "parquet");
    } else {
      const cells = [
        textCellSql("household_id"),
        textCellSql("village"),
        textCellSql("category"),
        `CAST(members AS VARCHAR)`,
        numberCellSql("total_points"),
        numberCellSql("per_capita"),
        textCellSql("band"),
      ];
      const header = SCORED_COLUMNS.join(",");
      try {
        await db.copyTo(
          `SELECT ${cells.join(" || ',' || ")} AS "${header}" FROM _scored ORDER BY ${SCORED_ORDER}`,
          path,
          "lines",
        );
      } catch (error) {
        if ((error as Error).message.includes(NOT_PLAIN)) return null;
        throw error;
      }
    }
    const written: WrittenScores = { households: Number(n), warned: Number(warned) };
    if (options.warnedIds) {
      const rows = await db.all(`SELECT household_id FROM _scored WHERE band IS NOT NULL ORDER BY household_id`);
      written.warnedIds = rows.map((r) => r.household_id as string);
    }
    return written;
  } finally {
    await db.exec(`DROP TABLE IF EXISTS _scored`);
  }
}
