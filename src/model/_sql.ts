/**
 * Rendering values and names as DuckDB SQL. Every piece of user text that reaches SQL passes
 * through one of these; nothing is spliced as written.
 */
import type { ValueType } from "./check.ts";

/** A quoted SQL identifier: `"name"`, with `"` doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A SQL text literal: `'…'`, with `'` doubled. Line breaks are written as `chr(10)` / `chr(13)`,
 * so no literal spans lines (the pipeline indents its SQL line by line). NUL characters are refused.
 */
export function textLiteral(value: string): string {
  if (value.includes("\0")) throw new RangeError("Expected text without NUL characters");
  const quoted = `'${
    value.replaceAll("'", "''").replaceAll("\r", "' || chr(13) || '").replaceAll("\n", "' || chr(10) || '")
  }'`;
  return quoted.includes("chr(") ? `(${quoted})` : quoted;
}

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
