/**
 * The contract (`shared/contract.md`) in code: zod schemas for datasets and models, the types
 * inferred from them, and the `Problem`/`InputError` shape every module reports user mistakes in.
 *
 * ```ts
 * import { parseModel } from "./mod.ts";
 * const file = "models/county-default.json";
 * const model = parseModel(await Deno.readTextFile(file), file); // throws InputError naming every problem
 * console.log(model.indicators.length, model.bands.map((b) => b.id));
 * ```
 */
export * from "./dataset.ts";
export * from "./model.ts";
export * from "./problem.ts";
export * from "./parse_model.ts";
