/**
 * How user mistakes are reported everywhere: a list of problems, each naming the file, the row,
 * the column or indicator, the bad value and the fix. Commands print them and exit 2.
 */
import { terminalSafe } from "../base/terminal.ts";

/** One thing wrong with a user's input. */
export interface Problem {
  /** The file the problem is in, as the user named it. */
  file: string;
  /** 1-based row, counting the header as row 1, where the problem is in one row. */
  row?: number;
  /** The column (data) the problem is in. */
  column?: string;
  /** The indicator (model) the problem is in. */
  indicator?: string;
  /** 1-based character position in the indicator's `when`. */
  position?: number;
  /** The offending value, as text. */
  value?: string;
  /** What is wrong and how to fix it, in sentence case. */
  message: string;
}

/**
 * Renders one problem as a single line: `file:row column "value": message`. Control characters
 * in any part (a file name, a value, an indicator id from the file) are shown escaped
 * (`\u001b`), so printing the line never runs an escape sequence.
 */
export function formatProblem(p: Problem): string {
  const where = [terminalSafe(p.file) + (p.row !== undefined ? `:${p.row}` : "")];
  if (p.indicator !== undefined) where.push(`indicator ${terminalSafe(p.indicator)}`);
  if (p.position !== undefined) where.push(`position ${p.position}`);
  if (p.column !== undefined) where.push(`column ${terminalSafe(p.column)}`);
  if (p.value !== undefined) where.push(`value ${terminalSafe(JSON.stringify(p.value))}`);
  return `${where.join(", ")}: ${terminalSafe(p.message, { lines: true })}`;
}

/** An error caused by the user's input, not by a bug: commands print its problems and exit 2. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[], summary?: string) {
    super(summary ?? problems.map(formatProblem).join("\n"));
    this.name = "InputError";
    this.problems = problems;
  }
}
