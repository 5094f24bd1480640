/**
 * Evaluation frames, kept apart. Verified outcomes come through three channels, and each channel
 * sees a different slice of the county, so each supports different figures:
 *
 * | frame         | channel       | who is labeled                                   | supports |
 * | ------------- | ------------- | ------------------------------------------------ | -------- |
 * | `survey`      | `survey`      | every household of the fully surveyed sample villages | precision, false discovery rate, recall, miss rate |
 * | `warning`     | `warning`     | households the deployed model warned and a department verified | precision and false discovery rate among verified warnings, coverage |
 * | `application` | `application` | households that applied through the app          | needs the warnings missed (and which of them a model would warn) |
 *
 * Recall and miss rate need the households in need that were *not* warned; only a full survey
 * finds those without bias, so only the survey frame reports them. The warning frame has outcomes
 * only for warned households; the application frame only for those who chose to apply.
 */
import { ratio, wilsonInterval } from "./wilson.ts";
import type { VerifiedRow } from "./metrics.ts";
import { type BootstrapInterval, bootstrapRatio, drawClusters } from "./bootstrap.ts";

/** The frames, in report order. */
export const FRAME_NAMES = ["survey", "warning", "application"] as const;
/** A frame's name (equal to its verified channel). */
export type FrameName = (typeof FRAME_NAMES)[number];

/** Below this many labeled cases a figure is flagged (issue 5). */
export const MIN_LABELED = 30;

/** What a frame can support. */
export interface FrameSupport {
  precision: boolean;
  recall: boolean;
  miss_rate: boolean;
  coverage: boolean;
  missed_needs: boolean;
}

/** A frame: its channel, names, what it supports and why. */
export interface FrameDefinition {
  name: FrameName;
  channel: FrameName;
  name_zh: string;
  name_en: string;
  supports: FrameSupport;
  description: string;
}

/** The three frames. */
export const FRAME_DEFINITIONS: Record<FrameName, FrameDefinition> = {
  survey: {
    name: "survey",
    channel: "survey",
    name_zh: "全面摸排（样本村）",
    name_en: "Survey frame (fully surveyed sample villages)",
    supports: { precision: true, recall: true, miss_rate: true, coverage: false, missed_needs: true },
    description:
      "Verified rows of channel `survey`: every household of the sample villages was visited, warned or not, so precision, recall and miss rate are unbiased for those villages.",
  },
  warning: {
    name: "warning",
    channel: "warning",
    name_zh: "预警核实",
    name_en: "Warning frame (verified warnings)",
    supports: { precision: true, recall: false, miss_rate: false, coverage: true, missed_needs: false },
    description:
      "Verified rows of channel `warning`: departments checked households the deployed model warned. Precision is among verified warnings; coverage is the share of warnings verified. No recall: households that were not warned were not checked.",
  },
  application: {
    name: "application",
    channel: "application",
    name_zh: "主动申请",
    name_en: "Application frame (applications through the app)",
    supports: { precision: false, recall: false, miss_rate: false, coverage: false, missed_needs: true },
    description:
      "Verified rows of channel `application`: households that applied themselves. It shows needs the warnings missed and how many of them a model would warn; applicants are self-selected, so it gives neither precision nor recall.",
  },
};

/** Labels of one frame, by household position. */
export interface FrameLabels {
  /** 1 where the household has a verified row in the frame. */
  labeled: Uint8Array;
  /** 1 where some verified row of the household in the frame says need. */
  need: Uint8Array;
}

/**
 * The labels of a frame from verified rows: labeled = has a row of the frame's channel (and of
 * `batch`, when given); need = some such row has `need` true. Rows of unknown households are
 * counted in `unmatched` (ingest rejects them, so it is 0 for loaded data).
 */
export function frameLabelsOf(
  householdIds: readonly string[],
  rows: readonly VerifiedRow[],
  frame: FrameName,
  options: { batch?: string; position?: Map<string, number> } = {},
): FrameLabels & { unmatched: number } {
  const position = options.position ?? new Map(householdIds.map((id, i) => [id, i]));
  const labeled = new Uint8Array(householdIds.length), need = new Uint8Array(householdIds.length);
  let unmatched = 0;
  for (const row of rows) {
    if (row.channel !== FRAME_DEFINITIONS[frame].channel) continue;
    if (options.batch !== undefined && row.batch !== options.batch) continue;
    const h = position.get(row.household_id);
    if (h === undefined) {
      unmatched++;
      continue;
    }
    labeled[h] = 1;
    if (row.need === true) need[h] = 1;
  }
  return { labeled, need, unmatched };
}

/** The labels of every frame. */
export function allFrameLabels(
  householdIds: readonly string[],
  rows: readonly VerifiedRow[],
): Record<FrameName, FrameLabels> {
  const position = new Map(householdIds.map((id, i) => [id, i]));
  const out = {} as Record<FrameName, FrameLabels>;
  for (const f of FRAME_NAMES) {
    const { labeled, need } = frameLabelsOf(householdIds, rows, f, { position });
    out[f] = { labeled, need };
  }
  return out;
}

/** The figures of one frame for one set of warnings; a figure the frame cannot support is null. */
export interface FrameMetrics {
  frame: FrameName;
  /** Households in scope. */
  households: number;
  /** Warned households in scope (whole population, labeled or not). */
  warnings: number;
  /** Households in scope with a verified row in the frame. */
  labeled: number;
  labeled_warnings: number;
  true_positives: number;
  false_positives: number;
  labeled_positives: number;
  /** Labeled households in need that are not warned (survey and application frames). */
  needs_missed: number | null;
  precision: number | null;
  precision_ci95: [number, number] | null;
  false_discovery_rate: number | null;
  false_discovery_rate_ci95: [number, number] | null;
  recall: number | null;
  recall_ci95: [number, number] | null;
  miss_rate: number | null;
  miss_rate_ci95: [number, number] | null;
  coverage: number | null;
  coverage_ci95: [number, number] | null;
  /** Application frame: needs_missed / labeled_positives (not a population miss rate). */
  missed_share: number | null;
  missed_share_ci95: [number, number] | null;
  /** `few_labeled` (< 30 labeled), `few_labeled_warnings`, `few_labeled_positives` (< 30 in that denominator). */
  flags: string[];
}

/** Counts of one frame in scope. */
export interface FrameCounts {
  households: number;
  warnings: number;
  labeled: number;
  labeledWarnings: number;
  truePositives: number;
  labeledPositives: number;
}

/** Counts one frame: `bands[h] >= 0` means warned; `include` (1 = in scope) restricts the households. */
export function frameCounts(labels: FrameLabels, bands: Int8Array, include?: Uint8Array): FrameCounts {
  let households = 0, warnings = 0, labeled = 0, labeledWarnings = 0, truePositives = 0, labeledPositives = 0;
  for (let h = 0; h < bands.length; h++) {
    if (include && !include[h]) continue;
    households++;
    const warned = bands[h] >= 0;
    if (warned) warnings++;
    if (!labels.labeled[h]) continue;
    labeled++;
    const need = labels.need[h] === 1;
    if (need) labeledPositives++;
    if (warned) {
      labeledWarnings++;
      if (need) truePositives++;
    }
  }
  return { households, warnings, labeled, labeledWarnings, truePositives, labeledPositives };
}

/** The frame's figures from its counts; only the figures the frame supports are filled. */
export function metricsFromCounts(frame: FrameName, c: FrameCounts): FrameMetrics {
  const s = FRAME_DEFINITIONS[frame].supports;
  const fp = c.labeledWarnings - c.truePositives;
  const missed = c.labeledPositives - c.truePositives;
  const flags: string[] = [];
  if (c.labeled < MIN_LABELED) flags.push("few_labeled");
  if (s.precision && c.labeledWarnings < MIN_LABELED) flags.push("few_labeled_warnings");
  if ((s.recall || s.missed_needs) && c.labeledPositives < MIN_LABELED) flags.push("few_labeled_positives");
  const when = <T>(ok: boolean, value: T): T | null => (ok ? value : null);
  return {
    frame,
    households: c.households,
    warnings: c.warnings,
    labeled: c.labeled,
    labeled_warnings: c.labeledWarnings,
    true_positives: c.truePositives,
    false_positives: fp,
    labeled_positives: c.labeledPositives,
    needs_missed: when(s.missed_needs, missed),
    precision: when(s.precision, ratio(c.truePositives, c.labeledWarnings)),
    precision_ci95: when(s.precision, wilsonInterval(c.truePositives, c.labeledWarnings)),
    false_discovery_rate: when(s.precision, ratio(fp, c.labeledWarnings)),
    false_discovery_rate_ci95: when(s.precision, wilsonInterval(fp, c.labeledWarnings)),
    recall: when(s.recall, ratio(c.truePositives, c.labeledPositives)),
    recall_ci95: when(s.recall, wilsonInterval(c.truePositives, c.labeledPositives)),
    miss_rate: when(s.miss_rate, ratio(missed, c.labeledPositives)),
    miss_rate_ci95: when(s.miss_rate, wilsonInterval(missed, c.labeledPositives)),
    coverage: when(s.coverage, ratio(c.labeledWarnings, c.warnings)),
    coverage_ci95: when(s.coverage, wilsonInterval(c.labeledWarnings, c.warnings)),
    missed_share: when(frame === "application", ratio(missed, c.labeledPositives)),
    missed_share_ci95: when(frame === "application", wilsonInterval(missed, c.labeledPositives)),
    flags,
  };
}

/** The figures of one frame for one set of warnings, optionally restricted to `include`. */
export function frameMetrics(
  frame: FrameName,
  labels: FrameLabels,
  bands: Int8Array,
  include?: Uint8Array,
): FrameMetrics {
  return metricsFromCounts(frame, frameCounts(labels, bands, include));
}

/** Households grouped into villages: the clusters of the bootstrap. */
export interface Clusters {
  /** Village names, sorted. */
  names: string[];
  /** Village index of each household. */
  of: Int32Array;
}

/** Indexes households by village (villages sorted, so indexes are deterministic). */
export function clustersOf(villages: readonly (string | null)[]): Clusters {
  const names = [...new Set(villages.map((v) => v ?? ""))].sort();
  const index = new Map(names.map((v, i) => [v, i]));
  return { names, of: Int32Array.from(villages, (v) => index.get(v ?? "")!) };
}

/** Cluster-bootstrap intervals of a frame's figures (only those the frame supports). */
export interface FrameBootstrap {
  /** Clusters resampled: villages with at least one labeled household in the frame (coverage: every village). */
  clusters: number;
  precision: BootstrapInterval | null;
  recall: BootstrapInterval | null;
  miss_rate: BootstrapInterval | null;
  coverage: BootstrapInterval | null;
}

/** Settings of a bootstrap run. */
export interface BootstrapOptions {
  seed: number;
  replicates: number;
}

/**
 * The frame's clusters: villages with a labeled household in the frame (over the whole county, so
 * every group of one frame is resampled from the same villages with the same draws).
 */
export function frameClusters(labels: FrameLabels, clusters: Clusters): Int32Array {
  const has = new Uint8Array(clusters.names.length);
  for (let h = 0; h < labels.labeled.length; h++) if (labels.labeled[h]) has[clusters.of[h]] = 1;
  const out: number[] = [];
  for (let c = 0; c < has.length; c++) if (has[c]) out.push(c);
  return Int32Array.from(out);
}

/**
 * Village-cluster bootstrap of a frame's supported figures, restricted to `include` when given.
 * The frame's villages (see {@link frameClusters}) are resampled with replacement.
 */
export function frameBootstrap(
  frame: FrameName,
  labels: FrameLabels,
  bands: Int8Array,
  clusters: Clusters,
  options: BootstrapOptions,
  include?: Uint8Array,
): FrameBootstrap {
  const of = include ? Int32Array.from(include, (x) => (x ? 0 : -1)) : new Int32Array(bands.length);
  return frameBootstrapByGroup(frame, labels, bands, clusters, options, of, 1)[0];
}

/**
 * {@link frameBootstrap} for every group of a partition at once (`of[h]`: group of household h,
 * −1 for none), in one pass over the households; every group uses the same draws.
 */
export function frameBootstrapByGroup(
  frame: FrameName,
  labels: FrameLabels,
  bands: Int8Array,
  clusters: Clusters,
  options: BootstrapOptions,
  of: Int32Array,
  groups: number,
): FrameBootstrap[] {
  const chosen = frameClusters(labels, clusters);
  const position = new Int32Array(clusters.names.length).fill(-1);
  chosen.forEach((c, j) => (position[c] = j));
  const k = chosen.length;
  const lw = new Int32Array(k * groups), tp = new Int32Array(k * groups), lp = new Int32Array(k * groups);
  const missed = new Int32Array(k * groups);
  for (let h = 0; h < bands.length; h++) {
    const g = of[h];
    if (g < 0 || !labels.labeled[h]) continue;
    const j = position[clusters.of[h]];
    if (j < 0) continue;
    const at = g * k + j;
    const warned = bands[h] >= 0, need = labels.need[h] === 1;
    if (need) lp[at]++;
    if (need && !warned) missed[at]++;
    if (warned) {
      lw[at]++;
      if (need) tp[at]++;
    }
  }
  const s = FRAME_DEFINITIONS[frame].supports;
  const draws = k > 0 ? drawClusters(k, options.replicates, options.seed) : new Int32Array(0);
  const coverage = s.coverage ? coverageBootstrapByGroup(labels, bands, clusters, options, of, groups) : null;
  return Array.from({ length: groups }, (_, g) => {
    const part = (a: Int32Array) => a.subarray(g * k, (g + 1) * k);
    const boot = (ok: boolean, num: Int32Array, den: Int32Array) =>
      ok && k > 0 ? bootstrapRatio(part(num), part(den), draws, options.replicates) : null;
    return {
      clusters: k,
      precision: boot(s.precision, tp, lw),
      recall: boot(s.recall, tp, lp),
      miss_rate: boot(s.miss_rate, missed, lp),
      coverage: coverage ? coverage[g] : null,
    };
  });
}

/** Coverage (labeled warnings / warnings) resamples every village: warnings occur in villages without labels too. */
function coverageBootstrapByGroup(
  labels: FrameLabels,
  bands: Int8Array,
  clusters: Clusters,
  options: BootstrapOptions,
  of: Int32Array,
  groups: number,
): BootstrapInterval[] {
  const k = clusters.names.length;
  const lw = new Int32Array(k * groups), warnings = new Int32Array(k * groups);
  for (let h = 0; h < bands.length; h++) {
    const g = of[h];
    if (g < 0 || bands[h] < 0) continue;
    const at = g * k + clusters.of[h];
    warnings[at]++;
    if (labels.labeled[h]) lw[at]++;
  }
  const draws = drawClusters(k, options.replicates, options.seed);
  return Array.from(
    { length: groups },
    (_, g) =>
      bootstrapRatio(lw.subarray(g * k, (g + 1) * k), warnings.subarray(g * k, (g + 1) * k), draws, options.replicates),
  );
}

/** {@link frameCounts} for every group of a partition at once, in one pass. */
export function frameCountsByGroup(
  labels: FrameLabels,
  bands: Int8Array,
  of: Int32Array,
  groups: number,
): FrameCounts[] {
  const out: FrameCounts[] = Array.from({ length: groups }, () => ({
    households: 0,
    warnings: 0,
    labeled: 0,
    labeledWarnings: 0,
    truePositives: 0,
    labeledPositives: 0,
  }));
  for (let h = 0; h < bands.length; h++) {
    const g = of[h];
    if (g < 0) continue;
    const c = out[g];
    c.households++;
    const warned = bands[h] >= 0;
    if (warned) c.warnings++;
    if (!labels.labeled[h]) continue;
    c.labeled++;
    const need = labels.need[h] === 1;
    if (need) c.labeledPositives++;
    if (warned) {
      c.labeledWarnings++;
      if (need) c.truePositives++;
    }
  }
  return out;
}

/** The villages in which a frame has labeled households (sorted). */
export function frameVillages(labels: FrameLabels, clusters: Clusters): string[] {
  return [...frameClusters(labels, clusters)].map((c) => clusters.names[c]);
}
