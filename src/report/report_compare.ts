/**
 * The comparison report's view-model (`deno task compare`): a pure function of `comparison.json` —
 * who changes band, each frame's figures under both models, department workload, changes by
 * category and village, and the list of households that change band.
 */
import type { CompareFile } from "../evaluate/compare.ts";
import { bandChangeSpec } from "./band_changes.ts";
import { intervalsSpec } from "./intervals.ts";
import { bandLabel, categoryLabel, departmentLabel } from "./labels.ts";
import {
  bandsText,
  frameTitle,
  intervalPoint,
  METRIC_COLUMNS,
  metricCells,
  points,
  provenanceSection,
} from "./report_common.ts";
import { NO_BAND } from "./prepare.ts";
import { workloadSpec } from "./workload.ts";
import {
  type Column,
  column,
  facts,
  figure,
  num,
  paragraph,
  pp,
  type Report,
  type Row,
  type Section,
  table,
} from "./view.ts";

/** Most changed households listed in the comparison page (all are in the CSV and JSON). */
export const MAX_LISTED_CHANGES = 500;

function provenance(file: CompareFile): Section {
  const { a, b } = file.models;
  const model = (m: typeof a) => `${m.id} ${m.version}${m.file ? ` (${m.file})` : ""}`;
  return provenanceSection(
    [
      ["模型 A", "Model A", model(a)],
      ["模型 A", "sha256", a.sha256],
      ["模型 B", "Model B", model(b)],
      ["模型 B", "sha256", b.sha256],
      ["数据", "Data", `${file.data.folder} (${file.data.households} households)`],
      ["数据摘要", "Data digest (sha256)", file.data.digest],
      ["预警线 A", "Bands A", bandsText(file.bands.a)],
      ["预警线 B", "Bands B", bandsText(file.bands.b)],
      ["区间", "Intervals", `Wilson score, z = ${file.method.z}`],
      ["变化", "Change", file.method.change],
      ["部门", "Departments", file.method.departments],
    ],
    file.data.labeled,
    file.method.frames,
  );
}

function changesSection(file: CompareFile): Section {
  const s = file.summary;
  const withNone = (ids: string[]) => ids.filter((id) => id !== NO_BAND);
  return {
    id: "changes",
    title: { zh: "谁的预警等级变了", en: "Who changes band" },
    blocks: [
      facts([
        ["户数", "Households", String(s.households)],
        ["A 预警", "warned under A", String(s.warned_a)],
        ["B 预警", "warned under B", String(s.warned_b)],
        ["新增预警", "Newly warned", String(s.newly_warned)],
        ["不再预警", "No longer warned", String(s.no_longer_warned)],
        ["等级变化", "Band changed", String(s.band_changed)],
        ["不变", "Unchanged", String(s.unchanged)],
      ]),
      figure(
        bandChangeSpec(file.transitions, {
          bands: withNone([...new Set(file.transitions.map((t) => t.from))]),
          columns: withNone([...new Set(file.transitions.map((t) => t.to))]),
          xLabel: "模型 B →",
          yLabel: "模型 A ↓",
          width: 420,
        }),
        "预警等级转移 Households by band under A (rows) and B (columns); all households, no frame needed.",
      ),
    ],
  };
}

function framesSection(file: CompareFile): Section {
  const rows: Row[] = file.frames.flatMap((f) => [
    { frame: frameTitle(f.frame), model: "A", ...metricCells(f.a) },
    { frame: frameTitle(f.frame), model: "B", ...metricCells(f.b) },
    {
      ...metricCells(null),
      frame: frameTitle(f.frame),
      model: "B − A",
      warnings: f.delta.warnings,
      labeled_warnings: f.delta.labeled_warnings,
      true_positives: f.delta.true_positives,
      precision: pp(f.delta.precision),
      recall: pp(f.delta.recall),
      miss_rate: pp(f.delta.miss_rate),
      coverage: pp(f.delta.coverage),
      needs_missed: pp(f.delta.missed_share),
    },
  ]);
  const both = (f: CompareFile["frames"][number], key: "precision" | "recall") =>
    (["A", "B"] as const).map((series) => {
      const m = series === "A" ? f.a : f.b;
      return intervalPoint(`${f.frame} · ${key}`, m[key], m[`${key}_ci95`], { series });
    });
  const figurePoints = points([
    ...file.frames.filter((f) => f.a.precision !== null || f.b.precision !== null).flatMap((f) => both(f, "precision")),
    ...file.frames.filter((f) => f.a.recall !== null).flatMap((f) => both(f, "recall")),
  ]);
  return {
    id: "frames",
    title: { zh: "各口径指标变化", en: "Change in each frame's figures" },
    blocks: [
      table([column("frame", "text"), column("model", "text"), ...METRIC_COLUMNS], rows),
      ...(figurePoints.length > 0
        ? [figure(
          intervalsSpec(figurePoints, { label: "比例 Proportion (Wilson 95%)", marginLeft: 260 }),
          "精确率与召回率 Precision (survey and warning frames) and recall (survey frame only) under A and B; each label names its frame.",
        )]
        : []),
    ],
  };
}

function workloadSection(file: CompareFile): Section {
  return {
    id: "workload",
    title: { zh: "部门工作量变化", en: "Change in department workload" },
    blocks: [
      figure(
        workloadSpec(
          file.workload.map((w) => ({ name: departmentLabel(w.department), baseline: w.a, current: w.b })),
          {
            limit: Math.max(1, file.workload.length),
            xLabel: "预警户数 Warned households →",
            legend: "条 bar = B · 黑线 tick = A",
            width: 640,
          },
        ),
        "每个部门派单户数 Warned households per department: bars B, ticks A (all households, no frame needed).",
      ),
      table(
        [column("department", "text"), column("a", "number"), column("b", "number"), column("b_minus_a", "number")],
        file.workload.map((w) => ({ department: departmentLabel(w.department), a: w.a, b: w.b, b_minus_a: w.change })),
      ),
    ],
  };
}

/** The columns of change counts, after the group column. */
const CHANGE_COLUMNS: Column[] = [
  column("households", "number"),
  column("warned_a", "number"),
  column("warned_b", "number"),
  column("newly_warned", "number"),
  column("no_longer_warned", "number"),
  column("band_changed", "number"),
];

function groupSections(file: CompareFile): Section[] {
  const changed = file.by_village.filter((v) => v.newly_warned + v.no_longer_warned + v.band_changed > 0);
  return [
    {
      id: "by-category",
      title: { zh: "按管理类别", en: "By management category" },
      blocks: [table(
        [column("category", "text"), ...CHANGE_COLUMNS],
        file.by_category.map(({ category, ...counts }) => ({ category: categoryLabel(category), ...counts })),
      )],
    },
    {
      id: "by-village",
      title: { zh: "按村", en: "By village" },
      blocks: [
        paragraph(`${changed.length} 个村有变化 villages with a change, of ${file.by_village.length}.`),
        {
          kind: "details",
          summary: "全部村 All villages",
          blocks: [table([column("village", "text"), ...CHANGE_COLUMNS], file.by_village.map((v) => ({ ...v })))],
        },
      ],
    },
  ];
}

function listSection(file: CompareFile): Section {
  const listed = file.changes.slice(0, MAX_LISTED_CHANGES);
  return {
    id: "list",
    title: { zh: "变化户清单", en: "Households that change band" },
    notes: file.changes.length > listed.length
      ? [
        `前 ${listed.length} 户 First ${listed.length} of ${file.changes.length} (household_id order); all are in changes.csv and comparison.json.`,
      ]
      : [],
    blocks: [table(
      [
        column("household", "text"),
        column("village", "text"),
        column("category", "text"),
        column("a", "text"),
        column("b", "text"),
        column("per_capita_a", "number"),
        column("per_capita_b", "number"),
        column("change", "text"),
      ],
      listed.map((c): Row => ({
        household: c.household_id,
        village: c.village,
        category: categoryLabel(c.category),
        a: bandLabel(c.band_a),
        b: bandLabel(c.band_b),
        per_capita_a: num(c.per_capita_a),
        per_capita_b: num(c.per_capita_b),
        change: c.change,
      })),
    )],
  };
}

/** The comparison report of a `comparison.json`. */
export function comparisonReport(file: CompareFile): Report {
  return {
    title: { zh: "模型对比报告", en: "Model comparison report" },
    sections: [
      provenance(file),
      changesSection(file),
      framesSection(file),
      workloadSection(file),
      ...groupSections(file),
      listSection(file),
    ],
  };
}
