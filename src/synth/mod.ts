/**
 * Synth: the demo county — a synthetic county modelled on Xiaochang County, Hubei — as a library
 * of pure functions. A spec and a seed give the households and members (with the latent state a
 * need model reads), the verified cases, and the headline figures; the same seed gives the same
 * tables, byte for byte. Scoring is the caller's: pass a `Scorer` (`(tables, model) => scores`)
 * and, for the headline, an `Evaluator` — `scripts/demo_data.ts` builds both from the engine in
 * process. Every distribution is documented in data/README.md.
 *
 * ```ts
 * import { parseModel } from "../contract/mod.ts";
 * import { type BandRow, datasetFiles, demoCounty } from "./mod.ts";
 * const file = "models/county-default.json";
 * const model = parseModel(await Deno.readTextFile(file), file);
 * // A stand-in scorer: warn every tekun household (the command line scores with the real engine).
 * const score = (tables: Parameters<typeof datasetFiles>[0]): Promise<BandRow[]> =>
 *   Promise.resolve(tables.households.rows.map((h) => ({
 *     household_id: h.household_id,
 *     band: h.category === "tekun" ? "red" : null,
 *   })));
 * const demo = await demoCounty({ households: 300, seed: 7 }, model, score);
 * console.log(demo.warned.size, demo.verified.rows.length);
 * for (const f of datasetFiles(demo.tables)) console.log(f.name, f.text.length);
 * ```
 */
export * from "./demo.ts";
export * from "./tables.ts";
export * from "./columns.ts";
export { generateCounty } from "./county.ts";
export type * from "./types.ts";
export { cellText, csvField, toCsv } from "./csv.ts";
export * from "./headline.ts";
export { DOCUMENTED, marginals } from "./marginals.ts";
export { ASSISTANCE_TYPES, type AssistanceType, latentNeed, type Need } from "./need.ts";
export { type Category, PARAMS, type Params, type Template } from "./params.ts";
export { type Town, TOWNS, type Village } from "./names.ts";
export * from "./verify.ts";
export * from "./sources.ts";
export { type CountyNaming, DEMO_NAMING } from "./county.ts";
export * from "./province.ts";
