/**
 * The columns of the demo county's tables, in file order, with their `dataset.json` description:
 * type, unit, Chinese label and what the value means. One list drives both the CSV header and the
 * description, so they cannot drift apart.
 */
import type { Cell } from "./csv.ts";
import type { Household, Member } from "./county.ts";
import type { VerifiedRow } from "./verify.ts";

export interface ColumnSpec<R> {
  name: string;
  type: "number" | "text" | "boolean" | "date";
  unit?: string;
  label_zh: string;
  description: string;
  get: (row: R) => Cell;
}

const col = <R>(
  name: string,
  type: ColumnSpec<R>["type"],
  label_zh: string,
  description: string,
  get: (row: R) => Cell,
  unit?: string,
): ColumnSpec<R> => ({ name, type, label_zh, description, get, ...(unit ? { unit } : {}) });

export const HOUSEHOLD_COLUMNS: ColumnSpec<Household>[] = [
  col(
    "household_id",
    "text",
    "家庭编号",
    "Pseudonymous household id (H + 6 digits); no link to any real household.",
    (h) => h.household_id,
  ),
  col("town", "text", "乡镇", "Town or township (the 12 of Xiaochang County).", (h) => h.town),
  col(
    "village",
    "text",
    "村（社区）",
    "Administrative village or urban community (synthetic name, unique in the county).",
    (h) => h.village,
  ),
  col(
    "category",
    "text",
    "监测类别",
    "Management category: dibao 低保, tekun 特困, monitored 防返贫监测, near_dibao 低保边缘, rigid_expense 刚性支出困难, other.",
    (h) => h.category,
  ),
  col(
    "urban",
    "boolean",
    "城镇社区",
    "The household lives in an urban community (社区) rather than a rural village.",
    (h) => h.urban,
  ),
  col(
    "poverty_alleviated",
    "boolean",
    "脱贫户",
    "Registered as a household lifted out of poverty (脱贫户) in the poverty-alleviation programme.",
    (h) => h.poverty_alleviated,
  ),
  col(
    "farm_income_yuan",
    "number",
    "家庭经营性收入",
    "Net farm and household-business income of the past 12 months; empty where unknown.",
    (h) => h.farm_income_yuan,
    "yuan/year",
  ),
  col(
    "transfer_income_yuan",
    "number",
    "转移性收入",
    "Transfer income other than pensions and social assistance: remittances from relatives outside the household, agricultural subsidies.",
    (h) => h.transfer_income_yuan,
    "yuan/year",
  ),
  col(
    "income_per_capita_yuan",
    "number",
    "家庭人均年收入",
    "Assessed per-capita means-test income: (wages + 12 × monthly pensions + farm income + transfer income) / members, without social assistance; empty where a working member's wage or the farm income is unknown.",
    (h) => h.income_per_capita_yuan,
    "yuan/person/year",
  ),
  col(
    "assistance_income_yuan",
    "number",
    "社会救助收入",
    "Social assistance received in the past 12 months (dibao, tekun support, earlier temporary assistance).",
    (h) => h.assistance_income_yuan,
    "yuan/year",
  ),
  col(
    "financial_assets_yuan",
    "number",
    "家庭金融资产",
    "Deposits and other financial assets from the bank check; empty where not checked.",
    (h) => h.financial_assets_yuan,
    "yuan",
  ),
  col(
    "real_estate_count",
    "number",
    "商品房等不动产数",
    "Properties registered beyond the rural homestead (real-estate registration).",
    (h) => h.real_estate_count,
    "count",
  ),
  col(
    "living_expense_yuan",
    "number",
    "生活消费支出",
    "Living consumption of the past 12 months (consumption data); empty where not available.",
    (h) => h.living_expense_yuan,
    "yuan/year",
  ),
  col(
    "housing_grade",
    "text",
    "住房安全等级",
    "Housing safety appraisal: A safe, B basically safe, C partly dangerous, D wholly dangerous.",
    (h) => h.housing_grade,
  ),
  col(
    "housing_tenure",
    "text",
    "住房产权",
    "own, rent, public (public rental housing 公租房) or borrowed (living with relatives or in borrowed housing).",
    (h) => h.housing_tenure,
  ),
  col("housing_area_m2", "number", "住房面积", "Floor area of the home.", (h) => h.housing_area_m2, "m2"),
  col(
    "drinking_water_safe",
    "boolean",
    "饮水安全",
    "Drinking water meets the rural water-safety standard (quantity, quality, convenience, reliability).",
    (h) => h.drinking_water_safe,
  ),
  col(
    "shock_type",
    "text",
    "突发事件类型",
    "Sudden event in the past 12 months: natural_disaster, accident, fire, death_of_earner, sudden_illness; empty if none.",
    (h) => h.shock_type,
  ),
  col("shock_on", "date", "突发事件日期", "Date of the sudden event; empty if none.", (h) => h.shock_on),
  col(
    "shock_loss_yuan",
    "number",
    "突发事件损失",
    "Estimated loss or cost of the sudden event; empty if none.",
    (h) => h.shock_loss_yuan,
    "yuan",
  ),
  col(
    "dibao_rejected",
    "boolean",
    "低保申请未通过",
    "Applied for dibao in the past 12 months and was not approved.",
    (h) => h.dibao_rejected,
  ),
  col(
    "dibao_exit_recent",
    "boolean",
    "近两年退出低保",
    "Left dibao in the past 24 months.",
    (h) => h.dibao_exit_recent,
  ),
  col(
    "risk_eliminated",
    "boolean",
    "风险已消除",
    "For monitored households: the return-to-poverty risk is marked eliminated; empty for other categories.",
    (h) => h.risk_eliminated,
  ),
  col(
    "updated_on",
    "date",
    "信息更新日期",
    "Date of the household record's latest change (routine review, department data or a sudden event).",
    (h) => h.updated_on,
  ),
];

export const MEMBER_COLUMNS: ColumnSpec<Member>[] = [
  col(
    "person_id",
    "text",
    "人员编号",
    "Pseudonymous person id (P + 7 digits); no identity number is stored.",
    (m) => m.person_id,
  ),
  col("household_id", "text", "家庭编号", "The member's household.", (m) => m.household_id),
  col("relation", "text", "与户主关系", "head, spouse, child, parent, grandchild or other.", (m) => m.relation),
  col("sex", "text", "性别", "male or female.", (m) => m.sex),
  col("age", "number", "年龄", "Age in whole years on the snapshot date.", (m) => m.age, "years"),
  col(
    "disability_grade",
    "number",
    "残疾等级",
    "Disability certificate grade 1 (most severe) to 4; empty if none.",
    (m) => m.disability_grade,
  ),
  col(
    "disability_type",
    "text",
    "残疾类别",
    "physical, visual, hearing, speech, intellectual, mental or multiple; empty if none.",
    (m) => m.disability_type,
  ),
  col(
    "chronic_illness",
    "boolean",
    "慢性病",
    "Registered chronic illness needing long-term outpatient treatment.",
    (m) => m.chronic_illness,
  ),
  col(
    "major_illness",
    "boolean",
    "大病",
    "Recorded major illness (大病) in medical-insurance data; a record may outlast recovery.",
    (m) => m.major_illness,
  ),
  col(
    "severe_mental_illness",
    "boolean",
    "严重精神障碍",
    "Registered severe mental disorder.",
    (m) => m.severe_mental_illness,
  ),
  col("self_care", "text", "生活自理能力", "full, partial or none; empty under age 6.", (m) => m.self_care),
  col(
    "medical_insured",
    "boolean",
    "参加基本医保",
    "Enrolled in basic medical insurance this year.",
    (m) => m.medical_insured,
  ),
  col("hospital_days", "number", "住院天数", "Days in hospital in the past 12 months.", (m) => m.hospital_days, "days"),
  col(
    "medical_cost_yuan",
    "number",
    "医疗总费用",
    "Total medical cost in the past 12 months before reimbursement.",
    (m) => m.medical_cost_yuan,
    "yuan/year",
  ),
  col(
    "medical_oop_yuan",
    "number",
    "个人自付医疗费用",
    "Out-of-pocket medical cost after basic insurance, critical-illness insurance and medical assistance.",
    (m) => m.medical_oop_yuan,
    "yuan/year",
  ),
  col(
    "school_stage",
    "text",
    "在读学段",
    "preschool, primary, junior, senior, vocational or college; empty if not in school.",
    (m) => m.school_stage,
  ),
  col(
    "education_expense_yuan",
    "number",
    "教育支出",
    "Education expense of the school year (fees, boarding, materials, transport); empty if not in school.",
    (m) => m.education_expense_yuan,
    "yuan/year",
  ),
  col(
    "unsupported_child",
    "boolean",
    "孤儿或事实无人抚养儿童",
    "Orphan or de-facto unsupported child.",
    (m) => m.unsupported_child,
  ),
  col(
    "left_behind_child",
    "boolean",
    "留守儿童",
    "Child under 16 whose parents both work away from home.",
    (m) => m.left_behind_child,
  ),
  col("labour_capacity", "text", "劳动能力", "full, partial or none; empty under age 16.", (m) => m.labour_capacity),
  col(
    "employment_status",
    "text",
    "就业状况",
    "migrant (works away), local (local wage work), farming, unemployed, student, retired or none; empty under age 16.",
    (m) => m.employment_status,
  ),
  col(
    "months_employed",
    "number",
    "务工月数",
    "Months of wage work in the past 12 months, for migrant and local workers; empty otherwise.",
    (m) => m.months_employed,
    "months",
  ),
  col(
    "wage_income_yuan",
    "number",
    "工资性收入",
    "Wage income of the past 12 months; empty under age 16 or where unknown.",
    (m) => m.wage_income_yuan,
    "yuan/year",
  ),
  col(
    "pension_monthly_yuan",
    "number",
    "养老金",
    "Monthly pension (urban-rural resident basic pension, or an employee pension); empty under 60.",
    (m) => m.pension_monthly_yuan,
    "yuan/month",
  ),
  col(
    "social_insurance",
    "boolean",
    "参加职工社保",
    "Contributes to employee social insurance.",
    (m) => m.social_insurance,
  ),
  col("housing_fund", "boolean", "缴存住房公积金", "Contributes to the housing provident fund.", (m) => m.housing_fund),
  col("trade_union_member", "boolean", "工会会员", "Member of a trade union.", (m) => m.trade_union_member),
  col(
    "tax_paid_yuan",
    "number",
    "个人所得税",
    "Individual income tax paid in the past 12 months.",
    (m) => m.tax_paid_yuan,
    "yuan/year",
  ),
  col(
    "vehicle_count",
    "number",
    "机动车数量",
    "Non-operating motor vehicles registered to the person.",
    (m) => m.vehicle_count,
    "count",
  ),
  col(
    "has_business",
    "boolean",
    "市场主体登记",
    "Registered as the owner or legal representative of a business (market-entity registration).",
    (m) => m.has_business,
  ),
];

export const VERIFIED_COLUMNS: ColumnSpec<VerifiedRow>[] = [
  col("household_id", "text", "家庭编号", "The verified household.", (v) => v.household_id),
  col(
    "batch",
    "text",
    "批次",
    "2024-S: sample-village survey before the warnings; 2024-B1, 2024-B2: the two warning batches (applications are filed under the batch period in which they were verified).",
    (v) => v.batch,
  ),
  col(
    "channel",
    "text",
    "发现渠道",
    "warning (the model's warning, verified by departments), application (applied through the app), survey (sample-village survey of every household).",
    (v) => v.channel,
  ),
  col("need", "boolean", "核实需救助", "The department found the household in need of assistance.", (v) => v.need),
  col(
    "assistance",
    "text",
    "救助类型",
    "education, medical, employment, temporary, charity or basic_living; empty where no need was found.",
    (v) => v.assistance,
  ),
  col(
    "amount_yuan",
    "number",
    "救助金额",
    "Assistance delivered; empty where no need was found.",
    (v) => v.amount_yuan,
    "yuan",
  ),
  col(
    "department",
    "text",
    "承办部门",
    "The department that delivered the assistance; empty where no need was found.",
    (v) => v.department,
  ),
  col("verified_on", "date", "核实日期", "Date of verification.", (v) => v.verified_on),
];

/** The `dataset.json` object for the three tables. */
export function datasetDescription(meta: { seed: number; households: number }): unknown {
  const describe = <R>(cols: ColumnSpec<R>[]) =>
    Object.fromEntries(
      cols.map((
        c,
      ) => [c.name, {
        type: c.type,
        ...(c.unit ? { unit: c.unit } : {}),
        label_zh: c.label_zh,
        description: c.description,
      }]),
    );
  return {
    name: "demo-county",
    description:
      `Synthetic demo county modelled on Xiaochang County, Hubei (seed ${meta.seed}, ${meta.households} households). ` +
      "Every household and person is fictitious; generated by scripts/demo_data.ts, documented in data/README.md.",
    tables: {
      households: describe(HOUSEHOLD_COLUMNS),
      members: describe(MEMBER_COLUMNS),
      verified: describe(VERIFIED_COLUMNS),
    },
  };
}
