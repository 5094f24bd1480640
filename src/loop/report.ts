/**
 * The offline HTML report of `deno task loop` as a view-model (`src/report`'s `Report`, rendered by
 * `renderHtml`): the scenario, the overall figures, each department's queue (with the queue length
 * over time: the mean and the 5–95% band across replications), the share cleared within the limit
 * by band and channel, and assistance against the pilot's figures; with `--compare`, scenario A
 * against B with paired intervals ({@link comparisonSection}).
 */
import { formatInterval, formatPercent } from "../base/format.ts";
import { departmentLabel } from "../report/labels.ts";
import type { Column, Report, Row, Section } from "../report/view.ts";
import type { LoopComparison, PairedFigure } from "./compare.ts";
import { backlogPlot, clearedPlot, delayPlot, fundsPlot, queuePlot, yuanPlot } from "./figures.ts";
import { backlogSeries, clearedRows, delayRows, fundsRows, queueSeries, yuanRows } from "./series.ts";
import type { ReplicationResult } from "./flow.ts";
import type { loopJson } from "./run.ts";
import type { Figure } from "./summary.ts";

type LoopJson = ReturnType<typeof loopJson>;

const col = (key: string, zh: string, en: string, kind: Column["kind"] = "text"): Column => ({
  key,
  label: { zh, en },
  kind,
});

/** A number figure as "12.3 [11.9–12.7]". */
function numberText(f: Figure | undefined, digits = 1): string {
  if (!f || f.mean === null) return "—";
  const m = f.mean.toFixed(digits);
  return f.ci95 ? `${m} [${f.ci95[0].toFixed(digits)}–${f.ci95[1].toFixed(digits)}]` : m;
}

/** A share figure as "59.4% [55.6–63.1%]". */
function shareText(f: Figure | undefined): string {
  if (!f || f.mean === null) return "—";
  return f.ci95 ? `${formatPercent(f.mean)} [${formatInterval(f.ci95)}]` : formatPercent(f.mean);
}

/** A share figure as an interval cell. */
const share = (f: Figure | undefined) => (f ? { value: f.mean, ci95: f.ci95 } : null);

/** The report tree. `dayLabel` names the time axis (calendar or working days). */
export function loopReport(json: LoopJson, results: readonly ReplicationResult[]): Report {
  const s = json.scenario;
  const unit = s.clock === "working" ? "working days 工作日" : "days 天";
  const o = json.overall;
  const sections: Section[] = [];
  sections.push({
    id: "scenario",
    title: { zh: "情景", en: "Scenario" },
    blocks: [
      {
        kind: "facts",
        items: [
          { label: { zh: "重复次数", en: "Replications" }, value: String(s.replications) },
          { label: { zh: "模拟时长", en: "Horizon" }, value: `${s.horizon_days} ${unit}` },
          { label: { zh: "时限", en: "Time limit" }, value: `${s.time_limit_days} ${unit}` },
          { label: { zh: "预警批次", en: "Warning batches" }, value: s.batches.join(", ") || "—" },
          {
            label: { zh: "预警户数", en: "Warned households" },
            value: s.warnings === "split"
              ? `${json.warnings.households_per_batch}, split among the batches (each once a year)`
              : `${json.warnings.households_per_batch} in every batch`,
          },
          { label: { zh: "年预警数", en: "Warnings a year" }, value: String(json.warnings.households_per_year) },
          ...(s.escalation?.to
            ? [{ label: { zh: "督办", en: "Escalated to" }, value: departmentLabel(s.escalation.to) }]
            : []),
          { label: { zh: "日均申请", en: "Applications per day" }, value: String(s.applications_per_day) },
        ],
      },
      { kind: "paragraph", text: `Routing: ${json.warnings.routing}.`, style: "note" },
      { kind: "paragraph", text: `Figures: ${json.interval}; ${json.units}.`, style: "note" },
    ],
  });
  sections.push({
    id: "overall",
    title: { zh: "总体", en: "Overall" },
    blocks: [{
      kind: "table",
      columns: [col("metric", "指标", "Figure"), col("value", "均值 [95% 区间]", "Mean [95% interval]", "text")],
      rows: [
        ["立案 Cases created", numberText(o.cases_created)],
        ["销号 Cases cleared", numberText(o.cases_cleared)],
        ["限时内销号 Cleared within the limit", shareText(o.cleared_within_limit)],
        ["平均等待 Mean wait per task", numberText(o.wait_days, 2)],
        ["等待≤1天 Waits ≤ 1 day", shareText(o.share_wait_at_most_1_day)],
        ["平均办结 Mean time to clear", numberText(o.time_to_clear_days, 2)],
        ["期末未结 Open at the horizon", numberText(o.open_at_horizon)],
        ["其中超时 of which past due", numberText(o.breached_at_horizon)],
        ["督办案件 Escalated cases", numberText(o.escalated_cases)],
        ["上报督办任务 Tasks taken over by the higher office", numberText(o.escalated_to_office)],
        ["总体利用率 Utilisation", shareText(o.utilisation)],
      ].map(([metric, value]): Row => ({ metric, value })),
    }],
  });
  const depRows: Row[] = Object.entries(json.departments).map(([id, f]) => ({
    department: departmentLabel(id),
    tasks: numberText(f.tasks, 0),
    wait: numberText(f.wait_days, 2),
    within1: share(f.share_wait_at_most_1_day),
    utilisation: share(f.utilisation),
    queue: numberText(f.queue_length, 1),
    cleared: share(f.cleared_within_limit),
    open: numberText(f.open_at_horizon, 1),
  }));
  const series = queueSeries(results, Object.keys(json.departments));
  sections.push({
    id: "departments",
    title: { zh: "部门", en: "Departments" },
    notes: [`wait and queue in ${unit}; cleared within the limit counts the cases that reached the department`],
    blocks: [
      {
        kind: "table",
        columns: [
          col("department", "部门", "Department"),
          col("tasks", "任务", "Tasks"),
          col("wait", "平均等待", "Mean wait"),
          col("within1", "等待≤1天", "Waits ≤ 1 day", "interval"),
          col("utilisation", "利用率", "Utilisation", "interval"),
          col("queue", "平均排队", "Mean queue"),
          col("cleared", "限时内销号", "Cleared within limit", "interval"),
          col("open", "期末未结", "Open at horizon"),
        ],
        rows: depRows,
      },
      {
        kind: "figure",
        caption: "排队长度 Tasks waiting per department by day: mean (line) and 5–95% of replications (band)",
        plot: queuePlot(series, unit),
      },
      {
        kind: "figure",
        caption: "积压 Backlog: cases open by day, mean (line) and 5–95% of replications (band)",
        plot: backlogPlot(backlogSeries(results), unit),
      },
    ],
  });
  sections.push({
    id: "limits",
    title: { zh: "限时销号", en: "Cleared within the limit" },
    blocks: [{
      kind: "table",
      columns: [col("group", "分组", "Group"), col("share", "限时内销号", "Cleared within limit", "interval")],
      rows: [
        ...Object.entries(json.cleared_within_limit_by_band).map(([b, f]): Row => ({
          group: `band ${b}`,
          share: share(f),
        })),
        ...Object.entries(json.cleared_within_limit_by_channel).map(([c, f]): Row => ({ group: c, share: share(f) })),
        ...Object.entries(json.cleared_within_limit_by_assistance ?? {}).map(([t, f]): Row => ({
          group: `assistance ${t}`,
          share: share(f),
        })),
      ],
    }, {
      kind: "figure",
      caption: "限时内销号 Share cleared within the limit, with 95% intervals across replications",
      plot: clearedPlot(clearedRows(json)),
    }],
  });
  const a = json.assistance;
  if (a) {
    sections.push({
      id: "assistance",
      title: { zh: "帮扶", en: "Assistance" },
      notes: [a.source, `pilot: ${a.pilot.person_times} person-times, ${a.pilot.yuan} yuan (${a.pilot.note})`],
      blocks: [{
        kind: "figure",
        caption: "帮扶人次 Person-times a year by type: the warning channel simulated (95% interval) against the pilot",
        plot: fundsPlot(fundsRows(json)),
      }, {
        kind: "figure",
        caption:
          "帮扶金额 Yuan a year by type: the warning channel simulated (95% interval), the total against the pilot",
        plot: yuanPlot(yuanRows(json)),
      }, {
        kind: "figure",
        caption: `帮扶时效 Time to assistance: share of deliveries per day (median ${
          numberText(a.time_to_assistance_p50_days)
        }, 90th percentile ${numberText(a.time_to_assistance_p90_days)} ${unit})`,
        plot: delayPlot(delayRows(json), unit),
      }, {
        kind: "table",
        columns: [col("type", "类型", "Type"), col("times", "人次", "Person-times"), col("yuan", "金额（元）", "Yuan")],
        rows: [
          ...Object.entries(a.by_type).map(([t, f]): Row => ({
            type: t,
            times: numberText(f.person_times),
            yuan: numberText(f.yuan, 0),
          })),
          ...Object.entries(a.by_channel).map(([c, f]): Row => ({
            type: `all, ${c} channel`,
            times: numberText(f.person_times),
            yuan: numberText(f.yuan, 0),
          })),
          {
            type: "pilot, warning channel 试点",
            times: String(a.pilot.person_times),
            yuan: String(a.pilot.yuan),
          },
          { type: "all", times: numberText(a.person_times), yuan: numberText(a.yuan, 0) },
          { type: "time to assistance (days)", times: numberText(a.time_to_assistance_days, 2), yuan: null },
        ],
      }],
    });
  }
  if (json.verification) {
    sections.push({
      id: "verification",
      title: { zh: "核实", en: "Verification" },
      blocks: [{ kind: "paragraph", text: String(json.verification.source) }],
    });
  }
  return { title: { zh: "闭环模拟", en: "Closed-loop simulation" }, sections };
}

const FIGURE_LABELS: Record<string, string> = {
  wait_days: "平均等待 Mean wait per task (days)",
  utilisation: "利用率 Utilisation",
  cleared_within_limit: "限时内销号 Cleared within the limit",
  open_at_horizon: "期末未结 Open at the horizon",
};

/** A paired figure's cells: shares in percent (differences in points), others as numbers. */
function pairedCells(key: string, f: PairedFigure): Row {
  const isShare = key === "utilisation" || key === "cleared_within_limit";
  const digits = key === "open_at_horizon" ? 2 : 3;
  const fixed = (x: number, d: number) => {
    const text = x.toFixed(d);
    return Number(text) === 0 ? (0).toFixed(d) : text; // no "-0.0"
  };
  const value = (x: number | null) => (x === null ? "—" : isShare ? formatPercent(x) : fixed(x, digits));
  const signed = (x: number) => {
    const text = isShare ? fixed(100 * x, 1) : fixed(x, digits);
    return Number(text) > 0 ? `+${text}` : text;
  };
  const unit = isShare ? " pp" : "";
  const interval = (ci: [number, number] | null) => (ci ? `[${signed(ci[0])}, ${signed(ci[1])}]${unit}` : "—");
  return {
    a: value(f.a),
    b: value(f.b),
    difference: f.difference === null ? "—" : `${signed(f.difference)}${unit}`,
    paired: interval(f.ci95),
    unpaired: interval(f.unpaired_ci95),
  };
}

/** The comparison section (scenario A vs B, paired intervals) of the HTML report. */
export function comparisonSection(cmp: LoopComparison): Section {
  const columns = [
    col("figure", "指标", "Figure"),
    col("a", "方案A", "A"),
    col("b", "方案B", "B"),
    col("difference", "差值 B−A", "Difference B − A"),
    col("paired", "配对 95% 区间", "Paired 95% interval"),
    col("unpaired", "非配对 95% 区间", "Unpaired 95% interval"),
  ];
  const overallRows = cmp.figures.map((k): Row => ({
    figure: FIGURE_LABELS[k] ?? k,
    ...pairedCells(k, cmp.overall[k]),
  }));
  const depRows: Row[] = [];
  for (const [id, figures] of Object.entries(cmp.departments)) {
    for (const k of cmp.figures) {
      depRows.push({ figure: `${departmentLabel(id)} · ${FIGURE_LABELS[k] ?? k}`, ...pairedCells(k, figures[k]) });
    }
  }
  const name = (s: { file: string | null }, letter: string) => `${letter}: ${s.file ?? "—"}`;
  return {
    id: "comparison",
    title: { zh: "方案比较", en: "Scenario A vs B" },
    notes: [cmp.method, ...cmp.notes],
    blocks: [
      {
        kind: "facts",
        items: [
          { label: { zh: "方案A", en: "Scenario A" }, value: name(cmp.scenarios.a, "A") },
          { label: { zh: "方案B", en: "Scenario B" }, value: name(cmp.scenarios.b, "B") },
          { label: { zh: "配对重复", en: "Paired replications" }, value: String(cmp.scenarios.a.replications) },
        ],
      },
      { kind: "table", columns, rows: overallRows },
      {
        kind: "section",
        section: {
          id: "comparison-departments",
          title: { zh: "各部门", en: "By department" },
          blocks: [
            { kind: "table", columns, rows: depRows },
          ],
        },
      },
    ],
  };
}
