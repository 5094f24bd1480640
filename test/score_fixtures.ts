/**
 * Test fixtures for the model engine: typed `households`/`members` tables written straight into a
 * database, models built from a few fields, and one call that scores with both the compiled SQL
 * and the reference interpreter.
 */
import type { ColumnType, DatasetSchema, Model } from "../src/contract/mod.ts";
import type { Db } from "../src/db/mod.ts";
import { type CompiledModel, compileModel, doubleLiteral, ident, textLiteral } from "../src/model/mod.ts";
import { type ScoredRow, scoreHouseholds } from "../src/score/mod.ts";
import { interpretModel, type Row, type Value } from "./_reference_interpreter.ts";

/** The dataset schema most hand-worked cases use. */
export const SCHEMA: DatasetSchema = {
  households: {
    household_id: "text",
    village: "text",
    category: "text",
    town: "text",
    car: "boolean",
    house_area: "number",
    registered_on: "date",
  },
  members: {
    person_id: "text",
    household_id: "text",
    age: "number",
    major_illness: "boolean",
    disability_grade: "number",
    income: "number",
    occupation: "text",
    birth_date: "date",
  },
};

const SQL_TYPE: Record<ColumnType, string> = { number: "DOUBLE", text: "VARCHAR", boolean: "BOOLEAN", date: "DATE" };

/** A value as a SQL literal of the column's type. */
export function sqlValue(v: Value, type: ColumnType): string {
  if (v === null || v === undefined) return "NULL";
  switch (type) {
    case "number":
      return doubleLiteral(v as number);
    case "text":
      return textLiteral(v as string);
    case "boolean":
      return v ? "TRUE" : "FALSE";
    case "date":
      return `DATE ${textLiteral(v as string)}`;
  }
}

/** (Re)creates `households` and `members` with the schema's types and the given rows. */
export async function loadTables(db: Db, schema: DatasetSchema, households: Row[], members: Row[]): Promise<void> {
  const statements: string[] = [];
  for (const [table, rows] of [["households", households], ["members", members]] as const) {
    const columns = Object.entries(schema[table]);
    statements.push(
      `CREATE OR REPLACE TABLE ${table} (${columns.map(([n, t]) => `${ident(n)} ${SQL_TYPE[t]}`).join(", ")})`,
    );
    for (let i = 0; i < rows.length; i += 2000) {
      const values = rows.slice(i, i + 2000).map((r) =>
        `(${columns.map(([n, t]) => sqlValue(r[n] ?? null, t)).join(", ")})`
      );
      statements.push(`INSERT INTO ${table} VALUES ${values.join(", ")}`);
    }
  }
  await db.exec(statements.join(";\n"));
}

/** An indicator as a test writes it: the rest is filled in. */
export interface TestIndicator {
  id?: string;
  category?: string;
  level?: "member" | "household";
  when: string;
  points?: number;
  otherwise?: number;
}

/** A model from a few indicators (category `c` of weight 1 unless given). */
export function testModel(
  indicators: TestIndicator[],
  options: {
    categories?: { id: string; weight?: number }[];
    parameters?: { id: string; value: number }[];
    bands?: { id: string; min: number }[];
  } = {},
): Model {
  return {
    id: "test",
    version: "1",
    parameters: options.parameters ?? [],
    categories: (options.categories ?? [{ id: "c", weight: 1 }]).map((c) => ({ id: c.id, weight: c.weight ?? 1 })),
    indicators: indicators.map((ind, i) => ({
      id: ind.id ?? `I${i + 1}`,
      category: ind.category ?? "c",
      level: ind.level ?? "member",
      when: ind.when,
      points: ind.points ?? 1,
      otherwise: ind.otherwise ?? 0,
    })),
    bands: options.bands ?? [],
  } as Model;
}

/** Scores with the compiled SQL and with the reference interpreter; fails if they disagree. */
export async function scoreBoth(
  db: Db,
  model: Model,
  households: Row[],
  members: Row[],
  schema: DatasetSchema = SCHEMA,
): Promise<{ rows: ScoredRow[]; byId: Record<string, ScoredRow>; compiled: CompiledModel }> {
  const compiled = compileModel(model, schema, "test.json");
  await loadTables(db, schema, households, members);
  const rows = await scoreHouseholds(db, compiled);
  const reference = interpretModel(compiled, households, members).map(({ hits: _, ...r }) => r);
  // JSON.stringify prints distinct doubles distinctly (and -0 as 0, which no comparison can tell apart).
  if (JSON.stringify(rows) !== JSON.stringify(reference)) {
    throw new Error(
      `SQL and reference interpreter disagree:\nSQL:       ${JSON.stringify(rows)}\nreference: ${
        JSON.stringify(reference)
      }`,
    );
  }
  return { rows, byId: Object.fromEntries(rows.map((r) => [r.household_id, r])), compiled };
}

/** A household row: id, village V, category dibao, plus fields. */
export function hh(id: string, fields: Row = {}): Row {
  return { household_id: id, village: "V", category: "dibao", ...fields };
}

/** A member row of household `household`. */
export function mem(id: string, household: string, fields: Row = {}): Row {
  return { person_id: id, household_id: household, ...fields };
}
