/**
 * The last steps of validation: `row_problems` (the row problems in report order),
 * `lenient_rejection` (every rejected row with its reasons) and `tables` (the final tables, or
 * none when strict mode found a problem).
 */
import type { DatasetSchema, Problem, TableName } from "../contract/mod.ts";
import { quoteIdent as q } from "../base/sql.ts";
import { ownValue } from "../base/lookup.ts";
import { type Db, dropTableOrView, inParallel, type Row } from "../db/types.ts";
import { shownValue } from "./_csv_scan.ts";
import { releaseRaw } from "./_steps_files.ts";
import { positionalTable } from "./_steps_columns.ts";
import { fileOf, type LoadContext, rejectedRowsSql as rejectedRows, type StepResult } from "./_context.ts";
import type { ColumnReport, RejectedRow, TableReport } from "./types.ts";

/** Row problems in report order: households, members, then the others; by row, whole-row problems first. */
const PROBLEMS_IN_ORDER =
  `SELECT tbl, "row", col, val, message FROM _problems ORDER BY tbl = 'households' DESC, tbl = 'members' DESC, tbl, "row", col NULLS FIRST`;

/** A `_problems` row as the report shows it. */
function problemOf(ctx: LoadContext, p: Row): Problem {
  return {
    file: fileOf(ctx.state, String(p.tbl)),
    row: Number(p.row),
    column: p.col === null ? undefined : String(p.col),
    value: p.val === null ? undefined : shownValue(String(p.val)),
    message: String(p.message),
  };
}

/** Step `row_problems`: counts the row problems and lists the first `maxProblems` in report order. */
export async function listRowProblems(ctx: LoadContext): Promise<StepResult> {
  const [{ n }] = await ctx.db.all(`SELECT count(*) AS n FROM _problems`);
  const listed = (await ctx.db.all(`${PROBLEMS_IN_ORDER} LIMIT ${ctx.maxProblems}`)).map((p) => problemOf(ctx, p));
  return { listed, unlisted: Number(n) - listed.length };
}

/** Whether the tables are loaded: when nothing is wrong, or leniently when no whole file is. */
function loadsTables(ctx: LoadContext): boolean {
  return ctx.problemCount === 0 || (ctx.lenient && !isFatal(ctx));
}

/** Whether nothing can be loaded, even leniently: a whole-file problem, or a required table missing. */
function isFatal(ctx: LoadContext): boolean {
  return ctx.fatal || !ctx.state.raws.households || !ctx.state.raws.members;
}

/** Step `lenient_rejection`: in lenient mode (when something can be loaded), every rejected row with its reasons. */
export async function listRejected(ctx: LoadContext): Promise<StepResult> {
  if (!ctx.lenient || isFatal(ctx)) return {};
  const rejected: RejectedRow[] = (await ctx.db.all(PROBLEMS_IN_ORDER)).map((p) => {
    const { file, row, column, value, message } = problemOf(ctx, p);
    return { file, row: row!, column, value, reason: message };
  });
  return { state: { rejected } };
}

/**
 * Step `tables`: the tables `households`, `members`, `verified` without their rejected rows (an
 * empty `verified` when there is none), the null and distinct counts of their columns, and the
 * schema the model is checked against. Strict mode with problems loads none of them.
 */
export async function finishTables(ctx: LoadContext): Promise<StepResult> {
  const db = ctx.db;
  const loadTables = loadsTables(ctx);
  const tables: TableReport[] = [];
  const schema: DatasetSchema = { households: {}, members: {} };
  const raws = Object.values(ctx.state.raws);
  for (const rawTable of raws) {
    const { table } = rawTable;
    const [{ n }] = await db.all(`SELECT count(DISTINCT "row") AS n FROM ${rejectedRows(table)}`);
    const bad = Number(n);
    const columns = columnReports(ctx, table);
    if (loadTables) await replaceTable(ctx, table, columns, bad > 0);
    tables.push({
      table,
      file: rawTable.file,
      format: rawTable.format,
      rowsRead: rawTable.rowsRead,
      accepted: loadTables ? rawTable.rowsRead - bad : 0,
      rejected: loadTables ? bad : rawTable.rowsRead,
      columns,
    });
  }
  if (loadTables && ctx.columnCounts) {
    // The counts of the loaded tables, each on a connection of its own at once (plain queries of plain tables).
    const counts = await inParallel(db, tables, (conn, report) => {
      // A table loaded in place, none rejected, is its typed view: staging and typed_tables counted its values.
      const counted = report.rejected === 0 ? ctx.state.inPlace[report.table]?.nonNull : undefined;
      return withCounts(
        conn,
        report.table,
        report.columns,
        knownDistinct(ctx, report.table, tables),
        counted && { rows: report.rowsRead, nonNull: counted },
      );
    });
    tables.forEach((report, i) => (report.columns = counts[i]));
  }
  if (loadTables) {
    for (const { table, columns } of tables) {
      if (table !== "households" && table !== "members") continue;
      schema[table] = Object.fromEntries(columns.map((c) => [c.name, c.type]));
      const zeroOne = ctx.state.zeroOne[table];
      if (zeroOne) (schema.zeroOne ??= {})[table] = zeroOne;
    }
  }
  for (const rawTable of raws) {
    await releaseRaw(db, rawTable);
    await dropTableOrView(db, `_typed_${rawTable.table}`);
    if (rawTable.csvSource !== undefined) await db.exec(`DROP TABLE IF EXISTS ${q(positionalTable(rawTable.table))}`);
  }
  if (loadTables && !ctx.state.raws.verified) {
    await dropTableOrView(db, "verified");
    await db.exec(
      `CREATE OR REPLACE TABLE verified (household_id VARCHAR, batch VARCHAR, channel VARCHAR, need BOOLEAN, assistance VARCHAR, amount_yuan DOUBLE, verified_on DATE)`,
    );
  }
  return { state: { tables, schema } };
}

/** The column reports of a table as typed (no counts yet). */
function columnReports(ctx: LoadContext, table: TableName): ColumnReport[] {
  const types = ctx.state.types[table] ?? {};
  return ctx.state.raws[table]!.columns.map((name) => ({
    name,
    type: types[name].type,
    typeSource: types[name].source,
  }));
}

/**
 * Makes the typed table the table: a copy without the rejected rows, or (none rejected) a rename, or
 * for a table read in place (none rejected) a view over its file.
 */
async function replaceTable(
  ctx: LoadContext,
  table: TableName,
  columns: ColumnReport[],
  someRejected: boolean,
): Promise<void> {
  const typed = q(`_typed_${table}`);
  const names = columns.map((c) => q(c.name)).join(", ");
  await dropTableOrView(ctx.db, table);
  const inPlace = ctx.state.inPlace[table];
  if (inPlace && !someRejected) {
    await ctx.db.exec(`CREATE VIEW ${q(table)} AS SELECT ${inPlace.select.join(", ")} FROM ${inPlace.source}`);
  } else if (someRejected) {
    await ctx.db.exec(
      `CREATE OR REPLACE TABLE ${q(table)} AS SELECT ${names} FROM ${typed} WHERE "#row" NOT IN ${
        rejectedRows(table)
      } ORDER BY "#row"`,
    );
  } else if (ctx.state.raws[table]?.csvSource !== undefined) {
    // Numbered by position: the table under the view is the table, as it is.
    await ctx.db.exec(`DROP VIEW ${typed}; ALTER TABLE ${q(positionalTable(table))} RENAME TO ${q(table)}`);
  } else {
    await ctx.db.exec(
      `ALTER TABLE ${typed} RENAME TO ${q(table)}; ALTER TABLE ${q(table)} DROP COLUMN "#row"`,
    );
  }
}

/**
 * Distinct counts the row checks have already proven, so that they need no `count(DISTINCT …)`
 * over millions of ids: `"unique"` for an id column whose loaded values are unique (the `unique`
 * check rejects every later duplicate, and null or empty ids), a number when it is known exactly.
 * A member's household_id: with no problem at all, every member's household is in households and
 * every household has a member, so the members name exactly the households.
 */
function knownDistinct(
  ctx: LoadContext,
  table: TableName,
  done: readonly TableReport[],
): Record<string, "unique" | number> {
  if (table === "households") return { household_id: "unique" };
  if (table !== "members") return {};
  const households = done.find((t) => t.table === "households");
  const known: Record<string, "unique" | number> = { person_id: "unique" };
  if (ctx.problemCount === 0 && households) known.household_id = households.accepted;
  return known;
}

/**
 * The column reports with null counts, and distinct counts for text columns, of the loaded table.
 * With `counted` (the table's rows and each column's non-null count, already known), only the
 * distinct counts that are not known are computed.
 */
async function withCounts(
  db: Db,
  table: TableName,
  columns: ColumnReport[],
  known: Record<string, "unique" | number>,
  counted?: { rows: number; nonNull: ReadonlyMap<string, number> },
): Promise<ColumnReport[]> {
  if (columns.length === 0) return columns;
  const nonNull = (c: ColumnReport) => counted?.nonNull.get(c.name);
  const distinctSql = (c: ColumnReport) => {
    const k = ownValue(known, c.name);
    if (k === "unique") return nonNull(c) === undefined ? `count(${q(c.name)})` : String(nonNull(c));
    if (typeof k === "number") return String(k);
    return `count(DISTINCT ${q(c.name)})`;
  };
  const stats = columns.flatMap((c, i) => [
    nonNull(c) === undefined
      ? `count(*) - count(${q(c.name)}) AS nulls${i}`
      : `${counted!.rows - nonNull(c)!} AS nulls${i}`,
    c.type === "text" ? `${distinctSql(c)} AS distinct${i}` : `0 AS distinct${i}`,
  ]);
  // count(*) keeps it one aggregate row when every other item is a known constant.
  const [s] = await db.all(`SELECT count(*) AS "#rows", ${stats.join(", ")} FROM ${q(table)}`);
  return columns.map((c, i) => ({
    ...c,
    nulls: Number(s[`nulls${i}`]),
    ...(c.type === "text" ? { distinct: Number(s[`distinct${i}`]) } : {}),
  }));
}
