/**
 * The calibration report's view-model (`deno task calibrate`): a pure function of
 * `calibration.json` and the outcome's curve and sweep table — bands before and after, the fit,
 * in-sample and out-of-sample figures side by side, department workload.
 */
import { ownValue } from "../base/lookup.ts";
import type { CalibrationOutcome } from "../calibrate/calibrate.ts";
import type { CalibrationFile } from "../calibrate/output.ts";
import type { FrameName } from "../evaluate/frames.ts";
import { type IntervalPoint, intervalsSpec } from "./intervals.ts";
import { bandLabel, CALIBRATION_ROLE_LABELS, departmentLabel, labelText } from "./labels.ts";
import { frameTitle, intervalPoint, METRIC_COLUMNS, metricCells, points, provenanceSection } from "./report_common.ts";
import { precisionCurveSpec, thin, warningsCurveSpec } from "./thresholds.ts";
import { workloadSpec } from "./workload.ts";
import { ci, column, facts, figure, num, paragraph, pct, type Report, type Row, type Section, table } from "./view.ts";

/** What the calibration report needs of the outcome besides `calibration.json`. */
export type CalibrationCurves = Pick<CalibrationOutcome, "curve" | "table">;

function provenance(file: CalibrationFile): Section {
  const { method: m, model } = file;
  return provenanceSection([
    ["输入模型", "Input model", `${model.input.id} ${model.input.version}`],
    ["输入模型", "sha256", model.input.sha256],
    ["校准模型", "Calibrated model", `${model.output.id} ${model.output.version}`],
    ["校准模型", "sha256", model.output.sha256],
    ["数据", "Data", `${file.data.folder} (${file.data.households} households)`],
    ["数据摘要", "Data digest (sha256)", file.data.digest],
    ["规则", "Rule", m.rule],
    [
      "上层预警线",
      "Upper bands",
      m.upper === "shift" ? "shift: keep their distances above the lowest band" : "keep: keep their own min",
    ],
    [
      "区间",
      "Intervals",
      `Wilson score, z = ${m.z}; village-cluster bootstrap, ${m.bootstrap.replicates} replicates, seed ${m.bootstrap.seed} (${m.bootstrap.generator}), ${m.bootstrap.interval}`,
    ],
    ["小样本标记", "Small-sample flag", `fewer than ${m.min_labeled} labeled cases`],
  ], file.data.labeled);
}

function bandsSection(file: CalibrationFile): Section {
  const ids = [...new Set([...file.bands.before.map((b) => b.id), ...file.bands.after.map((b) => b.id)])];
  const rows = ids.map((id): Row => ({
    band: bandLabel(id),
    min_before: file.bands.before.find((b) => b.id === id)?.min ?? null,
    min_after: file.bands.after.find((b) => b.id === id)?.min ?? null,
    households_before: ownValue(file.band_counts.before, id) ?? null,
    households_after: ownValue(file.band_counts.after, id) ?? null,
  }));
  rows.push({
    band: bandLabel(null),
    min_before: null,
    min_after: null,
    households_before: file.band_counts.before.none,
    households_after: file.band_counts.after.none,
  });
  return {
    id: "bands",
    title: { zh: "预警线：校准前后", en: "Bands before and after" },
    blocks: [table([
      column("band", "text"),
      column("min_before", "number"),
      column("min_after", "number"),
      column("households_before", "number"),
      column("households_after", "number"),
    ], rows)],
  };
}

/** The fit's key figures (precision mode). */
function precisionFitFacts(file: CalibrationFile) {
  const fit = file.fit as Record<string, unknown>;
  const items: [string, string, string][] = [
    ["目标精确率", "Target precision (Wilson lower bound)", String(fit.target)],
    ["选定 t", "Chosen t (lowest band min)", String(fit.threshold)],
    ["已核实户", "Labeled households of the frame", String(fit.labeled)],
    ["t 以上核实户", "Labeled at or above t", String(fit.labeled_warnings)],
    ["其中需救助", "of which in need", String(fit.true_positives)],
    [
      "精确率",
      "Precision [Wilson 95%]",
      `${pct(fit.precision as number)} ${ci(fit.precision_ci95 as [number, number])}`,
    ],
    ["Wilson 下界", "Lower bound", String(fit.lower_bound)],
    ["检查的候选 t", "Candidates checked", String(fit.candidates_checked)],
  ];
  const boot = file.fit_frame_bootstrap;
  if (boot?.precision) {
    items.push([
      "村级自助区间",
      "Village-cluster bootstrap (precision, new bands)",
      `${ci(boot.precision.ci95)} from ${boot.clusters} villages${
        boot.precision.few_clusters ? " — fewer than 10 villages: unreliable" : ""
      }`,
    ]);
  }
  const s = file.threshold_stability;
  if (s) {
    const q = s.quantiles;
    items.push([
      "t 的稳定性",
      "Stability of t (villages resampled)",
      q
        ? `2.5%–50%–97.5%: ${num(q.p025)} – ${num(q.p50)} – ${
          num(q.p975)
        }; no t met the target in ${s.infeasible} of ${s.replicates} replicates (${s.clusters} villages)`
        : `no t met the target in any of ${s.replicates} replicates`,
    ]);
  }
  return facts(items);
}

function fitSection(file: CalibrationFile, curves: CalibrationCurves): Section {
  const section: Section = { id: "fit", title: { zh: "拟合", en: "Fit" }, blocks: [] };
  const fit = file.fit as Record<string, unknown>;
  if (file.method.mode === "precision") {
    const f = fit.frame as FrameName;
    section.blocks.push(paragraph(frameTitle(f), "frame"), precisionFitFacts(file));
    if (curves.curve && curves.curve.length > 0) {
      section.blocks.push(figure(
        precisionCurveSpec(curves.curve, { target: fit.target as number, chosen: fit.threshold as number }),
        `精确率与预警线 Precision of labeled households with per-capita ≥ t, by t — frame: ${
          frameTitle(f)
        }. Wilson 95% band; the chosen t is the smallest whose lower bound reaches the target.`,
      ));
    }
  } else {
    section.blocks.push({ kind: "code", text: JSON.stringify(fit, null, 2) });
  }
  const before = file.bands.before;
  const t = curves.table;
  const rows = thin(Array.from(t.thresholds, (threshold, i) => ({ threshold, warnings: t.warnings[i] })));
  section.blocks.push(figure(
    warningsCurveSpec(rows, {
      threshold: file.bands.after[file.bands.after.length - 1].min,
      before: before.length ? before[before.length - 1].min : undefined,
      width: 760,
      height: 220,
    }),
    "预警户数与预警线 Warnings (all households, no frame needed) against the lowest band's min.",
  ));
  return section;
}

function sideBySideSection(file: CalibrationFile): Section {
  const rows: Row[] = file.side_by_side.flatMap((s) => {
    const head = { frame: frameTitle(s.frame), role: labelText(CALIBRATION_ROLE_LABELS[s.role]), scope: s.scope };
    return [
      { ...head, model: "原 before", ...metricCells(s.before) },
      { ...head, model: "新 after", ...metricCells(s.after) },
    ];
  });
  const precision = points(
    file.side_by_side.filter((s) => s.before.precision !== null || s.after.precision !== null)
      .flatMap((s) =>
        ([["原 before", s.before], ["新 after", s.after]] as const).map(([series, m]) =>
          intervalPoint(
            `${s.frame} · ${s.role}`,
            m.precision,
            m.precision_ci95,
            {
              series,
              few: m.flags.includes("few_labeled_warnings"),
            } satisfies Partial<IntervalPoint>,
          )
        )
      ),
  );
  return {
    id: "side-by-side",
    title: { zh: "样本内与样本外结果对照", en: "In-sample and out-of-sample results, side by side" },
    notes: [
      "拟合口径为样本内；其他口径先按全部核实户，再按拟合口径所在村之外的户（样本外）。The fit frame is in-sample; the other frames are shown over all their labeled households and out of sample (households outside the fit frame's villages).",
    ],
    blocks: [
      table(
        [
          column("frame", "text"),
          column("role", "text"),
          column("scope", "text"),
          column("model", "text"),
          ...METRIC_COLUMNS,
        ],
        rows,
      ),
      ...file.notes.map((n) => paragraph(n, "note")),
      ...(precision.length > 0
        ? [figure(
          intervalsSpec(precision, { label: "精确率 Precision (Wilson 95%)", marginLeft: 260 }),
          `精确率 Precision before and after, per frame (survey, warning) and role; hollow dots: fewer than ${file.method.min_labeled} labeled warnings.`,
        )]
        : []),
    ],
  };
}

function workloadSection(file: CalibrationFile): Section {
  const depts = Object.keys(file.workload.after);
  const rows = depts.map((d) => ({
    name: departmentLabel(d),
    baseline: ownValue(file.workload.before, d) ?? 0,
    current: ownValue(file.workload.after, d) ?? 0,
  }));
  return {
    id: "workload",
    title: { zh: "部门工作量", en: "Department workload" },
    blocks: [
      figure(
        workloadSpec(rows, {
          limit: Math.max(1, rows.length),
          xLabel: "预警户数 Warned households →",
          legend: "条 bar = 新 after · 黑线 tick = 原 before",
          width: 640,
        }),
        "每个部门派单户数 Warned households dispatched to each department (all households, no frame needed): bars after, ticks before.",
      ),
      paragraph(
        "输出 Outputs: " + file.outputs.join(", ") +
          ". sweep.csv holds every distinct threshold with each frame's figures and each department's warnings; sweep_villages.csv the warnings per village.",
        "note",
      ),
    ],
  };
}

/** The calibration report of a `calibration.json` and the outcome's curves. */
export function calibrationReport(file: CalibrationFile, curves: CalibrationCurves): Report {
  return {
    title: { zh: "预警线校准报告", en: "Warning-band calibration report" },
    sections: [
      provenance(file),
      bandsSection(file),
      fitSection(file, curves),
      sideBySideSection(file),
      workloadSection(file),
    ],
  };
}
