/**
 * Golden records: one member row per person found, one household row per household, from the
 * records of each cluster. The rule per field (documented here and in mod.ts):
 *
 * - household: the `household_ref` of the person's latest hukou record, else of the roster, else
 *   the most common one; the household's id is that reference (a pseudonym). A person with none
 *   is a household of their own, `X` + person id.
 * - relation: hukou, else roster, else the most common; `other` when none says.
 * - sex: the sex encoded by a trusted valid identity number, else the most common recorded one.
 * - birth year and age (whole years at the latest extract date): the most common full birth
 *   date, else the most precise partial one.
 * - any-true (false when no record says): `social_insurance`, `housing_fund`, `major_illness`.
 * - sum across records (0 when none): `property_count`, `business_count`, `vehicle_count`;
 *   sum, null when none: `property_area_m2`, `financial_assets_yuan`, `medical_oop_yuan`,
 *   `education_cost_yuan`.
 * - latest extract (then source id, record id), null when none: `tax_paid_yuan`, `pension_yuan`,
 *   `consumption_yuan`, `school_stage`.
 * - household village and town: the most common among its members' hukou records, else all
 *   records; category: the highest of its members' roster categories by the priority
 *   tekun > dibao > monitored > rigid_expense > near_dibao > other (`other` when none).
 * - free columns (a source's columns that are no standard field, e.g. a roster's survey fields):
 *   on the member, the latest hukou record's value, else the roster's, else the most common; a
 *   source's `household_fields` on the household, the head's latest record carrying it, else the
 *   most common among its members' records. Names the merge writes itself are never overwritten.
 */
import type { StagedRecord } from "./stage.ts";
import type { ValueField } from "./manifest.ts";

/** How each value field is merged. */
export const VALUE_RULES: Record<Exclude<ValueField, "category">, "any" | "count" | "sum" | "latest"> = {
  social_insurance: "any",
  housing_fund: "any",
  major_illness: "any",
  property_count: "count",
  business_count: "count",
  vehicle_count: "count",
  property_area_m2: "sum",
  financial_assets_yuan: "sum",
  medical_oop_yuan: "sum",
  education_cost_yuan: "sum",
  tax_paid_yuan: "latest",
  pension_yuan: "latest",
  consumption_yuan: "latest",
  school_stage: "latest",
};

/** The category priority, highest first. */
export const CATEGORY_PRIORITY = ["tekun", "dibao", "monitored", "rigid_expense", "near_dibao", "other"] as const;

/** A golden member row (contract §1 members, with the merged value fields). */
export type MemberRow = Record<string, string | number | boolean | null>;
/** A golden household row. */
export interface HouseholdRow {
  household_id: string;
  town: string | null;
  village: string;
  category: string;
  /** The household free columns (`household_fields` of the sources), by name. */
  free: Record<string, string | null>;
}

/** The free columns to carry, in file order (see {@link freeColumnsOf}). */
export interface FreeColumns {
  member: string[];
  household: string[];
}

/** The names the merge writes itself on members and households: free columns never take them. */
export const RESERVED = {
  member: new Set([
    "person_id",
    "household_id",
    "relation",
    "sex",
    "age",
    "birth_year",
    "records",
    "sources",
    ...Object.keys(VALUE_RULES),
  ]),
  household: new Set(["household_id", "town", "village", "category"]),
};

/** The free columns of the records, in order of first appearance, reserved names left out. */
export function freeColumnsOf(records: readonly StagedRecord[]): FreeColumns {
  const member = new Set<string>(), household = new Set<string>();
  for (const r of records) {
    for (const k in r.free) if (!RESERVED.member.has(k)) member.add(k);
    for (const k in r.householdFree) if (!RESERVED.household.has(k)) household.add(k);
  }
  return { member: [...member], household: [...household] };
}

function mode<T>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  let best: T | null = null, bestN = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN || (n === bestN && best !== null && String(v) < String(best))) {
      best = v;
      bestN = n;
    }
  }
  return best;
}

const byLatest = (a: StagedRecord, b: StagedRecord) =>
  a.extract_date !== b.extract_date
    ? (a.extract_date > b.extract_date ? -1 : 1)
    : a.source_id !== b.source_id
    ? (a.source_id < b.source_id ? -1 : 1)
    : a.record_id < b.record_id
    ? -1
    : 1;

function preferred<T>(records: readonly StagedRecord[], get: (r: StagedRecord) => T | null): T | null {
  for (const kind of ["hukou", "roster"]) {
    const v = records.filter((r) => r.kind === kind && get(r) !== null).sort(byLatest)[0];
    if (v) return get(v);
  }
  return mode(records.map(get).filter((x): x is T => x !== null));
}

/** The member and household rows of the persons (records grouped by person id, in person-id order). */
export function goldenRecords(
  persons: ReadonlyMap<string, readonly StagedRecord[]>,
  referenceDate: string,
  free: FreeColumns = { member: [], household: [] },
): { members: MemberRow[]; households: HouseholdRow[] } {
  const members: MemberRow[] = [];
  const homes = new Map<string, { records: StagedRecord[]; categories: string[]; heads: StagedRecord[] }>();
  const refYear = Number(referenceDate.slice(0, 4));
  const refMd = referenceDate.slice(5);
  for (const [personId, records] of [...persons].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const householdId = preferred(records, (r) => r.household_ref) ?? `X${personId}`;
    const validSex = records.find((r) => r.id_ok === true && r.id_sex !== null)?.id_sex;
    const sex = validSex ?? mode(records.map((r) => r.sex).filter((s) => s !== null));
    const full = mode(
      records.map((r) => r.birth).filter((b) => b && b.m !== null && b.d !== null)
        .map((b) => `${b!.y}-${String(b!.m).padStart(2, "0")}-${String(b!.d).padStart(2, "0")}`),
    );
    const partial = records.map((r) => r.birth).filter((b) => b !== null)
      .sort((a, b) => (b!.m !== null ? 1 : 0) - (a!.m !== null ? 1 : 0))[0] ?? null;
    const birthYear = full ? Number(full.slice(0, 4)) : partial ? partial.y : null;
    const age = full
      ? refYear - Number(full.slice(0, 4)) - (full.slice(5) > refMd ? 1 : 0)
      : birthYear !== null
      ? refYear - birthYear
      : null;
    const row: MemberRow = {
      person_id: personId,
      household_id: householdId,
      relation: preferred(records, (r) => r.relation) ?? "other",
      sex: sex === "M" ? "male" : sex === "F" ? "female" : null,
      age,
      birth_year: birthYear,
      records: records.length,
      sources: new Set(records.map((r) => r.source_id)).size,
    };
    for (const [field, rule] of Object.entries(VALUE_RULES) as [keyof typeof VALUE_RULES, string][]) {
      const carrying = records.filter((r) => r.values[field] !== undefined);
      if (rule === "any") row[field] = carrying.some((r) => r.values[field] === true);
      else if (rule === "count") row[field] = carrying.reduce((s, r) => s + Number(r.values[field]), 0);
      else if (rule === "sum") {
        row[field] = carrying.length ? carrying.reduce((s, r) => s + Number(r.values[field]), 0) : null;
      } else row[field] = carrying.length ? [...carrying].sort(byLatest)[0].values[field]! : null;
    }
    if (free.member.length > 0) {
      // The same preference as `preferred`, ordered once per person: hukou latest first, then roster.
      const ranked = ["hukou", "roster"].flatMap((kind) => records.filter((r) => r.kind === kind).sort(byLatest));
      const carrying = records.filter((r) => Object.keys(r.free).length > 0);
      for (const c of free.member) {
        const first = ranked.find((r) => r.free[c] !== undefined);
        row[c] = first
          ? first.free[c]
          : carrying.length > 0
          ? mode(carrying.map((r) => r.free[c]).filter((x): x is string => x !== undefined))
          : null;
      }
    }
    members.push(row);
    let home = homes.get(householdId);
    if (!home) homes.set(householdId, home = { records: [], categories: [], heads: [] });
    home.records.push(...records);
    if (row.relation === "head") home.heads.push(...records);
    for (const r of records) {
      if (r.kind === "roster" && typeof r.values.category === "string") {
        home.categories.push(r.values.category);
      }
    }
  }
  const households: HouseholdRow[] = [...homes].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, h]) => {
    const hukou = h.records.filter((r) => r.kind === "hukou");
    const from = (get: (r: StagedRecord) => string | null) =>
      mode(hukou.map(get).filter((x): x is string => x !== null)) ??
        mode(h.records.map(get).filter((x): x is string => x !== null));
    const category = CATEGORY_PRIORITY.find((c) => h.categories.includes(c)) ?? "other";
    const freeRow: Record<string, string | null> = {};
    for (const c of free.household) {
      const head = h.heads.filter((r) => r.householdFree[c] !== undefined).sort(byLatest)[0];
      freeRow[c] = head
        ? head.householdFree[c]
        : mode(h.records.map((r) => r.householdFree[c]).filter((x): x is string => x !== undefined));
    }
    return {
      household_id: id,
      town: from((r) => r.town),
      village: from((r) => r.village) ?? "(unknown)",
      category,
      free: freeRow,
    };
  });
  return { members, households };
}

/** One conflict found among a person's records (`linkage/conflicts.csv`). */
export interface Conflict {
  person_id: string;
  kind: "two_valid_ids" | "sex_disagrees" | "birth_date_disagrees" | "two_households" | "no_household";
  severity: "high" | "medium" | "low";
  /** What disagrees, in counts (never the values). */
  detail: string;
}

/**
 * The conflicts of each person's records: two valid pseudonyms (high: the cannot-link should make
 * this impossible), recorded sex disagreeing (medium), full birth dates disagreeing (medium, low
 * when they differ in one field only), two household references (medium), none at all (low).
 */
export function conflictsOf(persons: ReadonlyMap<string, readonly StagedRecord[]>): Conflict[] {
  const out: Conflict[] = [];
  for (const [personId, records] of [...persons].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const distinct = <T>(get: (r: StagedRecord) => T | null) =>
      new Set(records.map(get).filter((x): x is T => x !== null && x !== undefined));
    const ids = distinct((r) => (r.id_ok === true ? r.id_pseudo : null));
    if (ids.size > 1) {
      out.push({
        person_id: personId,
        kind: "two_valid_ids",
        severity: "high",
        detail: `${ids.size} valid pseudonyms`,
      });
    }
    const sexes = distinct((r) => r.sex);
    if (sexes.size > 1) {
      out.push({ person_id: personId, kind: "sex_disagrees", severity: "medium", detail: `${records.length} records` });
    }
    const births = [
      ...distinct((
        r,
      ) => (r.birth && r.birth.m !== null && r.birth.d !== null ? `${r.birth.y}-${r.birth.m}-${r.birth.d}` : null)),
    ];
    if (births.length > 1) {
      const parts = births.map((b) => b.split("-"));
      const oneField = births.length === 2 && parts[0].filter((x, i) => x !== parts[1][i]).length === 1;
      out.push({
        person_id: personId,
        kind: "birth_date_disagrees",
        severity: oneField ? "low" : "medium",
        detail: `${births.length} full birth dates${oneField ? ", one field apart" : ""}`,
      });
    }
    const homes = distinct((r) => r.household_ref);
    if (homes.size > 1) {
      out.push({
        person_id: personId,
        kind: "two_households",
        severity: "medium",
        detail: `${homes.size} household references`,
      });
    } else if (homes.size === 0) {
      out.push({ person_id: personId, kind: "no_household", severity: "low", detail: "a household of their own" });
    }
  }
  return out;
}
