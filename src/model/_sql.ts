/**
 * Rendering values and names as DuckDB SQL. Every piece of user text that reaches SQL passes
 * through one of these (names and text through `src/base/sql.ts`); nothing is spliced as written.
 */
import type { ValueType } from "./check.ts";

/** A quoted SQL identifier (`src/base`'s one quoting). */
export { quoteIdent as ident, quoteText as textLiteral } from "../base/sql.ts";

/** The exact decimal form of a double that parses back to the same double (`-0` keeps its sign). */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Expected a finite number but found ${value}`);
  return Object.is(value, -0) ? "-0" : String(value);
}

/**
 * A DOUBLE literal that is exactly `value`: `CAST('0.1' AS DOUBLE)`. DuckDB parses the shortest
 * round-trip decimal JavaScript prints back to the same double; a bare `0.1` would be a DECIMAL.
 */
export function doubleLiteral(value: number): string {
  return `CAST('${numberText(value)}' AS DOUBLE)`;
}

/** The DuckDB type a value type is stored and computed as. */
export function sqlType(type: ValueType): string {
  switch (type) {
    case "number":
      return "DOUBLE";
    case "text":
      return "VARCHAR";
    case "boolean":
    case "null":
      return "BOOLEAN";
    case "date":
      return "DATE";
  }
}
