/**
 * Model comparison (issue 5, item 6): two models scored on the same data — who changes band (the
 * transition counts and the list of households), by village and by management category; the
 * change in each frame's figures (precision, recall where the frame supports it, …) and in each
 * department's workload.
 */
import type { ComparisonJson } from "../contract/outputs.ts";
import { toCsv } from "../base/csv.ts";
import type { ModelIdentity } from "./audit_file.ts";
import {
  FRAME_NAMES,
  type FrameLabels,
  type FrameMetrics,
  frameMetrics,
  type FrameName,
  MIN_LABELED,
} from "./frames.ts";
import { Z95 } from "./wilson.ts";
import { departmentWarnings, type Population } from "./population.ts";

/** The label of "not warned" in transitions and lists. */
export const NOT_WARNED = "none";

/** One household whose band differs between the models. */
export interface BandChange {
  household_id: string;
  village: string | null;
  category: string | null;
  band_a: string | null;
  band_b: string | null;
  per_capita_a: number;
  per_capita_b: number;
  change: "newly_warned" | "no_longer_warned" | "band_changed";
}

/** Counts of changes within one group of households. */
export interface ChangeCounts {
  households: number;
  warned_a: number;
  warned_b: number;
  newly_warned: number;
  no_longer_warned: number;
  band_changed: number;
}

/** One frame's figures under both models, with B − A for the ratios. */
export interface FrameComparison {
  frame: FrameName;
  a: FrameMetrics;
  b: FrameMetrics;
  delta: Record<
    | "warnings"
    | "labeled_warnings"
    | "true_positives"
    | "precision"
    | "recall"
    | "miss_rate"
    | "coverage"
    | "missed_share",
    number | null
  >;
}

/** The comparison. */
export interface Comparison {
  summary: ChangeCounts & { unchanged: number };
  transitions: { from: string; to: string; count: number }[];
  by_village: (ChangeCounts & { village: string })[];
  by_category: (ChangeCounts & { category: string })[];
  frames: FrameComparison[];
  workload: { department: string; a: number; b: number; change: number }[];
  changes: BandChange[];
}

function emptyCounts(): ChangeCounts {
  return { households: 0, warned_a: 0, warned_b: 0, newly_warned: 0, no_longer_warned: 0, band_changed: 0 };
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/** Each frame's figures under both models, with B − A (frames without labeled households left out). */
function frameComparisons(
  a: Population,
  b: Population,
  frames: Partial<Record<FrameName, FrameLabels>>,
): FrameComparison[] {
  const frameList: FrameComparison[] = [];
  for (const f of FRAME_NAMES) {
    const labels = frames[f];
    if (!labels || !labels.labeled.some((x) => x === 1)) continue;
    const ma = frameMetrics(f, labels, a.bands), mb = frameMetrics(f, labels, b.bands);
    frameList.push({
      frame: f,
      a: ma,
      b: mb,
      delta: {
        warnings: mb.warnings - ma.warnings,
        labeled_warnings: mb.labeled_warnings - ma.labeled_warnings,
        true_positives: mb.true_positives - ma.true_positives,
        precision: diff(ma.precision, mb.precision),
        recall: diff(ma.recall, mb.recall),
        miss_rate: diff(ma.miss_rate, mb.miss_rate),
        coverage: diff(ma.coverage, mb.coverage),
        missed_share: diff(ma.missed_share, mb.missed_share),
      },
    });
  }
  return frameList;
}

/** Warned households per department under both models (departments sorted). */
function workloadComparison(a: Population, b: Population): Comparison["workload"] {
  // Maps: department ids come from the models (a department named `constructor` is just a name).
  const workload = (p: Population) => {
    const counts = departmentWarnings(p);
    return new Map(p.departments.map((d, i) => [d, counts[i]]));
  };
  const wa = workload(a), wb = workload(b);
  const departments = [...new Set([...wa.keys(), ...wb.keys()])].sort();
  return departments.map((d) => ({
    department: d,
    a: wa.get(d) ?? 0,
    b: wb.get(d) ?? 0,
    change: (wb.get(d) ?? 0) - (wa.get(d) ?? 0),
  }));
}

/** Compares model B with model A on the same households (same ids in the same order). */
export function comparePopulations(
  a: Population,
  b: Population,
  frames: Partial<Record<FrameName, FrameLabels>>,
): Comparison {
  const ids = a.frame.householdIds;
  if (ids.length !== b.frame.householdIds.length || ids.some((id, i) => id !== b.frame.householdIds[i])) {
    throw new Error("Internal error: the two models were scored on different households");
  }
  const bandId = (p: Population, h: number) => (p.bands[h] < 0 ? null : p.bandCuts[p.bands[h]].id);
  const summary = { ...emptyCounts(), unchanged: 0 };
  const byVillage = new Map<string, ChangeCounts>(), byCategory = new Map<string, ChangeCounts>();
  const transitions = new Map<string, number>();
  const changes: BandChange[] = [];
  for (let h = 0; h < ids.length; h++) {
    const ba = bandId(a, h), bb = bandId(b, h);
    const village = a.frame.villages[h], category = a.frame.categories[h];
    const groups = [summary, get(byVillage, village ?? ""), get(byCategory, category ?? "")];
    let change: BandChange["change"] | null = null;
    if (ba !== bb) change = ba === null ? "newly_warned" : bb === null ? "no_longer_warned" : "band_changed";
    for (const g of groups) {
      g.households++;
      if (ba !== null) g.warned_a++;
      if (bb !== null) g.warned_b++;
      if (change) g[change]++;
    }
    if (!change) summary.unchanged++;
    const key = `${ba ?? NOT_WARNED}\u0000${bb ?? NOT_WARNED}`;
    transitions.set(key, (transitions.get(key) ?? 0) + 1);
    if (change) {
      changes.push({
        household_id: ids[h],
        village,
        category,
        band_a: ba,
        band_b: bb,
        per_capita_a: a.perCapita[h],
        per_capita_b: b.perCapita[h],
        change,
      });
    }
  }
  const order = (p: Population) => [...p.bandCuts.map((c) => c.id), NOT_WARNED];
  const transitionList: Comparison["transitions"] = [];
  for (const from of order(a)) {
    for (const to of order(b)) transitionList.push({ from, to, count: transitions.get(`${from}\u0000${to}`) ?? 0 });
  }
  changes.sort((x, y) => (x.household_id < y.household_id ? -1 : x.household_id > y.household_id ? 1 : 0));
  return {
    summary,
    transitions: transitionList,
    by_village: [...byVillage].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([village, c]) => ({
      village,
      ...c,
    })),
    by_category: [...byCategory].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([category, c]) => ({
      category,
      ...c,
    })),
    frames: frameComparisons(a, b, frames),
    workload: workloadComparison(a, b),
    changes,
  };
}

function get(map: Map<string, ChangeCounts>, key: string): ChangeCounts {
  let c = map.get(key);
  if (!c) map.set(key, c = emptyCounts());
  return c;
}

/** The list of households that change band, as CSV (household_id order). */
export function changesCsv(changes: readonly BandChange[]): string {
  return toCsv(
    ["household_id", "village", "category", "band_a", "band_b", "per_capita_a", "per_capita_b", "change"],
    changes.map((
      c,
    ) => [c.household_id, c.village, c.category, c.band_a, c.band_b, c.per_capita_a, c.per_capita_b, c.change]),
  );
}

/** `comparison.json`: its type is its schema's (src/contract/outputs.ts). */
export type CompareFile = ComparisonJson;

/** Builds `comparison.json`. */
export function compareFileOf(input: {
  comparison: Comparison;
  a: Population;
  b: Population;
  models: { a: ModelIdentity; b: ModelIdentity };
  data: { folder: string; digest: string; labeled?: Record<FrameName, number> };
}): CompareFile {
  const c = input.comparison;
  return {
    command: "compare",
    models: input.models,
    data: {
      folder: input.data.folder,
      digest: input.data.digest,
      households: input.a.frame.size,
      labeled: input.data.labeled,
    },
    method: {
      z: Z95,
      min_labeled: MIN_LABELED,
      frames:
        "survey = verified rows of channel survey (precision, recall, miss rate); warning = channel warning (precision among verified warnings, coverage); application = channel application (needs the warnings missed). Recall only from the survey frame.",
      departments:
        "A warned household counts once for each department of its fired indicators (hits > 0) with positive weighted points, under each model's own indicators.",
      change: "A household changes when its band id differs between the models (none = not warned).",
    },
    summary: c.summary,
    transitions: c.transitions,
    bands: { a: input.a.bandCuts, b: input.b.bandCuts },
    frames: c.frames,
    workload: c.workload,
    by_category: c.by_category,
    by_village: c.by_village,
    changes: c.changes,
  };
}
