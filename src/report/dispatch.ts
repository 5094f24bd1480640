/**
 * The path of one household's warning as the pilot describes it: discovery (点单: departments'
 * data, or an application) → dispatch (派单) to the departments whose indicators drove the score,
 * by the rule 主管、主责、主抓 → acceptance (接单) and the verified outcome.
 *
 * The dispatch step is the model's routing (`src/model/routing.ts`, the one definition of the rule):
 * by default the civil-affairs bureau, which runs the platform, is the competent department (主管)
 * of every warning; the department whose fired indicators add the most points is the responsible
 * one (主责); every other department with a fired indicator of positive points is an executing one
 * (主抓). This file adds discovery and the verified outcome around it.
 */
import {
  COMPETENT_DEPARTMENT,
  DEFAULT_ROUTING,
  ROLE_LABELS,
  type RoutedDepartment,
  routeHousehold,
  type Routing,
  type RoutingIndicator,
  UNASSIGNED,
} from "../model/routing.ts";

/** One indicator of the household, as dispatch reads it. */
export type DispatchIndicator = RoutingIndicator;

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
export type DispatchedDepartment = RoutedDepartment;

/** The whole chain. */
export interface DispatchChain {
  warned: boolean;
  band: string | null;
  discovery: ("data" | "application")[];
  departments: DispatchedDepartment[];
  outcomes: DispatchOutcome[];
  status: "not_warned" | "awaiting" | "assisted" | "no_need";
}

export { COMPETENT_DEPARTMENT, ROLE_LABELS, UNASSIGNED };

/**
 * Builds the chain of one household: its case routed by `options.routing` (default: the model
 * without a `routing` section) when warned, nowhere otherwise. `options.category` is the household's
 * management category, for a routing that names the competent department by category.
 */
export function dispatchChain(
  indicators: readonly DispatchIndicator[],
  band: string | null,
  outcomes: readonly DispatchOutcome[],
  options: { routing?: Routing; category?: string | null } = {},
): DispatchChain {
  const warned = band !== null;
  const departments = warned
    ? routeHousehold(options.routing ?? DEFAULT_ROUTING, indicators, { category: options.category }).departments
    : [];
  const discovery: ("data" | "application")[] = ["data"];
  if (outcomes.some((o) => o.channel === "application")) discovery.push("application");
  const status = outcomes.some((o) => o.need)
    ? "assisted"
    : outcomes.length > 0
    ? "no_need"
    : warned
    ? "awaiting"
    : "not_warned";
  return { warned, band, discovery, departments, outcomes: [...outcomes], status };
}
