/**
 * Marginal rates of the demo county: what data/README.md documents and what the tests check the
 * generator reproduces. `DOCUMENTED` holds the values measured on the full county (seed 20240601,
 * 52,000 households); `marginals()` measures them on any generated county.
 */
import type { County } from "./types.ts";
import { dayOf } from "./dates.ts";
import type { Params } from "./params.ts";

/** Values measured on the full county (seed 20240601, 52,000 households); data/README.md quotes them. */
export const DOCUMENTED: Record<string, { value: number; label: string }> = {
  category_dibao: { value: 0.3614, label: "households in category dibao 低保" },
  category_tekun: { value: 0.1005, label: "households in category tekun 特困" },
  category_monitored: { value: 0.1307, label: "households in category monitored 防返贫监测" },
  category_near_dibao: { value: 0.2357, label: "households in category near_dibao 低保边缘" },
  category_rigid_expense: { value: 0.1518, label: "households in category rigid_expense 刚性支出困难" },
  category_other: { value: 0.02, label: "households in category other" },
  members_per_household: { value: 2.7889, label: "members per household (mean)" },
  single_person_households: { value: 0.2686, label: "single-person households" },
  persons_under_16: { value: 0.2118, label: "persons under 16" },
  persons_60_plus: { value: 0.3077, label: "persons aged 60+" },
  persons_80_plus: { value: 0.0496, label: "persons aged 80+" },
  disability_any: { value: 0.1165, label: "persons with a disability certificate" },
  disability_severe: { value: 0.0454, label: "persons with disability grade 1–2" },
  chronic_illness_adults: { value: 0.176, label: "adults (18+) with a registered chronic illness" },
  major_illness_recorded: { value: 0.042, label: "persons with a recorded major illness" },
  major_illness_stale: { value: 0.1249, label: "recorded major illnesses no longer active (stale records; latent)" },
  severe_mental_illness: { value: 0.0047, label: "persons with a severe mental disorder" },
  self_care_none: { value: 0.024, label: "persons aged 6+ unable to care for themselves" },
  uninsured: { value: 0.0095, label: "persons not in basic medical insurance" },
  preschool_enrolled_3_5: { value: 0.8777, label: "children aged 3–5 in preschool" },
  out_of_school_6_15: { value: 0.0053, label: "children aged 6–15 not in school" },
  college_18_22: { value: 0.3354, label: "persons aged 18–22 in college" },
  unemployed_working_age: { value: 0.1809, label: "unemployed among persons 16–59 not in school" },
  migrant_working_age: { value: 0.3014, label: "migrant workers among persons 16–59 not in school" },
  no_labour_capacity_working_age: { value: 0.0607, label: "no labour capacity among persons 16–59 not in school" },
  wage_unknown_wage_workers: { value: 0.0893, label: "wage unknown (empty) among migrant and local workers" },
  income_unknown_households: {
    value: 0.1129,
    label: "households with unknown assessed income (empty income_per_capita_yuan)",
  },
  income_below_dibao_line_dibao: {
    value: 0.8495,
    label: "dibao households with assessed income below the dibao line (6,960 yuan/person/year)",
  },
  income_below_dibao_line_near_dibao: {
    value: 0.2493,
    label: "near_dibao households with assessed income below the dibao line",
  },
  income_below_dibao_line_rigid_expense: {
    value: 0.1304,
    label: "rigid_expense households with assessed income below the dibao line",
  },
  housing_grade_c: { value: 0.0329, label: "households in a C-grade house" },
  housing_grade_d: { value: 0.0104, label: "households in a D-grade house" },
  unsafe_water: { value: 0.027, label: "households without safe drinking water" },
  shock_12_months: { value: 0.0618, label: "households with a sudden event in the past 12 months" },
  vehicle_households: { value: 0.0685, label: "households with a member owning a vehicle" },
  business_households: { value: 0.0224, label: "households with a member running a registered business" },
  real_estate_households: { value: 0.0229, label: "households owning commercial real estate" },
  financial_assets_unknown: { value: 0.0792, label: "households with financial assets not checked (empty)" },
  living_expense_unknown: { value: 0.0997, label: "households with living consumption unknown (empty)" },
  poverty_alleviated: { value: 0.4638, label: "households lifted out of poverty (脱贫户)" },
  updated_by_batch1: {
    value: 0.6211,
    label: "households whose record last changed by the batch-1 extraction (2024-06-14)",
  },
  need_prevalence: { value: 0.0809, label: "households in need (latent; what a full survey would find)" },
};

/** Measures the documented marginal rates on a county. */
export function marginals(county: County, p: Params): Record<string, number> {
  const hh = county.households;
  const ms = hh.flatMap((h) => h.members);
  const share = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length / xs.length;
  const out: Record<string, number> = {};
  for (const c of Object.keys(p.categoryShare)) out[`category_${c}`] = share(hh, (h) => h.category === c);
  out.members_per_household = ms.length / hh.length;
  out.single_person_households = share(hh, (h) => h.members.length === 1);
  out.persons_under_16 = share(ms, (m) => m.age < 16);
  out.persons_60_plus = share(ms, (m) => m.age >= 60);
  out.persons_80_plus = share(ms, (m) => m.age >= 80);
  out.disability_any = share(ms, (m) => m.disability_grade !== null);
  out.disability_severe = share(ms, (m) => m.disability_grade !== null && m.disability_grade <= 2);
  out.chronic_illness_adults = share(ms.filter((m) => m.age >= 18), (m) => m.chronic_illness);
  out.major_illness_recorded = share(ms, (m) => m.major_illness);
  out.major_illness_stale = share(ms.filter((m) => m.major_illness), (m) => !m.majorActive);
  out.severe_mental_illness = share(ms, (m) => m.severe_mental_illness);
  out.self_care_none = share(ms.filter((m) => m.self_care !== null), (m) => m.self_care === "none");
  out.uninsured = share(ms, (m) => !m.medical_insured);
  out.preschool_enrolled_3_5 = share(ms.filter((m) => m.age >= 3 && m.age <= 5), (m) => m.school_stage !== null);
  out.out_of_school_6_15 = share(ms.filter((m) => m.age >= 6 && m.age <= 15), (m) => m.school_stage === null);
  out.college_18_22 = share(ms.filter((m) => m.age >= 18 && m.age <= 22), (m) => m.school_stage === "college");
  const working = ms.filter((m) => m.age >= 16 && m.age <= 59 && m.employment_status !== "student");
  out.unemployed_working_age = share(working, (m) => m.employment_status === "unemployed");
  out.migrant_working_age = share(working, (m) => m.employment_status === "migrant");
  out.no_labour_capacity_working_age = share(working, (m) => m.labour_capacity === "none");
  out.wage_unknown_wage_workers = share(
    ms.filter((m) => m.employment_status === "migrant" || m.employment_status === "local"),
    (m) => m.wage_income_yuan === null,
  );
  out.income_unknown_households = share(hh, (h) => h.income_per_capita_yuan === null);
  const known = hh.filter((h) => h.income_per_capita_yuan !== null);
  const line = 12 * p.assistance.dibaoMonthly;
  for (const c of ["dibao", "near_dibao", "rigid_expense"]) {
    out[`income_below_dibao_line_${c}`] = share(
      known.filter((h) => h.category === c),
      (h) => h.income_per_capita_yuan! < line,
    );
  }
  out.housing_grade_c = share(hh, (h) => h.housing_grade === "C");
  out.housing_grade_d = share(hh, (h) => h.housing_grade === "D");
  out.unsafe_water = share(hh, (h) => !h.drinking_water_safe);
  out.shock_12_months = share(hh, (h) => h.shock_type !== null);
  out.vehicle_households = share(hh, (h) => h.members.some((m) => m.vehicle_count > 0));
  out.business_households = share(hh, (h) => h.members.some((m) => m.has_business));
  out.real_estate_households = share(hh, (h) => h.real_estate_count > 0);
  out.financial_assets_unknown = share(hh, (h) => h.financial_assets_yuan === null);
  out.living_expense_unknown = share(hh, (h) => h.living_expense_yuan === null);
  out.poverty_alleviated = share(hh, (h) => h.poverty_alleviated);
  out.updated_by_batch1 = share(hh, (h) => dayOf(h.updated_on) <= dayOf(p.dates.batch1Extracted));
  return out;
}
