/** The shape of a demo table's column: one spec drives both the CSV header and `dataset.json`. */
import type { Cell } from "./csv.ts";

/** One column of a demo table: its name, type, unit, Chinese label, meaning, and how a row gives its cell. */
export interface ColumnSpec<R> {
  name: string;
  type: "number" | "text" | "boolean" | "date";
  unit?: string;
  label_zh: string;
  description: string;
  get: (row: R) => Cell;
}

/** A column spec (the unit only where given). */
export const col = <R>(
  name: string,
  type: ColumnSpec<R>["type"],
  label_zh: string,
  description: string,
  get: (row: R) => Cell,
  unit?: string,
): ColumnSpec<R> => ({ name, type, label_zh, description, get, ...(unit ? { unit } : {}) });
