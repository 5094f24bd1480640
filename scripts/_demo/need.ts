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
import type { Household } from "./county.ts";
import type { Params } from "./params.ts";
import type { Rng } from "./prng.ts";

export const ASSISTANCE_TYPES = ["education", "medical", "employment", "temporary", "charity", "basic_living"] as const;
export type AssistanceType = (typeof ASSISTANCE_TYPES)[number];

export interface Need {
  need: boolean;
  /** The kind with the largest propensity (meaningful where `need`). */
  type: AssistanceType;
  /** The largest propensity. */
  z: number;
  /** Assistance amount the department delivers where `need` (drawn for every household). */
  amount: number;
}

/** The household's latent need. Draws its noise from `rng` (one stream for all households, in order). */
export function latentNeed(h: Household, p: Params, rng: Rng): Need {
  const n = p.need;
  const H = h.latent.hardship;
  const b = n.burden;
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
  const common = n.offset + n.burdenSlope * burden / h.members.length - n.kinSupport * h.latent.kin;
  const noise = () => rng.normal(0, n.noise);
  const ms = h.members;
  const size = ms.length;
  const recorded = ms.reduce((s, m) => s + (m.wage_income_yuan ?? 0) + 12 * (m.pension_monthly_yuan ?? 0), 0) +
    (h.farm_income_yuan ?? 0) + h.transfer_income_yuan;
  const trueIncome = recorded + h.latent.hiddenIncome;
  const withAssistance = trueIncome + h.assistance_income_yuan;
  const z: Record<AssistanceType, number> = {
    education: -Infinity,
    medical: -Infinity,
    employment: -Infinity,
    temporary: -Infinity,
    charity: -Infinity,
    basic_living: -Infinity,
  };
  // Draw every noise term for every household, so the stream does not depend on which kinds apply.
  const e = ASSISTANCE_TYPES.map(noise);

  const college = ms.filter((m) => m.school_stage === "college").length;
  const upper = ms.filter((m) => m.school_stage === "senior" || m.school_stage === "vocational").length;
  const compulsory = ms.filter((m) => m.school_stage === "primary" || m.school_stage === "junior").length;
  const dropout = ms.filter((m) => m.age >= 6 && m.age <= 15 && m.school_stage === null).length;
  const eduExpense = ms.reduce((s, m) => s + (m.education_expense_yuan ?? 0), 0);
  if (college + upper + compulsory + dropout > 0) {
    z.education = common + n.education.base + n.education.h * H + n.education.college * college +
      n.education.upper * upper +
      n.education.dropout * dropout - (college + upper + dropout === 0 ? 1 : 0) +
      n.education.burden * Math.log1p(eduExpense / Math.max(2000, withAssistance)) + e[0];
  }
  const activeMajor = ms.filter((m) => m.majorActive).length;
  const mental = ms.filter((m) => m.severe_mental_illness).length;
  const oop = ms.reduce(
    (s, m) => s + (m.majorActive || m.chronic_illness || m.severe_mental_illness ? m.medical_oop_yuan : 0),
    0,
  );
  if (activeMajor + mental > 0 || oop > 5000) {
    const covered = h.category === "dibao" || h.category === "tekun" ? n.medical.covered : 0;
    z.medical = common + n.medical.base + n.medical.h * H + n.medical.oop * Math.log(Math.max(oop, 1000) / 10000) +
      n.medical.mental * mental + covered + e[1];
  }
  const jobless =
    ms.filter((m) =>
      m.age >= 16 && m.age <= 59 && (m.labour_capacity === "full" || m.labour_capacity === "partial") &&
      (m.employment_status === "unemployed" ||
        ((m.employment_status === "migrant" || m.employment_status === "local") && (m.months_employed ?? 12) < 6))
    ).length;
  if (jobless > 0) {
    z.employment = common + n.employment.base + n.employment.h * H + n.employment.perUnemployed * jobless + e[2];
  }
  if (h.shock_type !== null && h.shock_loss_yuan !== null) {
    z.temporary = common + n.temporary.base + n.temporary.h * H +
      n.temporary.loss * Math.log(h.shock_loss_yuan / Math.max(3000, withAssistance)) + e[3];
  }
  const aloneOrUncared = ms.some((m) => m.unsupported_child) || (size === 1 && ms[0].age >= 70) ||
    ms.some((m) => m.self_care === "none");
  z.charity = common + n.charity.base + n.charity.h * H + (aloneOrUncared ? n.charity.alone : 0) + e[4];
  if (h.category !== "dibao" && h.category !== "tekun") {
    const gap = (12 * p.assistance.dibaoMonthly - trueIncome / size) / (12 * p.assistance.dibaoMonthly);
    if (gap > 0) z.basic_living = common + n.basicLiving.base + n.basicLiving.h * H + n.basicLiving.gap * gap + e[5];
  }
  let type: AssistanceType = "charity";
  for (const k of ASSISTANCE_TYPES) if (z[k] > z[type]) type = k;
  const [median, sd] = p.amount[type];
  const amount = Math.round(median * Math.exp(sd * rng.normal()) / 10) * 10;
  return { need: z[type] > 0, type, z: z[type], amount };
}
