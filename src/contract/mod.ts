/**
 * The contract (`shared/contract.md`) in code: zod schemas for datasets and models, the types
 * inferred from them, and the `Problem`/`InputError` shape every module reports user mistakes in.
 *
 * ```ts
 * import { ModelSchema } from "./mod.ts";
 * const model = ModelSchema.parse(JSON.parse(text));
 * ```
 */
export * from "./dataset.ts";
export * from "./model.ts";
export * from "./problem.ts";
export * from "./parse_model.ts";
