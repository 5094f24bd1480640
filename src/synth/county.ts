/**
 * The synthetic county: households and members with correlated attributes. One latent hardship
 * H per household (category mean + village effect + noise) drives illness, disability, income,
 * schooling, employment, housing, water, assets, spending and shocks together. Latent values
 * (H, kin support, hidden income, active illness) are kept beside the rows for the need model
 * and are never written to the data files.
 */
import { dayOf } from "./dates.ts";
import { makeHousehold } from "./household.ts";
import { makeVillages, type Town } from "./names.ts";
import type { Params } from "./params.ts";
import { Rng } from "../base/random.ts";
import type { County, Household } from "./types.ts";

export type { County, EmploymentStatus, Household, Member, SchoolStage, ShockType } from "./types.ts";

/** How a county of a province tells its ids and towns apart from the other counties'. */
export interface CountyNaming {
  /** Put before every household and person id (e.g. "C001-"). */
  idPrefix: string;
  /** The county's name for one of the 12 town templates. */
  townName: (town: Town) => string;
}

/** The demo county's own naming: plain ids (H000001, P0000001) and Xiaochang's town names. */
export const DEMO_NAMING: CountyNaming = { idPrefix: "", townName: (town) => town.name };

/** Generates the county for `seed` with `size` households (a pure function of its arguments). */
export function generateCounty(p: Params, seed: number, size: number, naming: CountyNaming = DEMO_NAMING): County {
  const rng = new Rng(seed, "county");
  const nVillages = Math.max(12, Math.round(size / p.householdsPerVillage));
  const villages = makeVillages(new Rng(seed, "villages"), nVillages, p.villageEffectSd, naming.townName);
  const villageWeights = villages.map((v) => v.weight);
  const days = { snapshot: dayOf(p.dates.snapshot), routineFrom: dayOf(p.dates.routineUpdateFrom) };
  const personSeq = { next: 0 };
  const households: Household[] = [];
  for (let h = 0; h < size; h++) {
    households.push(makeHousehold(rng, p, villages, villageWeights, days, h, personSeq, naming.idPrefix));
  }
  return { villages, households };
}
