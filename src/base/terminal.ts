/**
 * Text printed to a terminal: a value from a file (a model id, a village name, a household id, a
 * file name) may hold control characters — an escape sequence clears the screen or rewrites the
 * title, a bidirectional override reorders what the reader sees. `terminalSafe` shows each such
 * character as a `\uXXXX` escape instead, so the terminal prints it and never runs it.
 */

/**
 * C0 controls (with tab and line feed), DEL, C1 controls, the bidirectional marks and overrides,
 * line and paragraph separators, the byte-order mark.
 */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x061c || code === 0x200e || code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
}

const escape = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;

/**
 * A value as a terminal may print it: every control character as `\uXXXX` (`"\x1b[2J"` →
 * `"\u001b[2J"`). With `{ lines: true }` line feeds are kept, for a whole message of several lines.
 */
export function terminalSafe(text: string, options: { lines?: boolean } = {}): string {
  let out = "";
  for (const ch of String(text)) {
    const code = ch.charCodeAt(0);
    out += isControl(code) && !(options.lines && code === 0x0a) ? escape(code) : ch;
  }
  return out;
}

/** The longest value a message quotes whole (the ingest's rule too: `src/ingest/_csv_scan.ts`). */
export const SHOWN_LENGTH = 200;

/**
 * A value as a message quotes it: whole up to {@link SHOWN_LENGTH} characters, else its start and
 * its length (`"HHH…H… (5001 characters)"`), so a 2 MB field is never printed back whole.
 */
export function shown(value: string): string {
  const text = String(value);
  return text.length <= SHOWN_LENGTH ? text : `${text.slice(0, SHOWN_LENGTH)}… (${text.length} characters)`;
}
