/**
 * Ingest: dataset files → validated DuckDB tables `households`, `members`, `verified`, with a
 * report of rows read, accepted and rejected, column types, and every problem found (file, row,
 * column, value and the fix). Validation runs as named steps, {@link LOAD_STEPS}
 * (`staging`, `column_types`, `personal_data`, `member_references`, …); pass `timings: true` to
 * see how long each took. `lenient: true` loads the valid rows and lists the rejected ones.
 *
 * ```ts
 * import { openDb } from "../db/mod.ts";
 * import { formatLoadReport, loadDataset, readDatasetFolder } from "./mod.ts";
 * const db = await openDb("native");
 * const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample", timings: true });
 * console.log(formatLoadReport(report, { columns: false }));
 * console.log(report.timings?.map((t) => `${t.step} ${t.ms.toFixed(0)} ms`).join(", "));
 * const [{ n }] = await db.all("SELECT count(*) AS n FROM households");
 * if (!report.valid || n !== report.tables[0].accepted) throw new Error("the sample should load whole");
 * await db.close();
 * ```
 */
export * from "./load.ts";
export * from "./report.ts";
export { readDatasetFolder } from "./folder.ts";
export { isMobileNumber, isResidentIdNumber, maskIdentifier } from "./_personal.ts";
export { parseCsv } from "./_csv_parse.ts";
export { LIMITS } from "./_csv_scan.ts";
export { pseudonymize } from "./anonymize.ts";
