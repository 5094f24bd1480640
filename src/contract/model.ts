/**
 * The model format of contract §2 as zod schemas: the single source of the model's types.
 * Structural rules that zod can state (ids, weights, bands in order, references between
 * indicators and categories) are checked here; the `when` expressions are checked in `src/model`.
 */
import { z } from "zod";

/** An identifier of a parameter, category, indicator or band: what the contract allows as a name. */
export const Identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: "Expected an identifier of letters, digits and underscores, starting with a letter or underscore",
});

const finite = z.number().refine(Number.isFinite, { message: "Expected a finite number" });

/** A named policy number that `when` expressions read as `$id`. */
export const ParameterSchema = z.looseObject({
  id: Identifier,
  value: finite,
  unit: z.string().optional(),
  name: z.string().optional(),
  name_zh: z.string().optional(),
  reference: z.string().optional(),
  description: z.string().optional(),
});

/** One of the model's major categories; its weight multiplies its indicators' points. */
export const CategorySchema = z.looseObject({
  id: Identifier,
  name: z.string().optional(),
  name_zh: z.string().optional(),
  weight: finite.default(1),
});

/** One sub-item: where `when` is true it adds `points`, otherwise `otherwise` (default 0). */
export const IndicatorSchema = z.looseObject({
  id: Identifier,
  category: Identifier,
  name: z.string().optional(),
  name_zh: z.string().optional(),
  level: z.enum(["member", "household"]),
  when: z.string().min(1, { message: "Expected a non-empty `when` expression" }),
  points: finite,
  otherwise: finite.default(0),
  department: z.string().optional(),
  rationale: z.string().optional(),
});

/** A warning band: households whose per-capita score is at least `min` and below the band above. */
export const BandSchema = z.looseObject({
  id: Identifier,
  name: z.string().optional(),
  name_zh: z.string().optional(),
  min: finite,
});

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/** A whole model file (contract §2), with cross-references checked and every issue reported. */
export const ModelSchema = z
  .looseObject({
    id: z.string().min(1),
    version: z.string().min(1),
    title: z.string().optional(),
    parameters: z.array(ParameterSchema).default([]),
    categories: z.array(CategorySchema).min(1, { message: "Expected at least one category" }),
    indicators: z.array(IndicatorSchema).min(1, { message: "Expected at least one indicator" }),
    bands: z.array(BandSchema).default([]),
  })
  .superRefine((model, ctx) => {
    for (const issue of crossCheckModel(model)) ctx.addIssue({ code: "custom", ...issue });
  });

type Loose = { id?: unknown; category?: unknown; min?: unknown };

/**
 * The model rules that relate items to each other: duplicate ids, unknown categories, bands out
 * of order. Works on loosely shaped input too, so that these are reported even when other
 * fields of the model are broken.
 */
export function crossCheckModel(model: Record<string, unknown>): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  const list = (key: string): Loose[] =>
    Array.isArray(model[key])
      ? (model[key] as unknown[]).map((x) => (x && typeof x === "object" ? x as Loose : {}))
      : [];
  const singular = { parameters: "parameter", categories: "category", indicators: "indicator", bands: "band" };
  for (const key of ["parameters", "categories", "indicators", "bands"] as const) {
    const ids = list(key).map((item) => item.id).filter((id): id is string => typeof id === "string");
    for (const dup of duplicates(ids)) {
      const index = list(key).findLastIndex((item) => item.id === dup);
      out.push({ path: [key, index, "id"], message: `Duplicate ${singular[key]} id "${dup}"` });
    }
  }
  const categoryIds = new Set(list("categories").map((c) => c.id));
  list("indicators").forEach((indicator, i) => {
    if (typeof indicator.category === "string" && !categoryIds.has(indicator.category)) {
      out.push({
        path: ["indicators", i, "category"],
        message: `Indicator "${String(indicator.id)}" names unknown category "${indicator.category}"; expected one of ${
          [...categoryIds].map((c) => `"${String(c)}"`).join(", ")
        }`,
      });
    }
  });
  const bands = list("bands");
  for (let i = 1; i < bands.length; i++) {
    const [above, band] = [bands[i - 1], bands[i]];
    if (typeof band.min === "number" && typeof above.min === "number" && !(band.min < above.min)) {
      out.push({
        path: ["bands", i, "min"],
        message: `Bands out of order: band "${
          String(band.id)
        }" has min ${band.min}, which must be below the min ${above.min} of band "${
          String(above.id)
        }" above it (min must strictly decrease down the list)`,
      });
    }
  }
  return out;
}

/** A parsed model, with defaults (weights 1, otherwise 0, empty parameters and bands) filled in. */
export type Model = z.infer<typeof ModelSchema>;
/** A model as written in a file, before defaults. */
export type ModelInput = z.input<typeof ModelSchema>;
export type Parameter = z.infer<typeof ParameterSchema>;
export type Category = z.infer<typeof CategorySchema>;
export type Indicator = z.infer<typeof IndicatorSchema>;
export type Band = z.infer<typeof BandSchema>;
