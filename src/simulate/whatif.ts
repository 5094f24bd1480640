/**
 * What-if: one household re-scored with some of its fields edited, by the same compiled SQL as
 * `deno task score` and `deno task explain`, in a scratch schema holding only that household's
 * rows (the loaded tables are never changed). The edits are plain data; turning them into SQL is
 * pure ({@link whatIfStatements}); {@link explainWhatIf} runs it on any `Db`.
 *
 * ```ts
 * const edits = [{ table: "members", person: "P1", column: "major_illness", value: "true" }];
 * const explained = await explainWhatIf(db, compiled, schema, "H1", edits);
 * console.log(explained?.household.per_capita);
 * ```
 */
import type { ColumnType, DatasetSchema } from "../contract/mod.ts";
import { quoteIdent, quoteText } from "../base/sql.ts";
import type { CompiledModel } from "../model/mod.ts";
import { explainHousehold, type HouseholdExplanation, type SqlDb } from "../score/mod.ts";

/** One edited field: a household's own column, or one member's (`person` = its person_id). */
export interface WhatIfEdit {
  table: "households" | "members";
  person?: string;
  column: string;
  /** The value as typed; "" is null. */
  value: string;
}

/** Column types per table (a load report's `schema`). */
export type TableSchema = Pick<DatasetSchema, "households" | "members">;

/** The scratch schema what-if rows live in. */
export const WHATIF_SCHEMA = "whatif";

/** A typed value as a SQL literal of the column's type; throws a `TypeError` naming what was expected. */
export function editLiteral(type: ColumnType, text: string): string {
  const t = text.trim();
  if (t === "") return "NULL";
  switch (type) {
    case "number":
      if (!Number.isFinite(Number(t))) throw new TypeError(`Expected a number but found "${t}"`);
      return `CAST(${quoteText(String(Number(t)))} AS DOUBLE)`;
    case "boolean":
      if (!/^(true|false|1|0)$/i.test(t)) throw new TypeError(`Expected true or false but found "${t}"`);
      return /^(true|1)$/i.test(t) ? "true" : "false";
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) throw new TypeError(`Expected a date YYYY-MM-DD but found "${t}"`);
      return `DATE ${quoteText(t)}`;
    default:
      return quoteText(t);
  }
}

/**
 * The statements that copy household `id`'s rows into the scratch schema and apply the edits
 * (pure). Throws a `RangeError` for a column the schema does not have.
 */
export function whatIfStatements(id: string, edits: readonly WhatIfEdit[], schema: TableSchema): string[] {
  const out = [
    `CREATE SCHEMA IF NOT EXISTS ${WHATIF_SCHEMA}`,
    ...(["households", "members"] as const).map((table) =>
      `CREATE OR REPLACE TABLE ${WHATIF_SCHEMA}.${table} AS SELECT * FROM main.${table} WHERE household_id = ${
        quoteText(id)
      }`
    ),
  ];
  for (const e of edits) {
    const type = schema[e.table][e.column];
    if (type === undefined) throw new RangeError(`Expected a column of ${e.table} but found "${e.column}"`);
    const where = e.table === "members" ? ` WHERE person_id = ${quoteText(e.person ?? "")}` : "";
    out.push(`UPDATE ${WHATIF_SCHEMA}.${e.table} SET ${quoteIdent(e.column)} = ${editLiteral(type, e.value)}${where}`);
  }
  return out;
}

/** Household `id` explained with `edits` applied (null when there is no such household). */
export async function explainWhatIf(
  db: SqlDb,
  compiled: CompiledModel,
  schema: TableSchema,
  id: string,
  edits: readonly WhatIfEdit[],
): Promise<HouseholdExplanation | null> {
  for (const sql of whatIfStatements(id, edits, schema)) await db.exec(sql);
  await db.exec(`SET search_path = '${WHATIF_SCHEMA}'`);
  try {
    return await explainHousehold(db, compiled, id);
  } finally {
    await db.exec(`RESET search_path`);
  }
}

/** The columns the model reads in `table`, sorted (what is worth editing). */
export function modelColumns(
  compiled: Pick<CompiledModel, "indicators">,
  schema: TableSchema,
  table: "households" | "members",
): string[] {
  const cols = new Set<string>();
  for (const ind of compiled.indicators) {
    for (const c of ind.columns) if (c.startsWith(`${table}.`)) cols.add(c.slice(table.length + 1));
  }
  return [...cols].filter((c) => c in schema[table]).sort();
}

/** Household `id`'s own rows: its household row and its members (person_id order), for an editor. */
export async function householdRows(
  db: Pick<SqlDb, "all">,
  id: string,
): Promise<{ hh: Record<string, unknown> | undefined; members: Record<string, unknown>[] }> {
  const hh = await db.all(`SELECT * FROM households WHERE household_id = ${quoteText(id)}`);
  const members = await db.all(`SELECT * FROM members WHERE household_id = ${quoteText(id)} ORDER BY person_id`);
  return { hh: hh[0], members };
}
