/**
 * The one way names and text reach DuckDB SQL: identifiers and text literals quoted here, and the
 * one list of SQL words that have no place in a model's `when` (the parser and the checker blame
 * them by name).
 */

/** A quoted SQL identifier: `"name"`, with `"` doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A SQL text literal: `'…'`, with `'` doubled. Line breaks are written as `chr(10)` / `chr(13)`,
 * so no literal spans lines (generated SQL is indented line by line). NUL characters are refused.
 */
export function quoteText(value: string): string {
  if (value.includes("\0")) throw new RangeError("Expected text without NUL characters");
  const quoted = `'${
    value.replaceAll("'", "''").replaceAll("\r", "' || chr(13) || '").replaceAll("\n", "' || chr(10) || '")
  }'`;
  return quoted.includes("chr(") ? `(${quoted})` : quoted;
}

/** SQL words that are not part of the `when` language (lower case). */
export const SQL_WORDS: ReadonlySet<string> = new Set([
  "select",
  "from",
  "where",
  "union",
  "intersect",
  "except",
  "join",
  "group",
  "order",
  "having",
  "limit",
  "drop",
  "delete",
  "insert",
  "update",
  "create",
  "alter",
  "attach",
  "detach",
  "copy",
  "pragma",
  "install",
  "load",
  "export",
  "import",
  "call",
  "set",
  "with",
  "case",
  "when",
  "then",
  "else",
  "end",
  "cast",
  "as",
  "like",
  "ilike",
  "similar",
  "glob",
  "exists",
  "any",
  "all",
  "some",
  "distinct",
  "over",
  "filter",
  "values",
  "table",
  "into",
  "begin",
  "commit",
  "rollback",
  "truncate",
  "execute",
  "prepare",
  "exec",
]);
