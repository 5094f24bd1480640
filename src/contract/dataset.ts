/**
 * The dataset format of contract §1: table names, required columns, category codes, value types
 * and `dataset.json`. Ingest validates files against these; the model checker reads column types.
 */
import { z } from "zod";

/** The value types a dataset column may hold. */
export const ColumnTypeSchema = z.enum(["number", "text", "boolean", "date"]);
/** A column's value type. */
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

/** Management category codes of households (contract §1). */
export const CATEGORY_CODES = ["dibao", "tekun", "monitored", "near_dibao", "rigid_expense", "other"] as const;
/** A household's management category. */
export const CategoryCodeSchema = z.enum(CATEGORY_CODES);

/** Chinese labels of the category codes, for reports and pages. */
export const CATEGORY_LABELS_ZH: Record<(typeof CATEGORY_CODES)[number], string> = {
  dibao: "低保",
  tekun: "特困",
  monitored: "防返贫监测",
  near_dibao: "低保边缘",
  rigid_expense: "刚性支出困难",
  other: "其他",
};

/** Channels through which a verified case was found. */
export const VERIFIED_CHANNELS = ["warning", "application", "survey"] as const;

/** Column names the contract allows. */
export const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;

/** What a table requires: its columns with their types, and whether the table itself is required. */
export interface TableSpec {
  required: boolean;
  columns: Record<string, ColumnType>;
  optional: Record<string, ColumnType>;
}

/** The tables of contract §1 with their required and optional-but-understood columns. */
export const TABLES: Record<"households" | "members" | "verified", TableSpec> = {
  households: {
    required: true,
    columns: { household_id: "text", village: "text", category: "text" },
    optional: { town: "text" },
  },
  members: {
    required: true,
    columns: { person_id: "text", household_id: "text" },
    optional: {},
  },
  verified: {
    required: false,
    columns: { household_id: "text", batch: "text", channel: "text", need: "boolean" },
    optional: { assistance: "text", amount_yuan: "number", verified_on: "date" },
  },
};

/** The name of a table a dataset folder may hold. */
export type TableName = keyof typeof TABLES;

/** One column's description in `dataset.json`. */
export const ColumnDescriptionSchema = z.looseObject({
  type: ColumnTypeSchema.optional(),
  unit: z.string().optional(),
  label_zh: z.string().optional(),
  name_zh: z.string().optional(),
  description: z.string().optional(),
  /** The column's header in the file where it is not the name (`"户编号"` for `household_id`): contract §1. */
  header: z.string().trim().min(1).optional(),
});

/**
 * Column descriptions keyed by column name. Not `z.record`: its plain-object test reads
 * `o.constructor`, so it refused a column named `constructor` (a valid name).
 */
const columnDescriptions = z.object({}).catchall(ColumnDescriptionSchema).superRefine((columns, ctx) => {
  const seen = new Map<string, string>();
  for (const [name, column] of Object.entries(columns)) {
    if (!COLUMN_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "Invalid column name" });
    const header = column.header;
    if (header === undefined) continue;
    if (seen.has(header)) {
      ctx.addIssue({
        code: "custom",
        path: [name, "header"],
        message: `header "${header}" is mapped to both "${seen.get(header)}" and "${name}"; map it to one`,
      });
    }
    seen.set(header, name);
  }
});

/** `dataset.json`: optional description of a dataset's columns, table by table. */
export const DatasetDescriptionSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  tables: z.object({}).catchall(columnDescriptions).default({}),
  /** Which worksheet of each table's `.xlsx` workbook holds the table (default: the first): `{ "households": "户信息" }`. */
  sheets: z.object({}).catchall(z.string().min(1)).superRefine((sheets, ctx) => {
    for (const table of Object.keys(sheets)) {
      if (!Object.hasOwn(TABLES, table)) {
        ctx.addIssue({
          code: "custom",
          path: [table],
          message: `"${table}" is not a table; name the sheet of ${Object.keys(TABLES).join(", ")}`,
        });
      }
    }
  }).optional(),
});
/** A parsed `dataset.json`. */
export type DatasetDescription = z.infer<typeof DatasetDescriptionSchema>;

/** The columns a loaded table has, with their types: what the model checker types names against. */
export type ColumnTypes = Record<string, ColumnType>;

/** The schema the model checker and compiler work against: the loaded tables' column types. */
export interface DatasetSchema {
  households: ColumnTypes;
  members: ColumnTypes;
  /**
   * Number columns whose values are all 0 or 1: booleans written `1`/`0` in CSV (contract §1) are
   * indistinguishable from counts, so they load as numbers and may also stand as conditions.
   */
  zeroOne?: { households?: string[]; members?: string[] };
}
