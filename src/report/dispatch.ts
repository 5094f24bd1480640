/**
 * The path of one household's warning as the pilot describes it: discovery (点单: departments'
 * data, or an application) → dispatch (派单) to the departments whose indicators drove the score,
 * by the rule 主管、主责、主抓 → acceptance (接单) and the verified outcome.
 *
 * How this toolkit reads the rule: the civil-affairs bureau, which runs the platform, is the
 * competent department (主管) of every warning; the department whose fired indicators add the
 * most points is the responsible one (主责); every other department with a fired indicator of
 * positive points is an executing one (主抓). An indicator dispatches where it fired (hits > 0)
 * with positive weighted points, as `deno task audit` counts department workload; indicators
 * without a department go to "unassigned".
 */

/** One indicator of the household, as dispatch reads it. */
export interface DispatchIndicator {
  id: string;
  name?: string;
  name_zh?: string;
  department?: string;
  /** Members for whom the rule fired (member level), or 1/0 (household level). */
  hits: number;
  /** The category weight × the indicator's points. */
  weight: number;
  points: number;
}

/** One verified row of the household. */
export interface DispatchOutcome {
  batch: string;
  channel: string;
  need: boolean;
  assistance?: string | null;
  amount_yuan?: number | null;
  verified_on?: string | null;
}

/** A department's place in the chain. */
export interface DispatchedDepartment {
  department: string;
  roles: ("competent" | "responsible" | "executing")[];
  /** The indicators that send the case to it, with their points, largest first. */
  indicators: { id: string; label: string; points: number }[];
  points: number;
}

/** The whole chain. */
export interface DispatchChain {
  warned: boolean;
  band: string | null;
  discovery: ("data" | "application")[];
  departments: DispatchedDepartment[];
  outcomes: DispatchOutcome[];
  status: "not_warned" | "awaiting" | "assisted" | "no_need";
}

/** Where indicators without a department are dispatched (as src/evaluate names it). */
export const UNASSIGNED = "unassigned";

/** The competent department of every warning. */
export const COMPETENT_DEPARTMENT = "civil_affairs";

/** Builds the chain of one household. */
export function dispatchChain(
  indicators: readonly DispatchIndicator[],
  band: string | null,
  outcomes: readonly DispatchOutcome[],
): DispatchChain {
  const byDepartment = new Map<string, DispatchedDepartment>();
  for (const ind of indicators) {
    const weighted = ind.weight * ind.points;
    if (!(ind.hits > 0 && weighted > 0)) continue;
    const department = ind.department || UNASSIGNED;
    let d = byDepartment.get(department);
    if (!d) byDepartment.set(department, d = { department, roles: [], indicators: [], points: 0 });
    d.indicators.push({ id: ind.id, label: ind.name_zh ?? ind.name ?? ind.id, points: ind.hits * weighted });
    d.points += ind.hits * weighted;
  }
  const departments = [...byDepartment.values()].sort((a, b) =>
    b.points - a.points || (a.department < b.department ? -1 : 1)
  );
  for (const d of departments) d.indicators.sort((a, b) => b.points - a.points || (a.id < b.id ? -1 : 1));
  const warned = band !== null;
  if (warned) {
    if (!byDepartment.has(COMPETENT_DEPARTMENT)) {
      departments.push({ department: COMPETENT_DEPARTMENT, roles: [], indicators: [], points: 0 });
    }
    departments.forEach((d, i) => {
      if (d.department === COMPETENT_DEPARTMENT) d.roles.push("competent");
      if (i === 0 && d.points > 0) d.roles.push("responsible");
      else if (d.points > 0) d.roles.push("executing");
    });
    // The competent department leads the list.
    departments.sort((a, b) => Number(b.roles.includes("competent")) - Number(a.roles.includes("competent")));
  }
  const discovery: ("data" | "application")[] = ["data"];
  if (outcomes.some((o) => o.channel === "application")) discovery.push("application");
  const status = outcomes.some((o) => o.need)
    ? "assisted"
    : outcomes.length > 0
    ? "no_need"
    : warned
    ? "awaiting"
    : "not_warned";
  return { warned, band, discovery, departments: warned ? departments : [], outcomes: [...outcomes], status };
}

/** Chinese and English names of the roles. */
export const ROLE_LABELS = {
  competent: "主管 competent",
  responsible: "主责 responsible",
  executing: "主抓 executing",
} as const;
