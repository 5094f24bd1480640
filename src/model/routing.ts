/**
 * The dispatch rule (派单), once: which departments a warned household goes to, and in which role —
 * 主管 competent, 主责 responsible, 主抓 executing. The rule is policy data (the model's optional
 * `routing` section, contract §2); {@link routingOf} fills the defaults once, and every consumer (the
 * command line, the reports, the pages, the simulation) routes through the functions below.
 *
 * The rule, with the default routing ({@link DEFAULT_ROUTING}):
 * 1. An indicator dispatches for a household when it fired (hits > 0) with positive weighted points
 *    (category weight × points > 0): {@link dispatches}. It dispatches to its `department`, or to
 *    `routing.unassigned` ("unassigned") when it names none: {@link indicatorDepartment}.
 * 2. A department's points are the sum of hits × weighted points of the indicators dispatching to it.
 * 3. The competent department (主管) is `routing.competent` ("civil_affairs"), or the one named for the
 *    household's management category.
 * 4. The responsible department (主责) is the one named by the first `responsible_overrides` entry
 *    whose indicator dispatches; otherwise the department with the most points (ties: smaller id).
 * 5. With `executing: "other_fired"` (default) every other department an indicator dispatches to is
 *    executing (主抓); with `"none"` there are none.
 * 6. The case is dispatched to (counts in the workload of) the responsible and executing departments;
 *    the competent department oversees every case and counts only where it is also one of those.
 *
 * Order of a routed case: the competent department first, then the responsible one, then the
 * executing ones by points (largest first, ties by id); indicators within a department likewise.
 *
 * ```ts
 * import { routeHousehold, routingOf } from "./routing.ts";
 *
 * const routed = routeHousehold(routingOf(undefined), [
 *   { id: "M01", department: "medical_insurance", hits: 2, weight: 1, points: 3 },
 *   { id: "E02", department: "education", hits: 1, weight: 1, points: 8 },
 * ]);
 * // civil_affairs competent, education responsible (8 points), medical_insurance executing (6)
 * console.log(routed.departments.map((d) => `${d.department}: ${d.roles.join("+")}`));
 * ```
 */
import type { CATEGORY_CODES, RoutingInput } from "../contract/mod.ts";

type CategoryCode = (typeof CATEGORY_CODES)[number];

/** The three roles of the rule 主管、主责、主抓. */
export const ROLES = ["competent", "responsible", "executing"] as const;
/** A department's role in a routed case. */
export type Role = (typeof ROLES)[number];

/** Chinese and English names of the roles. */
export const ROLE_NAMES: Readonly<Record<Role, { zh: string; en: string }>> = {
  competent: { zh: "主管", en: "competent" },
  responsible: { zh: "主责", en: "responsible" },
  executing: { zh: "主抓", en: "executing" },
};

/** The roles as "主管 competent": both names in one label. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = Object.fromEntries(
  ROLES.map((r) => [r, `${ROLE_NAMES[r].zh} ${ROLE_NAMES[r].en}`]),
) as Record<Role, string>;

/** The routing with every default filled: what the functions below read. */
export interface Routing {
  competent: { default: string; byHouseholdCategory: Partial<Record<CategoryCode, string>> };
  responsible: "most_points";
  responsibleOverrides: { indicator: string; department: string }[];
  executing: "other_fired" | "none";
  unassigned: string;
}

/** The department of indicators that name none (default of `routing.unassigned`). */
export const UNASSIGNED = "unassigned";
/** The competent department of every warning by default (the bureau that runs the platform). */
export const COMPETENT_DEPARTMENT = "civil_affairs";

/** The routing of a model without a `routing` section: the pilot's rule, as the toolkit has always read it. */
export const DEFAULT_ROUTING: Readonly<Routing> = Object.freeze({
  competent: { default: COMPETENT_DEPARTMENT, byHouseholdCategory: {} },
  responsible: "most_points",
  responsibleOverrides: [],
  executing: "other_fired",
  unassigned: UNASSIGNED,
});

/** Fills the defaults of a model's `routing` section (absent → {@link DEFAULT_ROUTING}). Pure; the input is not mutated. */
export function routingOf(routing: RoutingInput | undefined | null): Routing {
  const r = routing ?? {};
  const competent = typeof r.competent === "string"
    ? { default: r.competent, byHouseholdCategory: {} }
    : r.competent
    ? { default: r.competent.default, byHouseholdCategory: { ...(r.competent.by_household_category ?? {}) } }
    : { default: COMPETENT_DEPARTMENT, byHouseholdCategory: {} };
  return {
    competent,
    responsible: r.responsible ?? "most_points",
    responsibleOverrides: (r.responsible_overrides ?? []).map((o) => ({
      indicator: o.indicator,
      department: o.department,
    })),
    executing: r.executing ?? "other_fired",
    unassigned: r.unassigned ?? UNASSIGNED,
  };
}

/** Rule 1: whether an indicator dispatches for a household — fired, with positive weighted points. */
export function dispatches(hits: number, weightedPoints: number): boolean {
  return hits > 0 && weightedPoints > 0;
}

/** Rule 1: the department an indicator dispatches to. */
export function indicatorDepartment(routing: Routing, indicator: { department?: string | null }): string {
  return indicator.department || routing.unassigned;
}

/** Rule 3: the competent department of a household of management category `category`. */
export function competentDepartment(routing: Routing, category?: string | null): string {
  return (category && routing.competent.byHouseholdCategory[category as CategoryCode]) || routing.competent.default;
}

// ---------------------------------------------------------------------------------------------
// The indexed form: departments and indicators as integers, for the typed-array fast path.

/** The routing compiled against a model's indicators: departments as indices, for whole-population loops. */
export interface RoutingTable {
  routing: Routing;
  /** Every department a case can be dispatched to (indicators' and override departments), sorted by id. */
  departments: string[];
  /** Department index of each indicator (model order). */
  departmentOf: Int32Array;
  /** Per indicator: the rank of its first `responsible_overrides` entry, −1 when none. */
  overrideRank: Int32Array;
  /** Per indicator: the department index its override makes responsible, −1 when none. */
  overrideDepartment: Int32Array;
  /** True for the default shape (no overrides, executing other_fired): dispatched = every department fired. */
  simple: boolean;
}

/** Compiles the routing against the model's indicators (model order; `id` and `department` are read). */
export function routingTableOf(
  routing: Routing,
  indicators: readonly { id: string; department?: string | null }[],
): RoutingTable {
  const names = new Set(indicators.map((i) => indicatorDepartment(routing, i)));
  for (const o of routing.responsibleOverrides) names.add(o.department);
  const departments = [...names].sort();
  const index = new Map(departments.map((d, i) => [d, i]));
  const n = indicators.length;
  const overrideRank = new Int32Array(n).fill(-1), overrideDepartment = new Int32Array(n).fill(-1);
  const position = new Map(indicators.map((ind, i) => [ind.id, i]));
  routing.responsibleOverrides.forEach((o, rank) => {
    const i = position.get(o.indicator);
    if (i !== undefined && overrideRank[i] < 0) {
      overrideRank[i] = rank;
      overrideDepartment[i] = index.get(o.department)!;
    }
  });
  return {
    routing,
    departments,
    departmentOf: Int32Array.from(indicators, (ind) => index.get(indicatorDepartment(routing, ind))!),
    overrideRank,
    overrideDepartment,
    simple: routing.responsibleOverrides.length === 0 && routing.executing === "other_fired",
  };
}

/** A household's hits in the indexed form: CSR rows as in the score frame. */
export interface HitRows {
  size: number;
  offsets: Int32Array;
  indicatorIndex: Int32Array;
  hitCount: Int32Array;
}

/**
 * Rules 2, 4, 5 in the indexed form, for one household whose dispatching entries are given: the
 * responsible department index (−1 when nothing dispatches) and the executing ones. `points[d]` holds
 * each department's points for this household (entries of `touched`); `lead` the override department
 * of the best-ranked dispatching override (−1 when none).
 */
function choose(
  table: RoutingTable,
  points: Float64Array,
  touched: readonly number[],
  lead: number,
): { responsible: number; executing: number[] } {
  let responsible = lead;
  if (responsible < 0) {
    for (const d of touched) {
      if (
        responsible < 0 || points[d] > points[responsible] || (points[d] === points[responsible] && d < responsible)
      ) {
        responsible = d;
      }
    }
  }
  const executing = table.routing.executing === "other_fired"
    ? touched.filter((d) => d !== responsible).sort((a, b) => points[b] - points[a] || a - b)
    : [];
  return { responsible, executing };
}

/** Scratch space reused across households. */
class Scratch {
  points: Float64Array;
  seen: Uint8Array;
  touched: number[] = [];
  constructor(departments: number) {
    this.points = new Float64Array(departments);
    this.seen = new Uint8Array(departments);
  }
  /** Accumulates household h's dispatching entries; returns the lead override department (−1 when none). */
  gather(table: RoutingTable, rows: HitRows, weightedPoints: ArrayLike<number>, h: number): number {
    this.reset();
    let lead = -1, leadRank = Infinity;
    for (let e = rows.offsets[h]; e < rows.offsets[h + 1]; e++) {
      const i = rows.indicatorIndex[e];
      const wp = weightedPoints[i];
      if (!dispatches(rows.hitCount[e], wp)) continue;
      const d = table.departmentOf[i];
      if (!this.seen[d]) {
        this.seen[d] = 1;
        this.touched.push(d);
      }
      this.points[d] += rows.hitCount[e] * wp;
      const rank = table.overrideRank[i];
      if (rank >= 0 && rank < leadRank) {
        leadRank = rank;
        lead = table.overrideDepartment[i];
      }
    }
    return lead;
  }
  reset(): void {
    for (const d of this.touched) {
      this.seen[d] = 0;
      this.points[d] = 0;
    }
    this.touched.length = 0;
  }
}

/**
 * Rule 6 for every household: the departments each case is dispatched to (responsible and executing),
 * as CSR — entries offsets[h] … offsets[h+1]−1 of `index`, ascending department index. Households
 * are routed whether warned or not; callers count only warned ones.
 */
export function householdDepartmentsOf(
  table: RoutingTable,
  rows: HitRows,
  weightedPoints: ArrayLike<number>,
): { offsets: Int32Array; index: Int32Array } {
  const offsets = new Int32Array(rows.size + 1);
  const out: number[] = [];
  const scratch = new Scratch(table.departments.length);
  for (let h = 0; h < rows.size; h++) {
    offsets[h] = out.length;
    out.push(...dispatchedOf(table, scratch, rows, weightedPoints, h));
  }
  offsets[rows.size] = out.length;
  return { offsets, index: Int32Array.from(out) };
}

/** The departments household h is dispatched to, ascending. */
function dispatchedOf(
  table: RoutingTable,
  scratch: Scratch,
  rows: HitRows,
  weightedPoints: ArrayLike<number>,
  h: number,
): number[] {
  const lead = scratch.gather(table, rows, weightedPoints, h);
  if (table.simple) return [...scratch.touched].sort((a, b) => a - b);
  const { responsible, executing } = choose(table, scratch.points, scratch.touched, lead);
  return responsible < 0 ? [] : [responsible, ...executing].sort((a, b) => a - b);
}

/**
 * Warned households per department index (rule 6): a household with `warned[h] ≥ 0` counts once for
 * each department it is dispatched to. The page calls this on every slider tick with new points.
 */
export function departmentWorkload(
  table: RoutingTable,
  rows: HitRows,
  weightedPoints: ArrayLike<number>,
  warned: ArrayLike<number>,
): Int32Array {
  const counts = new Int32Array(table.departments.length);
  if (table.simple) {
    // The default shape: every department an indicator dispatches to, once per household (no points needed).
    const stamp = new Int32Array(table.departments.length).fill(-1);
    const { offsets, indicatorIndex, hitCount } = rows;
    for (let h = 0; h < rows.size; h++) {
      if (warned[h] < 0) continue;
      for (let e = offsets[h]; e < offsets[h + 1]; e++) {
        const i = indicatorIndex[e];
        if (!dispatches(hitCount[e], weightedPoints[i])) continue;
        const d = table.departmentOf[i];
        if (stamp[d] !== h) {
          stamp[d] = h;
          counts[d]++;
        }
      }
    }
    return counts;
  }
  const scratch = new Scratch(table.departments.length);
  for (let h = 0; h < rows.size; h++) {
    if (warned[h] < 0) continue;
    for (const d of dispatchedOf(table, scratch, rows, weightedPoints, h)) counts[d]++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// One household, by name: what the household page, explain and the simulation read.

/** One indicator of a household as routing reads it (an `IndicatorExplanation` is one). */
export interface RoutingIndicator {
  id: string;
  name?: string;
  name_zh?: string;
  department?: string;
  /** Members for whom the rule fired (member level), or 1/0 (household level). */
  hits: number;
  /** The category weight. */
  weight: number;
  points: number;
}

/** A department of a routed case. */
export interface RoutedDepartment {
  department: string;
  /** In the order competent, responsible, executing. */
  roles: Role[];
  /** The indicators that send the case to it, with their points (hits × weight × points), largest first. */
  indicators: { id: string; label: string; points: number }[];
  points: number;
}

/** One household's case, routed. */
export interface RoutedCase {
  competent: string;
  /** Null when no indicator dispatches (the competent department alone holds the case). */
  responsible: string | null;
  executing: string[];
  /** Competent first, then responsible, then executing by points; each department once. */
  departments: RoutedDepartment[];
  /** The departments the case counts for in workload (responsible and executing), sorted by id. */
  dispatched: string[];
}

/**
 * Routes one household's case (rules 1–6). `indicators` are the model's (any order; model order keeps
 * ties stable); `context.category` is the household's management category (for the competent department).
 */
export function routeHousehold(
  routing: Routing,
  indicators: readonly RoutingIndicator[],
  context: { category?: string | null } = {},
): RoutedCase {
  const table = routingTableOf(routing, indicators);
  const rows: HitRows = {
    size: 1,
    offsets: Int32Array.of(0, indicators.length),
    indicatorIndex: Int32Array.from(indicators, (_, i) => i),
    hitCount: Int32Array.from(indicators, (ind) => ind.hits),
  };
  const weighted = indicators.map((ind) => ind.weight * ind.points);
  const scratch = new Scratch(table.departments.length);
  const lead = scratch.gather(table, rows, weighted, 0);
  const { responsible, executing } = choose(table, scratch.points, scratch.touched, lead);
  const byName = new Map<string, RoutedDepartment>();
  const entry = (department: string): RoutedDepartment => {
    let dep = byName.get(department);
    if (!dep) byName.set(department, dep = { department, roles: [], indicators: [], points: 0 });
    return dep;
  };
  indicators.forEach((ind, i) => {
    if (!dispatches(rows.hitCount[i], weighted[i])) return;
    const dep = entry(table.departments[table.departmentOf[i]]);
    const points = rows.hitCount[i] * weighted[i];
    dep.indicators.push({ id: ind.id, label: ind.name_zh ?? ind.name ?? ind.id, points });
    dep.points += points;
  });
  for (const dep of byName.values()) {
    dep.indicators.sort((a, b) => b.points - a.points || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  const competent = competentDepartment(routing, context.category);
  const ordered: RoutedDepartment[] = [];
  const place = (dep: RoutedDepartment, role: Role) => {
    if (!ordered.includes(dep)) ordered.push(dep);
    dep.roles.push(role);
  };
  place(entry(competent), "competent");
  if (responsible >= 0) place(entry(table.departments[responsible]), "responsible");
  for (const d of executing) place(entry(table.departments[d]), "executing");
  const dispatchedIds = [responsible, ...executing].filter((d) => d >= 0).map((d) => table.departments[d]);
  return {
    competent,
    responsible: responsible >= 0 ? table.departments[responsible] : null,
    executing: executing.map((d) => table.departments[d]),
    departments: ordered,
    dispatched: dispatchedIds.sort(),
  };
}

/**
 * The workload rule in words, for a report's method section. For the default routing it is the
 * sentence `audit.json` has always printed.
 */
export function workloadRule(routing: Routing): string {
  const base =
    "A warned household counts once for each department (the model's `department` field) of its fired indicators (hits > 0) with positive weighted points";
  const unassigned = `indicators without one count as \`${routing.unassigned}\``;
  if (routing.executing === "other_fired" && routing.responsibleOverrides.length === 0) {
    return `${base}; ${unassigned}.`;
  }
  const overrides = routing.responsibleOverrides.length === 0
    ? ""
    : `, or the department named by the first of ${
      routing.responsibleOverrides.map((o) => `${o.indicator} → ${o.department}`).join(", ")
    } whose indicator dispatches`;
  return routing.executing === "none"
    ? `A warned household counts once, for its responsible department: the department with the most points from its fired indicators (hits > 0) with positive weighted points${overrides}; ${unassigned}.`
    : `${base}, and for its responsible department${overrides}; ${unassigned}.`;
}
