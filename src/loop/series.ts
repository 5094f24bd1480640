/**
 * The loop's figure series as pure data: from replications (queue length per department and the
 * backlog by day, with bands across replications) or from `loop.json` (cleared within the limit,
 * the time-to-assistance distribution, person-times against the pilot). No Plot here: the page's
 * Web Worker computes these.
 */
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

/** Yuan a year by assistance type through the warning channel (with interval), and the total beside the pilot's. */
export function yuanRows(json: LoopJson) {
  const a = json.assistance;
  if (!a) return [];
  const row = (type: string, source: string, f: Figure | undefined) => ({
    type,
    source,
    yuan: f?.mean ?? 0,
    low: f?.ci95?.[0] ?? f?.mean ?? 0,
    high: f?.ci95?.[1] ?? f?.mean ?? 0,
  });
  const warning = a.by_channel.warning;
  return [
    ...Object.keys(warning.by_type).sort().map((t) => row(t, "simulated 模拟", warning.by_type[t].yuan)),
    row("all 合计", "simulated 模拟", warning.yuan),
    row("all 合计", "pilot 试点", { mean: a.pilot.yuan, ci95: null }),
  ];
}
