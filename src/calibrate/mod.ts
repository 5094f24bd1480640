/**
 * Band calibration by simulation: choose warning-band cut-offs by (a) a target precision whose
 * Wilson lower bound must reach the target in a fit frame, (b) a capacity of warnings per batch,
 * overall or per department, or (c) quantiles of the score; report the result out of sample on
 * the other frames; write the calibrated model.
 *
 * ```ts
 * import { parseModel } from "../contract/mod.ts";
 * import { openDb } from "../db/mod.ts";
 * import { loadDataset, readDatasetFolder } from "../ingest/mod.ts";
 * import { compileModel } from "../model/mod.ts";
 * import { loadContext } from "../evaluate/mod.ts";
 * import { calibrate } from "./mod.ts";
 *
 * const db = await openDb("native");
 * const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
 * const file = "models/county-default.json";
 * const compiled = compileModel(parseModel(await Deno.readTextFile(file), file), report.schema, file);
 * const { population, frames } = await loadContext(db, compiled);
 * const outcome = calibrate({
 *   population,
 *   frames,
 *   method: { mode: "quantiles", quantiles: [0.99, 0.98, 0.97] },
 *   bootstrap: { seed: 1, replicates: 100 },
 * });
 * console.log(outcome.after); // the new band cuts
 * await db.close();
 * ```
 */
export * from "./threshold.ts";
export * from "./bands.ts";
export * from "./calibrate.ts";
export * from "./output.ts";
