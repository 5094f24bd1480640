/**
 * What the audit, calibration and comparison reports share: the provenance section (model, data,
 * method, the frames), the columns of a frame's figures, and interval rows for the figures.
 */
import { FRAME_DEFINITIONS, FRAME_NAMES, type FrameMetrics, type FrameName } from "../evaluate/frames.ts";
import type { IntervalPoint } from "./intervals.ts";
import { flagLabel, FRAME_TITLES, labelText } from "./labels.ts";
import { ci, type Column, column, facts, paragraph, pct, type Row, type Section, subsection, table } from "./view.ts";

/** "全面摸排（样本村） Survey frame (fully surveyed sample villages)". */
export function frameTitle(f: FrameName): string {
  return labelText(FRAME_TITLES[f]);
}

/** The table of the three frames: channel, labeled households, what each supports. */
function frameDefinitions(labeled?: Record<FrameName, number>) {
  return table(
    [
      column("frame", "text"),
      column("channel", "text"),
      column("labeled_households", "number"),
      column("supports", "text"),
      column("description", "text"),
    ],
    FRAME_NAMES.map((f): Row => {
      const d = FRAME_DEFINITIONS[f];
      return {
        frame: frameTitle(f),
        channel: d.channel,
        labeled_households: labeled ? labeled[f] : null,
        supports: Object.entries(d.supports).filter(([, v]) => v).map(([k]) => k).join(", "),
        description: d.description,
      };
    }),
  );
}

/** The first section of every report: model, data and method, then the frames. */
export function provenanceSection(
  items: [zh: string, en: string, value: string][],
  labeled?: Record<FrameName, number>,
  method?: string,
): Section {
  return {
    id: "method",
    title: { zh: "来源与方法", en: "Provenance and method" },
    blocks: [
      facts(items),
      ...(method ? [paragraph(method, "note")] : []),
      subsection({
        title: { zh: "评估口径", en: "Evaluation frames" },
        notes: [
          "各口径分开计算，每个数字都标明口径；召回率和漏报率只来自全面摸排口径。Frames are kept apart; every figure names its frame; recall and miss rate come only from the survey frame.",
        ],
        blocks: [frameDefinitions(labeled)],
      }),
    ],
  };
}

/** The columns of a frame's figures, shared by every table of frame figures. */
export const METRIC_COLUMNS: Column[] = [
  column("warnings", "number"),
  column("labeled", "number"),
  column("labeled_warnings", "number"),
  column("true_positives", "number"),
  column("precision", "interval"),
  column("fdr", "interval"),
  column("recall", "interval"),
  column("miss_rate", "interval"),
  column("coverage", "interval"),
  column("needs_missed", "number"),
  column("flags", "flag"),
];

type Boot = { ci95: [number, number] | null } | null | undefined;

/** The cells of a frame's figures (all "—" when the frame has none), with bootstrap intervals if given. */
export function metricCells(m: FrameMetrics | null | undefined, bootstrap?: { precision?: Boot; recall?: Boot }): Row {
  if (!m) return Object.fromEntries(METRIC_COLUMNS.map((c) => [c.key, null]));
  const boot = (b: Boot) => (b && b.ci95 ? ` 自助 boot ${ci(b.ci95)}` : "");
  return {
    warnings: m.warnings,
    labeled: m.labeled,
    labeled_warnings: m.labeled_warnings,
    true_positives: m.true_positives,
    precision: { value: m.precision, ci95: m.precision_ci95, suffix: boot(bootstrap?.precision) },
    fdr: { value: m.false_discovery_rate, ci95: m.false_discovery_rate_ci95 },
    recall: { value: m.recall, ci95: m.recall_ci95, suffix: boot(bootstrap?.recall) },
    miss_rate: { value: m.miss_rate, ci95: m.miss_rate_ci95 },
    coverage: { value: m.coverage, ci95: m.coverage_ci95 },
    needs_missed: m.needs_missed === null
      ? null
      : m.frame === "application"
      ? `${m.needs_missed} / ${m.labeled_positives} (${pct(m.missed_share)})`
      : m.needs_missed,
    flags: { flags: m.flags.map(flagLabel) },
  };
}

/** An interval point from an estimate and its interval, or null where there is no estimate. */
export function intervalPoint(
  label: string,
  value: number | null,
  ci95: [number, number] | null | undefined,
  extra: Partial<IntervalPoint> = {},
): IntervalPoint | null {
  if (value === null || !ci95) return null;
  return { label, value, lo: ci95[0], hi: ci95[1], ...extra };
}

/** The non-null points. */
export function points(rows: readonly (IntervalPoint | null)[]): IntervalPoint[] {
  return rows.filter((r): r is IntervalPoint => r !== null);
}

/** "red ≥ 30, orange ≥ 20" (or "(none)"). */
export function bandsText(cuts: readonly { id: string; min: number }[]): string {
  return cuts.map((b) => `${b.id} ≥ ${b.min}`).join(", ") || "(none)";
}
