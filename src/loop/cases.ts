/**
 * From the scored population to the loop's cases: the scenario's bands and points applied with the
 * fast path (`src/simulate`), each warned household routed by the model's routing
 * (`routeHousehold`, `src/model/routing.ts` — the one routing rule), the departments the
 * scenario's cases can reach, and the need probabilities verification draws from.
 */
import { InputError, type Model, type Problem } from "../contract/mod.ts";
import { type Population, populationOf } from "../evaluate/population.ts";
import { type FrameLabels } from "../evaluate/frames.ts";
import { wilsonInterval } from "../evaluate/wilson.ts";
import { coefficientsOf } from "../model/mod.ts";
import { routeHousehold, type RoutingIndicator } from "../model/routing.ts";
import { hitsAt } from "../simulate/mod.ts";
import type { Applicants, AssistanceTable, NeedProbabilities, WarningCase } from "./flow.ts";
import type { VerifiedRow } from "../evaluate/metrics.ts";
import { type Scenario, scenarioProblem } from "./scenario.ts";

/**
 * The population under the scenario's `points` and `bands` (the model's where the scenario says
 * nothing). Unknown indicator or band ids, and cut-offs out of order, are problems at their path.
 */
export function scenarioPopulation(population: Population, model: Model, scenario: Scenario, file: string): Population {
  const problems: Problem[] = [];
  const indicatorIds = new Set(model.indicators.map((i) => i.id));
  for (const id of Object.keys(scenario.points ?? {})) {
    if (!indicatorIds.has(id)) problems.push(scenarioProblem(file, ["points", id], `unknown indicator "${id}"`));
  }
  const bandIds = new Set(model.bands.map((b) => b.id));
  for (const id of Object.keys(scenario.bands ?? {})) {
    if (!bandIds.has(id)) {
      problems.push(
        scenarioProblem(file, ["bands", id], `unknown band "${id}"; the model's bands are ${[...bandIds].join(", ")}`),
      );
    }
  }
  const cuts = population.bandCuts.map((b) => ({ id: b.id, min: scenario.bands?.[b.id] ?? b.min }));
  for (let i = 1; i < cuts.length; i++) {
    if (!(cuts[i].min < cuts[i - 1].min)) {
      problems.push(
        scenarioProblem(
          file,
          ["bands", cuts[i].id],
          `band cut-offs must decrease down the model's list: ${cuts[i].id} (${cuts[i].min}) is not below ${
            cuts[i - 1].id
          } (${cuts[i - 1].min})`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  if (!scenario.points || Object.keys(scenario.points).length === 0) {
    return scenario.bands
      ? populationOf(population.frame, population.coefficients, cuts, population.routing.routing)
      : population;
  }
  const points = scenario.points;
  const edited: Model = {
    ...model,
    indicators: model.indicators.map((i) => (points[i.id] === undefined ? i : { ...i, points: points[i.id] })),
  };
  return populationOf(population.frame, coefficientsOf(edited), cuts, population.routing.routing);
}

/** Every warned household routed: responsible (or competent) first, then the executing departments. */
export function warningCasesOf(population: Population): WarningCase[] {
  const { frame, coefficients, bands } = population;
  const routing = population.routing.routing;
  const out: WarningCase[] = [];
  for (let h = 0; h < frame.size; h++) {
    if (bands[h] < 0) continue;
    const indicators: RoutingIndicator[] = coefficients.map((c) => ({
      id: c.id,
      department: c.department,
      hits: hitsAt(frame, h, c.index),
      weight: c.weight,
      points: c.points,
    }));
    const routed = routeHousehold(routing, indicators, { category: frame.categories[h] });
    out.push({
      householdId: frame.householdIds[h],
      band: bands[h],
      first: routed.responsible ?? routed.competent,
      then: routed.executing,
    });
  }
  return out;
}

/**
 * Departments the scenario's cases can reach that it does not list: problems at `departments`,
 * naming each department and how many warnings it would receive.
 */
export function unlistedDepartments(
  scenario: Scenario,
  warnings: readonly WarningCase[],
  file: string,
  applicants?: Applicants | null,
): Problem[] {
  const listed = new Set(scenario.departments.map((d) => d.id));
  const reach = new Map<string, number>();
  if (scenario.discovery.batches.length > 0) {
    for (const w of warnings) for (const d of [w.first, ...w.then]) reach.set(d, (reach.get(d) ?? 0) + 1);
  }
  if (applicants && scenario.discovery.applications_per_day > 0 && scenario.discovery.applications_from_dataset > 0) {
    const { index } = applicants.departments;
    for (let e = 0; e < index.length; e++) {
      const d = applicants.departmentIds[index[e]];
      if (!reach.has(d)) reach.set(d, 0);
    }
  }
  return [...reach.keys()].sort().filter((d) => !listed.has(d)).map((d) =>
    scenarioProblem(
      file,
      ["departments"],
      `department "${d}" is not listed but ${
        reach.get(d)
      } warned households are routed to it; add { "id": "${d}", "staff": …, "service_days": … }`,
    )
  );
}

/** One need estimate: households verified, in need, the share and its Wilson 95% interval. */
export interface NeedEstimate {
  labeled: number;
  need: number;
  probability: number;
  ci95: [number, number] | null;
  /** Where the probability used comes from. */
  source: string;
}

/**
 * Need probabilities from the dataset's verified rows: per band, the share in need among warned
 * households of that band (under the scenario's bands) verified through the `warning` channel; for
 * applications, the share among households verified through the `application` channel. A band
 * without verified warnings uses all warned households' share; with no verified rows at all, 1.
 */
export function needFromDataset(
  population: Population,
  labels: { warning: FrameLabels; application: FrameLabels } | null,
  bandIds: readonly string[],
): { probabilities: NeedProbabilities; estimates: Record<string, NeedEstimate> } {
  const bands = population.bands;
  const perBand = bandIds.map(() => ({ labeled: 0, need: 0 }));
  let appLabeled = 0, appNeed = 0;
  if (labels) {
    for (let h = 0; h < bands.length; h++) {
      if (bands[h] >= 0 && labels.warning.labeled[h]) {
        perBand[bands[h]].labeled++;
        perBand[bands[h]].need += labels.warning.need[h];
      }
      if (labels.application.labeled[h]) {
        appLabeled++;
        appNeed += labels.application.need[h];
      }
    }
  }
  const all = perBand.reduce((a, b) => ({ labeled: a.labeled + b.labeled, need: a.need + b.need }), {
    labeled: 0,
    need: 0,
  });
  const estimate = (c: { labeled: number; need: number }, what: string, fallback?: NeedEstimate): NeedEstimate => {
    if (c.labeled > 0) {
      return {
        labeled: c.labeled,
        need: c.need,
        probability: c.need / c.labeled,
        ci95: wilsonInterval(c.need, c.labeled),
        source: `verified rows, ${what}`,
      };
    }
    if (fallback) {
      return { ...fallback, labeled: 0, need: 0, ci95: null, source: `no verified ${what}: ${fallback.source}` };
    }
    return { labeled: 0, need: 0, probability: 1, ci95: null, source: `no verified ${what}: every case is in need` };
  };
  const overall = estimate(all, "warning channel, all warned households");
  const estimates: Record<string, NeedEstimate> = {};
  bandIds.forEach((b, i) => (estimates[b] = estimate(perBand[i], `warning channel, band ${b}`, overall)));
  estimates.application = estimate({ labeled: appLabeled, need: appNeed }, "application channel");
  return {
    probabilities: {
      warning: bandIds.map((b) => estimates[b].probability),
      application: estimates.application.probability,
    },
    estimates,
  };
}

/** A fixed need probability for every case. */
export function fixedNeed(p: number, bandIds: readonly string[]): NeedProbabilities {
  return { warning: bandIds.map(() => p), application: p };
}

/**
 * The assistance table from the dataset's verified rows in need that name an `assistance` type:
 * per channel (warning, application), each type's share of rows and its amounts (`amount_yuan`,
 * empty amounts read as 0), in the rows' order.
 */
export function assistanceFromDataset(rows: readonly VerifiedRow[]): AssistanceTable {
  const given = rows.filter((r) => r.need === true && typeof r.assistance === "string" && r.assistance !== "");
  const types = [...new Set(given.map((r) => r.assistance as string))].sort();
  const index = new Map(types.map((t, i) => [t, i]));
  const pool = (channel: string) => {
    const weights = types.map(() => 0);
    const amounts: number[][] = types.map(() => []);
    for (const r of given) {
      if (r.channel !== channel) continue;
      const t = index.get(r.assistance as string)!;
      weights[t]++;
      const amount = r.amount_yuan === null || r.amount_yuan === undefined ? 0 : Number(r.amount_yuan);
      amounts[t].push(Number.isFinite(amount) ? amount : 0);
    }
    return { weights, amounts };
  };
  return { types, warning: pool("warning"), application: pool("application") };
}

/** The dataset's households as applicants, dispatched as the population's routing says. */
export function applicantsOf(population: Population): Applicants {
  return {
    householdIds: population.frame.householdIds,
    departmentIds: population.departments,
    departments: population.householdDepartments,
  };
}
