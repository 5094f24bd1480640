/**
 * Helpers every module shares, one per job: the CSV writer (with spreadsheet-formula
 * neutralisation), SQL quoting and the list of SQL words, the number formatter, seeded random
 * numbers, terminal-safe text, lookups keyed by data, joined byte buffers. Pure: no DOM, no database, no file system.
 *
 * ```ts
 * import { formatPercent, quoteIdent, quoteText, terminalSafe, writeCsv } from "./mod.ts";
 * console.log(writeCsv([["village", "warnings"], ["吴庙村, 东", 3]])); // village,warnings\n"吴庙村, 东",3\n
 * console.log(`SELECT ${quoteIdent("age")} FROM members WHERE household_id = ${quoteText("H'1")}`);
 * console.log(formatPercent(0.594)); // 59.4%
 * console.log(writeCsv([["=HYPERLINK(1)", -3.5]])); // '=HYPERLINK(1),-3.5\n
 * console.log(terminalSafe("model \x1b[2J")); // model \u001b[2J
 * ```
 */
export * from "./csv.ts";
export * from "./sql.ts";
export * from "./format.ts";
export * from "./random.ts";
export * from "./terminal.ts";
export * from "./lookup.ts";
export * from "./bytes.ts";
