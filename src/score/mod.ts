/**
 * Scoring: runs a model compiled by `src/model` on a `Db` (either engine) and reads the results —
 * the scored households in contract order, hit counts as typed arrays for fast re-scoring,
 * per-indicator contributions, a per-step debug run, and the explanation of one household.
 *
 * ```ts
 * import { parseModel } from "../contract/mod.ts";
 * import { openDb } from "../db/mod.ts";
 * import { loadDataset, readDatasetFolder } from "../ingest/mod.ts";
 * import { compileModel } from "../model/mod.ts";
 * import { scoreHouseholds } from "./mod.ts";
 *
 * const db = await openDb("native");
 * const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
 * const file = "models/county-default.json";
 * const compiled = compileModel(parseModel(await Deno.readTextFile(file), file), report.schema, file);
 * const rows = await scoreHouseholds(db, compiled); // per_capita desc, household_id
 * console.log(rows[0]);
 * await db.close();
 * ```
 */
export * from "./run.ts";
export * from "./write.ts";
