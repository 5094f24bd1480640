/**
 * The audit report's view-model (`deno task audit`, the audit page): a pure function of
 * `audit.json` — frames, batches, bands and workload, the group audit with disparities, drift.
 */
import type { AuditFile } from "../evaluate/audit_file.ts";
import type { DimensionAudit, Disparity, GroupRow } from "../evaluate/audit.ts";
import { FRAME_DEFINITIONS, FRAME_NAMES, type FrameName } from "../evaluate/frames.ts";
import { type DisparityPoint, disparitySpec } from "./disparity.ts";
import { psiSpec } from "./drift.ts";
import { intervalsSpec } from "./intervals.ts";
import { bandLabel, departmentLabel, disparityShort, flagLabel } from "./labels.ts";
import {
  bandsText,
  frameTitle,
  intervalPoint,
  METRIC_COLUMNS,
  metricCells,
  points,
  provenanceSection,
} from "./report_common.ts";
import {
  ci,
  type Column,
  column,
  facts,
  figure,
  num,
  paragraph,
  pct,
  type Report,
  type Row,
  type Section,
  subsection,
  table,
} from "./view.ts";

/** Most groups drawn in one figure; larger dimensions (villages) are shown as tables. */
export const MAX_FIGURE_GROUPS = 40;

function provenance(file: AuditFile): Section {
  const m = file.method;
  return provenanceSection([
    ["模型", "Model", `${file.model.id} ${file.model.version}${file.model.file ? ` (${file.model.file})` : ""}`],
    ["模型", "sha256", file.model.sha256],
    ["数据", "Data", `${file.data.folder} (${file.data.households} households)`],
    ["数据摘要", "Data digest (sha256)", file.data.digest],
    ["预警线", "Bands", bandsText(file.bands.cuts)],
    [
      "区间",
      "Intervals",
      `Wilson score, z = ${m.z}; village-cluster bootstrap, ${m.bootstrap.replicates} replicates, seed ${m.bootstrap.seed} (${m.bootstrap.generator}, ${m.bootstrap.resampling}), ${m.bootstrap.interval}`,
    ],
    ["小样本标记", "Small-sample flag", `fewer than ${m.min_labeled} labeled cases`],
    [
      "差异标记",
      "Disparity flag",
      `ratio to the reference group outside ${m.disparity_bounds[0]}–${m.disparity_bounds[1]}`,
    ],
    ["部门", "Departments", m.departments],
    ["漂移", "Drift", `${m.drift.verdicts}; bins: ${m.drift.bins}; empty shares replaced by ${m.drift.epsilon}`],
  ], file.data.labeled);
}

/** The headline figures of each present frame, as interval points (labels name the frame). */
function overallPoints(file: AuditFile, present: FrameName[]) {
  const min = file.method.min_labeled;
  return points(present.flatMap((f) => {
    const m = file.frames[f].overall!;
    const fewPositives = m.labeled_positives < min;
    return [
      intervalPoint(`${f} · precision`, m.precision, m.precision_ci95, { few: m.labeled_warnings < min }),
      intervalPoint(`${f} · recall`, m.recall, m.recall_ci95, { few: fewPositives }),
      intervalPoint(`${f} · miss rate`, m.miss_rate, m.miss_rate_ci95, { few: fewPositives }),
      intervalPoint(`${f} · coverage`, m.coverage, m.coverage_ci95),
      intervalPoint(`${f} · needs missed share`, m.missed_share, m.missed_share_ci95, { few: fewPositives }),
    ];
  }));
}

function overallSection(file: AuditFile, present: FrameName[]): Section {
  const rows = FRAME_NAMES.map((f): Row => {
    const fr = file.frames[f];
    return {
      frame: frameTitle(f),
      villages: fr.present ? fr.villages.length : null,
      ...metricCells(fr.overall, fr.bootstrap ?? undefined),
    };
  });
  const headline = overallPoints(file, present);
  return {
    id: "overall",
    title: { zh: "各口径总体结果", en: "Overall, by frame" },
    blocks: [
      table([column("frame", "text"), column("villages", "number"), ...METRIC_COLUMNS], rows),
      ...(headline.length > 0
        ? [figure(
          intervalsSpec(headline, { label: "比例 Proportion (Wilson 95%)", marginLeft: 260 }),
          `各口径主要指标 Headline figures; each label names its frame (survey, warning, application). Hollow dots: fewer than ${file.method.min_labeled} cases in the denominator.`,
        )]
        : []),
    ],
  };
}

function batchesSection(file: AuditFile): Section {
  const rows: Row[] = [];
  for (const [batch, byFrame] of Object.entries(file.batches)) {
    for (const f of FRAME_NAMES) if (byFrame[f]) rows.push({ batch, frame: frameTitle(f), ...metricCells(byFrame[f]) });
  }
  return {
    id: "batches",
    title: { zh: "分批次", en: "By batch" },
    blocks: [
      rows.length
        ? table([column("batch", "text"), column("frame", "text"), ...METRIC_COLUMNS], rows)
        : paragraph("无核实数据 No verified rows."),
    ],
  };
}

function workloadSection(file: AuditFile): Section {
  return {
    id: "workload",
    title: { zh: "预警等级与部门工作量", en: "Bands and department workload" },
    blocks: [
      table([column("band", "text"), column("min", "number"), column("households", "number")], [
        ...file.bands.cuts.map((b): Row => ({
          band: bandLabel(b.id),
          min: b.min,
          households: file.bands.counts[b.id],
        })),
        { band: bandLabel(null), min: null, households: file.bands.counts.none },
      ]),
      table(
        [column("department", "text"), column("warned_households", "number")],
        Object.entries(file.workload).map(([d, n]) => ({ department: departmentLabel(d), warned_households: n })),
      ),
    ],
  };
}

// ---------------------------------------------------------------- group audit

function ratioText(r: Disparity | undefined, name: string): string {
  if (!r || r.ratio === null) return "";
  return `${r.flagged ? "⚑ " : ""}${name ? `${name} ` : ""}${num(r.ratio, 3)}${
    r.flagged && r.few_cases ? " (<30)" : ""
  }`;
}

function bootText(
  b: { ci95: [number, number] | null; few_clusters: boolean; effective_clusters: number } | null | undefined,
): string {
  if (!b) return "";
  if (!b.ci95) return ` boot n/a (${b.effective_clusters} village${b.effective_clusters === 1 ? "" : "s"})`;
  return ` boot ${ci(b.ci95)}${b.few_clusters ? ` (${b.effective_clusters} villages)` : ""}`;
}

function groupName(row: GroupRow): string {
  return row.reference ? `${row.label} (参照 reference)` : row.label;
}

function warnRateTable(d: DimensionAudit): Section {
  return {
    title: { zh: "预警率", en: "Warn rate — all households, no frame needed" },
    blocks: [table(
      [
        column("group", "text"),
        column("households", "number"),
        column("warnings", "number"),
        column("warn_rate", "interval"),
        column("ratio", "text"),
        column("flags", "flag"),
      ],
      d.rows.map((row): Row => ({
        group: groupName(row),
        households: row.households,
        warnings: row.warnings,
        warn_rate: { value: row.warn_rate, ci95: row.warn_rate_ci95, suffix: bootText(row.warn_rate_bootstrap) },
        ratio: ratioText(row.disparity.warn_rate, ""),
        flags: { flags: row.disparity.warn_rate.flagged ? ["⚑ 差异 disparity"] : [] },
      })),
    )],
  };
}

function frameColumns(f: FrameName): Column[] {
  const sup = FRAME_DEFINITIONS[f].supports;
  return [
    column("group", "text"),
    column("labeled", "number"),
    column("labeled_warnings", "number"),
    column("true_positives", "number", { label: { zh: "真阳性", en: "TP" } }),
    ...(sup.precision ? [column("precision", "interval"), column("fdr", "interval")] : []),
    ...(sup.miss_rate ? [column("miss_rate", "interval")] : []),
    ...(f === "application"
      ? [column("needs_missed", "text", { label: { zh: "遗漏需求", en: "Needs missed / in need" } })]
      : []),
    column("ratios", "text"),
    column("flags", "flag"),
  ];
}

function frameRow(row: GroupRow, f: FrameName): Row {
  const m = row.frames[f]!;
  const ratios = Object.entries(row.disparity.frames[f] ?? {});
  return {
    group: groupName(row),
    labeled: m.labeled,
    labeled_warnings: m.labeled_warnings,
    true_positives: m.true_positives,
    precision: { value: m.precision, ci95: m.precision_ci95, suffix: bootText(m.bootstrap?.precision) },
    fdr: { value: m.false_discovery_rate, ci95: m.false_discovery_rate_ci95 },
    miss_rate: { value: m.miss_rate, ci95: m.miss_rate_ci95, suffix: bootText(m.bootstrap?.miss_rate) },
    needs_missed: `${m.needs_missed ?? "—"} / ${m.labeled_positives}`,
    ratios: ratios.map(([k, r]) => ratioText(r, disparityShort(k))).filter(Boolean).join("; "),
    flags: {
      flags: [
        ...ratios.filter(([, r]) => r.flagged).map(([k]) => `⚑ ${disparityShort(k)} 差异 disparity`),
        ...m.flags.map(flagLabel),
      ],
    },
  };
}

function frameTable(d: DimensionAudit, f: FrameName): Section {
  return {
    title: { zh: FRAME_DEFINITIONS[f].name_zh, en: FRAME_DEFINITIONS[f].name_en },
    frame: f,
    blocks: [table(frameColumns(f), d.rows.map((row) => frameRow(row, f)))],
  };
}

/** The warn-rate figure and, per frame that supports it, the precision figure of a dimension. */
function dimensionFigures(d: DimensionAudit, present: FrameName[], minLabeled: number) {
  const maxRate = Math.max(0.01, ...d.rows.map((r) => r.warn_rate_ci95?.[1] ?? 0));
  const reference = d.rows.find((r) => r.reference);
  const out = [figure(
    intervalsSpec(points(d.rows.map((r) => intervalPoint(r.label, r.warn_rate, r.warn_rate_ci95))), {
      label: "预警率 Warn rate (Wilson 95%)",
      domain: [0, Math.min(1, maxRate * 1.1)],
      reference: reference?.warn_rate ?? null,
      marginLeft: 260,
    }),
    `预警率 Warn rate by ${d.name_en.toLowerCase()} — all households (no frame needed); dashed line: the reference group.`,
  )];
  for (const f of present) {
    if (!FRAME_DEFINITIONS[f].supports.precision) continue;
    const rows = points(d.rows.map((r) => {
      const m = r.frames[f]!;
      return intervalPoint(r.label, m.precision, m.precision_ci95, { few: m.labeled_warnings < minLabeled });
    }));
    if (rows.length === 0) continue;
    out.push(figure(
      intervalsSpec(rows, {
        label: "精确率 Precision (Wilson 95%)",
        reference: reference?.frames[f]?.precision ?? null,
        marginLeft: 260,
      }),
      `精确率 Precision by ${d.name_en.toLowerCase()} — frame: ${
        frameTitle(f)
      }. Hollow dots: fewer than ${minLabeled} labeled warnings; dashed line: the reference group.`,
    ));
  }
  return out;
}

/** The disparity figure of a dimension (ratios > 0 on a log scale), if it has 1–80 ratios. */
function disparityFigure(d: DimensionAudit, present: FrameName[]) {
  const rows: DisparityPoint[] = [];
  const zero: string[] = [];
  const add = (label: string, r: Disparity) => {
    if (r.ratio === null) return;
    if (r.ratio > 0) rows.push({ label, ratio: r.ratio, flagged: r.flagged });
    else zero.push(label);
  };
  for (const r of d.rows) {
    if (r.reference) continue;
    add(`${r.label} · warn rate`, r.disparity.warn_rate);
    for (const f of present) {
      for (const [k, v] of Object.entries(r.disparity.frames[f] ?? {})) {
        add(`${r.label} · ${f} ${disparityShort(k)}`, v);
      }
    }
  }
  if (rows.length === 0 || rows.length > 80) return [];
  return [figure(
    disparitySpec(rows, { label: `与参照组之比 Ratio to the reference group (${d.reference}), log scale →` }),
    `差异比值 Disparity ratios; each label names its frame (warn rate: all households). Shaded: 0.8–1.25; red: flagged.${
      zero.length ? ` Ratio 0 (not drawn on the log scale, flagged): ${zero.join("; ")}.` : ""
    }`,
  )];
}

function dimensionSection(d: DimensionAudit, present: FrameName[], minLabeled: number): Section {
  const tables = [warnRateTable(d), ...present.map((f) => frameTable(d, f))].map(subsection);
  const head = facts([
    ["定义", "Definition", d.definition],
    ["参照组", "Reference group", `${d.reference} — ${d.reference_rule}`],
    [
      "自助区间",
      "Bootstrap",
      d.bootstrap
        ? "village-cluster bootstrap intervals shown as 'boot' (n/a where the group lies in fewer than 2 villages; the village count is shown where fewer than 10)"
        : "none (a village is itself the resampled cluster)",
    ],
  ]);
  const section: Section = { id: `group-${d.id}`, title: { zh: d.name_zh, en: d.name_en }, blocks: [head] };
  if (d.rows.length > MAX_FIGURE_GROUPS) {
    const flagged = d.rows.filter((r) => r.flagged.length > 0);
    const list = flagged.slice(0, 60).map((r) => `${r.label} (${r.flagged.join(", ")})`).join("; ");
    section.blocks.push(
      paragraph(
        `${d.rows.length} 组 groups; ${flagged.length} 组有差异标记 with a flagged disparity${
          flagged.length ? `: ${list}${flagged.length > 60 ? " …" : ""}` : ""
        }.`,
      ),
      { kind: "details", summary: `全部 ${d.rows.length} 组 All ${d.rows.length} groups`, blocks: tables },
    );
    return section;
  }
  section.blocks.push(...tables, ...dimensionFigures(d, present, minLabeled), ...disparityFigure(d, present));
  return section;
}

function groupsSection(file: AuditFile, present: FrameName[]): Section {
  const [lo, hi] = file.method.disparity_bounds;
  const skipped: Section = {
    title: { zh: "未能分组", en: "Groups skipped" },
    blocks: [table(
      [column("group", "text"), column("reason", "text")],
      file.skipped_groups.map((s) => ({ group: `${s.name_zh} ${s.name_en}`, reason: s.reason })),
    )],
  };
  return {
    id: "groups",
    title: { zh: "分组审计", en: "Group audit" },
    notes: [
      `Disparity ratio = group figure / reference group figure, flagged (⚑) outside ${lo}–${hi}. Warn rate needs no frame (all households); precision and FDR come from the survey and warning frames, miss rate only from the survey frame, needs missed from the application frame.`,
    ],
    blocks: [
      ...file.groups.map((d) => subsection(dimensionSection(d, present, file.method.min_labeled))),
      ...(file.skipped_groups.length > 0 ? [subsection(skipped)] : []),
    ],
  };
}

function driftComparison(file: AuditFile, c: AuditFile["drift"]["comparisons"][number]): Section {
  const top = [...c.indicators].sort((a, b) => b.psi - a.psi || (a.id < b.id ? -1 : 1)).slice(0, 25);
  return {
    title: { zh: `${c.baseline} → ${c.batch}`, en: "batch to batch" },
    blocks: [
      facts([
        ["得分分布 PSI", "Score distribution PSI", `${num(c.score.psi, 4)} (${c.score.verdict})`],
        ["户数", "Households", `${c.baseline_households} → ${c.households}`],
        ["指标明显漂移", "Indicators with a major shift", c.major.join(", ") || "none"],
        ["指标中等漂移", "Indicators with a moderate shift", c.moderate.join(", ") || "none"],
      ]),
      figure(
        psiSpec(top.map((i) => ({ label: `${i.id} (${pct(i.baseline_rate)} → ${pct(i.rate)})`, psi: i.psi }))),
        `指标触发率 PSI Indicator firing-rate PSI, ${c.baseline} → ${c.batch} (the 25 largest; dashed: 0.1 and 0.25). Population: ${file.drift.population}.`,
      ),
    ],
  };
}

function driftSection(file: AuditFile): Section {
  const d = file.drift;
  return {
    id: "drift",
    title: { zh: "批次间漂移", en: "Drift between batches" },
    notes: [`Population of a batch: ${d.population}. ${file.method.drift.verdicts}.`],
    blocks: [
      ...(d.batches.length
        ? [table(
          [column("batch", "text"), column("households", "number")],
          d.batches.map((b) => ({ batch: b.batch, households: b.households })),
        )]
        : []),
      ...d.notes.map((n) => paragraph(n, "note")),
      ...d.comparisons.map((c) => subsection(driftComparison(file, c))),
    ],
  };
}

/** The audit report of an `audit.json`. */
export function auditReport(file: AuditFile): Report {
  const present = FRAME_NAMES.filter((f) => file.frames[f].present);
  const sections = [
    provenance(file),
    overallSection(file, present),
    batchesSection(file),
    workloadSection(file),
    groupsSection(file, present),
    driftSection(file),
  ];
  if (file.notes.length > 0) {
    sections.push({ id: "notes", title: { zh: "说明", en: "Notes" }, blocks: [{ kind: "list", items: file.notes }] });
  }
  return { title: { zh: "预警精确率与公平性审计报告", en: "Warning precision and group audit report" }, sections };
}
