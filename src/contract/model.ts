/**
 * The model format of contract §2 as zod schemas: the single source of the model's types.
 * Structural rules that zod can state (ids, weights, bands in order, references between
 * indicators and categories) are checked here; the `when` expressions are checked in `src/model`.
 */
import { z } from "zod";
import { CATEGORY_CODES } from "./dataset.ts";

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

/** A department id as indicators and routing name it. */
const DepartmentId = z.string().min(1, { message: "Expected a non-empty department id" });

/**
 * Who a warned household is dispatched to (主管 competent, 主责 responsible, 主抓 executing): policy
 * data a county may change. Every field is optional; `src/model/routing.ts` fills the documented
 * defaults (`DEFAULT_ROUTING`), so a model without `routing` dispatches as the pilot does. Strict:
 * a misspelt key is an error, not a silently ignored rule.
 */
export const RoutingSchema = z.strictObject({
  /**
   * The competent department (主管) of every warning: one id, or a default with overrides by the
   * household's management category (contract §1 codes). Default "civil_affairs".
   */
  competent: z.union([
    DepartmentId,
    z.strictObject({
      default: DepartmentId,
      by_household_category: z.partialRecord(z.enum(CATEGORY_CODES), DepartmentId).optional(),
    }),
  ]).optional(),
  /** How the responsible department (主责) is chosen: the one whose dispatched indicators add the most points. */
  responsible: z.literal("most_points").optional(),
  /**
   * Fixed responsibility: the first entry whose indicator dispatches for the household (fired, positive
   * weighted points) makes `department` responsible, whatever the points say.
   */
  responsible_overrides: z.array(z.strictObject({ indicator: Identifier, department: DepartmentId })).optional(),
  /** Executing departments (主抓): `other_fired` = every other department an indicator dispatches to; `none`. */
  executing: z.enum(["other_fired", "none"]).optional(),
  /** Where indicators that name no department dispatch. Default "unassigned". */
  unassigned: DepartmentId.optional(),
  /** Departments routing may name that no indicator names (e.g. a competent department without indicators). */
  departments: z.array(DepartmentId).optional(),
  note: z.string().optional(),
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
    routing: RoutingSchema.optional(),
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
  bands.forEach((band, i) => {
    if (band.id === "none") {
      out.push({
        path: ["bands", i, "id"],
        message: `Band id "none" is reserved: outputs count the households in no band under "none"; rename the band`,
      });
    }
  });
  out.push(...crossCheckRouting(model, list("indicators")));
  return out;
}

/** Departments and indicators that `routing` names must exist: each unknown one is reported at its path. */
function crossCheckRouting(
  model: Record<string, unknown>,
  indicators: Loose[],
): { path: PropertyKey[]; message: string }[] {
  const routing = model.routing;
  if (!routing || typeof routing !== "object" || Array.isArray(routing)) return [];
  const r = routing as Record<string, unknown>;
  const out: { path: PropertyKey[]; message: string }[] = [];
  const quoted = (ids: Iterable<string>) => [...ids].map((d) => `"${d}"`).join(", ");
  const known = new Set<string>();
  let unnamed = false;
  for (const ind of indicators as { department?: unknown }[]) {
    if (typeof ind.department === "string" && ind.department !== "") known.add(ind.department);
    else unnamed = true;
  }
  if (Array.isArray(r.departments)) { for (const d of r.departments) if (typeof d === "string") known.add(d); }
  if (unnamed) known.add(typeof r.unassigned === "string" ? r.unassigned : "unassigned");
  const department = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === "string" && value !== "" && !known.has(value)) {
      out.push({
        path: ["routing", ...path],
        message: `Routing names unknown department "${value}"; expected one of ${
          quoted([...known].sort())
        } (a department no indicator names must be listed in routing.departments)`,
      });
    }
  };
  if (typeof r.competent === "string") department(r.competent, ["competent"]);
  else if (r.competent && typeof r.competent === "object") {
    const c = r.competent as { default?: unknown; by_household_category?: unknown };
    department(c.default, ["competent", "default"]);
    if (c.by_household_category && typeof c.by_household_category === "object") {
      for (const [k, v] of Object.entries(c.by_household_category)) {
        department(v, ["competent", "by_household_category", k]);
      }
    }
  }
  const indicatorIds = new Set(indicators.map((i) => i.id).filter((id): id is string => typeof id === "string"));
  if (Array.isArray(r.responsible_overrides)) {
    r.responsible_overrides.forEach((o: unknown, i: number) => {
      if (!o || typeof o !== "object") return;
      const { indicator, department: d } = o as { indicator?: unknown; department?: unknown };
      if (typeof indicator === "string" && !indicatorIds.has(indicator)) {
        out.push({
          path: ["routing", "responsible_overrides", i, "indicator"],
          message: `Routing names unknown indicator "${indicator}"; expected one of the model's indicator ids`,
        });
      }
      department(d, ["responsible_overrides", i, "department"]);
    });
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
/** The `routing` section as written (no defaults: `src/model/routing.ts` normalizes it). */
export type RoutingInput = z.infer<typeof RoutingSchema>;
