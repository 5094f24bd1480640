/**
 * The group audit (issue 5, item 5): warn rate, precision, false discovery rate and miss rate (only
 * where the frame supports them) by town, village, management category, and for households with
 * elderly, disabled, child or single members; each with its Wilson interval, a village-cluster
 * bootstrap interval, small-sample flags, and the disparity ratio against a reference group,
 * flagged outside [0.8, 1.25].
 *
 * Group definitions from member columns are `when` expressions compiled by the model compiler
 * (`src/model/groups.ts`; documented in every report; a definition whose columns the data lacks is
 * skipped with a note):
 * - elderly: `any_member(age >= 60)` (the age of 老年人 in Chinese law);
 * - child: `any_member(age < 18)` (未成年人);
 * - disabled: some member has a non-null `disability_grade`, a non-empty `disability_type` or a
 *   true `disabled` (whichever of these columns exist);
 * - single: the household has exactly one member row (always available).
 */
import type { ColumnTypes, DatasetSchema } from "../contract/mod.ts";
import type { Db } from "../db/mod.ts";
import { CATEGORY_LABELS_ZH } from "../contract/mod.ts";
import { type BootstrapInterval, bootstrapRatio, drawClusters } from "./bootstrap.ts";
import {
  type BootstrapOptions,
  type Clusters,
  FRAME_NAMES,
  type FrameBootstrap,
  frameBootstrapByGroup,
  frameCountsByGroup,
  type FrameLabels,
  type FrameMetrics,
  type FrameName,
  metricsFromCounts,
  MIN_LABELED,
} from "./frames.ts";
import { ratio, wilsonInterval } from "./wilson.ts";
import { ownValue } from "../base/lookup.ts";
import { shown } from "../base/terminal.ts";
import { compileGroups, MEMBER_GROUP_NAMES, memberGroupDefinitions, type MemberGroupId } from "../model/groups.ts";

/** Disparity ratios outside these bounds are flagged (the four-fifths rule and its reciprocal). */
export const DISPARITY_BOUNDS: [number, number] = [0.8, 1.25];

/** A partition of the households into groups, with a reference group. */
export interface GroupDimension {
  id: string;
  name_zh: string;
  name_en: string;
  /** How membership is decided, in words. */
  definition: string;
  /** Group ids, in display order. */
  groups: string[];
  /** Display labels of the groups (Chinese and English where known). */
  labels: string[];
  /** Group index of each household (−1: in no group, e.g. a null town). */
  of: Int32Array;
  /** Index of the reference group. */
  reference: number;
  /** How the reference was chosen. */
  reference_rule: string;
  /** False for villages: a village is itself a cluster, so resampling villages says nothing about it. */
  bootstrap: boolean;
}

/** A dimension the data cannot support, and why. */
export interface SkippedDimension {
  id: string;
  name_zh: string;
  name_en: string;
  reason: string;
}

/** Per-household member flags read from the members table, and what could not be read. */
export interface MemberGroups {
  flags: Partial<Record<"elderly" | "child" | "disabled", Uint8Array>>;
  definitions: Partial<Record<"elderly" | "child" | "disabled", string>>;
  skipped: SkippedDimension[];
}

const MEMBER_DIMENSIONS = MEMBER_GROUP_NAMES;

/**
 * The member groups that the member columns allow, as `when` text (`src/model/groups.ts`), and the
 * skipped ones.
 */
export function memberGroupConditions(members: ColumnTypes): {
  conditions: Partial<Record<MemberGroupId, { when: string; definition: string }>>;
  skipped: SkippedDimension[];
} {
  const { groups, skipped } = memberGroupDefinitions(members);
  const conditions: Partial<Record<MemberGroupId, { when: string; definition: string }>> = {};
  for (const g of groups) conditions[g.id] = { when: g.when, definition: g.definition };
  return { conditions, skipped };
}

/** Reads the member flags of every household (aligned with `householdIds`), compiling the groups' `when`. */
export async function readMemberGroups(
  db: Pick<Db, "all">,
  schema: DatasetSchema,
  householdIds: readonly string[],
): Promise<MemberGroups> {
  const { groups, skipped } = memberGroupDefinitions(schema.members);
  // Keyed by the fixed group ids only; null-prototype so that no inherited name is ever found.
  const flags: MemberGroups["flags"] = Object.create(null);
  const definitions: MemberGroups["definitions"] = Object.create(null);
  if (groups.length > 0) {
    const { compiled, sql } = compileGroups(groups, schema, "audit groups");
    const rows = await db.all(sql);
    const position = new Map(householdIds.map((id, i) => [id, i]));
    for (const g of groups) {
      flags[g.id] = new Uint8Array(householdIds.length);
      definitions[g.id] = g.definition;
    }
    for (const r of rows) {
      const h = position.get(String(r.household_id));
      if (h === undefined) continue;
      groups.forEach((g, i) => {
        if (Number(r[compiled.coefficients[i].column]) > 0) flags[g.id]![h] = 1;
      });
    }
  }
  return { flags, definitions, skipped };
}

/** Reads `households.town` when the data has it (aligned with `householdIds`), else null. */
export async function readTowns(
  db: Pick<Db, "all">,
  schema: DatasetSchema,
  householdIds: readonly string[],
): Promise<(string | null)[] | null> {
  if (schema.households.town === undefined) return null;
  const rows = await db.all(`SELECT household_id, CAST("town" AS VARCHAR) AS town FROM households`);
  const byId = new Map(rows.map((r) => [String(r.household_id), r.town === null ? null : String(r.town)]));
  return householdIds.map((id) => byId.get(id) ?? null);
}

/** A dimension from a text value per household; the reference is the given one or the largest group. */
export function valueDimension(
  spec: { id: string; name_zh: string; name_en: string; definition: string; bootstrap?: boolean },
  values: readonly (string | null)[],
  reference?: string,
  label: (value: string) => string = (v) => v,
): GroupDimension {
  const groups = [...new Set(values.filter((v): v is string => v !== null && v !== ""))].sort();
  const index = new Map(groups.map((g, i) => [g, i]));
  const of = Int32Array.from(values, (v) => (v === null || v === "" ? -1 : index.get(v)!));
  const sizes = new Int32Array(groups.length);
  for (const g of of) if (g >= 0) sizes[g]++;
  let ref = 0;
  for (let g = 1; g < groups.length; g++) if (sizes[g] > sizes[ref]) ref = g;
  let rule = "the group with the most households (first in sort order on ties)";
  if (reference !== undefined) {
    const r = index.get(reference);
    if (r === undefined) {
      throw new RangeError(
        `Expected the reference of ${spec.id} to be one of its groups (${
          groups.slice(0, 12).map((g) => `"${shown(g)}"`).join(", ")
        }${groups.length > 12 ? ", …" : ""}) but found "${shown(reference)}"`,
      );
    }
    ref = r;
    rule = "chosen by the user (--reference)";
  }
  return {
    id: spec.id,
    name_zh: spec.name_zh,
    name_en: spec.name_en,
    definition: spec.definition,
    groups,
    labels: groups.map(label),
    of,
    reference: ref,
    reference_rule: rule,
    bootstrap: spec.bootstrap ?? true,
  };
}

/** A yes/no dimension from a flag per household; the reference is "without". */
export function flagDimension(
  id: keyof typeof MEMBER_DIMENSIONS,
  definition: string,
  flag: Uint8Array,
  reference?: string,
): GroupDimension {
  const names = MEMBER_DIMENSIONS[id];
  const groups = ["with", "without"];
  let ref = 1, rule = `households without (${names.name_en.toLowerCase().replace(/^households /, "")}): "without"`;
  if (reference !== undefined) {
    ref = groups.indexOf(reference);
    if (ref < 0) {
      throw new RangeError(`Expected the reference of ${id} to be "with" or "without" but found "${shown(reference)}"`);
    }
    rule = "chosen by the user (--reference)";
  }
  return {
    id,
    name_zh: names.name_zh,
    name_en: names.name_en,
    definition,
    groups,
    labels: [`是 with (${definition})`, "否 without"],
    of: Int32Array.from(flag, (f) => (f ? 0 : 1)),
    reference: ref,
    reference_rule: rule,
    bootstrap: true,
  };
}

/** The standard dimensions of the audit from what the data has. */
export function auditDimensions(
  input: {
    villages: readonly (string | null)[];
    categories: readonly (string | null)[];
    members: Int32Array;
    towns: (string | null)[] | null;
    memberGroups: MemberGroups;
  },
  references: Record<string, string> = {},
): { dimensions: GroupDimension[]; skipped: SkippedDimension[] } {
  const dimensions: GroupDimension[] = [];
  const skipped: SkippedDimension[] = [];
  const known = new Set(["town", "village", "category", "elderly", "disabled", "child", "single"]);
  for (const key of Object.keys(references)) {
    if (!known.has(key)) {
      throw new RangeError(`Expected a reference for one of ${[...known].join(", ")} but found "${shown(key)}"`);
    }
  }
  if (input.towns) {
    dimensions.push(
      valueDimension(
        { id: "town", name_zh: "乡镇", name_en: "Town", definition: "households.town" },
        input.towns,
        references.town,
      ),
    );
  } else {skipped.push({
      id: "town",
      name_zh: "乡镇",
      name_en: "Town",
      reason: "Skipped: the households table has no `town` column.",
    });}
  dimensions.push(
    valueDimension(
      {
        id: "village",
        name_zh: "村（社区）",
        name_en: "Village",
        definition: "households.village (no bootstrap: a village is itself the cluster resampled)",
        bootstrap: false,
      },
      input.villages,
      references.village,
    ),
  );
  dimensions.push(
    valueDimension(
      { id: "category", name_zh: "管理类别", name_en: "Management category", definition: "households.category" },
      input.categories,
      references.category,
      (c) => `${ownValue(CATEGORY_LABELS_ZH as Record<string, string>, c) ?? ""} ${c}`.trim(),
    ),
  );
  for (const id of ["elderly", "disabled", "child"] as const) {
    const flag = input.memberGroups.flags[id];
    if (flag) dimensions.push(flagDimension(id, input.memberGroups.definitions[id]!, flag, references[id]));
  }
  skipped.push(...input.memberGroups.skipped);
  dimensions.push(
    flagDimension(
      "single",
      "exactly one member row",
      Uint8Array.from(input.members, (m) => (m === 1 ? 1 : 0)),
      references.single,
    ),
  );
  const order = ["town", "village", "category", "elderly", "disabled", "child", "single"];
  dimensions.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  skipped.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return { dimensions, skipped };
}

/** The figures compared between a group and the reference, per frame. */
const DISPARITY_METRICS: Record<FrameName, (keyof FrameMetrics)[]> = {
  survey: ["precision", "false_discovery_rate", "miss_rate"],
  warning: ["precision", "false_discovery_rate"],
  application: ["missed_share"],
};

/** One disparity ratio. */
export interface Disparity {
  /** group value / reference value; null where either is null or the reference is 0. */
  ratio: number | null;
  /** True where the ratio is outside {@link DISPARITY_BOUNDS}. */
  flagged: boolean;
  /** True where the group's or the reference's denominator has fewer than 30 cases: read the flag with care. */
  few_cases: boolean;
}

/** One group's row in the audit. */
export interface GroupRow {
  group: string;
  label: string;
  reference: boolean;
  households: number;
  warnings: number;
  /** Warned / households (population; no frame needed). */
  warn_rate: number | null;
  warn_rate_ci95: [number, number] | null;
  warn_rate_bootstrap: BootstrapInterval | null;
  /** Frame figures; only frames with verified rows appear. */
  frames: Partial<Record<FrameName, FrameMetrics & { bootstrap: FrameBootstrap | null }>>;
  disparity: { warn_rate: Disparity; frames: Partial<Record<FrameName, Record<string, Disparity>>> };
  /** Flagged disparities, as `warn_rate` or `<frame>.<figure>`. */
  flagged: string[];
}

/** One dimension's audit. */
export interface DimensionAudit {
  id: string;
  name_zh: string;
  name_en: string;
  definition: string;
  reference: string;
  reference_rule: string;
  bootstrap: boolean;
  rows: GroupRow[];
}

function disparity(value: number | null, reference: number | null, cases: number, referenceCases: number): Disparity {
  const r = value === null || reference === null || reference === 0 ? null : value / reference;
  return {
    ratio: r,
    flagged: r !== null && (r < DISPARITY_BOUNDS[0] || r > DISPARITY_BOUNDS[1]),
    few_cases: Math.min(cases, referenceCases) < MIN_LABELED,
  };
}

/** The denominator of each compared figure. */
function casesOf(m: FrameMetrics, figure: keyof FrameMetrics): number {
  return figure === "precision" || figure === "false_discovery_rate" ? m.labeled_warnings : m.labeled_positives;
}

/** The warn-rate bootstrap of every group: warned / households, all villages resampled. */
function warnRateBootstraps(
  bands: Int8Array,
  of: Int32Array,
  groups: number,
  clusters: Clusters,
  options: BootstrapOptions,
): BootstrapInterval[] {
  const k = clusters.names.length;
  const warned = new Int32Array(k * groups), households = new Int32Array(k * groups);
  for (let h = 0; h < bands.length; h++) {
    const g = of[h];
    if (g < 0) continue;
    const at = g * k + clusters.of[h];
    households[at]++;
    if (bands[h] >= 0) warned[at]++;
  }
  const draws = drawClusters(k, options.replicates, options.seed);
  return Array.from(
    { length: groups },
    (_, g) =>
      bootstrapRatio(
        warned.subarray(g * k, (g + 1) * k),
        households.subarray(g * k, (g + 1) * k),
        draws,
        options.replicates,
      ),
  );
}

/** Audits one dimension: every group's figures and its disparities against the reference. */
export function auditDimension(
  dimension: GroupDimension,
  bands: Int8Array,
  frames: Partial<Record<FrameName, FrameLabels>>,
  clusters: Clusters,
  options: BootstrapOptions & { bootstrap?: boolean },
): DimensionAudit {
  const present = FRAME_NAMES.filter((f) => frames[f] !== undefined);
  const G = dimension.groups.length;
  const boot = options.bootstrap !== false && dimension.bootstrap;
  const households = new Int32Array(G), warnings = new Int32Array(G);
  for (let h = 0; h < bands.length; h++) {
    const g = dimension.of[h];
    if (g < 0) continue;
    households[g]++;
    if (bands[h] >= 0) warnings[g]++;
  }
  const counts = Object.fromEntries(present.map((f) => [f, frameCountsByGroup(frames[f]!, bands, dimension.of, G)]));
  const boots = Object.fromEntries(
    present.map((
      f,
    ) => [f, boot ? frameBootstrapByGroup(f, frames[f]!, bands, clusters, options, dimension.of, G) : null]),
  );
  const warnBoots = boot ? warnRateBootstraps(bands, dimension.of, G, clusters, options) : null;
  const rows: GroupRow[] = dimension.groups.map((group, g) => {
    const byFrame: GroupRow["frames"] = {};
    for (const f of present) {
      byFrame[f] = { ...metricsFromCounts(f, counts[f][g]), bootstrap: boots[f] ? boots[f]![g] : null };
    }
    return {
      group,
      label: dimension.labels[g],
      reference: g === dimension.reference,
      households: households[g],
      warnings: warnings[g],
      warn_rate: ratio(warnings[g], households[g]),
      warn_rate_ci95: wilsonInterval(warnings[g], households[g]),
      warn_rate_bootstrap: warnBoots ? warnBoots[g] : null,
      frames: byFrame,
      disparity: { warn_rate: { ratio: null, flagged: false, few_cases: true }, frames: {} },
      flagged: [],
    };
  });
  const ref = rows[dimension.reference];
  for (const row of rows) {
    if (!ref) break;
    row.disparity.warn_rate = disparity(row.warn_rate, ref.warn_rate, row.households, ref.households);
    if (row.disparity.warn_rate.flagged) row.flagged.push("warn_rate");
    for (const f of present) {
      const out: Record<string, Disparity> = {};
      for (const m of DISPARITY_METRICS[f]) {
        const mine = row.frames[f]!, theirs = ref.frames[f]!;
        const d = disparity(mine[m] as number | null, theirs[m] as number | null, casesOf(mine, m), casesOf(theirs, m));
        out[m] = d;
        if (d.flagged) row.flagged.push(`${f}.${m}`);
      }
      row.disparity.frames[f] = out;
    }
  }
  return {
    id: dimension.id,
    name_zh: dimension.name_zh,
    name_en: dimension.name_en,
    definition: dimension.definition,
    reference: dimension.groups[dimension.reference] ?? "",
    reference_rule: dimension.reference_rule,
    bootstrap: dimension.bootstrap && options.bootstrap !== false,
    rows,
  };
}

/** Parses `--reference town=花园镇,category=dibao` (a null-prototype record: only the given keys exist). */
export function parseReferences(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (text === undefined || text === "") return out;
  for (const part of text.split(",")) {
    const m = /^([a-z_]+)=(.+)$/.exec(part.trim());
    if (!m) {
      throw new RangeError(
        `Expected --reference entries written dimension=group (e.g. category=dibao) but found "${shown(part)}"`,
      );
    }
    out[m[1]] = m[2];
  }
  return out;
}
