/**
 * The scored population that calibration, audit and comparison share: every household's hit
 * counts (read once with SQL), its per-capita score and band from the typed-array fast path
 * (equal bit for bit to `deno task score`), and the departments a warning about it is dispatched
 * to.
 *
 * Department of a warning: a warned household counts once for each department named (the model's
 * `department` field) by an indicator that fired for it (hits > 0) with positive weighted points.
 * Indicators without a department count under {@link UNASSIGNED}.
 */
import type { Db } from "../db/mod.ts";
import { type BandCut, type CompiledModel, type IndicatorCoefficient } from "../model/mod.ts";
import { readHits } from "../score/mod.ts";
import {
  assignBands,
  buildFrame,
  packCoefficients,
  type PackedCoefficients,
  rescore,
  type ScoreFrame,
} from "../simulate/mod.ts";

/** The department of indicators that name none. */
export const UNASSIGNED = "unassigned";

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
  /** Department ids, sorted. */
  departments: string[];
  /** Department index of each indicator. */
  departmentOf: Int32Array;
  /** Departments of each household (CSR): entries offsets[h] … offsets[h+1]-1 of `index`, ascending. */
  householdDepartments: { offsets: Int32Array; index: Int32Array };
}

/** Department index of each indicator and the sorted department list. */
export function departmentsOf(
  coefficients: readonly IndicatorCoefficient[],
): { departments: string[]; departmentOf: Int32Array } {
  const departments = [...new Set(coefficients.map((c) => c.department || UNASSIGNED))].sort();
  const index = new Map(departments.map((d, i) => [d, i]));
  return { departments, departmentOf: Int32Array.from(coefficients, (c) => index.get(c.department || UNASSIGNED)!) };
}

/** The departments of each household: those of its fired indicators with positive weighted points. */
export function householdDepartmentsOf(
  frame: ScoreFrame,
  packed: PackedCoefficients,
  departmentOf: Int32Array,
  departmentCount: number,
): { offsets: Int32Array; index: Int32Array } {
  const offsets = new Int32Array(frame.size + 1);
  const out: number[] = [];
  const seen = new Uint8Array(departmentCount);
  const list: number[] = [];
  for (let h = 0; h < frame.size; h++) {
    offsets[h] = out.length;
    list.length = 0;
    for (let e = frame.offsets[h]; e < frame.offsets[h + 1]; e++) {
      const i = frame.indicatorIndex[e];
      if (frame.hitCount[e] > 0 && packed.weightedPoints[i] > 0) {
        const d = departmentOf[i];
        if (!seen[d]) {
          seen[d] = 1;
          list.push(d);
        }
      }
    }
    list.sort((a, b) => a - b);
    for (const d of list) {
      out.push(d);
      seen[d] = 0;
    }
  }
  offsets[frame.size] = out.length;
  return { offsets, index: Int32Array.from(out) };
}

/** Builds the population from a score frame (pure: tests build frames by hand). */
export function populationOf(frame: ScoreFrame, coefficients: IndicatorCoefficient[], bandCuts: BandCut[]): Population {
  const packed = packCoefficients(coefficients);
  const { total, perCapita } = rescore(frame, packed);
  const { departments, departmentOf } = departmentsOf(coefficients);
  return {
    frame,
    coefficients,
    packed,
    total,
    perCapita,
    bandCuts,
    bands: assignBands(perCapita, bandCuts),
    departments,
    departmentOf,
    householdDepartments: householdDepartmentsOf(frame, packed, departmentOf, departments.length),
  };
}

/** Reads the hit counts with the compiled model's SQL and scores every household. */
export async function scorePopulation(
  db: Pick<Db, "exec" | "all" | "columns">,
  compiled: CompiledModel,
): Promise<Population> {
  const hits = await readHits(db, compiled);
  return populationOf(buildFrame(hits), compiled.coefficients, compiled.bands);
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

/** Warned households per band id (model order), plus `none`. */
export function bandCounts(bands: Int8Array, bandCuts: readonly BandCut[]): Record<string, number> {
  const counts = new Int32Array(bandCuts.length + 1);
  for (let h = 0; h < bands.length; h++) counts[bands[h] + 1]++;
  const out: Record<string, number> = {};
  bandCuts.forEach((b, i) => (out[b.id] = counts[i + 1]));
  out.none = counts[0];
  return out;
}
