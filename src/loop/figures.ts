/**
 * The loop's figures as pure functions: series from replications or `loop.json`, and the Plot
 * options that draw them. `deno task loop`'s HTML report and the 闭环 Loop page draw the same
 * options (the page with the browser's document, the report through `src/report`).
 */
import * as Plot from "@observablehq/plot";
import { departmentLabel } from "../report/labels.ts";
import type { ReplicationResult } from "./flow.ts";
import type { loopJson } from "./run.ts";
import type { Figure } from "./summary.ts";

type LoopJson = ReturnType<typeof loopJson>;

/** A day's value across replications: mean and the 5–95% band. */
export interface BandPoint {
  day: number;
  mean: number;
  low: number;
  high: number;
}

function across(values: Float64Array): { mean: number; low: number; high: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
  return { mean: sum / values.length, low: at(0.05), high: at(0.95) };
}

/** Queue length per department over time: mean and 5–95% band across replications, by whole day. */
export function queueSeries(results: readonly ReplicationResult[], departmentIds: readonly string[]) {
  const rows: (BandPoint & { department: string })[] = [];
  if (results.length === 0) return rows;
  const days = results[0].daily.open.length;
  const values = new Float64Array(results.length);
  departmentIds.forEach((id, d) => {
    for (let t = 0; t < days; t++) {
      results.forEach((r, k) => (values[k] = r.daily.waiting[d][t]));
      rows.push({ department: departmentLabel(id), day: t, ...across(values) });
    }
  });
  return rows;
}

/** The backlog (cases open) over time: mean and 5–95% band across replications, by whole day. */
export function backlogSeries(results: readonly ReplicationResult[]): BandPoint[] {
  const rows: BandPoint[] = [];
  if (results.length === 0) return rows;
  const values = new Float64Array(results.length);
  for (let t = 0; t < results[0].daily.open.length; t++) {
    results.forEach((r, k) => (values[k] = r.daily.open[t]));
    rows.push({ day: t, ...across(values) });
  }
  return rows;
}

/** One bar of the cleared-within-the-limit figure. */
export interface ShareRow {
  facet: string;
  group: string;
  mean: number;
  low: number;
  high: number;
}

const shareRow = (facet: string, group: string, f: Figure): ShareRow | null =>
  f.mean === null ? null : { facet, group, mean: f.mean, low: f.ci95?.[0] ?? f.mean, high: f.ci95?.[1] ?? f.mean };

/** The share cleared within the limit: overall, by department, band, channel and assistance type. */
export function clearedRows(json: LoopJson): ShareRow[] {
  const rows: (ShareRow | null)[] = [shareRow("总体 overall", "all", json.overall.cleared_within_limit)];
  for (const [id, f] of Object.entries(json.departments)) {
    rows.push(shareRow("部门 department", departmentLabel(id), f.cleared_within_limit));
  }
  for (const [b, f] of Object.entries(json.cleared_within_limit_by_band)) rows.push(shareRow("档 band", b, f));
  for (const [c, f] of Object.entries(json.cleared_within_limit_by_channel)) rows.push(shareRow("渠道 channel", c, f));
  for (const [t, f] of Object.entries(json.cleared_within_limit_by_assistance ?? {})) {
    rows.push(shareRow("帮扶类型 assistance", t, f));
  }
  return rows.filter((r): r is ShareRow => r !== null);
}

/** The time-to-assistance distribution as bars (share of deliveries per day bin, with its interval). */
export function delayRows(json: LoopJson) {
  return (json.assistance?.time_to_assistance_distribution ?? []).map((b) => ({
    from: b.from,
    to: b.to ?? b.from + 1,
    label: b.to === null ? `≥${b.from}` : String(b.from),
    mean: b.share.mean ?? 0,
    low: b.share.ci95?.[0] ?? b.share.mean ?? 0,
    high: b.share.ci95?.[1] ?? b.share.mean ?? 0,
  }));
}

/** Person-times and yuan by assistance type: the warning channel simulated against the pilot's figures. */
export function fundsRows(json: LoopJson) {
  const a = json.assistance;
  if (!a) return [];
  const warning = a.by_channel.warning.by_type;
  const types = [...new Set([...Object.keys(warning), ...Object.keys(a.pilot.by_type)])].sort();
  const rows: { type: string; source: string; person_times: number; low: number; high: number }[] = [];
  for (const t of types) {
    const f = warning[t]?.person_times;
    rows.push({
      type: t,
      source: "simulated 模拟",
      person_times: f?.mean ?? 0,
      low: f?.ci95?.[0] ?? f?.mean ?? 0,
      high: f?.ci95?.[1] ?? f?.mean ?? 0,
    });
    const pilot = a.pilot.by_type[t] ?? 0;
    rows.push({ type: t, source: "pilot 试点", person_times: pilot, low: pilot, high: pilot });
  }
  return rows;
}

const BLUE = "#4e79a7", ORANGE = "#f28e2b";

/** Tasks waiting per department by day (mean line, 5–95% band), one facet row per department. */
export function queuePlot(series: ReturnType<typeof queueSeries>, unit: string, width = 760): Plot.PlotOptions {
  const departments = new Set(series.map((r) => r.department)).size;
  return {
    width,
    height: 50 + 60 * departments,
    marginRight: 170,
    x: { label: `${unit} →` },
    y: { label: "waiting", grid: true },
    fy: { label: null, padding: 0.15 },
    marks: [
      Plot.areaY(series, { x: "day", y1: "low", y2: "high", fy: "department", fill: BLUE, fillOpacity: 0.25 }),
      Plot.lineY(series, { x: "day", y: "mean", fy: "department", stroke: BLUE }),
    ],
  };
}

/** Cases open by day (the backlog): mean line, 5–95% band. */
export function backlogPlot(series: readonly BandPoint[], unit: string, width = 760): Plot.PlotOptions {
  return {
    width,
    height: 220,
    x: { label: `${unit} →` },
    y: { label: "open cases 未结案件", grid: true },
    marks: [
      Plot.areaY(series, { x: "day", y1: "low", y2: "high", fill: BLUE, fillOpacity: 0.25 }),
      Plot.lineY(series, { x: "day", y: "mean", stroke: BLUE }),
      Plot.ruleY([0]),
    ],
  };
}

/** Share cleared within the limit per group, faceted by kind of group, with 95% intervals. */
export function clearedPlot(rows: readonly ShareRow[], width = 760): Plot.PlotOptions {
  return {
    width,
    height: 40 + 18 * rows.length + 20 * new Set(rows.map((r) => r.facet)).size,
    marginLeft: 150,
    marginRight: 120,
    x: { percent: true, label: "cleared within the limit 限时内销号 (%) →", grid: true },
    y: { label: null },
    fy: { label: null },
    marks: [
      Plot.barX(rows, { x: "mean", y: "group", fy: "facet", fill: BLUE, fillOpacity: 0.6 }),
      Plot.ruleY(rows, { x1: "low", x2: "high", y: "group", fy: "facet", stroke: "#333" }),
    ],
  };
}

/** The time-to-assistance distribution: share of deliveries per day bin, with 95% intervals. */
export function delayPlot(rows: ReturnType<typeof delayRows>, unit: string, width = 760): Plot.PlotOptions {
  return {
    width,
    height: 220,
    x: { label: `${unit} from the case's creation to its assistance →` },
    y: { label: "share of deliveries", percent: true, grid: true },
    marks: [
      Plot.rectY(rows, { x1: "from", x2: "to", y: "mean", fill: BLUE, fillOpacity: 0.6, inset: 0.5 }),
      Plot.ruleX(rows, { x: (d: { from: number; to: number }) => (d.from + d.to) / 2, y1: "low", y2: "high" }),
      Plot.ruleY([0]),
    ],
  };
}

/** Person-times by type: the simulated warning channel (with interval) beside the pilot's figure. */
export function fundsPlot(rows: ReturnType<typeof fundsRows>, width = 760): Plot.PlotOptions {
  return {
    width,
    height: 60 + 36 * new Set(rows.map((r) => r.type)).size,
    marginLeft: 100,
    marginRight: 110,
    x: { label: "person-times a year 人次 →", grid: true },
    y: { label: null },
    fy: { label: null },
    color: { domain: ["simulated 模拟", "pilot 试点"], range: [BLUE, ORANGE] },
    marks: [
      Plot.barX(rows, { x: "person_times", y: "source", fy: "type", fill: "source" }),
      Plot.ruleY(rows, { x1: "low", x2: "high", y: "source", fy: "type", stroke: "#333" }),
      Plot.text(rows, {
        x: "person_times",
        y: "source",
        fy: "type",
        text: (d: { person_times: number }) => d.person_times.toFixed(0),
        dx: 4,
        textAnchor: "start",
      }),
    ],
  };
}
