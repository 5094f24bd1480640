/**
 * The synthetic county: households and members with correlated attributes. One latent hardship
 * H per household (category mean + village effect + noise) drives illness, disability, income,
 * schooling, employment, housing, water, assets, spending and shocks together. Latent values
 * (H, kin support, hidden income, active illness) are kept beside the rows for the need model
 * and are never written to the data files.
 */
import { dateOf, dayOf } from "./dates.ts";
import { makeVillages, type Village } from "./names.ts";
import type { Category, Params, Template } from "./params.ts";
import { logistic, Rng } from "./prng.ts";

export type SchoolStage = "preschool" | "primary" | "junior" | "senior" | "vocational" | "college";
export type EmploymentStatus = "migrant" | "local" | "farming" | "unemployed" | "student" | "retired" | "none";
export type ShockType = "natural_disaster" | "accident" | "fire" | "death_of_earner" | "sudden_illness";

/** One member row (written to members.csv) with its latent companions. */
export interface Member {
  person_id: string;
  household_id: string;
  relation: "head" | "spouse" | "child" | "parent" | "grandchild" | "other";
  sex: "male" | "female";
  age: number;
  disability_grade: number | null;
  disability_type: string | null;
  chronic_illness: boolean;
  major_illness: boolean;
  severe_mental_illness: boolean;
  self_care: "full" | "partial" | "none" | null;
  medical_insured: boolean;
  hospital_days: number;
  medical_cost_yuan: number;
  medical_oop_yuan: number;
  school_stage: SchoolStage | null;
  education_expense_yuan: number | null;
  unsupported_child: boolean;
  left_behind_child: boolean;
  labour_capacity: "full" | "partial" | "none" | null;
  employment_status: EmploymentStatus | null;
  months_employed: number | null;
  wage_income_yuan: number | null;
  pension_monthly_yuan: number | null;
  social_insurance: boolean;
  housing_fund: boolean;
  trade_union_member: boolean;
  tax_paid_yuan: number;
  vehicle_count: number;
  has_business: boolean;
  /** Latent: the major illness is active now (a recorded one may be stale). */
  majorActive: boolean;
}

/** One household row (written to households.csv) with its latent companions. */
export interface Household {
  household_id: string;
  town: string;
  village: string;
  category: Category;
  urban: boolean;
  poverty_alleviated: boolean;
  farm_income_yuan: number | null;
  transfer_income_yuan: number;
  income_per_capita_yuan: number | null;
  assistance_income_yuan: number;
  financial_assets_yuan: number | null;
  real_estate_count: number;
  living_expense_yuan: number | null;
  housing_grade: "A" | "B" | "C" | "D";
  housing_tenure: "own" | "rent" | "public" | "borrowed";
  housing_area_m2: number;
  drinking_water_safe: boolean;
  shock_type: ShockType | null;
  shock_on: string | null;
  shock_loss_yuan: number | null;
  dibao_rejected: boolean;
  dibao_exit_recent: boolean;
  risk_eliminated: boolean | null;
  updated_on: string;
  /** Latent values, not written. */
  latent: { hardship: number; kin: number; hiddenIncome: number; template: Template; villageIndex: number };
  members: Member[];
}

/** The whole county. */
export interface County {
  villages: Village[];
  households: Household[];
}

const round10 = (x: number) => Math.round(x / 10) * 10;
const round100 = (x: number) => Math.round(x / 100) * 100;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

interface Person {
  relation: Member["relation"];
  age: number;
  sex: Member["sex"];
}

function elderAge(rng: Rng): number {
  return Math.min(98, 60 + Math.floor(rng.lognormal(12, 0.6)));
}

function children(rng: Rng, p: Params, parentAge: number, count?: number): Person[] {
  const n = count ?? 1 + rng.weighted(p.childrenCount);
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const age = clamp(parentAge - rng.int(21, 38), 0, 24);
    out.push({ relation: "child", age, sex: rng.chance(0.53) ? "male" : "female" });
  }
  return out.sort((a, b) => b.age - a.age);
}

/** The people of a household of the given composition. */
function compose(rng: Rng, p: Params, template: Template): Person[] {
  const sex = (pMale: number): Member["sex"] => (rng.chance(pMale) ? "male" : "female");
  switch (template) {
    case "single_elderly":
      return [{ relation: "head", age: elderAge(rng), sex: sex(0.45) }];
    case "single_adult":
      return [{ relation: "head", age: rng.int(22, 59), sex: sex(0.68) }];
    case "elderly_couple": {
      const age = elderAge(rng);
      return [
        { relation: "head", age, sex: "male" },
        { relation: "spouse", age: clamp(age + rng.int(-5, 3), 58, 98), sex: "female" },
      ];
    }
    case "nuclear": {
      const age = rng.int(26, 56);
      return [
        { relation: "head", age, sex: "male" },
        { relation: "spouse", age: clamp(age + rng.int(-5, 2), 22, 60), sex: "female" },
        ...children(rng, p, age),
      ];
    }
    case "three_gen": {
      const age = rng.int(27, 52);
      const elder = clamp(age + rng.int(22, 32), 55, 98);
      const people: Person[] = [
        { relation: "head", age, sex: "male" },
        { relation: "spouse", age: clamp(age + rng.int(-5, 2), 22, 60), sex: "female" },
        { relation: "parent", age: elder, sex: sex(0.4) },
      ];
      if (rng.chance(0.5)) {
        people.push({ relation: "parent", age: clamp(elder + rng.int(-4, 4), 55, 98), sex: "female" });
      }
      return [...people, ...children(rng, p, age)];
    }
    case "skipped_gen": {
      const age = rng.int(55, 82);
      const people: Person[] = [{ relation: "head", age, sex: sex(0.5) }];
      if (rng.chance(0.6)) people.push({ relation: "spouse", age: clamp(age + rng.int(-4, 4), 50, 95), sex: "female" });
      const n = rng.chance(0.6) ? 1 : 2;
      for (let i = 0; i < n; i++) people.push({ relation: "grandchild", age: rng.int(1, 17), sex: sex(0.53) });
      return people;
    }
    case "single_parent": {
      const age = rng.int(26, 52);
      return [{ relation: "head", age, sex: sex(0.45) }, ...children(rng, p, age, rng.chance(0.6) ? 1 : 2)];
    }
    case "adult_with_parents": {
      const age = elderAge(rng);
      const people: Person[] = [{ relation: "head", age, sex: sex(0.55) }];
      if (rng.chance(0.5)) people.push({ relation: "spouse", age: clamp(age + rng.int(-5, 3), 55, 98), sex: "female" });
      people.push({ relation: "child", age: clamp(age - rng.int(22, 36), 20, 60), sex: sex(0.65) });
      return people;
    }
    case "minor_alone": {
      const n = rng.chance(0.8) ? 1 : 2;
      const people: Person[] = [];
      for (let i = 0; i < n; i++) {
        people.push({ relation: i === 0 ? "head" : "other", age: rng.int(4, 17), sex: sex(0.55) });
      }
      return people;
    }
  }
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

/** Generates the county for `seed` with `size` households. */
export function generateCounty(p: Params, seed: number, size: number): County {
  const rng = new Rng(seed, "county");
  const nVillages = Math.max(12, Math.round(size / p.householdsPerVillage));
  const villages = makeVillages(new Rng(seed, "villages"), nVillages, p.villageEffectSd);
  const villageWeights = villages.map((v) => v.weight);
  const snapshotDay = dayOf(p.dates.snapshot);
  const routineFrom = dayOf(p.dates.routineUpdateFrom);
  const households: Household[] = [];
  let personSeq = 0;

  for (let h = 0; h < size; h++) {
    const household_id = `H${String(h + 1).padStart(6, "0")}`;
    const villageIndex = rng.weighted(villageWeights);
    const village = villages[villageIndex];
    const category = rng.pick(p.categoryShare);
    const H = p.hardshipMean[category] + village.effect + rng.normal();
    const kin = rng.normal();
    const template = rng.pick(p.templates[category] as Record<Template, number>);
    const people = compose(rng, p, template);

    // Shock first: a sudden illness makes one adult's major illness active.
    let shock_type: ShockType | null = null;
    let shock_on: string | null = null;
    let shock_loss_yuan: number | null = null;
    if (rng.chance(logistic(p.shock.rate.base + p.shock.rate.h * H))) {
      shock_type = rng.pick(p.shock.type);
      shock_on = dateOf(snapshotDay - rng.int(0, 364));
      shock_loss_yuan = round100(rng.lognormal(p.shock.lossMedian[shock_type], 0.7));
    }
    const illIndex = shock_type === "sudden_illness" ? rng.int(0, people.length - 1) : -1;
    const catOff = p.assets.categoryOffset[category];

    const members: Member[] = people.map((person, i) => {
      const { age } = person;
      const a = (age - 45) / 15;
      const adult = age >= 18;
      const hs = p.health;
      const singleAdultLike = template === "single_adult" ||
        (template === "adult_with_parents" && person.relation === "child");
      // Health
      const chronic = rng.chance(
        adult ? logistic(hs.chronic.base + hs.chronic.h * H + hs.chronic.age * a) : logistic(-4.5 + 0.4 * H),
      );
      let majorActive = rng.chance(logistic(
        hs.major.base + hs.major.h * H + hs.major.age * Math.max(a, -1.5) +
          (category === "rigid_expense" ? hs.major.rigidBoost : 0) +
          (category === "monitored" ? hs.major.monitoredBoost : 0),
      ));
      if (i === illIndex) majorActive = true;
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
      const severeDisabled = disability_grade !== null && disability_grade <= 2;
      let self_care: Member["self_care"] = null;
      if (age >= 6) {
        if (
          (disability_grade === 1 && rng.chance(0.6)) || (disability_grade === 2 && rng.chance(0.25)) ||
          (age >= 80 && (majorActive || chronic) && rng.chance(0.15)) || (majorActive && age >= 60 && rng.chance(0.1))
        ) self_care = "none";
        else if (
          (disability_grade !== null && disability_grade <= 3 && rng.chance(0.4)) || (age >= 75 && rng.chance(0.2)) ||
          (chronic && rng.chance(0.1)) || severeMental
        ) self_care = "partial";
        else self_care = "full";
      }
      // Insurance and medical costs
      const subsidised = category === "dibao" || category === "tekun";
      const medical_insured = subsidised
        ? !rng.chance(0.002)
        : !rng.chance(logistic(hs.uninsured.base + hs.uninsured.h * H));
      let hospital_days = 0;
      let cost = 0;
      if (majorActive) {
        hospital_days += Math.round(rng.lognormal(22, 0.6));
        cost += rng.lognormal(hs.majorCostMedian, 0.7);
      }
      if (chronic) {
        cost += rng.lognormal(hs.chronicCostMedian, 0.8);
        if (rng.chance(0.25)) hospital_days += Math.round(rng.lognormal(8, 0.5));
      }
      if (majorStale && rng.chance(0.4)) {
        hospital_days += Math.round(rng.lognormal(5, 0.5));
        cost += rng.lognormal(6000, 0.6);
      }
      if (severeMental) cost += rng.lognormal(4000, 0.6);
      if (!majorActive && rng.chance(0.04 + 0.005 * Math.max(0, age - 40) / 10)) {
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
      // School
      let school_stage: SchoolStage | null = null;
      const sc = p.school;
      if (age >= 3 && age <= 5) school_stage = rng.chance(sc.preschoolEnrolled) ? "preschool" : null;
      else if (age >= 6 && age <= 14) {
        const drop = rng.chance(logistic(sc.dropout.base + sc.dropout.h * H + (severeDisabled ? 3 : 0)));
        school_stage = drop ? null : age <= 11 ? "primary" : "junior";
      } else if (age === 15) {
        const drop = rng.chance(logistic(sc.dropout.base + 1.2 + sc.dropout.h * H + (severeDisabled ? 3 : 0)));
        school_stage = drop ? null : rng.chance(0.5) ? "junior" : "senior";
      } else if (age >= 16 && age <= 17) {
        const k = rng.pick({
          senior: sc.upperSecondary.senior * Math.exp(-0.3 * H),
          vocational: sc.upperSecondary.vocational,
          none: sc.upperSecondary.none * Math.exp(0.5 * H) * (severeDisabled ? 4 : 1),
        });
        school_stage = k === "none" ? null : k;
      } else if (age >= 18 && age <= 22) {
        school_stage = rng.chance(logistic(sc.college.base + sc.college.h * H - (severeDisabled ? 2 : 0)))
          ? "college"
          : null;
      }
      const education_expense_yuan = school_stage ? round10(rng.lognormal(sc.expenseMedian[school_stage], 0.35)) : null;
      const student = school_stage !== null;
      // Labour and employment
      let labour_capacity: Member["labour_capacity"] = null;
      let employment_status: EmploymentStatus | null = null;
      if (age >= 16 && student) {
        labour_capacity = severeDisabled ? "none" : "full";
        employment_status = "student";
      } else if (age >= 16) {
        if (age >= 65) {
          labour_capacity = age >= 75 || self_care === "none" || severeDisabled
            ? "none"
            : rng.chance(0.55)
            ? "partial"
            : "none";
        } else if (
          (severeDisabled && rng.chance(0.85)) || (severeMental && rng.chance(0.7)) ||
          (majorActive && rng.chance(0.5)) ||
          self_care === "none"
        ) labour_capacity = "none";
        else if (
          (disability_grade !== null && rng.chance(0.6)) || (chronic && rng.chance(0.3)) ||
          (age >= 55 && rng.chance(0.3)) || majorActive
        ) labour_capacity = "partial";
        else labour_capacity = "full";
      }
      let pension_monthly_yuan: number | null = null;
      let enterprisePension = false;
      if (age >= 60) {
        enterprisePension = rng.chance(logistic(p.pension.enterprise.base + p.pension.enterprise.h * H));
        pension_monthly_yuan = round10(
          enterprisePension
            ? rng.lognormal(p.pension.enterprise.median, 0.3)
            : rng.lognormal(p.pension.residentMedian, 0.15),
        );
      }
      if (age >= 16 && !student) {
        if (labour_capacity === "none") employment_status = enterprisePension ? "retired" : "none";
        else if (age >= 65) {
          employment_status = rng.chance(age < 75 ? 0.5 : 0.15) ? "farming" : enterprisePension ? "retired" : "none";
        } else {
          const base = labour_capacity === "full" ? p.employment.full : p.employment.partial;
          employment_status = rng.pick({
            ...base,
            unemployed: base.unemployed * Math.exp(p.employment.unemployedH * H),
          });
        }
      }
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
      const social_insurance = (employment_status === "local" && rng.chance(0.35)) ||
        (employment_status === "migrant" && rng.chance(0.15));
      const housing_fund = social_insurance && employment_status === "local" && rng.chance(0.25);
      const trade_union_member = employment_status === "local" && rng.chance(social_insurance ? 0.6 : 0.15);
      const vehicle_count =
        age >= 20 && age <= 70 && rng.chance(logistic(p.assets.vehicle.base + p.assets.vehicle.h * H + catOff))
          ? (rng.chance(0.08) ? 2 : 1)
          : 0;
      const has_business = age >= 22 && age <= 65 &&
        rng.chance(logistic(p.assets.business.base + p.assets.business.h * H + catOff));
      return {
        person_id: "",
        household_id,
        relation: person.relation,
        sex: person.sex,
        age,
        disability_grade,
        disability_type,
        chronic_illness: chronic,
        major_illness: majorActive || majorStale,
        severe_mental_illness: severeMental,
        self_care,
        medical_insured,
        hospital_days,
        medical_cost_yuan,
        medical_oop_yuan,
        school_stage,
        education_expense_yuan,
        unsupported_child: template === "minor_alone" ||
          (template === "skipped_gen" && person.relation === "grandchild" && age < 18 && rng.chance(0.06)),
        left_behind_child: template === "skipped_gen" && person.relation === "grandchild" && age < 16,
        labour_capacity,
        employment_status,
        months_employed,
        wage_income_yuan,
        pension_monthly_yuan,
        social_insurance,
        housing_fund,
        trade_union_member,
        tax_paid_yuan: 0,
        vehicle_count,
        has_business,
        majorActive,
      };
    });
    for (const m of members) m.person_id = `P${String(++personSeq).padStart(7, "0")}`;

    const n = members.length;
    const urban = village.urban;
    // Farm and transfer income
    const farmers = members.filter((m) => m.employment_status === "farming").length;
    let farm = 0;
    if (!urban) {
      if (farmers > 0) {
        farm = rng.lognormal(3.5, 0.4) * rng.lognormal(900, 0.3) * Math.min(farmers, 2) / 1.5;
        if (rng.chance(0.3)) farm += rng.lognormal(3000, 0.8);
      } else if (rng.chance(0.5)) farm = rng.lognormal(800, 0.5);
    }
    const elderly = members.some((m) => m.age >= 60);
    let transfer = rng.chance(elderly ? 0.45 : 0.15)
      ? rng.lognormal(elderly ? 2500 : 2000, 0.7) * Math.exp(0.3 * kin)
      : 0;
    // Scale wages, farm and transfers so the household's means-test income matches its category's level.
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
    const farm_income_yuan = urban ? 0 : rng.chance(0.06) ? null : round10(farm);
    const transfer_income_yuan = round10(transfer);
    const meansIncome = members.reduce((s, m) =>
      s + (m.wage_income_yuan ?? 0) + 12 * (m.pension_monthly_yuan ?? 0), 0) +
      (farm_income_yuan ?? 0) + transfer_income_yuan;
    // Social assistance already paid
    let assistance = 0;
    if (category === "dibao") assistance = n * 12 * rng.lognormal(330, 0.2);
    else if (category === "tekun") assistance = n * 12 * p.assistance.dibaoMonthly * p.assistance.tekunMultiple;
    else if (rng.chance(0.04)) assistance = rng.lognormal(1500, 0.5);
    const assistance_income_yuan = round10(assistance);
    // Assets
    const hasAsset = members.some((m) => m.vehicle_count > 0 || m.has_business);
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
    // Housing and water
    let housing_grade: Household["housing_grade"];
    if (urban) housing_grade = rng.chance(0.85) ? "A" : "B";
    else if (rng.chance(logistic(p.housing.gradeD.base + p.housing.gradeD.h * H))) housing_grade = "D";
    else if (rng.chance(logistic(p.housing.gradeC.base + p.housing.gradeC.h * H))) housing_grade = "C";
    else housing_grade = rng.chance(0.55) ? "A" : "B";
    if (shock_type === "natural_disaster" && !urban && rng.chance(0.35)) housing_grade = rng.chance(0.3) ? "D" : "C";
    if (shock_type === "fire" && rng.chance(0.5)) housing_grade = "D";
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
    // Near-threshold flags
    const f = p.flags;
    const dibao_rejected = rng.chance((f.dibaoRejected as Partial<Record<Category, number>>)[category] ?? 0);
    const dibao_exit_recent = rng.chance((f.dibaoExitRecent as Partial<Record<Category, number>>)[category] ?? 0);
    const poverty_alleviated = !urban && rng.chance(f.povertyAlleviated[category]);
    const risk_eliminated = category === "monitored"
      ? rng.chance(logistic(f.riskEliminated.base + f.riskEliminated.h * H))
      : null;
    // Latent hidden income
    const hiddenIncome = rng.chance(p.hiddenIncome.share + (hasAsset ? p.hiddenIncome.assetShare : 0))
      ? rng.lognormal(p.hiddenIncome.median, 0.7)
      : 0;
    const routine = rng.int(routineFrom, snapshotDay);
    const updated_on = dateOf(Math.max(routine, shock_on ? dayOf(shock_on) : 0));
    const incomeKnown = farm_income_yuan !== null && members.every((m) => m.age < 16 || m.wage_income_yuan !== null);
    const income_per_capita_yuan = incomeKnown ? Math.round(meansIncome / n) : null;
    households.push({
      household_id,
      town: village.town,
      village: village.name,
      category,
      urban,
      poverty_alleviated,
      farm_income_yuan,
      transfer_income_yuan,
      income_per_capita_yuan,
      assistance_income_yuan,
      financial_assets_yuan,
      real_estate_count,
      living_expense_yuan,
      housing_grade,
      housing_tenure,
      housing_area_m2,
      drinking_water_safe,
      shock_type,
      shock_on,
      shock_loss_yuan,
      dibao_rejected,
      dibao_exit_recent,
      risk_eliminated,
      updated_on,
      latent: { hardship: H, kin, hiddenIncome, template, villageIndex },
      members,
    });
  }
  return { villages, households };
}

/** Means-test income of a household as the data shows it (wages, pensions, farm, transfers; no assistance). */
export function recordedIncome(h: Household): number {
  return h.members.reduce((s, m) => s + (m.wage_income_yuan ?? 0) + 12 * (m.pension_monthly_yuan ?? 0), 0) +
    (h.farm_income_yuan ?? 0) + h.transfer_income_yuan;
}
