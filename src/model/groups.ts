/**
 * Audit groups as data in the model's own language: each group is a household-level `when`
 * (contract §2), e.g. `any_member(age >= 60)`, parsed, type-checked and compiled by the one
 * compiler of this module, so a group means exactly what the same text means in an indicator.
 *
 * The standard member groups ({@link memberGroupDefinitions}) depend on which member columns the
 * data has; a group whose columns are absent is skipped with a note saying which column is missing.
 *
 * ```ts
 * import { compileGroups, memberGroupDefinitions } from "./groups.ts";
 *
 * const schema = {
 *   households: { household_id: "text", village: "text", category: "text" },
 *   members: { person_id: "text", household_id: "text", age: "number" },
 * } as const;
 * const { groups, skipped } = memberGroupDefinitions(schema.members);
 * console.log(groups.map((g) => `${g.id}: ${g.when}`)); // elderly: any_member(age >= 60), child: …
 * console.log(skipped.map((s) => s.reason)); // disabled skipped: no disability column
 * const compiled = compileGroups(groups, schema); // throws InputError on a bad `when`
 * console.log(compiled.sql); // household_id and one 0/1 hit column per group, by household_id
 * ```
 */
import { type ColumnTypes, type DatasetSchema, parseModel } from "../contract/mod.ts";
import { type CompiledModel, compileModel, hitsSql } from "./compile.ts";

/** One audit group: the households where `when` (household level) is true. */
export interface GroupDefinition {
  id: string;
  name_zh: string;
  name_en: string;
  /** A household-level `when` expression. */
  when: string;
  /** How membership is decided, in words (printed in reports). */
  definition: string;
}

/** A group the data cannot support, and why. */
export interface SkippedGroup {
  id: string;
  name_zh: string;
  name_en: string;
  reason: string;
}

/** Names of the standard member groups. */
export const MEMBER_GROUP_NAMES = {
  elderly: { name_zh: "有老年人家庭", name_en: "Households with elderly members" },
  disabled: { name_zh: "有残疾人家庭", name_en: "Households with disabled members" },
  child: { name_zh: "有未成年人家庭", name_en: "Households with children" },
  single: { name_zh: "单人户", name_en: "Single-member households" },
} as const;

/** The member groups read from member columns. */
export type MemberGroupId = "elderly" | "child" | "disabled";

/**
 * The standard member groups as `when` text, from the member columns the data has:
 * - elderly: `any_member(age >= 60)` (the age of 老年人 in Chinese law);
 * - child: `any_member(age < 18)` (未成年人);
 * - disabled: some member has a non-null `disability_grade`, a non-empty `disability_type` or a
 *   true `disabled` (whichever of these columns exist).
 */
export function memberGroupDefinitions(members: ColumnTypes): {
  groups: (GroupDefinition & { id: MemberGroupId })[];
  skipped: (SkippedGroup & { id: MemberGroupId })[];
} {
  const groups: (GroupDefinition & { id: MemberGroupId })[] = [];
  const skipped: (SkippedGroup & { id: MemberGroupId })[] = [];
  const group = (id: MemberGroupId, when: string, definition: string) =>
    groups.push({ id, ...MEMBER_GROUP_NAMES[id], when, definition });
  const skip = (id: MemberGroupId, reason: string) => skipped.push({ id, ...MEMBER_GROUP_NAMES[id], reason });
  if (members.age === "number") {
    group("elderly", "any_member(age >= 60)", "some member has age ≥ 60");
    group("child", "any_member(age < 18)", "some member has age < 18");
  } else {
    const why = members.age === undefined
      ? "the members table has no `age` column"
      : `the members column \`age\` is ${members.age}, not a number`;
    skip("elderly", `Skipped: ${why}.`);
    skip("child", `Skipped: ${why}.`);
  }
  const parts: string[] = [], words: string[] = [];
  if (members.disability_grade !== undefined) {
    parts.push("disability_grade is not null");
    words.push("a non-null disability_grade");
  }
  if (members.disability_type === "text") {
    parts.push("coalesce(disability_type, '') <> ''");
    words.push("a non-empty disability_type");
  }
  if (members.disabled === "boolean") {
    parts.push("coalesce(disabled, false)");
    words.push("disabled = true");
  }
  if (parts.length > 0) group("disabled", `any_member(${parts.join(" or ")})`, `some member has ${words.join(" or ")}`);
  else {
    skip(
      "disabled",
      "Skipped: the members table has none of `disability_grade`, `disability_type` (text), `disabled` (boolean).",
    );
  }
  // Report order as before: elderly, child, disabled.
  return { groups, skipped };
}

/** Groups compiled against a dataset: the model they compile as, and the query of their 0/1 hits. */
export interface CompiledGroups {
  groups: GroupDefinition[];
  /** The groups as household-level indicators of one point each (group i is indicator i). */
  compiled: CompiledModel;
  /** `household_id` and one hit column per group (`compiled.coefficients[i].column`), ordered by household_id. */
  sql: string;
}

/**
 * Parses, type-checks and compiles the groups' `when` against the dataset schema with the model
 * compiler (each group a household-level indicator). Throws `InputError` naming the group (as the
 * indicator) and the position in its `when`.
 */
export function compileGroups(
  groups: readonly GroupDefinition[],
  schema: DatasetSchema,
  file = "groups",
): CompiledGroups {
  if (groups.length === 0) throw new RangeError("Expected at least one group to compile but found none");
  const model = parseModel(
    JSON.stringify({
      id: "groups",
      version: "1",
      categories: [{ id: "group" }],
      indicators: groups.map((g) => ({ id: g.id, category: "group", level: "household", when: g.when, points: 1 })),
    }),
    file,
  );
  const compiled = compileModel(model, schema, file);
  return { groups: [...groups], compiled, sql: hitsSql(compiled) };
}
