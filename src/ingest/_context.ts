/**
 * What the validation steps of `loadDataset` share: the context each step reads, the state the
 * steps build up one after another, and what a step returns.
 *
 * Problems come in two kinds. A problem with a whole file or column (`fatal`) means nothing can be
 * loaded, even leniently; it goes straight into the report. A problem with one row is a row of the
 * temp table `_problems (tbl, "row", col, val, message)`, so that millions of them cost no memory;
 * a step returns the SQL that selects them (`rows`), the driver appends them in order, and the
 * `row_problems` step lists them in report order at the end.
 */
import type { DatasetDescription, DatasetSchema, Problem, TableName } from "../contract/mod.ts";
import type { Db } from "../db/types.ts";
import { quoteText as lit } from "../base/sql.ts";
import type { ColumnReport, DatasetFile, RejectedRow, TableReport } from "./types.ts";

/** One table's file read into a raw table `_raw_<table>`, with the 1-based row number in `#row`. */
export interface RawTable {
  table: TableName;
  /** The file as messages name it (folder prefixed). */
  file: string;
  format: "csv" | "parquet" | "xlsx";
  /** The raw table's name. */
  raw: string;
  columns: string[];
  /** DuckDB types of the raw columns (all VARCHAR for CSV). */
  rawTypes: Record<string, string>;
  rowsRead: number;
  /** Whether `raw` is a view (over a native Parquet file on disk, or a CSV file's rewritten bytes), not a table. */
  view?: boolean;
  /** The file the view `raw` reads, registered by staging until the view is dropped (CSV). */
  registered?: string;
  /**
   * The `read_csv(…)` of a CSV file read as it is (its record k is row k + 2, no `#row` column):
   * its typed table is built from this, in parallel, and numbered by position.
   */
  csvSource?: string;
  /**
   * The longest value of each text column in bytes, where staging measured it (Parquet), or a bound on
   * it (CSV read as a view: the longest field, quotes included).
   */
  maxBytes?: Map<string, number>;
  /** A bound on each column's non-null count, where staging found one (CSV read as a view: the non-empty fields). */
  nonNullAtMost?: Map<string, number>;
  /** Each column's non-null count in the file, where staging counted them (a file read in place). */
  nonNull?: Map<string, number>;
  /** The file on disk that the view `raw` reads (`read_parquet`), when it is such a view. */
  parquetPath?: string;
}

/** A column's type and where it came from. */
export interface ColumnTyping {
  type: ColumnReport["type"];
  source: ColumnReport["typeSource"];
}

/** A table read in place: the `SELECT` of its typed values from the Parquet file (without `#row`). */
export interface InPlace {
  /** `read_parquet(…)` of the file. */
  source: string;
  /** The typed column expressions, `expr AS "name"`, in column order. */
  select: string[];
  /** Each typed column's non-null count, when staging counted the file's. */
  nonNull?: Map<string, number>;
}

/** What the steps find and build, in step order. Each step returns the fields it sets. */
export interface LoadState {
  /** `description`: dataset.json's column descriptions and types (empty without the file). */
  description: DatasetDescription;
  /** `inventory`: files that are not loaded as tables, with why. */
  ignored: string[];
  /** `description`, `staging`: `name\tsha256` of every file read, for the digest. */
  digestParts: string[];
  /** `staging`, `required_columns`: the tables that can be checked further. */
  raws: Partial<Record<TableName, RawTable>>;
  /** `column_types`: each column's type, per table. */
  types: Partial<Record<TableName, Record<string, ColumnTyping>>>;
  /** `column_types`: inferred number columns holding only 0 and 1 (the model may read them as booleans). */
  zeroOne: Partial<Record<TableName, string[]>>;
  /**
   * `typed_tables`: the tables validated in place (large Parquet files on disk): the
   * typed table is a view over the file, and so is the loaded table when no row is rejected.
   */
  inPlace: Partial<Record<TableName, InPlace>>;
  /**
   * `member_references`: how many households have no member row at all (counted in the same join
   * that finds the members of unknown households), for `members_per_household`.
   */
  childless?: number;
  /** `lenient_rejection`: every rejected row with its reasons (lenient mode only). */
  rejected: RejectedRow[];
  /** `tables`: the report of each table read. */
  tables: TableReport[];
  /** `tables`: the column types of the loaded tables. */
  schema: DatasetSchema;
}

/** The state before the first step. */
export function initialState(): LoadState {
  return {
    description: { tables: {} },
    ignored: [],
    digestParts: [],
    raws: {},
    types: {},
    zeroOne: {},
    inPlace: {},
    rejected: [],
    tables: [],
    schema: { households: {}, members: {} },
  };
}

/** What building one table's typed table gives: the SQL of its values that do not convert, and how it is read in place, if it is. */
export interface TypedBuilt {
  rows: string[];
  inPlace?: InPlace;
}

/** What every step may read. */
export interface LoadContext {
  readonly db: Db;
  /** The folder's files, in the order given. */
  readonly files: readonly DatasetFile[];
  /** The folder's files by name. */
  readonly byName: ReadonlyMap<string, DatasetFile>;
  readonly folder: string;
  readonly lenient: boolean;
  readonly maxProblems: number;
  /** Whether the `tables` step counts each loaded column's nulls and distinct values ({@link LoadOptions}.columnCounts). */
  readonly columnCounts: boolean;
  /** From how many rows a Parquet file on disk is validated and loaded in place. */
  readonly inPlaceRows: number;
  /** From how many bytes a CSV file on disk is scanned in pieces, and of how many bytes. */
  readonly largeCsv: { readonly bytes: number; readonly pieceBytes: number };
  /** A file name as messages show it: prefixed with the folder. */
  path(name: string): string;
  /** What the steps before this one found and built. */
  readonly state: Readonly<LoadState>;
  /** Problems so far, listed or not (row problems count once `row_problems` has run). */
  readonly problemCount: number;
  /** Whether a problem so far concerns a whole file or column. */
  readonly fatal: boolean;
  /** Called by staging with each table it has read (without a problem), before it reads the next. */
  readonly onStaged?: (raw: RawTable) => void;
  /** Typed tables being built since staging, by table (`buildTypedEarly`); the `typed_tables` step waits for them. */
  readonly early: Map<TableName, Promise<TypedBuilt>>;
}

/** What a step returns: its problems, and the state it sets. */
export interface StepResult {
  /** Problems with a whole file or column: nothing can be loaded, even leniently. */
  fatal?: Problem[];
  /** Row problems as SQL: each a `SELECT` (or `VALUES`) of (tbl, row, col, val, message), appended to `_problems` in order. */
  rows?: string[];
  /** Row problems listed in the report (only `row_problems`, which reads them back). */
  listed?: Problem[];
  /** Row problems counted but not listed (only `row_problems`). */
  unlisted?: number;
  /** The state this step sets, for the steps after it and the report. */
  state?: Partial<LoadState>;
}

/** One named step of validation. */
export interface LoadStep {
  name: string;
  /** One line: what the step checks or builds. */
  description: string;
  run(ctx: LoadContext): Promise<StepResult>;
}

/** SQL: the rows of `table` with a row problem so far (they are rejected). */
export function rejectedRowsSql(table: TableName): string {
  return `(SELECT "row" FROM _problems WHERE tbl = ${lit(table)})`;
}

/** Whether any row of these tables has a problem so far (is rejected). */
export async function anyRejected(ctx: LoadContext, tables: readonly TableName[]): Promise<boolean> {
  const [{ n }] = await ctx.db.all(
    `SELECT count(*) AS n FROM (SELECT 1 FROM _problems WHERE tbl IN (${tables.map(lit).join(", ")}) LIMIT 1)`,
  );
  return Number(n) > 0;
}

/** The file of a table as messages name it, or the table's name when it has none. */
export function fileOf(state: Readonly<LoadState>, table: string): string {
  return state.raws[table as TableName]?.file ?? table;
}

/** A file's bytes, wherever they are. */
export async function readBytes(f: DatasetFile): Promise<Uint8Array> {
  if ("bytes" in f.source) return f.source.bytes;
  const { readFile } = await import("node:fs/promises");
  return new Uint8Array(await readFile(f.source.path));
}
