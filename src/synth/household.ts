/**
 * One household row of the demo county, drawn in fixed stages from its latent hardship H:
 * composition → sudden event → members → incomes → assistance → assets → housing and water →
 * near-threshold flags → hidden income and the date of the record's last change. Each stage
 * draws from the county stream in the same order every time.
 */
import { compose } from "./compose.ts";
import { dateOf, dayOf } from "./dates.ts";
import { makeMember } from "./member.ts";
import type { Village } from "./names.ts";
import type { Category, Params, Template } from "./params.ts";
import type { Rng } from "../base/random.ts";
import { logistic } from "./_math.ts";
import type { Household, Member, ShockType } from "./types.ts";

const round10 = (x: number) => Math.round(x / 10) * 10;
const round100 = (x: number) => Math.round(x / 100) * 100;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** What the stages of one household share. */
interface HouseholdContext {
  rng: Rng;
  p: Params;
  category: Category;
  H: number;
  urban: boolean;
}

type Shock = Pick<Household, "shock_type" | "shock_on" | "shock_loss_yuan">;

/** The household's sudden event of the past 12 months, if any. */
function shockOf(c: HouseholdContext, snapshotDay: number): Shock {
  const { rng, p, H } = c;
  if (!rng.chance(logistic(p.shock.rate.base + p.shock.rate.h * H))) {
    return { shock_type: null, shock_on: null, shock_loss_yuan: null };
  }
  const shock_type = rng.pick(p.shock.type);
  const shock_on = dateOf(snapshotDay - rng.int(0, 364));
  const shock_loss_yuan = round100(rng.lognormal(p.shock.lossMedian[shock_type], 0.7));
  return { shock_type, shock_on, shock_loss_yuan };
}

/** Farm and transfer income before scaling to the category's income level. */
function rawIncomes(c: HouseholdContext, members: Member[], kin: number): { farm: number; transfer: number } {
  const { rng } = c;
  const farmers = members.filter((m) => m.employment_status === "farming").length;
  let farm = 0;
  if (!c.urban) {
    if (farmers > 0) {
      farm = rng.lognormal(3.5, 0.4) * rng.lognormal(900, 0.3) * Math.min(farmers, 2) / 1.5;
      if (rng.chance(0.3)) farm += rng.lognormal(3000, 0.8);
    } else if (rng.chance(0.5)) farm = rng.lognormal(800, 0.5);
  }
  const elderly = members.some((m) => m.age >= 60);
  const transfer = rng.chance(elderly ? 0.45 : 0.15)
    ? rng.lognormal(elderly ? 2500 : 2000, 0.7) * Math.exp(0.3 * kin)
    : 0;
  return { farm, transfer };
}

type Incomes = Pick<Household, "farm_income_yuan" | "transfer_income_yuan">;

/**
 * Farm and transfer income, with wages scaled (in place) so the household's means-test income
 * matches its category's level; sets the members' income tax.
 */
function incomesOf(c: HouseholdContext, members: Member[], kin: number): Incomes {
  const { rng, p, category, H } = c;
  const n = members.length;
  let { farm, transfer } = rawIncomes(c, members, kin);
  const pensions = members.reduce((s, m) => s + 12 * (m.pension_monthly_yuan ?? 0), 0);
  const wages = members.reduce((s, m) => s + (m.wage_income_yuan ?? 0), 0);
  const scalable = wages + farm + transfer;
  const target = n * rng.lognormal(p.incomeMedian[category] * Math.exp(p.incomeH * H), p.incomeSd);
  if (scalable > 0) {
    const k = clamp((target - pensions) / scalable, 0.25, 4);
    for (const m of members) if (m.wage_income_yuan) m.wage_income_yuan = round10(m.wage_income_yuan * k);
    farm *= k;
    transfer *= k;
  }
  // Where scaling cannot reach the target (no earner, or the cap), support from relatives outside
  // the household (赡养费, counted by the means test) makes up part of the rest.
  const reached = pensions + members.reduce((s, m) => s + (m.wage_income_yuan ?? 0), 0) + farm + transfer;
  if (reached < 0.9 * target) transfer += (target - reached) * rng.between(0.5, 1);
  for (const m of members) {
    if (m.wage_income_yuan && m.wage_income_yuan > 72_000) {
      m.tax_paid_yuan = Math.round((m.wage_income_yuan - 72_000) * 0.03);
    }
  }
  const farm_income_yuan = c.urban ? 0 : rng.chance(0.06) ? null : round10(farm);
  return { farm_income_yuan, transfer_income_yuan: round10(transfer) };
}

/** Social assistance already paid in the past 12 months. */
function assistanceOf(c: HouseholdContext, n: number): number {
  const { rng, p, category } = c;
  let assistance = 0;
  if (category === "dibao") assistance = n * 12 * rng.lognormal(330, 0.2);
  else if (category === "tekun") assistance = n * 12 * p.assistance.dibaoMonthly * p.assistance.tekunMultiple;
  else if (rng.chance(0.04)) assistance = rng.lognormal(1500, 0.5);
  return round10(assistance);
}

type Assets = Pick<Household, "financial_assets_yuan" | "real_estate_count" | "living_expense_yuan">;

/** Financial assets, real estate and living consumption (`hasAsset`: a member owns a vehicle or business). */
function assetsOf(c: HouseholdContext, n: number, hasAsset: boolean, catOff: number): Assets {
  const { rng, p, category, H } = c;
  let financial_assets_yuan: number | null = null;
  if (!rng.chance(p.assets.financialUnknown)) {
    let fin = rng.lognormal(
      p.assets.financialMedian[category] * Math.exp(-0.6 * H) * Math.sqrt(n),
      p.assets.financialSd,
    );
    if (rng.chance(p.assets.wealthyDeposit * Math.exp(-0.5 * H) * (hasAsset ? 3 : 1))) {
      fin += rng.lognormal(80_000, 0.5);
    }
    financial_assets_yuan = round100(fin);
  }
  const real_estate_count = rng.chance(logistic(p.assets.realEstate.base + p.assets.realEstate.h * H + catOff))
    ? (rng.chance(0.1) ? 2 : 1)
    : 0;
  const living_expense_yuan = rng.chance(0.1) ? null : round10(
    Math.pow(n, 0.85) * rng.lognormal(7500 * Math.exp(-0.18 * H), 0.35) *
      (hasAsset || real_estate_count > 0 ? 1.6 : 1),
  );
  return { financial_assets_yuan, real_estate_count, living_expense_yuan };
}

type Housing = Pick<Household, "housing_grade" | "housing_tenure" | "housing_area_m2" | "drinking_water_safe">;

/** Housing safety grade, tenure, floor area and drinking water. */
function housingOf(c: HouseholdContext, n: number, shock: ShockType | null, village: Village): Housing {
  const { rng, p, H, urban } = c;
  let housing_grade: Household["housing_grade"];
  if (urban) housing_grade = rng.chance(0.85) ? "A" : "B";
  else if (rng.chance(logistic(p.housing.gradeD.base + p.housing.gradeD.h * H))) housing_grade = "D";
  else if (rng.chance(logistic(p.housing.gradeC.base + p.housing.gradeC.h * H))) housing_grade = "C";
  else housing_grade = rng.chance(0.55) ? "A" : "B";
  if (shock === "natural_disaster" && !urban && rng.chance(0.35)) housing_grade = rng.chance(0.3) ? "D" : "C";
  if (shock === "fire" && rng.chance(0.5)) housing_grade = "D";
  const tenureBase = urban ? p.housing.tenureUrban : p.housing.tenureRural;
  const housing_tenure = rng.pick({
    own: tenureBase.own,
    rent: tenureBase.rent * Math.exp(0.4 * H),
    public: tenureBase.public * Math.exp(0.4 * H),
    borrowed: tenureBase.borrowed * Math.exp(0.4 * H),
  });
  const housing_area_m2 = housing_tenure === "own"
    ? Math.round(n * rng.lognormal(p.housing.areaPerPersonMedian, 0.35) + 15)
    : housing_tenure === "borrowed"
    ? Math.round(rng.lognormal(30, 0.4))
    : Math.round(n * rng.lognormal(18, 0.3) + 10);
  const drinking_water_safe = urban ||
    !rng.chance(logistic(p.housing.unsafeWater.base + p.housing.unsafeWater.h * H + 2 * village.effect));
  return { housing_grade, housing_tenure, housing_area_m2, drinking_water_safe };
}

type Flags = Pick<Household, "dibao_rejected" | "dibao_exit_recent" | "poverty_alleviated" | "risk_eliminated">;

/** The near-threshold flags: rejected dibao application, recent dibao exit, poverty alleviated, risk eliminated. */
function flagsOf(c: HouseholdContext): Flags {
  const { rng, category, H, urban } = c;
  const f = c.p.flags;
  const dibao_rejected = rng.chance((f.dibaoRejected as Partial<Record<Category, number>>)[category] ?? 0);
  const dibao_exit_recent = rng.chance((f.dibaoExitRecent as Partial<Record<Category, number>>)[category] ?? 0);
  const poverty_alleviated = !urban && rng.chance(f.povertyAlleviated[category]);
  const risk_eliminated = category === "monitored"
    ? rng.chance(logistic(f.riskEliminated.base + f.riskEliminated.h * H))
    : null;
  return { dibao_rejected, dibao_exit_recent, poverty_alleviated, risk_eliminated };
}

/** Days of the snapshot and of the start of routine record updates. */
export interface CountyDays {
  snapshot: number;
  routineFrom: number;
}

/** Draws household number `index` (0-based) of the county; `personSeq` numbers the members. */
export function makeHousehold(
  rng: Rng,
  p: Params,
  villages: readonly Village[],
  villageWeights: readonly number[],
  days: CountyDays,
  index: number,
  personSeq: { next: number },
  idPrefix = "",
): Household {
  const household_id = `${idPrefix}H${String(index + 1).padStart(6, "0")}`;
  const villageIndex = rng.weighted(villageWeights);
  const village = villages[villageIndex];
  const category = rng.pick(p.categoryShare);
  const H = p.hardshipMean[category] + village.effect + rng.normal();
  const kin = rng.normal();
  const template = rng.pick(p.templates[category] as Record<Template, number>);
  const c: HouseholdContext = { rng, p, category, H, urban: village.urban };
  const people = compose(rng, p, template);
  // Shock first: a sudden illness makes one adult's major illness active.
  const shock = shockOf(c, days.snapshot);
  const illIndex = shock.shock_type === "sudden_illness" ? rng.int(0, people.length - 1) : -1;
  const catOff = p.assets.categoryOffset[category];
  const mc = { rng, p, household_id, category, template, H, catOff };
  const members = people.map((person, i) => makeMember(mc, person, i === illIndex));
  for (const m of members) m.person_id = `${idPrefix}P${String(++personSeq.next).padStart(7, "0")}`;
  const n = members.length;
  const incomes = incomesOf(c, members, kin);
  const assistance_income_yuan = assistanceOf(c, n);
  const hasAsset = members.some((m) => m.vehicle_count > 0 || m.has_business);
  const assets = assetsOf(c, n, hasAsset, catOff);
  const housing = housingOf(c, n, shock.shock_type, village);
  const flags = flagsOf(c);
  const hiddenIncome = rng.chance(p.hiddenIncome.share + (hasAsset ? p.hiddenIncome.assetShare : 0))
    ? rng.lognormal(p.hiddenIncome.median, 0.7)
    : 0;
  const routine = rng.int(days.routineFrom, days.snapshot);
  const updated_on = dateOf(Math.max(routine, shock.shock_on ? dayOf(shock.shock_on) : 0));
  return {
    household_id,
    town: village.town,
    village: village.name,
    category,
    urban: village.urban,
    poverty_alleviated: flags.poverty_alleviated,
    ...incomes,
    income_per_capita_yuan: perCapitaIncome(members, incomes),
    assistance_income_yuan,
    ...assets,
    ...housing,
    ...shock,
    dibao_rejected: flags.dibao_rejected,
    dibao_exit_recent: flags.dibao_exit_recent,
    risk_eliminated: flags.risk_eliminated,
    updated_on,
    latent: { hardship: H, kin, hiddenIncome, template, villageIndex },
    members,
  };
}

/** Assessed per-capita means-test income; null where a working member's wage or the farm income is unknown. */
function perCapitaIncome(members: readonly Member[], incomes: Incomes): number | null {
  const { farm_income_yuan, transfer_income_yuan } = incomes;
  const incomeKnown = farm_income_yuan !== null && members.every((m) => m.age < 16 || m.wage_income_yuan !== null);
  if (!incomeKnown) return null;
  const meansIncome = members.reduce((s, m) => s + (m.wage_income_yuan ?? 0) + 12 * (m.pension_monthly_yuan ?? 0), 0) +
    (farm_income_yuan ?? 0) + transfer_income_yuan;
  return Math.round(meansIncome / members.length);
}
