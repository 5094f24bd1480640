/**
 * Ingest: dataset files → validated DuckDB tables `households`, `members`, `verified`, with a
 * report of rows read, accepted and rejected, column types, and every problem found.
 *
 * ```ts
 * import { openDb } from "../db/mod.ts";
 * import { loadDataset, readDatasetFolder } from "./mod.ts";
 * const db = await openDb("native");
 * const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
 * ```
 */
export * from "./load.ts";
export * from "./report.ts";
export { readDatasetFolder } from "./folder.ts";
export { isMobileNumber, isResidentIdNumber, maskIdentifier } from "./_personal.ts";
export { parseCsv, writeCsv } from "./_csv_parse.ts";
export { pseudonymize } from "./anonymize.ts";
