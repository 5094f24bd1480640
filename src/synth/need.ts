/**
 * The latent need model: whether a household truly needs assistance now, and of which kind. It
 * reads the TRUE state of the household — latent hardship H, support from relatives outside the
 * household, unreported income, whether a recorded illness is still active — and never the
 * warning model or its score. Department verification reveals this need (channel `warning`,
 * `application`, `survey`).
 *
 * The household's true per-capita burden B counts its true adverse conditions per member (active
 * major illness, inability to care for oneself, severe disability or mental disorder, students in
 * upper-secondary school or college, jobless working-age members, very old members; and, once per
 * household, a true income below the dibao standard, a shock costing more than half a year's
 * income, an unsafe house, unsafe water), with the weights in `PARAMS.need.burden`.
 *
 * Each kind k has a propensity z_k (log-odds scale); the household needs help where the largest
 * z_k exceeds 0, and the kind is the one with the largest z_k:
 *   z_k = offset + base_k + h_k·H + burdenSlope·B + (kind-specific terms) − kinSupport·kin + Normal(0, noise)
 * and z_k = −∞ where the kind does not apply (no student, no shock, …).
 */
import type { Household } from "./types.ts";
import type { Params } from "./params.ts";
import type { Rng } from "../base/random.ts";

/** The kinds of assistance a department can deliver, in tie-break order. */
export const ASSISTANCE_TYPES = ["education", "medical", "employment", "temporary", "charity", "basic_living"] as const;
/** One kind of assistance. */
export type AssistanceType = (typeof ASSISTANCE_TYPES)[number];

/** A household's latent need: whether it needs help now, which kind, and how much. */
export interface Need {
  need: boolean;
  /** The kind with the largest propensity (meaningful where `need`). */
  type: AssistanceType;
  /** The largest propensity. */
  z: number;
  /** Assistance amount the department delivers where `need` (drawn for every household). */
  amount: number;
}

type NeedParams = Params["need"];

/** Incomes the propensities read: the true income (recorded + hidden) and that plus assistance. */
interface TrueIncome {
  trueIncome: number;
  withAssistance: number;
}

/** The household's true burden: its adverse conditions weighted by `need.burden`, summed in order. */
function burdenOf(h: Household, p: Params): number {
  const b = p.need.burden;
  let burden = 0;
  for (const m of h.members) {
    if (m.majorActive) burden += b.majorIllness;
    if (m.self_care === "none") burden += b.noSelfCare;
    if (m.disability_grade !== null && m.disability_grade <= 2) burden += b.severeDisability;
    if (m.severe_mental_illness) burden += b.severeMental;
    if (m.school_stage === "senior" || m.school_stage === "vocational" || m.school_stage === "college") {
      burden += b.upperStudent;
    }
    if (m.school_stage === "primary" || m.school_stage === "junior") burden += b.pupil;
    if (m.age >= 6 && m.age <= 15 && m.school_stage === null) burden += b.dropout;
    if (m.age >= 16 && m.age <= 59 && m.labour_capacity !== "none" && m.employment_status === "unemployed") {
      burden += b.jobless;
    }
    if (m.age >= 80) burden += b.veryOld;
  }
  const standard = 12 * p.assistance.dibaoMonthly;
  const trueIncome0 =
    h.members.reduce((s, m) => s + (m.wage_income_yuan ?? 0) + 12 * (m.pension_monthly_yuan ?? 0), 0) +
    (h.farm_income_yuan ?? 0) + h.transfer_income_yuan + h.latent.hiddenIncome;
  if (trueIncome0 / h.members.length < standard) burden += b.lowIncome;
  if (h.shock_loss_yuan !== null && h.shock_loss_yuan > trueIncome0 / 2) burden += b.shock;
  if (h.housing_grade === "C" || h.housing_grade === "D") burden += b.unsafeHouse;
  if (!h.drinking_water_safe) burden += b.unsafeWater;
  return burden;
}

/** The true income of a household (recorded + hidden), with and without the assistance it receives. */
function trueIncomeOf(h: Household): TrueIncome {
  const recorded = h.members.reduce((s, m) => s + (m.wage_income_yuan ?? 0) + 12 * (m.pension_monthly_yuan ?? 0), 0) +
    (h.farm_income_yuan ?? 0) + h.transfer_income_yuan;
  const trueIncome = recorded + h.latent.hiddenIncome;
  return { trueIncome, withAssistance: trueIncome + h.assistance_income_yuan };
}

/** Education: pupils, students, drop-outs, and the weight of school costs on the income. */
function educationZ(h: Household, n: NeedParams, common: number, income: TrueIncome, e: number): number {
  const ms = h.members;
  const H = h.latent.hardship;
  const college = ms.filter((m) => m.school_stage === "college").length;
  const upper = ms.filter((m) => m.school_stage === "senior" || m.school_stage === "vocational").length;
  const compulsory = ms.filter((m) => m.school_stage === "primary" || m.school_stage === "junior").length;
  const dropout = ms.filter((m) => m.age >= 6 && m.age <= 15 && m.school_stage === null).length;
  const eduExpense = ms.reduce((s, m) => s + (m.education_expense_yuan ?? 0), 0);
  if (college + upper + compulsory + dropout === 0) return -Infinity;
  return common + n.education.base + n.education.h * H + n.education.college * college +
    n.education.upper * upper +
    n.education.dropout * dropout - (college + upper + dropout === 0 ? 1 : 0) +
    n.education.burden * Math.log1p(eduExpense / Math.max(2000, income.withAssistance)) + e;
}

/** Medical: active major illness, severe mental disorder, out-of-pocket costs of the ill. */
function medicalZ(h: Household, n: NeedParams, common: number, e: number): number {
  const ms = h.members;
  const activeMajor = ms.filter((m) => m.majorActive).length;
  const mental = ms.filter((m) => m.severe_mental_illness).length;
  const oop = ms.reduce(
    (s, m) => s + (m.majorActive || m.chronic_illness || m.severe_mental_illness ? m.medical_oop_yuan : 0),
    0,
  );
  if (!(activeMajor + mental > 0 || oop > 5000)) return -Infinity;
  const covered = h.category === "dibao" || h.category === "tekun" ? n.medical.covered : 0;
  return common + n.medical.base + n.medical.h * h.latent.hardship +
    n.medical.oop * Math.log(Math.max(oop, 1000) / 10000) +
    n.medical.mental * mental + covered + e;
}

/** Employment: members of working age without work, or with less than 6 months of it. */
function employmentZ(h: Household, n: NeedParams, common: number, e: number): number {
  const jobless =
    h.members.filter((m) =>
      m.age >= 16 && m.age <= 59 && (m.labour_capacity === "full" || m.labour_capacity === "partial") &&
      (m.employment_status === "unemployed" ||
        ((m.employment_status === "migrant" || m.employment_status === "local") && (m.months_employed ?? 12) < 6))
    ).length;
  if (jobless === 0) return -Infinity;
  return common + n.employment.base + n.employment.h * h.latent.hardship + n.employment.perUnemployed * jobless + e;
}

/** Temporary assistance: a sudden event, by its loss against the income. */
function temporaryZ(h: Household, n: NeedParams, common: number, income: TrueIncome, e: number): number {
  if (h.shock_type === null || h.shock_loss_yuan === null) return -Infinity;
  return common + n.temporary.base + n.temporary.h * h.latent.hardship +
    n.temporary.loss * Math.log(h.shock_loss_yuan / Math.max(3000, income.withAssistance)) + e;
}

/** Charity: applies to every household, more to the alone and the uncared for. */
function charityZ(h: Household, n: NeedParams, common: number, e: number): number {
  const ms = h.members;
  const aloneOrUncared = ms.some((m) => m.unsupported_child) || (ms.length === 1 && ms[0].age >= 70) ||
    ms.some((m) => m.self_care === "none");
  return common + n.charity.base + n.charity.h * h.latent.hardship + (aloneOrUncared ? n.charity.alone : 0) + e;
}

/** Basic living (dibao): households outside dibao and tekun whose true income is below the dibao line. */
function basicLivingZ(h: Household, p: Params, common: number, income: TrueIncome, e: number): number {
  if (h.category === "dibao" || h.category === "tekun") return -Infinity;
  const n = p.need;
  const gap = (12 * p.assistance.dibaoMonthly - income.trueIncome / h.members.length) /
    (12 * p.assistance.dibaoMonthly);
  if (!(gap > 0)) return -Infinity;
  return common + n.basicLiving.base + n.basicLiving.h * h.latent.hardship + n.basicLiving.gap * gap + e;
}

/** The household's latent need. Draws its noise from `rng` (one stream for all households, in order). */
export function latentNeed(h: Household, p: Params, rng: Rng): Need {
  const n = p.need;
  const burden = burdenOf(h, p);
  const common = n.offset + n.burdenSlope * burden / h.members.length - n.kinSupport * h.latent.kin;
  const income = trueIncomeOf(h);
  // Draw every noise term for every household, so the stream does not depend on which kinds apply.
  const e = ASSISTANCE_TYPES.map(() => rng.normal(0, n.noise));
  const z: Record<AssistanceType, number> = {
    education: educationZ(h, n, common, income, e[0]),
    medical: medicalZ(h, n, common, e[1]),
    employment: employmentZ(h, n, common, e[2]),
    temporary: temporaryZ(h, n, common, income, e[3]),
    charity: charityZ(h, n, common, e[4]),
    basic_living: basicLivingZ(h, p, common, income, e[5]),
  };
  let type: AssistanceType = "charity";
  for (const k of ASSISTANCE_TYPES) if (z[k] > z[type]) type = k;
  const [median, sd] = p.amount[type];
  const amount = Math.round(median * Math.exp(sd * rng.normal()) / 10) * 10;
  return { need: z[type] > 0, type, z: z[type], amount };
}
