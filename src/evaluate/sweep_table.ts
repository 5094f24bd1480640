/**
 * The full threshold sweep (issue 5, item 1): for every distinct per-capita score t as the lowest
 * band's `min` (households with per-capita ≥ t warned), in one pass over the households sorted by
 * score — warnings, and per frame labeled warnings, true positives, precision with its Wilson
 * interval, recall (survey frame only), coverage (warning frame only); warnings per department and
 * per village. The frame counts come from `sweep` of the fast path; this adds the rest.
 */
import { csvCell, csvLine } from "../base/csv.ts";
import { sweep } from "../simulate/mod.ts";
import { FRAME_DEFINITIONS, type FrameLabels, type FrameName } from "./frames.ts";
import type { Population } from "./population.ts";
import { ratio, wilsonInterval } from "./wilson.ts";

/** One frame's cumulative counts along the thresholds. */
export interface SweepFrame {
  frame: FrameName;
  labeledWarnings: Int32Array;
  truePositives: Int32Array;
  labeledPositives: number;
  labeled: number;
}

/** The sweep, thresholds descending. */
export interface SweepTable {
  thresholds: Float64Array;
  warnings: Int32Array;
  frames: SweepFrame[];
  departments: string[];
  /** byDepartment[d][t]: warned households dispatched to department d at threshold t. */
  byDepartment: Int32Array[];
  villages: string[];
  /** byVillage[v][t]: warned households of village v at threshold t. */
  byVillage: Int32Array[];
}

/** Sweeps every distinct per-capita score of the population. */
export function sweepTable(population: Population, frames: Partial<Record<FrameName, FrameLabels>>): SweepTable {
  const pc = population.perCapita;
  const frameNames = (Object.keys(frames) as FrameName[]).filter((f) => frames[f] !== undefined);
  const swept = frameNames.map((f) => ({ f, s: sweep(pc, frames[f]) }));
  const base = swept.length > 0 ? swept[0].s : sweep(pc);
  const { thresholds, warnings } = base;
  const T = thresholds.length;

  // Households by score, descending (NaN dropped).
  const order = Array.from({ length: pc.length }, (_, h) => h).filter((h) => !Number.isNaN(pc[h]));
  order.sort((a, b) => pc[b] - pc[a] || a - b);

  const villages = [...new Set(population.frame.villages.map((v) => v ?? ""))].sort();
  const villageIndex = new Map(villages.map((v, i) => [v, i]));
  const D = population.departments.length;
  const byDepartment = Array.from({ length: D }, () => new Int32Array(T));
  const byVillage = Array.from({ length: villages.length }, () => new Int32Array(T));
  const deptNow = new Int32Array(D), villageNow = new Int32Array(villages.length);
  const { offsets, index } = population.householdDepartments;
  let at = 0;
  for (let t = 0; t < T; t++) {
    const threshold = thresholds[t];
    while (at < order.length && pc[order[at]] >= threshold) {
      const h = order[at++];
      for (let e = offsets[h]; e < offsets[h + 1]; e++) deptNow[index[e]]++;
      villageNow[villageIndex.get(population.frame.villages[h] ?? "")!]++;
    }
    for (let d = 0; d < D; d++) byDepartment[d][t] = deptNow[d];
    for (let v = 0; v < villages.length; v++) byVillage[v][t] = villageNow[v];
  }
  return {
    thresholds,
    warnings,
    frames: swept.map(({ f, s }) => ({
      frame: f,
      labeledWarnings: s.labeledWarnings,
      truePositives: s.truePositives,
      labeledPositives: s.labeledPositives,
      labeled: s.labeledTotal,
    })),
    departments: population.departments,
    byDepartment,
    villages,
    byVillage,
  };
}

/** The index of the smallest threshold ≥ t (the counts at t), or −1 when every threshold is below t. */
export function sweepIndexAt(table: Pick<SweepTable, "thresholds">, t: number): number {
  const th = table.thresholds;
  let a = 0, b = th.length - 1, at = -1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    if (th[mid] >= t) {
      at = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return at;
}

/**
 * The sweep as CSV, one row per distinct threshold (descending): warnings; per frame labeled
 * warnings, true positives, precision and its Wilson bounds (frames that support precision),
 * recall and its bounds (frames that support recall), coverage (frames that support coverage);
 * then warnings per department (`dept_<id>`).
 */
export function sweepCsv(table: SweepTable): string {
  const header = ["threshold", "warnings"];
  for (const f of table.frames) {
    const s = FRAME_DEFINITIONS[f.frame].supports;
    header.push(`${f.frame}_labeled_warnings`, `${f.frame}_true_positives`);
    if (s.precision) header.push(`${f.frame}_precision`, `${f.frame}_precision_lo`, `${f.frame}_precision_hi`);
    if (s.recall) header.push(`${f.frame}_recall`, `${f.frame}_recall_lo`, `${f.frame}_recall_hi`);
    if (s.coverage) header.push(`${f.frame}_coverage`);
  }
  for (const d of table.departments) header.push(`dept_${d}`);
  const lines = [csvLine(header)];
  for (let t = 0; t < table.thresholds.length; t++) {
    const row: unknown[] = [table.thresholds[t], table.warnings[t]];
    for (const f of table.frames) {
      const s = FRAME_DEFINITIONS[f.frame].supports;
      const lw = f.labeledWarnings[t], tp = f.truePositives[t];
      row.push(lw, tp);
      if (s.precision) {
        const ci = wilsonInterval(tp, lw);
        row.push(ratio(tp, lw), ci?.[0], ci?.[1]);
      }
      if (s.recall) {
        const ci = wilsonInterval(tp, f.labeledPositives);
        row.push(ratio(tp, f.labeledPositives), ci?.[0], ci?.[1]);
      }
      if (s.coverage) row.push(ratio(lw, table.warnings[t]));
    }
    for (let d = 0; d < table.departments.length; d++) row.push(table.byDepartment[d][t]);
    lines.push(csvLine(row));
  }
  return lines.join("\n") + "\n";
}

/**
 * Warnings per village along the thresholds, as steps: one row (village, threshold, warnings) for
 * each threshold at which the village's count changes. A village's warnings at any t are those of
 * its row with the smallest threshold ≥ t (0 where there is none).
 */
export function sweepVillagesCsv(table: SweepTable): string {
  const lines = ["village,threshold,warnings"];
  table.villages.forEach((v, i) => {
    const counts = table.byVillage[i];
    const name = csvCell(v);
    for (let t = 0; t < counts.length; t++) {
      if (counts[t] !== (t === 0 ? 0 : counts[t - 1])) lines.push(`${name},${table.thresholds[t]},${counts[t]}`);
    }
  });
  return lines.join("\n") + "\n";
}
