/**
 * The synthetic county: households and members with correlated attributes. One latent hardship
 * H per household (category mean + village effect + noise) drives illness, disability, income,
 * schooling, employment, housing, water, assets, spending and shocks together. Latent values
 * (H, kin support, hidden income, active illness) are kept beside the rows for the need model
 * and are never written to the data files.
 */
import { dayOf } from "./dates.ts";
import { makeHousehold } from "./household.ts";
import { makeVillages } from "./names.ts";
import type { Params } from "./params.ts";
import { Rng } from "../base/random.ts";
import type { County, Household } from "./types.ts";

export type { County, EmploymentStatus, Household, Member, SchoolStage, ShockType } from "./types.ts";

/** Generates the county for `seed` with `size` households (a pure function of its arguments). */
export function generateCounty(p: Params, seed: number, size: number): County {
  const rng = new Rng(seed, "county");
  const nVillages = Math.max(12, Math.round(size / p.householdsPerVillage));
  const villages = makeVillages(new Rng(seed, "villages"), nVillages, p.villageEffectSd);
  const villageWeights = villages.map((v) => v.weight);
  const days = { snapshot: dayOf(p.dates.snapshot), routineFrom: dayOf(p.dates.routineUpdateFrom) };
  const personSeq = { next: 0 };
  const households: Household[] = [];
  for (let h = 0; h < size; h++) households.push(makeHousehold(rng, p, villages, villageWeights, days, h, personSeq));
  return { villages, households };
}
