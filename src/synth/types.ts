/**
 * The rows of the demo county: a household and its members as written to households.csv and
 * members.csv, each with its latent companions (hardship, kin support, hidden income, whether a
 * recorded illness is active), which the need model reads and the files never show.
 */
import type { Village } from "./names.ts";
import type { Category, Template } from "./params.ts";

/** A school stage of a pupil or student. */
export type SchoolStage = "preschool" | "primary" | "junior" | "senior" | "vocational" | "college";
/** What a member of working age does. */
export type EmploymentStatus = "migrant" | "local" | "farming" | "unemployed" | "student" | "retired" | "none";
/** A sudden event in the past 12 months. */
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
