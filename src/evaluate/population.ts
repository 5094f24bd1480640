/**
 * The scored population that calibration, audit and comparison share: every household's hit
 * counts (read once with SQL), its per-capita score and band from the typed-array fast path
 * (equal bit for bit to `deno task score`), and the departments a warning about it is dispatched
 * to.
 *
 * Departments of a warning: a warned household counts once for each department its case is
 * dispatched to by the model's routing (`src/model/routing.ts`; by default every department named by
 * an indicator that fired for it with positive weighted points, "unassigned" for indicators naming none).
 */
import type { Db } from "../db/mod.ts";
import { type BandCut, type CompiledModel, type IndicatorCoefficient } from "../model/mod.ts";
import {
  DEFAULT_ROUTING,
  householdDepartmentsOf,
  type Routing,
  routingOf,
  type RoutingTable,
  routingTableOf,
  UNASSIGNED,
} from "../model/routing.ts";
import { readHits } from "../score/mod.ts";
import {
  assignBands,
  buildFrame,
  packCoefficients,
  type PackedCoefficients,
  rescore,
  type ScoreFrame,
} from "../simulate/mod.ts";

/** The department of indicators that name none (default routing). */
export { UNASSIGNED };

/** Every household scored, in household-id order. */
export interface Population {
  frame: ScoreFrame;
  coefficients: IndicatorCoefficient[];
  packed: PackedCoefficients;
  total: Float64Array;
  /** NaN only for a household without members (never in valid data). */
  perCapita: Float64Array;
  bandCuts: BandCut[];
  /** Band index per household: 0 = first band, −1 = not warned. */
  bands: Int8Array;
  /** The model's routing compiled against its indicators (`src/model/routing.ts`). */
  routing: RoutingTable;
  /** Department ids, sorted (= `routing.departments`). */
  departments: string[];
  /** Department index of each indicator. */
  departmentOf: Int32Array;
  /** Departments of each household (CSR): entries offsets[h] … offsets[h+1]-1 of `index`, ascending. */
  householdDepartments: { offsets: Int32Array; index: Int32Array };
}

/** Builds the population from a score frame (pure: tests build frames by hand). */
export function populationOf(
  frame: ScoreFrame,
  coefficients: IndicatorCoefficient[],
  bandCuts: BandCut[],
  routing: Routing = DEFAULT_ROUTING,
): Population {
  const packed = packCoefficients(coefficients);
  const { total, perCapita } = rescore(frame, packed);
  const table = routingTableOf(routing, coefficients);
  const { departments, departmentOf } = table;
  return {
    frame,
    coefficients,
    packed,
    total,
    perCapita,
    bandCuts,
    bands: assignBands(perCapita, bandCuts),
    routing: table,
    departments,
    departmentOf,
    householdDepartments: householdDepartmentsOf(table, frame, packed.weightedPoints),
  };
}

/** Reads the hit counts with the compiled model's SQL and scores every household. */
export async function scorePopulation(
  db: Pick<Db, "exec" | "all" | "columns">,
  compiled: CompiledModel,
): Promise<Population> {
  const hits = await readHits(db, compiled);
  return populationOf(buildFrame(hits), compiled.coefficients, compiled.bands, routingOf(compiled.model.routing));
}

/** The same population under other bands. */
export function withBands(population: Population, bandCuts: BandCut[]): Population {
  return { ...population, bandCuts, bands: assignBands(population.perCapita, bandCuts) };
}

/** Warned households per department (index-aligned with `population.departments`). */
export function departmentWarnings(population: Population, bands: Int8Array = population.bands): Int32Array {
  const counts = new Int32Array(population.departments.length);
  const { offsets, index } = population.householdDepartments;
  for (let h = 0; h < bands.length; h++) {
    if (bands[h] < 0) continue;
    for (let e = offsets[h]; e < offsets[h + 1]; e++) counts[index[e]]++;
  }
  return counts;
}

/** Warned households per department as a plain object keyed by department id (sorted). */
export function departmentWorkloadOf(
  population: Population,
  bands: Int8Array = population.bands,
): Record<string, number> {
  const counts = departmentWarnings(population, bands);
  return Object.fromEntries(population.departments.map((d, i) => [d, counts[i]]));
}

/**
 * Warned households per band id (model order), plus `none` for the households in no band (a model
 * may not name a band `none`: `src/contract/model.ts`). Every key is an own property, so a band
 * named `__proto__` or `constructor` is counted like any other.
 */
export function bandCounts(bands: Int8Array, bandCuts: readonly BandCut[]): Record<string, number> {
  const counts = new Int32Array(bandCuts.length + 1);
  for (let h = 0; h < bands.length; h++) counts[bands[h] + 1]++;
  if (bandCuts.some((b) => b.id === "none")) {
    throw new RangeError(`Expected no band named "none" (it counts the households in no band)`);
  }
  return Object.fromEntries([...bandCuts.map((b, i) => [b.id, counts[i + 1]] as const), ["none", counts[0]]]);
}
