/** Names shown in figures and pages: management categories, departments and frames, in Chinese and English. */

/** The management categories of contract §1, in display order. */
export const CATEGORY_ORDER = ["dibao", "tekun", "monitored", "near_dibao", "rigid_expense", "other"] as const;

/** Chinese and English names of the management categories. */
export const CATEGORY_LABELS: Record<string, { zh: string; en: string }> = {
  dibao: { zh: "低保", en: "Dibao" },
  tekun: { zh: "特困", en: "Extreme poverty" },
  monitored: { zh: "防返贫监测", en: "Monitored" },
  near_dibao: { zh: "低保边缘", en: "Near-dibao" },
  rigid_expense: { zh: "刚性支出困难", en: "Rigid expense" },
  other: { zh: "其他", en: "Other" },
};

/** Chinese and English names of the departments the model's indicators name. */
export const DEPARTMENT_LABELS: Record<string, { zh: string; en: string }> = {
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
  unassigned: { zh: "未指定", en: "Unassigned" },
};

/** The evaluation frames (issue 5): where verified outcomes come from, and what each can support. */
export const FRAME_LABELS: Record<string, { zh: string; en: string }> = {
  survey: { zh: "全面摸排（样本村）", en: "Survey frame" },
  warning: { zh: "预警核实", en: "Warning frame" },
  application: { zh: "主动申请", en: "Application frame" },
};

/** "低保 Dibao" for a category code; the code itself when unknown. */
export function categoryLabel(code: string | null | undefined): string {
  if (code === null || code === undefined) return "—";
  const label = CATEGORY_LABELS[code];
  return label ? `${label.zh} ${label.en}` : code;
}

/** "民政 Civil affairs" for a department id; the id itself when unknown. */
export function departmentLabel(id: string | null | undefined): string {
  if (id === null || id === undefined || id === "") return "未指定 Unassigned";
  const label = DEPARTMENT_LABELS[id];
  return label ? `${label.zh} ${label.en}` : id;
}

/** The colour of a band by its position in the model (first band = most severe). */
export function bandColor(index: number, id?: string): string {
  const named: Record<string, string> = { red: "#d62728", orange: "#f28e2b", yellow: "#e8b500" };
  if (id && named[id]) return named[id];
  const scale = ["#d62728", "#f28e2b", "#e8b500", "#9c755f", "#bab0ac"];
  return scale[Math.min(index, scale.length - 1)];
}

/** Fixed category colours, so a category keeps its colour from figure to figure. */
export const CATEGORY_COLORS: Record<string, string> = {
  dibao: "#4e79a7",
  tekun: "#b07aa1",
  monitored: "#59a14f",
  near_dibao: "#edc948",
  rigid_expense: "#e15759",
  other: "#9d9d9d",
};
