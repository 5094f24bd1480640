/**
 * Scoring: runs a model compiled by `src/model` on a `Db` (either engine) and reads the results —
 * the scored households in contract order, hit counts as typed arrays for fast re-scoring,
 * per-indicator contributions, a per-step debug run, and the explanation of one household.
 *
 * ```ts
 * import { openDb } from "../db/mod.ts";
 * import { compileModel } from "../model/mod.ts";
 * import { scoreHouseholds } from "./mod.ts";
 *
 * const db = await openDb("native");
 * // … load `households` and `members` (src/ingest), then:
 * const compiled = compileModel(model, report.schema, "model.json");
 * const rows = await scoreHouseholds(db, compiled); // per_capita desc, household_id
 * ```
 */
export * from "./run.ts";
