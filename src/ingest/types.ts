/** The public shapes of loading: the files it takes, its options, and the report it returns. */
import type { ColumnType, DatasetSchema, Problem, TableName } from "../contract/mod.ts";
import type { FileSource } from "../db/types.ts";

/** One file of a dataset folder: its name inside the folder (`households.csv`) and where its bytes are. */
export interface DatasetFile {
  name: string;
  source: FileSource;
}

/** The default {@link LoadOptions}.inPlaceRows: a million rows (a county's file is copied, a province's read in place). */
export const IN_PLACE_ROWS = 1_000_000;

/**
 * The default {@link LoadOptions}.largeCsv: a CSV file on disk of 256 MiB or more is scanned in
 * pieces of 64 MiB (a county's file, ~20 MB, is read whole, which is faster; a province's may be
 * larger than one buffer can be).
 */
export const LARGE_CSV = { bytes: 256 << 20, pieceBytes: 64 << 20 } as const;

/** How to load. */
export interface LoadOptions {
  /** The folder as the user named it, prefixed to file names in messages. */
  folder?: string;
  /** Load the valid rows and reject the others, instead of refusing the whole dataset. */
  lenient?: boolean;
  /** How many problems to keep in the report (the total is always counted). Default 200. */
  maxProblems?: number;
  /** Record how long each validation step took, in the report's `timings`. Default false. */
  timings?: boolean;
  /**
   * From how many rows a Parquet file on disk is validated in place (native engine): its typed table
   * and, when no row is rejected, the loaded table are views over the file instead of copies (a
   * column not already of its type is converted in the view, each time it is read). Default
   * {@link IN_PLACE_ROWS}.
   */
  inPlaceRows?: number;
  /**
   * From how many bytes a CSV file on disk (native engine) is scanned piece by piece, and in pieces
   * of how many bytes, instead of being read into memory whole. Default {@link LARGE_CSV}.
   */
  largeCsv?: { bytes: number; pieceBytes: number };
  /** Called as each validation step starts: its name, its index (from 0) and the number of steps (for progress). */
  onStep?: (step: string, index: number, total: number) => void;
  /**
   * Count each loaded column's nulls and distinct values for the report (what `validate` shows).
   * Default true; a command that only scores the tables passes false and saves the scans.
   */
  columnCounts?: boolean;
}

/** What the validation report says of one column. */
export interface ColumnReport {
  name: string;
  type: ColumnType;
  /** Where the type came from: the contract, `dataset.json`, or inference from the values. */
  typeSource: "contract" | "dataset.json" | "inferred" | "parquet";
  /** Null values in the loaded table (absent when the load was asked for no counts, {@link LoadOptions}.columnCounts). */
  nulls?: number;
  /** Distinct non-null values, for text columns (absent as `nulls` is). */
  distinct?: number;
}

/** What the validation report says of one table. */
export interface TableReport {
  table: TableName;
  file: string;
  format: "csv" | "parquet" | "xlsx";
  rowsRead: number;
  accepted: number;
  rejected: number;
  columns: ColumnReport[];
}

/** A rejected row with its reasons (lenient mode writes these to `rejected.csv`). */
export interface RejectedRow {
  file: string;
  row: number;
  column?: string;
  value?: string;
  reason: string;
}

/** How long one validation step took (with `timings: true`). */
export interface StepTiming {
  step: string;
  ms: number;
}

/** The outcome of loading: per-table counts, column types, problems, and the data digest. */
export interface LoadReport {
  folder: string;
  valid: boolean;
  lenient: boolean;
  tables: TableReport[];
  /** The first problems found (at most `maxProblems`). */
  problems: Problem[];
  /** How many problems there are in all. */
  problemCount: number;
  /** Every rejected row with its reasons (lenient mode only). */
  rejected: RejectedRow[];
  /** Files in the folder that were not loaded as tables (with why). */
  ignored: string[];
  /** Column types of the loaded tables: what the model is checked against. */
  schema: DatasetSchema;
  /** SHA-256 over the names and contents of the files loaded. */
  digest: string;
  /** Each validation step's time, in step order (only with the `timings` option). */
  timings?: StepTiming[];
}
