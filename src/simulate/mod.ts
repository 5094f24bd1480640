/**
 * Simulation: the typed-array fast path for interactive use. From the per-indicator hit counts
 * (read once with SQL), a change of points, `otherwise`, category weights or bands re-scores every
 * household without evaluating any condition, equal bit for bit to the SQL score; the threshold
 * sweep turns scores into warnings / precision / recall curves.
 *
 * ```ts
 * import { parseModel } from "../contract/mod.ts";
 * import { openDb } from "../db/mod.ts";
 * import { loadDataset, readDatasetFolder } from "../ingest/mod.ts";
 * import { compileModel } from "../model/mod.ts";
 * import { readHits } from "../score/mod.ts";
 * import { coefficientsOf } from "../model/mod.ts";
 * import { buildFrame, packCoefficients, rescore } from "./mod.ts";
 *
 * const db = await openDb("native");
 * const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
 * const file = "models/county-default.json";
 * const model = parseModel(await Deno.readTextFile(file), file);
 * const frame = buildFrame(await readHits(db, compileModel(model, report.schema, file))); // SQL once
 * const edited = { ...model, indicators: model.indicators.map((i) => (i.id === "M01" ? { ...i, points: 9 } : i)) };
 * const { perCapita } = rescore(frame, packCoefficients(coefficientsOf(edited))); // no SQL
 * console.log(perCapita.length);
 * await db.close();
 * ```
 */
export * from "./frame.ts";
export * from "./sweep.ts";
export * from "./order.ts";
export * from "./radix.ts";
export * from "./simulator.ts";
