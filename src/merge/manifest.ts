/**
 * The sources layout of contract §4: a source's `manifest.json`, its kinds, the standard person
 * fields every source may carry and the understood value fields, with their types.
 */
import { z } from "zod";
import { CATEGORY_CODES } from "../contract/mod.ts";

/** The kinds of source: the roster of low-income people and the 11 kinds of key data. */
export const SOURCE_KINDS = [
  "roster",
  "hukou",
  "tax",
  "social_insurance",
  "real_estate",
  "business",
  "housing_fund",
  "vehicle",
  "financial_assets",
  "major_illness",
  "consumption",
  "education",
] as const;
/** A kind of source. */
export type SourceKind = (typeof SOURCE_KINDS)[number];

const NAME = /^[a-z][a-z0-9_]*$/;

/** `manifest.json` of one source. */
export const ManifestSchema = z.looseObject({
  source_id: z.string().regex(NAME, "must match [a-z][a-z0-9_]* (lower-case letters, digits, _)"),
  department: z.string().min(1),
  kind: z.enum(SOURCE_KINDS),
  extract_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD"),
  columns: z.record(z.string(), z.string()).optional(),
  /**
   * Free columns (after `columns` mapping) that describe the person's household rather than the
   * person (a roster's survey fields): carried to `households.csv`, never merged as member values.
   */
  household_fields: z.array(z.string().regex(NAME, "must match [a-z][a-z0-9_]*")).optional(),
});
/** A parsed manifest. */
export type Manifest = z.infer<typeof ManifestSchema>;

/** How a field's cells are read. */
export type FieldType = "text" | "date" | "sex" | "boolean" | "relation" | "number" | "category";

/** The standard person fields (any source) and their types. */
export const PERSON_FIELDS = {
  record_id: "text",
  id_pseudo: "text",
  id_birth: "date",
  id_sex: "sex",
  id_check_ok: "boolean",
  name: "text",
  birth_date: "date",
  sex: "sex",
  town: "text",
  village: "text",
  household_ref: "text",
  relation: "relation",
} as const satisfies Record<string, FieldType>;
/** A standard person field. */
export type PersonField = keyof typeof PERSON_FIELDS;

/** The understood value fields, their types, and how the golden record merges them (see golden.ts). */
export const VALUE_FIELDS = {
  category: "category",
  tax_paid_yuan: "number",
  social_insurance: "boolean",
  pension_yuan: "number",
  property_count: "number",
  property_area_m2: "number",
  business_count: "number",
  housing_fund: "boolean",
  vehicle_count: "number",
  financial_assets_yuan: "number",
  major_illness: "boolean",
  medical_oop_yuan: "number",
  consumption_yuan: "number",
  education_cost_yuan: "number",
  school_stage: "text",
} as const satisfies Record<string, FieldType>;
/** An understood value field. */
export type ValueField = keyof typeof VALUE_FIELDS;

/** The category codes of §1. */
export const CATEGORIES: readonly string[] = CATEGORY_CODES;
