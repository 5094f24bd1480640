/**
 * Text printed to a terminal: a value from a file (a model id, a village name, a household id, a
 * file name) may hold control characters — an escape sequence clears the screen or rewrites the
 * title, a bidirectional override reorders what the reader sees. `terminalSafe` shows each such
 * character as a `\uXXXX` escape instead, so the terminal prints it and never runs it.
 */

// C0 controls (with tab and line feed), DEL, C1 controls, the bidirectional marks and overrides,
// line and paragraph separators, the byte-order mark.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const CONTROL_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const escape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * A value as a terminal may print it: every control character as `\uXXXX` (`"\x1b[2J"` →
 * `"\u001b[2J"`). With `{ lines: true }` line feeds are kept, for a whole message of several lines.
 */
export function terminalSafe(text: string, options: { lines?: boolean } = {}): string {
  return String(text).replace(options.lines ? CONTROL_BUT_NEWLINE : CONTROL, escape);
}
