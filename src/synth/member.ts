/**
 * One member row of the demo county, drawn in fixed stages from the household's latent hardship
 * H: health → insurance and medical costs → school → labour, pension and employment → wages →
 * insurance, assets and registrations. Each stage draws from the household's stream in the same
 * order every time, so the same seed gives the same member.
 */
import type { Person } from "./compose.ts";
import type { Category, Params, Template } from "./params.ts";
import type { Rng } from "../base/random.ts";
import { logistic } from "./_math.ts";
import type { EmploymentStatus, Member, SchoolStage } from "./types.ts";

/** What every member of one household shares. */
export interface MemberContext {
  rng: Rng;
  p: Params;
  household_id: string;
  category: Category;
  template: Template;
  /** Latent hardship of the household. */
  H: number;
  /** The household's offset in the asset models. */
  catOff: number;
}

interface Health {
  chronic: boolean;
  majorActive: boolean;
  majorStale: boolean;
  severeMental: boolean;
  disability_grade: number | null;
  disability_type: string | null;
  severeDisabled: boolean;
  self_care: Member["self_care"];
}

const DISABILITY_TYPES = {
  physical: 0.45,
  visual: 0.1,
  hearing: 0.1,
  speech: 0.03,
  intellectual: 0.14,
  mental: 0.12,
  multiple: 0.06,
};

const round10 = (x: number) => Math.round(x / 10) * 10;

/** Illness, mental disorder and disability of one person (`ill`: a sudden illness struck them). */
function illnessOf(c: MemberContext, person: Person, ill: boolean): Omit<Health, "self_care" | "severeDisabled"> {
  const { rng, H, category, template } = c;
  const hs = c.p.health;
  const { age } = person;
  const a = (age - 45) / 15;
  const adult = age >= 18;
  const singleAdultLike = template === "single_adult" ||
    (template === "adult_with_parents" && person.relation === "child");
  const chronic = rng.chance(
    adult ? logistic(hs.chronic.base + hs.chronic.h * H + hs.chronic.age * a) : logistic(-4.5 + 0.4 * H),
  );
  let majorActive = rng.chance(logistic(
    hs.major.base + hs.major.h * H + hs.major.age * Math.max(a, -1.5) +
      (category === "rigid_expense" ? hs.major.rigidBoost : 0) +
      (category === "monitored" ? hs.major.monitoredBoost : 0),
  ));
  if (ill) majorActive = true;
  const majorStale = !majorActive && rng.chance(logistic(hs.majorStale.base + hs.majorStale.age * a));
  const disabledP = logistic(
    hs.disability.base + hs.disability.h * H + hs.disability.age * a +
      (template === "single_adult" ? hs.disability.singleAdultBoost : 0) +
      (template === "adult_with_parents" && person.relation === "child" ? hs.disability.adultChildBoost : 0) +
      (category === "tekun" ? hs.disability.tekunBoost : 0),
  );
  const severeMental = age >= 16 &&
    rng.chance(
      logistic(
        hs.severeMental.base + hs.severeMental.h * H + (singleAdultLike ? hs.severeMental.singleAdultBoost : 0),
      ),
    );
  let disability_grade: number | null = null;
  let disability_type: string | null = null;
  if (severeMental && rng.chance(0.5)) {
    disability_grade = rng.chance(0.5) ? 2 : 3;
    disability_type = "mental";
  } else if (rng.chance(disabledP)) {
    const w = hs.disabilityGrade.map((x, g) => x * Math.exp((g === 0 ? 0.4 : g === 1 ? 0.2 : 0) * H));
    disability_grade = 1 + rng.weighted(w);
    disability_type = rng.pick(DISABILITY_TYPES);
  }
  return { chronic, majorActive, majorStale, severeMental, disability_grade, disability_type };
}

/** Health of one person, with whether they can care for themselves (null under 6). */
function healthOf(c: MemberContext, person: Person, ill: boolean): Health {
  const { rng } = c;
  const { age } = person;
  const h = illnessOf(c, person, ill);
  const { disability_grade, majorActive, chronic } = h;
  let self_care: Member["self_care"] = null;
  if (age >= 6) {
    if (
      (disability_grade === 1 && rng.chance(0.6)) || (disability_grade === 2 && rng.chance(0.25)) ||
      (age >= 80 && (majorActive || chronic) && rng.chance(0.15)) || (majorActive && age >= 60 && rng.chance(0.1))
    ) self_care = "none";
    else if (
      (disability_grade !== null && disability_grade <= 3 && rng.chance(0.4)) || (age >= 75 && rng.chance(0.2)) ||
      (chronic && rng.chance(0.1)) || h.severeMental
    ) self_care = "partial";
    else self_care = "full";
  }
  return { ...h, severeDisabled: disability_grade !== null && disability_grade <= 2, self_care };
}

type Medical = Pick<Member, "medical_insured" | "hospital_days" | "medical_cost_yuan" | "medical_oop_yuan">;

/** Insurance, days in hospital and medical costs of one person. */
function medicalOf(c: MemberContext, age: number, h: Health): Medical {
  const { rng, H, category } = c;
  const hs = c.p.health;
  const subsidised = category === "dibao" || category === "tekun";
  const medical_insured = subsidised
    ? !rng.chance(0.002)
    : !rng.chance(logistic(hs.uninsured.base + hs.uninsured.h * H));
  let hospital_days = 0;
  let cost = 0;
  if (h.majorActive) {
    hospital_days += Math.round(rng.lognormal(22, 0.6));
    cost += rng.lognormal(hs.majorCostMedian, 0.7);
  }
  if (h.chronic) {
    cost += rng.lognormal(hs.chronicCostMedian, 0.8);
    if (rng.chance(0.25)) hospital_days += Math.round(rng.lognormal(8, 0.5));
  }
  if (h.majorStale && rng.chance(0.4)) {
    hospital_days += Math.round(rng.lognormal(5, 0.5));
    cost += rng.lognormal(6000, 0.6);
  }
  if (h.severeMental) cost += rng.lognormal(4000, 0.6);
  if (!h.majorActive && rng.chance(0.04 + 0.005 * Math.max(0, age - 40) / 10)) {
    hospital_days += Math.round(rng.lognormal(5, 0.5));
    cost += rng.lognormal(4000, 0.6);
  }
  if (rng.chance(0.6)) cost += rng.lognormal(400, 0.9);
  const medical_cost_yuan = Math.round(cost);
  const share = !medical_insured
    ? hs.oopShare.uninsured
    : category === "dibao"
    ? hs.oopShare.dibao
    : category === "tekun"
    ? hs.oopShare.tekun
    : hs.oopShare.other;
  const medical_oop_yuan = Math.min(medical_cost_yuan, Math.round(cost * share * rng.lognormal(1, 0.25)));
  return { medical_insured, hospital_days, medical_cost_yuan, medical_oop_yuan };
}

/** The school stage of one person (null when not in school). */
function schoolStageOf(c: MemberContext, age: number, severeDisabled: boolean): SchoolStage | null {
  const { rng, H } = c;
  const sc = c.p.school;
  if (age >= 3 && age <= 5) return rng.chance(sc.preschoolEnrolled) ? "preschool" : null;
  if (age >= 6 && age <= 14) {
    const drop = rng.chance(logistic(sc.dropout.base + sc.dropout.h * H + (severeDisabled ? 3 : 0)));
    return drop ? null : age <= 11 ? "primary" : "junior";
  }
  if (age === 15) {
    const drop = rng.chance(logistic(sc.dropout.base + 1.2 + sc.dropout.h * H + (severeDisabled ? 3 : 0)));
    return drop ? null : rng.chance(0.5) ? "junior" : "senior";
  }
  if (age >= 16 && age <= 17) {
    const k = rng.pick({
      senior: sc.upperSecondary.senior * Math.exp(-0.3 * H),
      vocational: sc.upperSecondary.vocational,
      none: sc.upperSecondary.none * Math.exp(0.5 * H) * (severeDisabled ? 4 : 1),
    });
    return k === "none" ? null : k;
  }
  if (age >= 18 && age <= 22) {
    return rng.chance(logistic(sc.college.base + sc.college.h * H - (severeDisabled ? 2 : 0))) ? "college" : null;
  }
  return null;
}

/** Labour capacity of one person of 16 or more who is not a student (null under 16). */
function labourCapacityOf(c: MemberContext, age: number, h: Health): Member["labour_capacity"] {
  const { rng } = c;
  if (age < 16) return null;
  if (age >= 65) {
    return age >= 75 || h.self_care === "none" || h.severeDisabled ? "none" : rng.chance(0.55) ? "partial" : "none";
  }
  if (
    (h.severeDisabled && rng.chance(0.85)) || (h.severeMental && rng.chance(0.7)) ||
    (h.majorActive && rng.chance(0.5)) ||
    h.self_care === "none"
  ) return "none";
  if (
    (h.disability_grade !== null && rng.chance(0.6)) || (h.chronic && rng.chance(0.3)) ||
    (age >= 55 && rng.chance(0.3)) || h.majorActive
  ) return "partial";
  return "full";
}

/** Monthly pension of a person of 60 or more, and whether it is an employee (enterprise) pension. */
function pensionOf(c: MemberContext, age: number): { pension_monthly_yuan: number | null; enterprise: boolean } {
  const { rng, H } = c;
  const pn = c.p.pension;
  if (age < 60) return { pension_monthly_yuan: null, enterprise: false };
  const enterprise = rng.chance(logistic(pn.enterprise.base + pn.enterprise.h * H));
  const pension_monthly_yuan = round10(
    enterprise ? rng.lognormal(pn.enterprise.median, 0.3) : rng.lognormal(pn.residentMedian, 0.15),
  );
  return { pension_monthly_yuan, enterprise };
}

/** What a person of 16 or more who is not a student does. */
function employmentOf(
  c: MemberContext,
  age: number,
  labour: Member["labour_capacity"],
  enterprisePension: boolean,
): EmploymentStatus {
  const { rng, H, p } = c;
  if (labour === "none") return enterprisePension ? "retired" : "none";
  if (age >= 65) return rng.chance(age < 75 ? 0.5 : 0.15) ? "farming" : enterprisePension ? "retired" : "none";
  const base = labour === "full" ? p.employment.full : p.employment.partial;
  return rng.pick({ ...base, unemployed: base.unemployed * Math.exp(p.employment.unemployedH * H) });
}

type Work = Pick<
  Member,
  "labour_capacity" | "employment_status" | "months_employed" | "wage_income_yuan" | "pension_monthly_yuan"
>;

/** Labour capacity, pension, employment, months of wage work and wage income of one person. */
function workOf(c: MemberContext, age: number, student: boolean, h: Health): Work {
  const { rng, H, p } = c;
  let labour_capacity: Member["labour_capacity"] = null;
  let employment_status: EmploymentStatus | null = null;
  if (age >= 16 && student) {
    labour_capacity = h.severeDisabled ? "none" : "full";
    employment_status = "student";
  } else labour_capacity = labourCapacityOf(c, age, h);
  const { pension_monthly_yuan, enterprise } = pensionOf(c, age);
  if (age >= 16 && !student) employment_status = employmentOf(c, age, labour_capacity, enterprise);
  let months_employed: number | null = null;
  let wage_income_yuan: number | null = age >= 16 ? 0 : null;
  if (employment_status === "migrant" || employment_status === "local") {
    months_employed = rng.chance(logistic(p.employment.fullYear.base + p.employment.fullYear.h * H))
      ? 12
      : rng.int(2, 11);
    const monthly = employment_status === "migrant" ? p.employment.migrantMonthly : p.employment.localMonthly;
    wage_income_yuan = rng.chance(p.employment.wageUnknown[employment_status])
      ? null
      : round10(rng.lognormal(monthly * Math.exp(-0.15 * H), 0.35) * months_employed);
  } else if (employment_status === "unemployed" && rng.chance(0.3)) {
    wage_income_yuan = round10(rng.lognormal(3000, 0.6));
  }
  return { labour_capacity, employment_status, months_employed, wage_income_yuan, pension_monthly_yuan };
}

type Registrations = Pick<
  Member,
  "social_insurance" | "housing_fund" | "trade_union_member" | "vehicle_count" | "has_business"
>;

/** Employee insurance, housing fund, trade union, vehicles and business registration of one person. */
function registrationsOf(c: MemberContext, age: number, employment: EmploymentStatus | null): Registrations {
  const { rng, H, catOff } = c;
  const as = c.p.assets;
  const social_insurance = (employment === "local" && rng.chance(0.35)) ||
    (employment === "migrant" && rng.chance(0.15));
  const housing_fund = social_insurance && employment === "local" && rng.chance(0.25);
  const trade_union_member = employment === "local" && rng.chance(social_insurance ? 0.6 : 0.15);
  const vehicle_count = age >= 20 && age <= 70 && rng.chance(logistic(as.vehicle.base + as.vehicle.h * H + catOff))
    ? (rng.chance(0.08) ? 2 : 1)
    : 0;
  const has_business = age >= 22 && age <= 65 && rng.chance(logistic(as.business.base + as.business.h * H + catOff));
  return { social_insurance, housing_fund, trade_union_member, vehicle_count, has_business };
}

/** One member row of a household (`ill`: the household's sudden illness struck this person). */
export function makeMember(c: MemberContext, person: Person, ill: boolean): Member {
  const { age, relation } = person;
  const h = healthOf(c, person, ill);
  const medical = medicalOf(c, age, h);
  const school_stage = schoolStageOf(c, age, h.severeDisabled);
  const education_expense_yuan = school_stage
    ? round10(c.rng.lognormal(c.p.school.expenseMedian[school_stage], 0.35))
    : null;
  const work = workOf(c, age, school_stage !== null, h);
  const registrations = registrationsOf(c, age, work.employment_status);
  const grandchild = c.template === "skipped_gen" && relation === "grandchild";
  return {
    person_id: "",
    household_id: c.household_id,
    relation,
    sex: person.sex,
    age,
    disability_grade: h.disability_grade,
    disability_type: h.disability_type,
    chronic_illness: h.chronic,
    major_illness: h.majorActive || h.majorStale,
    severe_mental_illness: h.severeMental,
    self_care: h.self_care,
    ...medical,
    school_stage,
    education_expense_yuan,
    unsupported_child: c.template === "minor_alone" || (grandchild && age < 18 && c.rng.chance(0.06)),
    left_behind_child: grandchild && age < 16,
    labour_capacity: work.labour_capacity,
    employment_status: work.employment_status,
    months_employed: work.months_employed,
    wage_income_yuan: work.wage_income_yuan,
    pension_monthly_yuan: work.pension_monthly_yuan,
    ...registrations,
    tax_paid_yuan: 0,
    majorActive: h.majorActive,
  };
}
