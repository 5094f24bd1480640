/**
 * The self-contained offline HTML reports of `deno task audit`, `deno task calibrate` and
 * `deno task compare`: inline SVG figures (Observable Plot on a server-side document), no script,
 * no external asset; Chinese and English headings; the model's sha256, the data digest, the frames
 * and the method stated at the top; every figure names its frame. Pure functions of the JSON the
 * command writes (plus the calibration's curve), so the same inputs give byte-identical pages.
 */
import type { CalibrationFile } from "../calibrate/output.ts";
import type { CalibrationOutcome } from "../calibrate/calibrate.ts";
import type { AuditFile } from "../evaluate/audit_file.ts";
import type { DimensionAudit, Disparity } from "../evaluate/audit.ts";
import type { CompareFile } from "../evaluate/compare.ts";
import { FRAME_DEFINITIONS, FRAME_NAMES, type FrameMetrics, type FrameName } from "../evaluate/frames.ts";
import {
  beforeAfterBarsSvg,
  disparitySvg,
  type IntervalRow,
  intervalSvg,
  precisionCurveSvg,
  psiSvg,
  transitionSvg,
  warningsCurveSvg,
} from "./audit_figures.ts";
import { badge, type Cell, ci, esc, facts, heading, num, page, pct, pp, table } from "./audit_page.ts";

/** Most groups drawn in one figure; larger dimensions (villages) are shown as tables. */
const MAX_FIGURE_GROUPS = 40;
/** Most changed households listed in the comparison page (all are in the CSV and JSON). */
const MAX_LISTED_CHANGES = 500;

function frameTitle(f: FrameName): string {
  return `${FRAME_DEFINITIONS[f].name_zh} ${FRAME_DEFINITIONS[f].name_en}`;
}

function frameTag(f: FrameName): string {
  return `<span class="frame">[口径 frame: ${esc(frameTitle(f))}]</span>`;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function flagBadges(flags: readonly string[]): string {
  const text: Record<string, string> = {
    few_labeled: "样本少 <30 labeled",
    few_labeled_warnings: "核实预警少 <30 labeled warnings",
    few_labeled_positives: "需救助样本少 <30 labeled in need",
  };
  return flags.map((f) => badge(text[f] ?? f)).join("");
}

function frameDefinitionsHtml(labeled?: Record<FrameName, number>): string {
  return table(
    ["口径 Frame", "渠道 Channel", "已核实户 Labeled households", "支持的指标 Supports", "说明 Description"],
    FRAME_NAMES.map((f) => {
      const d = FRAME_DEFINITIONS[f];
      const s = Object.entries(d.supports).filter(([, v]) => v).map(([k]) => k).join(", ");
      return [frameTitle(f), d.channel, labeled ? labeled[f] : null, s, d.description];
    }),
  );
}

/** The row of a frame's figures: the columns every table of frame figures shares. */
const METRIC_HEADERS = [
  "预警户 Warnings",
  "已核实 Labeled",
  "核实预警 Labeled warnings",
  "真阳性 True positives",
  "精确率 Precision [Wilson 95%]",
  "误报率 FDR",
  "召回率 Recall [Wilson 95%]",
  "漏报率 Miss rate",
  "核实覆盖 Coverage",
  "遗漏需求 Needs missed",
  "标记 Flags",
];

function metricCells(
  m: FrameMetrics | null | undefined,
  bootstrap?: {
    precision?: { ci95: [number, number] | null } | null;
    recall?: { ci95: [number, number] | null } | null;
  },
): Cell[] {
  if (!m) return METRIC_HEADERS.map(() => null);
  const boot = (b?: { ci95: [number, number] | null } | null) => (b && b.ci95 ? ` 自助 boot ${ci(b.ci95)}` : "");
  return [
    m.warnings,
    m.labeled,
    m.labeled_warnings,
    m.true_positives,
    m.precision === null ? "—" : `${pct(m.precision)} ${ci(m.precision_ci95)}${boot(bootstrap?.precision)}`,
    m.false_discovery_rate === null ? "—" : `${pct(m.false_discovery_rate)} ${ci(m.false_discovery_rate_ci95)}`,
    m.recall === null ? "—" : `${pct(m.recall)} ${ci(m.recall_ci95)}${boot(bootstrap?.recall)}`,
    m.miss_rate === null ? "—" : `${pct(m.miss_rate)} ${ci(m.miss_rate_ci95)}`,
    m.coverage === null ? "—" : `${pct(m.coverage)} ${ci(m.coverage_ci95)}`,
    m.needs_missed === null
      ? "—"
      : m.frame === "application"
      ? `${m.needs_missed} / ${m.labeled_positives} (${pct(m.missed_share)})`
      : m.needs_missed,
    { html: flagBadges(m.flags) },
  ];
}

function header(items: [string, string][], labeled?: Record<FrameName, number>, method?: string): string {
  return [
    heading(2, "来源与方法", "Provenance and method", "method"),
    facts(items),
    method ? `<p class="note">${esc(method)}</p>` : "",
    heading(3, "评估口径", "Evaluation frames"),
    `<p class="note">各口径分开计算，每个数字都标明口径；召回率和漏报率只来自全面摸排口径。Frames are kept apart; every figure names its frame; recall and miss rate come only from the survey frame.</p>`,
    frameDefinitionsHtml(labeled),
  ].join("\n");
}

// ---------------------------------------------------------------- calibration

/** The calibration report. */
export function calibrationHtml(file: CalibrationFile, outcome: Pick<CalibrationOutcome, "curve" | "table">): string {
  const items: [string, string][] = [
    ["输入模型 Input model", `${file.model.input.id} ${file.model.input.version}`],
    ["输入模型 sha256", file.model.input.sha256],
    ["校准模型 Calibrated model", `${file.model.output.id} ${file.model.output.version}`],
    ["校准模型 sha256", file.model.output.sha256],
    ["数据 Data", `${file.data.folder} (${file.data.households} households)`],
    ["数据摘要 Data digest (sha256)", file.data.digest],
    ["规则 Rule", file.method.rule],
    [
      "上层预警线 Upper bands",
      file.method.upper === "shift" ? "shift: keep their distances above the lowest band" : "keep: keep their own min",
    ],
    [
      "区间 Intervals",
      `Wilson score, z = ${file.method.z}; village-cluster bootstrap, ${file.method.bootstrap.replicates} replicates, seed ${file.method.bootstrap.seed} (${file.method.bootstrap.generator}), ${file.method.bootstrap.interval}`,
    ],
    ["小样本标记 Small-sample flag", `fewer than ${file.method.min_labeled} labeled cases`],
  ];
  const parts: string[] = [header(items, file.data.labeled)];

  parts.push(heading(2, "预警线：校准前后", "Bands before and after", "bands"));
  const ids = [...new Set([...file.bands.before.map((b) => b.id), ...file.bands.after.map((b) => b.id)])];
  parts.push(table(
    ["预警等级 Band", "原 min (before)", "新 min (after)", "原户数 Households before", "新户数 Households after"],
    [
      ...ids.map((id): Cell[] => [
        id,
        file.bands.before.find((b) => b.id === id)?.min ?? null,
        file.bands.after.find((b) => b.id === id)?.min ?? null,
        file.band_counts.before[id] ?? null,
        file.band_counts.after[id] ?? null,
      ]),
      ["未预警 none", null, null, file.band_counts.before.none, file.band_counts.after.none],
    ],
  ));

  parts.push(heading(2, "拟合", "Fit", "fit"));
  const fit = file.fit as Record<string, unknown>;
  if (file.method.mode === "precision") {
    const f = fit.frame as FrameName;
    parts.push(`<p>${frameTag(f)}</p>`);
    parts.push(facts([
      ["目标精确率 Target precision (Wilson lower bound)", String(fit.target)],
      ["选定 t Chosen t (lowest band min)", String(fit.threshold)],
      ["已核实户 Labeled households of the frame", String(fit.labeled)],
      ["t 以上核实户 Labeled at or above t", String(fit.labeled_warnings)],
      ["其中需救助 of which in need", String(fit.true_positives)],
      [
        "精确率 Precision [Wilson 95%]",
        `${pct(fit.precision as number)} ${ci(fit.precision_ci95 as [number, number])}`,
      ],
      ["Wilson 下界 Lower bound", String(fit.lower_bound)],
      ["检查的候选 t Candidates checked", String(fit.candidates_checked)],
      ...(file.fit_frame_bootstrap?.precision
        ? [[
          "村级自助区间 Village-cluster bootstrap (precision, new bands)",
          `${ci(file.fit_frame_bootstrap.precision.ci95)} from ${file.fit_frame_bootstrap.clusters} villages${
            file.fit_frame_bootstrap.precision.few_clusters ? " — fewer than 10 villages: unreliable" : ""
          }`,
        ] as [string, string]]
        : []),
      ...(file.threshold_stability
        ? [[
          "t 的稳定性 Stability of t (villages resampled)",
          file.threshold_stability.quantiles
            ? `2.5%–50%–97.5%: ${num(file.threshold_stability.quantiles.p025)} – ${
              num(file.threshold_stability.quantiles.p50)
            } – ${
              num(file.threshold_stability.quantiles.p975)
            }; no t met the target in ${file.threshold_stability.infeasible} of ${file.threshold_stability.replicates} replicates (${file.threshold_stability.clusters} villages)`
            : `no t met the target in any of ${file.threshold_stability.replicates} replicates`,
        ] as [string, string]]
        : []),
    ]));
    if (outcome.curve && outcome.curve.length > 0) {
      parts.push(figure(
        precisionCurveSvg(outcome.curve, { target: fit.target as number, chosen: fit.threshold as number }),
        `精确率与预警线 Precision of labeled households with per-capita ≥ t, by t — frame: ${
          frameTitle(f)
        }. Wilson 95% band; the chosen t is the smallest whose lower bound reaches the target.`,
      ));
    }
  } else {
    parts.push(`<pre class="note">${esc(JSON.stringify(fit, null, 2))}</pre>`);
  }
  const lowestBefore = file.bands.before.length ? file.bands.before[file.bands.before.length - 1].min : undefined;
  const lowestAfter = file.bands.after[file.bands.after.length - 1].min;
  const t = outcome.table;
  parts.push(figure(
    warningsCurveSvg(Array.from(t.thresholds, (threshold, i) => ({ threshold, warnings: t.warnings[i] })), {
      chosen: lowestAfter,
      before: lowestBefore,
    }),
    "预警户数与预警线 Warnings (all households, no frame needed) against the lowest band's min.",
  ));

  parts.push(heading(2, "样本内与样本外结果对照", "In-sample and out-of-sample results, side by side", "side-by-side"));
  parts.push(
    `<p class="note">拟合口径为样本内；其他口径先按全部核实户，再按拟合口径所在村之外的户（样本外）。The fit frame is in-sample; the other frames are shown over all their labeled households and out of sample (households outside the fit frame's villages).</p>`,
  );
  const sideRows: Cell[][] = [];
  for (const s of file.side_by_side) {
    sideRows.push([frameTitle(s.frame), s.role, s.scope, "原 before", ...metricCells(s.before)]);
    sideRows.push([frameTitle(s.frame), s.role, s.scope, "新 after", ...metricCells(s.after)]);
  }
  parts.push(table(["口径 Frame", "角色 Role", "范围 Scope", "模型 Model", ...METRIC_HEADERS], sideRows));
  for (const note of file.notes) parts.push(`<p class="note">${esc(note)}</p>`);
  const precisionRows: IntervalRow[] = file.side_by_side.filter((s) =>
    s.before.precision !== null || s.after.precision !== null
  ).flatMap((s) => [
    {
      label: `${s.frame} · ${s.role}`,
      value: s.before.precision,
      lo: s.before.precision_ci95?.[0] ?? null,
      hi: s.before.precision_ci95?.[1] ?? null,
      series: "原 before",
      weak: s.before.flags.includes("few_labeled_warnings"),
    },
    {
      label: `${s.frame} · ${s.role}`,
      value: s.after.precision,
      lo: s.after.precision_ci95?.[0] ?? null,
      hi: s.after.precision_ci95?.[1] ?? null,
      series: "新 after",
      weak: s.after.flags.includes("few_labeled_warnings"),
    },
  ]);
  if (precisionRows.length > 0) {
    parts.push(figure(
      intervalSvg(precisionRows, { xLabel: "精确率 Precision (Wilson 95%) →" }),
      `精确率 Precision before and after, per frame (survey, warning) and role; hollow dots: fewer than ${file.method.min_labeled} labeled warnings.`,
    ));
  }

  parts.push(heading(2, "部门工作量", "Department workload", "workload"));
  const depts = Object.keys(file.workload.after);
  parts.push(figure(
    beforeAfterBarsSvg(
      depts.map((d) => ({ label: d, before: file.workload.before[d] ?? 0, after: file.workload.after[d] ?? 0 })),
      { xLabel: "预警户数 Warned households →" },
    ),
    "每个部门派单户数 Warned households dispatched to each department (all households, no frame needed): bars after, ticks before.",
  ));
  parts.push(
    `<p class="note">${
      esc(
        "输出 Outputs: " + file.outputs.join(", ") +
          ". sweep.csv holds every distinct threshold with each frame's figures and each department's warnings; sweep_villages.csv the warnings per village.",
      )
    }</p>`,
  );
  return page({ zh: "预警线校准报告", en: "Warning-band calibration report" }, "", parts.join("\n"));
}

// ---------------------------------------------------------------- audit

const SHORT: Record<string, string> = {
  precision: "P",
  false_discovery_rate: "FDR",
  miss_rate: "Miss",
  missed_share: "Missed",
};

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

function dimensionHtml(d: DimensionAudit, presentFrames: FrameName[], minLabeled: number): string {
  const parts: string[] = [heading(3, d.name_zh, d.name_en, `group-${d.id}`)];
  parts.push(facts([
    ["定义 Definition", d.definition],
    ["参照组 Reference group", `${d.reference} — ${d.reference_rule}`],
    [
      "自助区间 Bootstrap",
      d.bootstrap
        ? "village-cluster bootstrap intervals shown as 'boot' (n/a where the group lies in fewer than 2 villages; the village count is shown where fewer than 10)"
        : "none (a village is itself the resampled cluster)",
    ],
  ]));
  const tables: string[] = [];
  tables.push(`<h4>预警率 <span class="en">Warn rate — all households, no frame needed</span></h4>`);
  tables.push(table(
    ["组 Group", "户数 Households", "预警户 Warnings", "预警率 Warn rate [Wilson]", "与参照之比 Ratio", "标记 Flags"],
    d.rows.map((row): Cell[] => [
      row.reference ? `${row.label} (参照 reference)` : row.label,
      row.households,
      row.warnings,
      `${pct(row.warn_rate)} ${ci(row.warn_rate_ci95)}${bootText(row.warn_rate_bootstrap)}`,
      ratioText(row.disparity.warn_rate, ""),
      { html: row.disparity.warn_rate.flagged ? badge("⚑ 差异 disparity") : "" },
    ]),
  ));
  for (const f of presentFrames) {
    const sup = FRAME_DEFINITIONS[f].supports;
    const headers = ["组 Group", "已核实 Labeled", "核实预警 Labeled warnings", "真阳性 TP"];
    if (sup.precision) headers.push("精确率 Precision [Wilson]", "误报率 FDR [Wilson]");
    if (sup.miss_rate) headers.push("漏报率 Miss rate [Wilson]");
    if (f === "application") headers.push("遗漏需求 Needs missed / in need");
    headers.push("与参照之比 Ratios", "标记 Flags");
    tables.push(
      `<h4>${esc(FRAME_DEFINITIONS[f].name_zh)} <span class="en">${esc(FRAME_DEFINITIONS[f].name_en)}</span> ${
        frameTag(f)
      }</h4>`,
    );
    tables.push(table(
      headers,
      d.rows.map((row): Cell[] => {
        const m = row.frames[f]!;
        const cells: Cell[] = [
          row.reference ? `${row.label} (参照 reference)` : row.label,
          m.labeled,
          m.labeled_warnings,
          m.true_positives,
        ];
        if (sup.precision) {
          cells.push(
            m.precision === null
              ? "—"
              : `${pct(m.precision)} ${ci(m.precision_ci95)}${bootText(m.bootstrap?.precision)}`,
            m.false_discovery_rate === null ? "—" : `${pct(m.false_discovery_rate)} ${ci(m.false_discovery_rate_ci95)}`,
          );
        }
        if (sup.miss_rate) {
          cells.push(
            m.miss_rate === null
              ? "—"
              : `${pct(m.miss_rate)} ${ci(m.miss_rate_ci95)}${bootText(m.bootstrap?.miss_rate)}`,
          );
        }
        if (f === "application") cells.push(`${m.needs_missed ?? "—"} / ${m.labeled_positives}`);
        const ratios = row.disparity.frames[f] ?? {};
        cells.push(Object.entries(ratios).map(([k, r]) => ratioText(r, SHORT[k] ?? k)).filter(Boolean).join("; "));
        cells.push({
          html: [
            ...Object.entries(ratios).filter(([, r]) => r.flagged).map(([k]) =>
              badge(`⚑ ${SHORT[k] ?? k} 差异 disparity`)
            ),
            flagBadges(m.flags),
          ].join(""),
        });
        return cells;
      }),
    ));
  }
  if (d.rows.length > MAX_FIGURE_GROUPS) {
    const flagged = d.rows.filter((r) => r.flagged.length > 0);
    parts.push(
      `<p>${d.rows.length} 组 groups; ${flagged.length} 组有差异标记 with a flagged disparity${
        flagged.length
          ? ": " + esc(flagged.slice(0, 60).map((r) => `${r.label} (${r.flagged.join(", ")})`).join("; ")) +
            (flagged.length > 60 ? " …" : "")
          : ""
      }.</p>`,
    );
    parts.push(
      `<details><summary>全部 ${d.rows.length} 组 All ${d.rows.length} groups</summary>${tables.join("\n")}</details>`,
    );
    return parts.join("\n");
  }
  parts.push(tables.join("\n"));
  const maxRate = Math.max(0.01, ...d.rows.map((r) => r.warn_rate_ci95?.[1] ?? 0));
  parts.push(figure(
    intervalSvg(
      d.rows.map((r) => ({
        label: r.label,
        value: r.warn_rate,
        lo: r.warn_rate_ci95?.[0] ?? null,
        hi: r.warn_rate_ci95?.[1] ?? null,
      })),
      {
        xLabel: "预警率 Warn rate (Wilson 95%) →",
        domain: [0, Math.min(1, maxRate * 1.1)],
        reference: d.rows.find((r) => r.reference)?.warn_rate ?? null,
      },
    ),
    `预警率 Warn rate by ${d.name_en.toLowerCase()} — all households (no frame needed); dashed line: the reference group.`,
  ));
  for (const f of presentFrames) {
    if (!FRAME_DEFINITIONS[f].supports.precision) continue;
    const ref = d.rows.find((r) => r.reference)?.frames[f]?.precision ?? null;
    parts.push(figure(
      intervalSvg(
        d.rows.map((r) => {
          const m = r.frames[f]!;
          return {
            label: r.label,
            value: m.precision,
            lo: m.precision_ci95?.[0] ?? null,
            hi: m.precision_ci95?.[1] ?? null,
            weak: m.labeled_warnings < minLabeled,
          };
        }),
        { xLabel: "精确率 Precision (Wilson 95%) →", reference: ref },
      ),
      `精确率 Precision by ${d.name_en.toLowerCase()} — frame: ${
        frameTitle(f)
      }. Hollow dots: fewer than ${minLabeled} labeled warnings; dashed line: the reference group.`,
    ));
  }
  const disparityRows: { label: string; ratio: number; flagged: boolean }[] = [];
  const zero: string[] = [];
  const add = (label: string, r: Disparity) => {
    if (r.ratio === null) return;
    if (r.ratio > 0) disparityRows.push({ label, ratio: r.ratio, flagged: r.flagged });
    else zero.push(label);
  };
  for (const r of d.rows) {
    if (r.reference) continue;
    add(`${r.label} · warn rate`, r.disparity.warn_rate);
    for (const f of presentFrames) {
      for (const [k, v] of Object.entries(r.disparity.frames[f] ?? {})) add(`${r.label} · ${f} ${SHORT[k] ?? k}`, v);
    }
  }
  if (disparityRows.length > 0 && disparityRows.length <= 80) {
    parts.push(figure(
      disparitySvg(disparityRows, {
        xLabel: `与参照组之比 Ratio to the reference group (${d.reference}), log scale →`,
      }),
      `差异比值 Disparity ratios; each label names its frame (warn rate: all households). Shaded: 0.8–1.25; red: flagged.${
        zero.length ? ` Ratio 0 (not drawn on the log scale, flagged): ${zero.join("; ")}.` : ""
      }`,
    ));
  }
  return parts.join("\n");
}

/** The audit report. */
export function auditHtml(file: AuditFile): string {
  const items: [string, string][] = [
    ["模型 Model", `${file.model.id} ${file.model.version}${file.model.file ? ` (${file.model.file})` : ""}`],
    ["模型 sha256", file.model.sha256],
    ["数据 Data", `${file.data.folder} (${file.data.households} households)`],
    ["数据摘要 Data digest (sha256)", file.data.digest],
    ["预警线 Bands", file.bands.cuts.map((b) => `${b.id} ≥ ${b.min}`).join(", ") || "(none)"],
    [
      "区间 Intervals",
      `Wilson score, z = ${file.method.z}; village-cluster bootstrap, ${file.method.bootstrap.replicates} replicates, seed ${file.method.bootstrap.seed} (${file.method.bootstrap.generator}, ${file.method.bootstrap.resampling}), ${file.method.bootstrap.interval}`,
    ],
    ["小样本标记 Small-sample flag", `fewer than ${file.method.min_labeled} labeled cases`],
    [
      "差异标记 Disparity flag",
      `ratio to the reference group outside ${file.method.disparity_bounds[0]}–${file.method.disparity_bounds[1]}`,
    ],
    ["部门 Departments", file.method.departments],
    [
      "漂移 Drift",
      `${file.method.drift.verdicts}; bins: ${file.method.drift.bins}; empty shares replaced by ${file.method.drift.epsilon}`,
    ],
  ];
  const parts: string[] = [header(items, file.data.labeled)];
  const present = FRAME_NAMES.filter((f) => file.frames[f].present);

  parts.push(heading(2, "各口径总体结果", "Overall, by frame", "overall"));
  parts.push(table(
    ["口径 Frame", "村数 Villages", ...METRIC_HEADERS],
    FRAME_NAMES.map((f) => {
      const fr = file.frames[f];
      return [
        frameTitle(f),
        fr.present ? fr.villages.length : null,
        ...metricCells(fr.overall, fr.bootstrap ?? undefined),
      ];
    }),
  ));
  const overallRows: IntervalRow[] = [];
  for (const f of present) {
    const m = file.frames[f].overall!;
    if (m.precision !== null) {
      overallRows.push({
        label: `${f} · precision`,
        value: m.precision,
        lo: m.precision_ci95?.[0] ?? null,
        hi: m.precision_ci95?.[1] ?? null,
        weak: m.labeled_warnings < file.method.min_labeled,
      });
    }
    if (m.recall !== null) {
      overallRows.push({
        label: `${f} · recall`,
        value: m.recall,
        lo: m.recall_ci95?.[0] ?? null,
        hi: m.recall_ci95?.[1] ?? null,
        weak: m.labeled_positives < file.method.min_labeled,
      });
    }
    if (m.miss_rate !== null) {
      overallRows.push({
        label: `${f} · miss rate`,
        value: m.miss_rate,
        lo: m.miss_rate_ci95?.[0] ?? null,
        hi: m.miss_rate_ci95?.[1] ?? null,
        weak: m.labeled_positives < file.method.min_labeled,
      });
    }
    if (m.coverage !== null) {
      overallRows.push({
        label: `${f} · coverage`,
        value: m.coverage,
        lo: m.coverage_ci95?.[0] ?? null,
        hi: m.coverage_ci95?.[1] ?? null,
      });
    }
    if (m.missed_share !== null) {
      overallRows.push({
        label: `${f} · needs missed share`,
        value: m.missed_share,
        lo: m.missed_share_ci95?.[0] ?? null,
        hi: m.missed_share_ci95?.[1] ?? null,
        weak: m.labeled_positives < file.method.min_labeled,
      });
    }
  }
  if (overallRows.length > 0) {
    parts.push(figure(
      intervalSvg(overallRows, { xLabel: "比例 Proportion (Wilson 95%) →" }),
      `各口径主要指标 Headline figures; each label names its frame (survey, warning, application). Hollow dots: fewer than ${file.method.min_labeled} cases in the denominator.`,
    ));
  }

  parts.push(heading(2, "分批次", "By batch", "batches"));
  const batchRows: Cell[][] = [];
  for (const [batch, byFrame] of Object.entries(file.batches)) {
    for (const f of FRAME_NAMES) if (byFrame[f]) batchRows.push([batch, frameTitle(f), ...metricCells(byFrame[f])]);
  }
  parts.push(
    batchRows.length
      ? table(["批次 Batch", "口径 Frame", ...METRIC_HEADERS], batchRows)
      : "<p>无核实数据 No verified rows.</p>",
  );

  parts.push(heading(2, "预警等级与部门工作量", "Bands and department workload", "workload"));
  parts.push(table(["预警等级 Band", "min", "户数 Households"], [
    ...file.bands.cuts.map((b): Cell[] => [b.id, b.min, file.bands.counts[b.id]]),
    ["未预警 none", null, file.bands.counts.none],
  ]));
  parts.push(
    table(["部门 Department", "预警户 Warned households"], Object.entries(file.workload).map(([d, n]) => [d, n])),
  );

  parts.push(heading(2, "分组审计", "Group audit", "groups"));
  parts.push(
    `<p class="note">${
      esc(
        `Disparity ratio = group figure / reference group figure, flagged (⚑) outside ${
          file.method.disparity_bounds[0]
        }–${
          file.method.disparity_bounds[1]
        }. Warn rate needs no frame (all households); precision and FDR come from the survey and warning frames, miss rate only from the survey frame, needs missed from the application frame.`,
      )
    }</p>`,
  );
  for (const d of file.groups) parts.push(dimensionHtml(d, present, file.method.min_labeled));
  if (file.skipped_groups.length > 0) {
    parts.push(heading(3, "未能分组", "Groups skipped"));
    parts.push(
      table(["组 Group", "原因 Reason"], file.skipped_groups.map((s) => [`${s.name_zh} ${s.name_en}`, s.reason])),
    );
  }

  parts.push(heading(2, "批次间漂移", "Drift between batches", "drift"));
  parts.push(
    `<p class="note">${esc(`Population of a batch: ${file.drift.population}. ${file.method.drift.verdicts}.`)}</p>`,
  );
  if (file.drift.batches.length) {
    parts.push(table(["批次 Batch", "户数 Households"], file.drift.batches.map((b) => [b.batch, b.households])));
  }
  for (const note of file.drift.notes) parts.push(`<p class="note">${esc(note)}</p>`);
  for (const c of file.drift.comparisons) {
    parts.push(heading(3, `${c.baseline} → ${c.batch}`, "batch to batch"));
    parts.push(facts([
      ["得分分布 PSI Score distribution PSI", `${num(c.score.psi, 4)} (${c.score.verdict})`],
      ["户数 Households", `${c.baseline_households} → ${c.households}`],
      ["指标明显漂移 Indicators with a major shift", c.major.join(", ") || "none"],
      ["指标中等漂移 Indicators with a moderate shift", c.moderate.join(", ") || "none"],
    ]));
    const top = [...c.indicators].sort((a, b) => b.psi - a.psi || (a.id < b.id ? -1 : 1)).slice(0, 25);
    parts.push(figure(
      psiSvg(top.map((i) => ({ label: `${i.id} (${pct(i.baseline_rate)} → ${pct(i.rate)})`, psi: i.psi })), {}),
      `指标触发率 PSI Indicator firing-rate PSI, ${c.baseline} → ${c.batch} (the 25 largest; dashed: 0.1 and 0.25). Population: ${file.drift.population}.`,
    ));
  }

  if (file.notes.length > 0) {
    parts.push(heading(2, "说明", "Notes", "notes"));
    parts.push(`<ul>${file.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  }
  return page(
    { zh: "预警精确率与公平性审计报告", en: "Warning precision and group audit report" },
    "",
    parts.join("\n"),
  );
}

// ---------------------------------------------------------------- comparison

/** The comparison report. */
export function compareHtml(file: CompareFile): string {
  const { a, b } = file.models;
  const items: [string, string][] = [
    ["模型 A Model A", `${a.id} ${a.version}${a.file ? ` (${a.file})` : ""}`],
    ["模型 A sha256", a.sha256],
    ["模型 B Model B", `${b.id} ${b.version}${b.file ? ` (${b.file})` : ""}`],
    ["模型 B sha256", b.sha256],
    ["数据 Data", `${file.data.folder} (${file.data.households} households)`],
    ["数据摘要 Data digest (sha256)", file.data.digest],
    ["预警线 A Bands A", file.bands.a.map((x) => `${x.id} ≥ ${x.min}`).join(", ") || "(none)"],
    ["预警线 B Bands B", file.bands.b.map((x) => `${x.id} ≥ ${x.min}`).join(", ") || "(none)"],
    ["区间 Intervals", `Wilson score, z = ${file.method.z}`],
    ["变化 Change", file.method.change],
    ["部门 Departments", file.method.departments],
  ];
  const parts: string[] = [header(items, file.data.labeled, file.method.frames)];
  const s = file.summary;
  parts.push(heading(2, "谁的预警等级变了", "Who changes band", "changes"));
  parts.push(facts([
    ["户数 Households", String(s.households)],
    ["A 预警 warned under A", String(s.warned_a)],
    ["B 预警 warned under B", String(s.warned_b)],
    ["新增预警 Newly warned", String(s.newly_warned)],
    ["不再预警 No longer warned", String(s.no_longer_warned)],
    ["等级变化 Band changed", String(s.band_changed)],
    ["不变 Unchanged", String(s.unchanged)],
  ]));
  const rowsA = [...new Set(file.transitions.map((t) => t.from))];
  const colsB = [...new Set(file.transitions.map((t) => t.to))];
  parts.push(figure(
    transitionSvg(file.transitions, { rows: rowsA, columns: colsB }),
    "预警等级转移 Households by band under A (rows) and B (columns); all households, no frame needed.",
  ));

  parts.push(heading(2, "各口径指标变化", "Change in each frame's figures", "frames"));
  const frameRows: Cell[][] = [];
  for (const f of file.frames) {
    frameRows.push([frameTitle(f.frame), "A", ...metricCells(f.a)]);
    frameRows.push([frameTitle(f.frame), "B", ...metricCells(f.b)]);
    frameRows.push([
      frameTitle(f.frame),
      "B − A",
      f.delta.warnings,
      null,
      f.delta.labeled_warnings,
      f.delta.true_positives,
      pp(f.delta.precision),
      null,
      pp(f.delta.recall),
      pp(f.delta.miss_rate),
      pp(f.delta.coverage),
      pp(f.delta.missed_share),
      null,
    ]);
  }
  parts.push(table(["口径 Frame", "模型 Model", ...METRIC_HEADERS], frameRows));
  const precisionRows: IntervalRow[] = file.frames.filter((f) => f.a.precision !== null || f.b.precision !== null)
    .flatMap((f) => [
      {
        label: `${f.frame} · precision`,
        value: f.a.precision,
        lo: f.a.precision_ci95?.[0] ?? null,
        hi: f.a.precision_ci95?.[1] ?? null,
        series: "A",
      },
      {
        label: `${f.frame} · precision`,
        value: f.b.precision,
        lo: f.b.precision_ci95?.[0] ?? null,
        hi: f.b.precision_ci95?.[1] ?? null,
        series: "B",
      },
    ]);
  const recallRows: IntervalRow[] = file.frames.filter((f) => f.a.recall !== null).flatMap((f) => [
    {
      label: `${f.frame} · recall`,
      value: f.a.recall,
      lo: f.a.recall_ci95?.[0] ?? null,
      hi: f.a.recall_ci95?.[1] ?? null,
      series: "A",
    },
    {
      label: `${f.frame} · recall`,
      value: f.b.recall,
      lo: f.b.recall_ci95?.[0] ?? null,
      hi: f.b.recall_ci95?.[1] ?? null,
      series: "B",
    },
  ]);
  if (precisionRows.length + recallRows.length > 0) {
    parts.push(figure(
      intervalSvg([...precisionRows, ...recallRows], { xLabel: "比例 Proportion (Wilson 95%) →" }),
      "精确率与召回率 Precision (survey and warning frames) and recall (survey frame only) under A and B; each label names its frame.",
    ));
  }

  parts.push(heading(2, "部门工作量变化", "Change in department workload", "workload"));
  parts.push(figure(
    beforeAfterBarsSvg(file.workload.map((w) => ({ label: w.department, before: w.a, after: w.b })), {
      xLabel: "预警户数 Warned households →",
    }),
    "每个部门派单户数 Warned households per department: bars B, ticks A (all households, no frame needed).",
  ));
  parts.push(
    table(["部门 Department", "A", "B", "B − A"], file.workload.map((w) => [w.department, w.a, w.b, w.change])),
  );

  const changeHeaders = [
    "户数 Households",
    "A 预警 Warned A",
    "B 预警 Warned B",
    "新增 Newly warned",
    "不再 No longer",
    "等级变 Band changed",
  ];
  parts.push(heading(2, "按管理类别", "By management category", "by-category"));
  parts.push(
    table(
      ["类别 Category", ...changeHeaders],
      file.by_category.map((
        c,
      ) => [c.category, c.households, c.warned_a, c.warned_b, c.newly_warned, c.no_longer_warned, c.band_changed]),
    ),
  );
  parts.push(heading(2, "按村", "By village", "by-village"));
  const changedVillages = file.by_village.filter((v) => v.newly_warned + v.no_longer_warned + v.band_changed > 0);
  parts.push(`<p>${changedVillages.length} 个村有变化 villages with a change, of ${file.by_village.length}.</p>`);
  parts.push(
    `<details><summary>全部村 All villages</summary>${
      table(
        ["村 Village", ...changeHeaders],
        file.by_village.map((
          v,
        ) => [v.village, v.households, v.warned_a, v.warned_b, v.newly_warned, v.no_longer_warned, v.band_changed]),
      )
    }</details>`,
  );

  parts.push(heading(2, "变化户清单", "Households that change band", "list"));
  const listed = file.changes.slice(0, MAX_LISTED_CHANGES);
  if (file.changes.length > listed.length) {
    parts.push(
      `<p class="note">前 ${listed.length} 户 First ${listed.length} of ${file.changes.length} (household_id order); all are in changes.csv and comparison.json.</p>`,
    );
  }
  parts.push(table(
    [
      "户 Household",
      "村 Village",
      "类别 Category",
      "A",
      "B",
      "A 人均分 per-capita",
      "B 人均分 per-capita",
      "变化 Change",
    ],
    listed.map((
      c,
    ) => [
      c.household_id,
      c.village,
      c.category,
      c.band_a ?? "none",
      c.band_b ?? "none",
      num(c.per_capita_a),
      num(c.per_capita_b),
      c.change,
    ]),
  ));
  return page({ zh: "模型对比报告", en: "Model comparison report" }, "", parts.join("\n"));
}
