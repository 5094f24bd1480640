/**
 * Band calibration by simulation (issue 5, item 4): choose the cut-offs by a target precision, a
 * capacity or quantiles; then report, side by side for the input and the calibrated bands, every
 * frame's figures — the fit frame in-sample, and the other frames both over all their households
 * and out of sample (households outside the fit frame's villages).
 */
import { type BootstrapSettings, bootstrapSettings, drawClusters, quantileSorted } from "../evaluate/bootstrap.ts";
import {
  type BootstrapOptions,
  type Clusters,
  clustersOf,
  FRAME_DEFINITIONS,
  FRAME_NAMES,
  type FrameBootstrap,
  frameBootstrap,
  frameClusters,
  type FrameLabels,
  type FrameMetrics,
  frameMetrics,
  type FrameName,
} from "../evaluate/frames.ts";
import { bandCounts, departmentWorkloadOf, type Population, withBands } from "../evaluate/population.ts";
import { type SweepTable, sweepTable } from "../evaluate/sweep_table.ts";
import { Z95 } from "../evaluate/wilson.ts";
import type { BandCut } from "../model/mod.ts";
import { bandsWithLowest, bandsWithMins, CalibrationError, type UpperRule } from "./bands.ts";
import {
  type Capacity,
  capacityIndex,
  labeledOf,
  labeledPrecisionCurve,
  type PrecisionPoint,
  quantileIndexes,
  targetPrecisionOnCurve,
} from "./threshold.ts";

/** How to choose the cut-offs. */
export type CalibrationMethod =
  | { mode: "precision"; target: number; frame: FrameName }
  | { mode: "capacity"; capacity: Capacity }
  | { mode: "quantiles"; quantiles: number[] };

/** What calibration needs. */
export interface CalibrationInput {
  population: Population;
  frames: Record<FrameName, FrameLabels>;
  method: CalibrationMethod;
  upper?: UpperRule;
  bootstrap: BootstrapOptions;
  /** The sweep of the population, when already computed. */
  table?: SweepTable;
}

/** One frame's figures under the input and the calibrated bands. */
export interface SideBySide {
  frame: FrameName;
  frame_name: string;
  /** `fit (in-sample)`, `evaluation` (all the frame's households) or `out-of-sample` (outside the fit villages). */
  role: "fit (in-sample)" | "evaluation" | "out-of-sample";
  scope: string;
  before: FrameMetrics;
  after: FrameMetrics;
}

/** How the threshold itself varies when the fit frame's villages are resampled. */
export interface ThresholdStability {
  replicates: number;
  /** Replicates in which no threshold met the target. */
  infeasible: number;
  /** 2.5%, 50% and 97.5% quantiles of the chosen thresholds of feasible replicates. */
  quantiles: { p025: number; p50: number; p975: number } | null;
  clusters: number;
}

/** The outcome of a calibration. */
export interface CalibrationOutcome {
  /** Plain words of the rule applied. */
  rule: string;
  /** Short tag for the new version. */
  tag: string;
  before: BandCut[];
  after: BandCut[];
  fit: Record<string, unknown>;
  /** Fit frame precision curve (precision mode). */
  curve: PrecisionPoint[] | null;
  stability: ThresholdStability | null;
  side_by_side: SideBySide[];
  /** What could not be reported, and why. */
  notes: string[];
  bootstrap: { settings: BootstrapSettings; fit_frame: FrameBootstrap | null };
  band_counts: { before: Record<string, number>; after: Record<string, number> };
  workload: { before: Record<string, number>; after: Record<string, number> };
  table: SweepTable;
}

/** Checks a precision target: a number in (0, 1). */
export function checkTarget(target: number): number {
  if (!(target > 0 && target < 1)) {
    throw new RangeError(`Expected the target precision to be a number between 0 and 1 but found ${target}`);
  }
  return target;
}

/** Re-runs rule (a) on resampled villages of the fit frame: how stable is the chosen threshold? */
export function thresholdStability(
  perCapita: Float64Array,
  labels: FrameLabels,
  villages: readonly (string | null)[],
  target: number,
  options: BootstrapOptions,
): ThresholdStability {
  const clusters = clustersOf(villages);
  const chosen = frameClusters(labels, clusters);
  const byCluster: { scores: number[]; need: number[] }[] = Array.from(
    { length: chosen.length },
    () => ({ scores: [], need: [] }),
  );
  const position = new Int32Array(clusters.names.length).fill(-1);
  chosen.forEach((c, j) => (position[c] = j));
  for (let h = 0; h < perCapita.length; h++) {
    if (!labels.labeled[h] || Number.isNaN(perCapita[h])) continue;
    const j = position[clusters.of[h]];
    byCluster[j].scores.push(perCapita[h]);
    byCluster[j].need.push(labels.need[h]);
  }
  const k = chosen.length;
  if (k === 0) return { replicates: options.replicates, infeasible: options.replicates, quantiles: null, clusters: 0 };
  const draws = drawClusters(k, options.replicates, options.seed);
  const found: number[] = [];
  for (let r = 0; r < options.replicates; r++) {
    const scores: number[] = [], need: number[] = [];
    for (let j = 0; j < k; j++) {
      const c = byCluster[draws[r * k + j]];
      for (let i = 0; i < c.scores.length; i++) {
        scores.push(c.scores[i]);
        need.push(c.need[i]);
      }
    }
    const { chosen: p } = targetPrecisionOnCurve(labeledPrecisionCurve(scores, need), target);
    if (p) found.push(p.threshold);
  }
  found.sort((a, b) => a - b);
  return {
    replicates: options.replicates,
    infeasible: options.replicates - found.length,
    quantiles: found.length === 0
      ? null
      : { p025: quantileSorted(found, 0.025)!, p50: quantileSorted(found, 0.5)!, p975: quantileSorted(found, 0.975)! },
    clusters: k,
  };
}

function frameName(f: FrameName): string {
  return `${FRAME_DEFINITIONS[f].name_zh} ${FRAME_DEFINITIONS[f].name_en}`;
}

/** The bands a rule chose, with what the rule found. */
interface Choice {
  after: BandCut[];
  fit: Record<string, unknown>;
  rule: string;
  tag: string;
  curve: PrecisionPoint[] | null;
  stability: ThresholdStability | null;
  /** The frame the rule was fitted on (precision rule only). */
  fitFrame: FrameName | null;
}

/** How the bands above the lowest follow it, in words. */
function upperWords(upper: UpperRule): string {
  return upper === "shift" ? "the other bands keep their distances above it." : "the other bands keep their min.";
}

/**
 * The steps of a calibration, in order: choose the bands by the method's rule, measure both band
 * sets side by side on every frame, note what the figures cannot say, bootstrap the fit frame.
 */
const CHOOSE: { [M in CalibrationMethod["mode"]]: (input: CalibrationInput, table: SweepTable) => Choice } = {
  precision: (input) => byPrecision(input),
  capacity: (input, table) => byCapacity(input, table),
  quantiles: (input, table) => byQuantiles(input, table),
};

/** Rule (a): the lowest band where the Wilson lower bound of precision in the fit frame reaches the target. */
function byPrecision(input: CalibrationInput): Choice {
  const { population: pop, frames } = input;
  const method = input.method as Extract<CalibrationMethod, { mode: "precision" }>;
  const upper = input.upper ?? "shift";
  const target = checkTarget(method.target);
  const fitFrame = method.frame;
  if (!FRAME_DEFINITIONS[fitFrame].supports.precision) {
    throw new CalibrationError(
      `The ${fitFrame} frame cannot support precision (${
        FRAME_DEFINITIONS[fitFrame].description
      }); fit on --frame survey or --frame warning`,
    );
  }
  const labels = frames[fitFrame];
  const { scores, need } = labeledOf(pop.perCapita, labels);
  const curve = labeledPrecisionCurve(scores, need, Z95);
  const { chosen, best, candidates } = targetPrecisionOnCurve(curve, target);
  if (scores.length === 0) {
    throw new CalibrationError(
      `No threshold can be calibrated: the ${fitFrame} frame has no labeled households (no verified rows of channel ${fitFrame})`,
    );
  }
  if (!chosen) {
    throw new CalibrationError(
      `No threshold reaches the target: at no distinct per-capita score of the ${scores.length} labeled households of the ${fitFrame} frame does the Wilson lower bound of precision reach ${target}` +
        (best
          ? `; the highest lower bound is ${best.lower} (precision ${best.true_positives}/${best.labeled_warnings} at per-capita ≥ ${best.threshold}). Lower the target or add verified cases`
          : ""),
    );
  }
  return {
    after: bandsWithLowest(pop.bandCuts, chosen.threshold, upper),
    rule:
      `Lowest band min = the smallest distinct per-capita score t of the ${fitFrame} frame's labeled households at which the Wilson lower bound (z = ${Z95}) of precision among labeled households with per-capita ≥ t reaches ${target}; ` +
      upperWords(upper),
    tag: `p${target}-${fitFrame}`,
    curve,
    stability: thresholdStability(pop.perCapita, labels, pop.frame.villages, target, input.bootstrap),
    fitFrame,
    fit: {
      frame: fitFrame,
      target,
      z: Z95,
      threshold: chosen.threshold,
      labeled: scores.length,
      labeled_warnings: chosen.labeled_warnings,
      true_positives: chosen.true_positives,
      precision: chosen.precision,
      precision_ci95: [chosen.lower, chosen.upper],
      lower_bound: chosen.lower,
      meets_target: chosen.lower >= target,
      candidates_checked: candidates,
    },
  };
}

/** Checks a capacity: at least one limit, each a whole number ≥ 0. */
function checkCapacity(c: Capacity): void {
  if (c.overall === undefined && Object.keys(c.departments ?? {}).length === 0) {
    throw new RangeError("Expected a capacity: overall warnings per batch and/or warnings per department");
  }
  const limits: [string, number | undefined][] = [["overall", c.overall], ...Object.entries(c.departments ?? {})];
  for (const [name, v] of limits) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
      throw new RangeError(`Expected the capacity of ${name} to be a whole number ≥ 0 but found ${v}`);
    }
  }
}

/** Rule (b): the lowest band where warnings in one batch stay within the capacity. */
function byCapacity(input: CalibrationInput, table: SweepTable): Choice {
  const c = (input.method as Extract<CalibrationMethod, { mode: "capacity" }>).capacity;
  const upper = input.upper ?? "shift";
  checkCapacity(c);
  const at = capacityIndex(table, c);
  if (at < 0) {
    throw new CalibrationError(
      `No threshold fits the capacity: even at the highest per-capita score (${
        table.thresholds[0]
      }) warnings exceed it (${table.warnings[0]} overall${
        table.departments.map((d, i) => `, ${d} ${table.byDepartment[i][0]}`).join("")
      })`,
    );
  }
  const limits = [
    c.overall !== undefined ? `${c.overall} overall` : null,
    ...Object.entries(c.departments ?? {}).map(([d, v]) => `${v} for ${d}`),
  ].filter(Boolean).join(", ");
  const perDepartment = Object.keys(c.departments ?? {}).length > 0
    ? " (a warned household counts for each department of its fired positive-points indicators)"
    : "";
  return {
    after: bandsWithLowest(input.population.bandCuts, table.thresholds[at], upper),
    rule:
      `Lowest band min = the smallest distinct per-capita score at which warnings in one batch stay within ${limits}${perDepartment}; ${
        upperWords(upper)
      }`,
    tag: "capacity",
    curve: null,
    stability: null,
    fitFrame: null,
    fit: {
      capacity: c,
      threshold: table.thresholds[at],
      warnings: table.warnings[at],
      departments: Object.fromEntries(table.departments.map((d, i) => [d, table.byDepartment[i][at]])),
      next_lower_threshold: at + 1 < table.thresholds.length ? table.thresholds[at + 1] : null,
      warnings_at_next_lower: at + 1 < table.thresholds.length ? table.warnings[at + 1] : null,
    },
  };
}

/** Rule (c): band i where at most a share 1 − qᵢ of all scored households are at or above it. */
function byQuantiles(input: CalibrationInput, table: SweepTable): Choice {
  const qs = (input.method as Extract<CalibrationMethod, { mode: "quantiles" }>).quantiles;
  for (const q of qs) {
    if (!(q > 0 && q < 1)) throw new RangeError(`Expected quantiles between 0 and 1 but found ${q}`);
  }
  let households = 0;
  for (const v of input.population.perCapita) if (!Number.isNaN(v)) households++;
  const idx = quantileIndexes(table, households, qs);
  const bad = idx.findIndex((i) => i < 0);
  if (bad >= 0) {
    throw new CalibrationError(
      `No threshold warns at most a share ${1 - qs[bad]} of households (quantile ${
        qs[bad]
      }): the top score alone is shared by more`,
    );
  }
  const after = bandsWithMins(input.population.bandCuts, idx.map((i) => table.thresholds[i]));
  return {
    after,
    rule:
      `Band min i = the smallest distinct per-capita score t at which at most a share 1 − qᵢ of all scored households have per-capita ≥ t, for q = ${
        qs.join(", ")
      }.`,
    tag: `q${qs.join("-")}`,
    curve: null,
    stability: null,
    fitFrame: null,
    fit: {
      quantiles: qs,
      households,
      bands: after.map((b, i) => ({
        id: b.id,
        quantile: qs[i],
        min: b.min,
        at_or_above: table.warnings[idx[i]],
        share: table.warnings[idx[i]] / households,
      })),
    },
  };
}

/**
 * Every frame under the input and the calibrated bands: the fit frame in-sample; each other frame
 * over all its households and, after a precision fit, out of sample (outside the fit villages).
 */
function sideBySideOf(
  frames: Record<FrameName, FrameLabels>,
  bands: { before: Int8Array; after: Int8Array },
  clusters: Clusters,
  fitFrame: FrameName | null,
): { rows: SideBySide[]; notes: string[] } {
  const rows: SideBySide[] = [];
  const notes: string[] = [];
  const row = (f: FrameName, role: SideBySide["role"], scope: string, include?: Uint8Array): SideBySide => ({
    frame: f,
    frame_name: frameName(f),
    role,
    scope,
    before: frameMetrics(f, frames[f], bands.before, include),
    after: frameMetrics(f, frames[f], bands.after, include),
  });
  let outside: Uint8Array | undefined;
  if (fitFrame) {
    const fitVillages = new Set(frameClusters(frames[fitFrame], clusters));
    outside = Uint8Array.from(clusters.of, (c) => (fitVillages.has(c) ? 0 : 1));
  }
  for (const f of FRAME_NAMES.filter((f) => frames[f].labeled.some((x) => x === 1))) {
    if (f === fitFrame) {
      rows.push(row(f, "fit (in-sample)", `all labeled households of the ${f} frame`));
      continue;
    }
    rows.push(row(f, "evaluation", `all labeled households of the ${f} frame`));
    if (!outside) continue;
    const villages = frameClusters(frames[fitFrame!], clusters).length;
    if (frameMetrics(f, frames[f], bands.before, outside).labeled === 0) {
      notes.push(
        `No out-of-sample figures for the ${f} frame: all its labeled households are in the ${villages} villages of the ${fitFrame} frame.`,
      );
      continue;
    }
    rows.push(row(f, "out-of-sample", `households outside the ${villages} villages of the ${fitFrame} frame`, outside));
  }
  return { rows, notes };
}

/** Notes where the warning frame's precision speaks only for the verified few of the newly warned. */
function coverageNotes(rows: readonly SideBySide[]): string[] {
  const notes: string[] = [];
  for (const row of rows) {
    if (row.frame === "warning" && row.after.coverage !== null && row.after.coverage < 0.5) {
      notes.push(
        `Warning frame (${row.role}): only ${row.after.labeled_warnings} of the ${row.after.warnings} households warned by the calibrated bands were verified (coverage ${
          (100 * row.after.coverage).toFixed(1)
        }%); its precision speaks for those only, not for the newly warned households.`,
      );
    }
  }
  return notes;
}

/** Calibrates: chooses the bands, then measures them against the input bands on every frame. */
export function calibrate(input: CalibrationInput): CalibrationOutcome {
  const { population: pop, frames } = input;
  const table = input.table ?? sweepTable(pop, frames);
  const before = pop.bandCuts;
  const { after, fit, rule, tag, curve, stability, fitFrame } = CHOOSE[input.method.mode](input, table);
  const calibrated = withBands(pop, after);
  const clusters = clustersOf(pop.frame.villages);
  const sides = sideBySideOf(frames, { before: pop.bands, after: calibrated.bands }, clusters, fitFrame);
  return {
    rule,
    tag,
    before,
    after,
    fit,
    curve,
    stability,
    side_by_side: sides.rows,
    notes: [...sides.notes, ...coverageNotes(sides.rows)],
    bootstrap: {
      settings: bootstrapSettings(input.bootstrap.seed, input.bootstrap.replicates),
      fit_frame: fitFrame
        ? frameBootstrap(fitFrame, frames[fitFrame], calibrated.bands, clusters, input.bootstrap)
        : null,
    },
    band_counts: { before: bandCounts(pop.bands, before), after: bandCounts(calibrated.bands, after) },
    workload: { before: departmentWorkloadOf(pop), after: departmentWorkloadOf(calibrated) },
    table,
  };
}
