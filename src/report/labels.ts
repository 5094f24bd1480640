/**
 * Every name the figures, reports and pages show, in Chinese and English, as data in one place:
 * frames, flags, management categories, departments, bands, calibration roles and table columns,
 * each keyed by a typed union. Lookups of a value that is data (a department id from the model, a
 * category code from the file) go through the `…Label` functions, which fall back to the value.
 */
import { CATEGORY_CODES } from "../contract/dataset.ts";
import { FRAME_DEFINITIONS, FRAME_NAMES, type FrameName } from "../evaluate/frames.ts";

/** A name in Chinese and English. */
export interface Label {
  zh: string;
  en: string;
}

/** "中文 English" (or the one that is not empty). */
export function labelText(label: Label): string {
  return label.zh && label.en ? `${label.zh} ${label.en}` : label.zh || label.en;
}

// ---------------------------------------------------------------- management categories

/** A management category code (contract §1). */
export type CategoryCode = (typeof CATEGORY_CODES)[number];

/** The management categories of contract §1, in display order. */
export const CATEGORY_ORDER: readonly CategoryCode[] = CATEGORY_CODES;

/** Chinese and English names of the management categories. */
export const CATEGORY_LABELS: Record<CategoryCode, Label> = {
  dibao: { zh: "低保", en: "Dibao" },
  tekun: { zh: "特困", en: "Extreme poverty" },
  monitored: { zh: "防返贫监测", en: "Monitored" },
  near_dibao: { zh: "低保边缘", en: "Near-dibao" },
  rigid_expense: { zh: "刚性支出困难", en: "Rigid expense" },
  other: { zh: "其他", en: "Other" },
};

/** Fixed category colours, so a category keeps its colour from figure to figure. */
export const CATEGORY_COLORS: Record<CategoryCode, string> = {
  dibao: "#4e79a7",
  tekun: "#b07aa1",
  monitored: "#59a14f",
  near_dibao: "#edc948",
  rigid_expense: "#e15759",
  other: "#9d9d9d",
};

function has<K extends string>(table: Record<K, unknown>, key: string): key is K {
  return Object.hasOwn(table, key);
}

/** "低保 Dibao" for a category code; the code itself when unknown. */
export function categoryLabel(code: string | null | undefined): string {
  if (code === null || code === undefined) return "—";
  return has(CATEGORY_LABELS, code) ? labelText(CATEGORY_LABELS[code]) : code;
}

// ---------------------------------------------------------------- departments

/** The departments the default model's indicators name, and the demo loop's escalation office (a model may name others). */
export type DepartmentId =
  | "civil_affairs"
  | "agriculture"
  | "education"
  | "housing"
  | "medical_insurance"
  | "health"
  | "hrss"
  | "emergency_management"
  | "trade_union"
  | "disabled_federation"
  | "water"
  | "charity_federation"
  | "county_office"
  | "unassigned";

/** Chinese and English names of the departments. */
export const DEPARTMENT_LABELS: Record<DepartmentId, Label> = {
  civil_affairs: { zh: "民政", en: "Civil affairs" },
  agriculture: { zh: "农业农村", en: "Agriculture" },
  education: { zh: "教育", en: "Education" },
  housing: { zh: "住建", en: "Housing" },
  medical_insurance: { zh: "医保", en: "Medical insurance" },
  health: { zh: "卫健", en: "Health" },
  hrss: { zh: "人社", en: "Human resources & social security" },
  emergency_management: { zh: "应急管理", en: "Emergency management" },
  trade_union: { zh: "总工会", en: "Trade union" },
  disabled_federation: { zh: "残联", en: "Disabled persons' federation" },
  water: { zh: "水利", en: "Water" },
  charity_federation: { zh: "慈善总会", en: "Charity federation" },
  county_office: { zh: "县督办", en: "County supervision office" },
  unassigned: { zh: "未指定", en: "Unassigned" },
};

/** "民政 Civil affairs" for a department id; the id itself when unknown. */
export function departmentLabel(id: string | null | undefined): string {
  if (id === null || id === undefined || id === "") return labelText(DEPARTMENT_LABELS.unassigned);
  return has(DEPARTMENT_LABELS, id) ? labelText(DEPARTMENT_LABELS[id]) : id;
}

// ---------------------------------------------------------------- frames

/** Short names of the evaluation frames, for figure legends. */
export const FRAME_SHORT_LABELS: Record<FrameName, Label> = {
  survey: { zh: "全面摸排（样本村）", en: "Survey frame" },
  warning: { zh: "预警核实", en: "Warning frame" },
  application: { zh: "主动申请", en: "Application frame" },
};

/** Full names of the frames, as `audit.json` states them (from the frame table in src/evaluate). */
export const FRAME_TITLES: Record<FrameName, Label> = Object.fromEntries(
  FRAME_NAMES.map((f) => [f, { zh: FRAME_DEFINITIONS[f].name_zh, en: FRAME_DEFINITIONS[f].name_en }]),
) as Record<FrameName, Label>;

/** "预警核实 Warning frame" for a frame name; the name itself when unknown. */
export function frameLabel(frame: string): string {
  return has(FRAME_SHORT_LABELS, frame) ? labelText(FRAME_SHORT_LABELS[frame]) : frame;
}

// ---------------------------------------------------------------- flags, bands, roles

/** The small-sample flags of a frame's figures (src/evaluate/frames.ts). */
export type FlagName = "few_labeled" | "few_labeled_warnings" | "few_labeled_positives";

/** What each small-sample flag says. */
export const FLAG_LABELS: Record<FlagName, Label> = {
  few_labeled: { zh: "样本少", en: "<30 labeled" },
  few_labeled_warnings: { zh: "核实预警少", en: "<30 labeled warnings" },
  few_labeled_positives: { zh: "需救助样本少", en: "<30 labeled in need" },
};

/** "样本少 <30 labeled" for a flag; the flag itself when unknown. */
export function flagLabel(flag: string): string {
  return has(FLAG_LABELS, flag) ? labelText(FLAG_LABELS[flag]) : flag;
}

/** A disparity flag on a figure (src/evaluate/audit.ts), and its short name in tables. */
export type DisparityFigure = "warn_rate" | "precision" | "false_discovery_rate" | "miss_rate" | "missed_share";

/** Short names of the compared figures. */
export const DISPARITY_SHORT: Record<DisparityFigure, string> = {
  warn_rate: "warn rate",
  precision: "P",
  false_discovery_rate: "FDR",
  miss_rate: "Miss",
  missed_share: "Missed",
};

/** The short name of a compared figure; the key itself when unknown. */
export function disparityShort(key: string): string {
  return has(DISPARITY_SHORT, key) ? DISPARITY_SHORT[key] : key;
}

/** The bands of the default model, and "none" for households below the last band. */
export type BandName = "red" | "orange" | "yellow" | "none";

/** Names of the default bands. */
export const BAND_LABELS: Record<BandName, Label> = {
  red: { zh: "红色预警", en: "red" },
  orange: { zh: "橙色预警", en: "orange" },
  yellow: { zh: "黄色预警", en: "yellow" },
  none: { zh: "未预警", en: "none" },
};

/** "红色预警 red" for a band id, "未预警 none" for null; the id itself when unknown. */
export function bandLabel(id: string | null | undefined): string {
  const key = id ?? "none";
  return has(BAND_LABELS, key) ? labelText(BAND_LABELS[key]) : key;
}

/** The colour of a band by its position in the model (first band = most severe). */
export function bandColor(index: number, id?: string): string {
  const named: Record<string, string> = { red: "#d62728", orange: "#f28e2b", yellow: "#e8b500" };
  if (id && Object.hasOwn(named, id)) return named[id];
  const scale = ["#d62728", "#f28e2b", "#e8b500", "#9c755f", "#bab0ac"];
  return scale[Math.min(index, scale.length - 1)];
}

/** The role of a frame's figures in a calibration (src/calibrate). */
export type CalibrationRole = "fit (in-sample)" | "evaluation" | "out-of-sample";

/** Names of the calibration roles. */
export const CALIBRATION_ROLE_LABELS: Record<CalibrationRole, Label> = {
  "fit (in-sample)": { zh: "拟合（样本内）", en: "fit (in-sample)" },
  evaluation: { zh: "评估", en: "evaluation" },
  "out-of-sample": { zh: "样本外", en: "out-of-sample" },
};

// ---------------------------------------------------------------- table columns

/** The columns of the report tables. */
export type ColumnKey =
  | "frame"
  | "channel"
  | "labeled_households"
  | "supports"
  | "description"
  | "villages"
  | "warnings"
  | "labeled"
  | "labeled_warnings"
  | "true_positives"
  | "precision"
  | "fdr"
  | "recall"
  | "miss_rate"
  | "coverage"
  | "needs_missed"
  | "flags"
  | "batch"
  | "model"
  | "role"
  | "scope"
  | "band"
  | "min"
  | "min_before"
  | "min_after"
  | "households"
  | "households_before"
  | "households_after"
  | "department"
  | "warned_households"
  | "group"
  | "warn_rate"
  | "ratio"
  | "ratios"
  | "reason"
  | "a"
  | "b"
  | "b_minus_a"
  | "category"
  | "village"
  | "warned_a"
  | "warned_b"
  | "newly_warned"
  | "no_longer_warned"
  | "band_changed"
  | "household"
  | "per_capita_a"
  | "per_capita_b"
  | "change";

/** The header of each report column. */
export const COLUMN_LABELS: Record<ColumnKey, Label> = {
  frame: { zh: "口径", en: "Frame" },
  channel: { zh: "渠道", en: "Channel" },
  labeled_households: { zh: "已核实户", en: "Labeled households" },
  supports: { zh: "支持的指标", en: "Supports" },
  description: { zh: "说明", en: "Description" },
  villages: { zh: "村数", en: "Villages" },
  warnings: { zh: "预警户", en: "Warnings" },
  labeled: { zh: "已核实", en: "Labeled" },
  labeled_warnings: { zh: "核实预警", en: "Labeled warnings" },
  true_positives: { zh: "真阳性", en: "True positives" },
  precision: { zh: "精确率", en: "Precision [Wilson 95%]" },
  fdr: { zh: "误报率", en: "FDR [Wilson 95%]" },
  recall: { zh: "召回率", en: "Recall [Wilson 95%]" },
  miss_rate: { zh: "漏报率", en: "Miss rate [Wilson 95%]" },
  coverage: { zh: "核实覆盖", en: "Coverage [Wilson 95%]" },
  needs_missed: { zh: "遗漏需求", en: "Needs missed" },
  flags: { zh: "标记", en: "Flags" },
  batch: { zh: "批次", en: "Batch" },
  model: { zh: "模型", en: "Model" },
  role: { zh: "角色", en: "Role" },
  scope: { zh: "范围", en: "Scope" },
  band: { zh: "预警等级", en: "Band" },
  min: { zh: "下限", en: "min" },
  min_before: { zh: "原 min", en: "before" },
  min_after: { zh: "新 min", en: "after" },
  households: { zh: "户数", en: "Households" },
  households_before: { zh: "原户数", en: "Households before" },
  households_after: { zh: "新户数", en: "Households after" },
  department: { zh: "部门", en: "Department" },
  warned_households: { zh: "预警户", en: "Warned households" },
  group: { zh: "组", en: "Group" },
  warn_rate: { zh: "预警率", en: "Warn rate [Wilson]" },
  ratio: { zh: "与参照之比", en: "Ratio" },
  ratios: { zh: "与参照之比", en: "Ratios" },
  reason: { zh: "原因", en: "Reason" },
  a: { zh: "", en: "A" },
  b: { zh: "", en: "B" },
  b_minus_a: { zh: "", en: "B − A" },
  category: { zh: "类别", en: "Category" },
  village: { zh: "村", en: "Village" },
  warned_a: { zh: "A 预警", en: "Warned A" },
  warned_b: { zh: "B 预警", en: "Warned B" },
  newly_warned: { zh: "新增", en: "Newly warned" },
  no_longer_warned: { zh: "不再", en: "No longer" },
  band_changed: { zh: "等级变", en: "Band changed" },
  household: { zh: "户", en: "Household" },
  per_capita_a: { zh: "A 人均分", en: "per-capita" },
  per_capita_b: { zh: "B 人均分", en: "per-capita" },
  change: { zh: "变化", en: "Change" },
};
