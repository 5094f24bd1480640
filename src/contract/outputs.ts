/**
 * The JSON files the command line writes — `evaluation.json`, `audit.json`, `calibration.json`,
 * `comparison.json`, `loop.json` — as zod schemas: the code form of what each file holds. A writer validates its
 * object before writing it ({@link outputJson}); a reader parses a file back through the same schema
 * ({@link readOutput}). Objects are strict: a field the schema does not name is an error, so the
 * schema cannot silently drift from the file. The text written is the writer's own object, so key
 * order (and the bytes) stay those of the builder.
 */
import { z } from "zod";

const num = z.number();
const ratio = num.nullable();
const interval = z.tuple([num, num]);
const ci = interval.nullable();
/**
 * A record keyed by data (batches, departments, bands). zod's `z.record` refuses an object with an
 * own key `constructor` (its plain-object test reads `o.constructor`), so a department or band named
 * "constructor" would fail validation: this checks the own entries instead.
 */
const dataRecord = <T extends z.ZodType>(value: T) =>
  z.custom<Record<string, z.output<T>>>(
    (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) &&
      Object.values(v).every((x) => value.safeParse(x).success),
    { message: "Expected an object of values keyed by name" },
  );
const counts = dataRecord(num);

/** The three evaluation frames (contract: verified channels). */
export const frameNameSchema = z.enum(["survey", "warning", "application"]);
const byFrame = <T extends z.ZodType>(value: T) =>
  z.strictObject({ survey: value, warning: value, application: value });
const someFrames = <T extends z.ZodType>(value: T) =>
  z.strictObject({ survey: value.optional(), warning: value.optional(), application: value.optional() });

/** A model's identity in outputs. */
export const modelIdentitySchema = z.strictObject({
  id: z.string(),
  version: z.string(),
  sha256: z.string(),
  file: z.string().optional(),
});

const bandCut = z.strictObject({ id: z.string(), min: num });

// ---------------------------------------------------------------- evaluation.json

/** The figures of contract §3 for one set of verified rows. */
export const warningMetricsSchema = z.strictObject({
  warnings: num,
  labeled_warnings: num,
  true_positives: num,
  precision: ratio,
  precision_ci95: ci,
  labeled_positives: num,
  recall: ratio,
  coverage: ratio,
});

/** `evaluation.json` (contract §3). */
export const evaluationFileSchema = z.strictObject({
  model: z.strictObject({ id: z.string(), version: z.string(), sha256: z.string() }),
  data: z.strictObject({ digest: z.string() }),
  overall: warningMetricsSchema,
  batches: dataRecord(warningMetricsSchema),
});

// ---------------------------------------------------------------- frames and bootstrap

/** One frame's figures for one set of warnings. */
export const frameMetricsSchema = z.strictObject({
  frame: frameNameSchema,
  households: num,
  warnings: num,
  labeled: num,
  labeled_warnings: num,
  true_positives: num,
  false_positives: num,
  labeled_positives: num,
  needs_missed: num.nullable(),
  precision: ratio,
  precision_ci95: ci,
  false_discovery_rate: ratio,
  false_discovery_rate_ci95: ci,
  recall: ratio,
  recall_ci95: ci,
  miss_rate: ratio,
  miss_rate_ci95: ci,
  coverage: ratio,
  coverage_ci95: ci,
  missed_share: ratio,
  missed_share_ci95: ci,
  flags: z.array(z.string()),
});

/** A village-cluster bootstrap interval. */
export const bootstrapIntervalSchema = z.strictObject({
  ci95: ci,
  replicates: num,
  undefined_replicates: num,
  clusters: num,
  effective_clusters: num,
  few_clusters: z.boolean(),
});

/** Bootstrap intervals of one frame's figures. */
export const frameBootstrapSchema = z.strictObject({
  clusters: num,
  precision: bootstrapIntervalSchema.nullable(),
  recall: bootstrapIntervalSchema.nullable(),
  miss_rate: bootstrapIntervalSchema.nullable(),
  coverage: bootstrapIntervalSchema.nullable(),
});

/** How the bootstrap was run. */
export const bootstrapSettingsSchema = z.strictObject({
  seed: num,
  replicates: num,
  generator: z.literal("mulberry32"),
  resampling: z.literal("villages with replacement"),
  interval: z.literal("percentile (2.5%, 97.5%), linear interpolation (type 7)"),
});

const supports = z.record(z.string(), z.boolean());
const labeledByFrame = byFrame(num);

// ---------------------------------------------------------------- audit.json

const disparity = z.strictObject({ ratio: ratio, flagged: z.boolean(), few_cases: z.boolean() });

/** One group's row in the audit. */
export const groupRowSchema = z.strictObject({
  group: z.string(),
  label: z.string(),
  reference: z.boolean(),
  households: num,
  warnings: num,
  warn_rate: ratio,
  warn_rate_ci95: ci,
  warn_rate_bootstrap: bootstrapIntervalSchema.nullable(),
  frames: someFrames(frameMetricsSchema.extend({ bootstrap: frameBootstrapSchema.nullable() })),
  disparity: z.strictObject({
    warn_rate: disparity,
    frames: someFrames(z.record(z.string(), disparity)),
  }),
  flagged: z.array(z.string()),
});

/** One dimension of the group audit. */
export const dimensionAuditSchema = z.strictObject({
  id: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  definition: z.string(),
  reference: z.string(),
  reference_rule: z.string(),
  bootstrap: z.boolean(),
  rows: z.array(groupRowSchema),
});

const psiVerdict = z.enum(["stable", "moderate", "major"]);

/** Batch-to-batch drift. */
export const batchDriftSchema = z.strictObject({
  channel: z.string(),
  population: z.string(),
  batches: z.array(z.strictObject({ batch: z.string(), households: num })),
  comparisons: z.array(z.strictObject({
    baseline: z.string(),
    batch: z.string(),
    baseline_households: num,
    households: num,
    score: z.strictObject({
      psi: num,
      verdict: psiVerdict,
      edges: z.array(num),
      baseline_counts: z.array(num),
      counts: z.array(num),
    }),
    indicators: z.array(z.strictObject({
      id: z.string(),
      baseline_rate: num,
      rate: num,
      psi: num,
      verdict: psiVerdict,
    })),
    moderate: z.array(z.string()),
    major: z.array(z.string()),
  })),
  notes: z.array(z.string()),
});

/** `audit.json`. */
export const auditFileSchema = z.strictObject({
  command: z.literal("audit"),
  model: modelIdentitySchema,
  data: z.strictObject({ folder: z.string(), digest: z.string(), households: num, labeled: labeledByFrame }),
  method: z.strictObject({
    z: num,
    min_labeled: num,
    disparity_bounds: interval,
    bootstrap: bootstrapSettingsSchema,
    departments: z.string(),
    drift: z.strictObject({ bins: z.string(), epsilon: num, verdicts: z.string() }),
    groups: z.array(z.strictObject({
      id: z.string(),
      definition: z.string(),
      reference: z.string(),
      reference_rule: z.string(),
      bootstrap: z.boolean(),
    })),
  }),
  frames: byFrame(z.strictObject({
    name_zh: z.string(),
    name_en: z.string(),
    channel: z.string(),
    supports,
    description: z.string(),
    present: z.boolean(),
    villages: z.array(z.string()),
    overall: frameMetricsSchema.nullable(),
    bootstrap: frameBootstrapSchema.nullable(),
  })),
  bands: z.strictObject({ cuts: z.array(bandCut), counts }),
  workload: counts,
  batches: dataRecord(someFrames(frameMetricsSchema)),
  groups: z.array(dimensionAuditSchema),
  skipped_groups: z.array(
    z.strictObject({ id: z.string(), name_zh: z.string(), name_en: z.string(), reason: z.string() }),
  ),
  drift: batchDriftSchema,
  notes: z.array(z.string()),
});

// ---------------------------------------------------------------- calibration.json

const sideBySide = z.strictObject({
  frame: frameNameSchema,
  frame_name: z.string(),
  role: z.enum(["fit (in-sample)", "evaluation", "out-of-sample"]),
  scope: z.string(),
  before: frameMetricsSchema,
  after: frameMetricsSchema,
});

/** `calibration.json`. */
export const calibrationFileSchema = z.strictObject({
  command: z.literal("calibrate"),
  model: z.strictObject({ input: modelIdentitySchema, output: modelIdentitySchema }),
  data: z.strictObject({ folder: z.string(), digest: z.string(), households: num, labeled: labeledByFrame }),
  method: z.strictObject({
    mode: z.enum(["precision", "capacity", "quantiles"]),
    rule: z.string(),
    upper: z.enum(["shift", "keep"]),
    z: num,
    min_labeled: num,
    frames: byFrame(z.strictObject({
      channel: z.string(),
      name_zh: z.string(),
      name_en: z.string(),
      supports,
      description: z.string(),
    })),
    bootstrap: bootstrapSettingsSchema,
  }),
  bands: z.strictObject({ before: z.array(bandCut), after: z.array(bandCut) }),
  /** The fit's own figures: their fields depend on the mode. */
  fit: z.record(z.string(), z.unknown()),
  threshold_stability: z.strictObject({
    replicates: num,
    infeasible: num,
    quantiles: z.strictObject({ p025: num, p50: num, p975: num }).nullable(),
    clusters: num,
  }).nullable(),
  fit_frame_bootstrap: frameBootstrapSchema.nullable(),
  side_by_side: z.array(sideBySide),
  band_counts: z.strictObject({ before: counts, after: counts }),
  workload: z.strictObject({ before: counts, after: counts }),
  notes: z.array(z.string()),
  outputs: z.array(z.string()),
});

// ---------------------------------------------------------------- comparison.json

const changeCounts = {
  households: num,
  warned_a: num,
  warned_b: num,
  newly_warned: num,
  no_longer_warned: num,
  band_changed: num,
};
const change = z.enum(["newly_warned", "no_longer_warned", "band_changed"]);
const deltaKeys = [
  "warnings",
  "labeled_warnings",
  "true_positives",
  "precision",
  "recall",
  "miss_rate",
  "coverage",
  "missed_share",
] as const;

/** `comparison.json`. */
export const compareFileSchema = z.strictObject({
  command: z.literal("compare"),
  models: z.strictObject({ a: modelIdentitySchema, b: modelIdentitySchema }),
  data: z.strictObject({
    folder: z.string(),
    digest: z.string(),
    households: num,
    labeled: labeledByFrame.optional(),
  }),
  method: z.strictObject({
    z: num,
    min_labeled: num,
    frames: z.string(),
    departments: z.string(),
    change: z.string(),
  }),
  summary: z.strictObject({ ...changeCounts, unchanged: num }),
  transitions: z.array(z.strictObject({ from: z.string(), to: z.string(), count: num })),
  bands: z.strictObject({ a: z.array(bandCut), b: z.array(bandCut) }),
  frames: z.array(z.strictObject({
    frame: frameNameSchema,
    a: frameMetricsSchema,
    b: frameMetricsSchema,
    delta: z.strictObject(Object.fromEntries(deltaKeys.map((k) => [k, ratio])) as Record<
      (typeof deltaKeys)[number],
      typeof ratio
    >),
  })),
  workload: z.array(z.strictObject({ department: z.string(), a: num, b: num, change: num })),
  by_category: z.array(z.strictObject({ ...changeCounts, category: z.string() })),
  by_village: z.array(z.strictObject({ ...changeCounts, village: z.string() })),
  changes: z.array(z.strictObject({
    household_id: z.string(),
    village: z.string().nullable(),
    category: z.string().nullable(),
    band_a: z.string().nullable(),
    band_b: z.string().nullable(),
    per_capita_a: num,
    per_capita_b: num,
    change,
  })),
});

// ---------------------------------------------------------------- loop.json

/** A figure of `deno task loop`: the mean across replications and a Student-t 95% interval. */
export const loopFigureSchema = z.strictObject({ mean: ratio, ci95: ci });

const loopFigures = <K extends string>(keys: readonly K[]) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, loopFigureSchema])) as Record<K, typeof loopFigureSchema>);

/** The overall figures of `loop.json` (`share_in_need` when the scenario verifies). */
export const loopOverallSchema = loopFigures(
  [
    "cases_created",
    "cases_cleared",
    "already_open",
    "wait_days",
    "share_wait_at_most_1_day",
    "utilisation",
    "time_to_clear_days",
    "open_cases_mean",
    "cleared_within_limit",
    "open_at_horizon",
    "breached_at_horizon",
    "censored_at_horizon",
    "transfers",
    "escalated_cases",
    "escalated_to_office",
  ] as const,
).extend({ share_in_need: loopFigureSchema.optional() });

/** One department's figures of `loop.json` (`over_stage_limit` when it has its own time limit). */
export const loopDepartmentSchema = loopFigures(
  [
    "tasks",
    "wait_days",
    "share_wait_at_most_1_day",
    "utilisation",
    "queue_length",
    "cleared_within_limit",
    "open_at_horizon",
  ] as const,
).extend({ over_stage_limit: loopFigureSchema.optional() });

const needEstimate = z.strictObject({
  labeled: num,
  need: num,
  probability: num,
  ci95: ci,
  source: z.string(),
});
const fundsFigures = z.strictObject({ person_times: loopFigureSchema, yuan: loopFigureSchema });
const channelFunds = fundsFigures.extend({ by_type: dataRecord(fundsFigures) });

/** `loop.json` (contract §5): the scenario as run, the model and data, and the figures across replications. */
export const loopJsonSchema = z.strictObject({
  scenario: z.strictObject({
    file: z.string().nullable(),
    seed: num,
    replications: num,
    horizon_days: num,
    warmup_days: num,
    clock: z.enum(["calendar", "working"]),
    start_date: z.string(),
    time_limit_days: num,
    batches: z.array(num),
    warnings: z.enum(["every_batch", "split"]),
    applications_per_day: num,
    applications_department: z.string().nullable(),
    applications_from_dataset: num,
    escalation: z.strictObject({ at_risk_share: num, to: z.string().optional() }).nullable(),
    max_transfers: num,
  }),
  model: z.strictObject({ id: z.string(), version: z.string(), sha256: z.string() }).nullable(),
  data: z.strictObject({ folder: z.string(), digest: z.string() }).nullable(),
  units: z.string(),
  interval: z.string(),
  warnings: z.strictObject({
    households_per_batch: num,
    households_per_year: num,
    by_band: counts.nullable(),
    routing: z.string(),
  }),
  verification: z.union([
    z.strictObject({ need: z.literal("dataset"), source: z.string(), estimates: dataRecord(needEstimate) }),
    z.strictObject({ need: num, source: z.string() }),
  ]).nullable(),
  assistance: z.strictObject({
    source: z.string(),
    pilot: z.strictObject({ person_times: num, yuan: num, by_type: counts, note: z.string() }),
    person_times: loopFigureSchema,
    yuan: loopFigureSchema,
    time_to_assistance_days: loopFigureSchema,
    time_to_assistance_p50_days: loopFigureSchema,
    time_to_assistance_p90_days: loopFigureSchema,
    time_to_assistance_distribution: z.array(
      z.strictObject({ from: num, to: num.nullable(), share: loopFigureSchema }),
    ),
    by_channel: z.strictObject({ warning: channelFunds, application: channelFunds }),
    by_type: dataRecord(fundsFigures),
  }).nullable(),
  overall: loopOverallSchema,
  departments: dataRecord(loopDepartmentSchema),
  cleared_within_limit_by_band: dataRecord(loopFigureSchema),
  cleared_within_limit_by_channel: z.strictObject({ warning: loopFigureSchema, application: loopFigureSchema }),
  cleared_within_limit_by_assistance: dataRecord(loopFigureSchema).nullable(),
  definitions: dataRecord(z.string()),
});

/** One figure of `deno task loop --compare`: A, B and the paired difference B − A. */
export const loopPairedFigureSchema = z.strictObject({
  a: ratio,
  b: ratio,
  difference: ratio,
  ci95: ci,
  unpaired_ci95: ci,
  pairs: num,
});
const loopPairedFigures = z.strictObject({
  wait_days: loopPairedFigureSchema,
  utilisation: loopPairedFigureSchema,
  cleared_within_limit: loopPairedFigureSchema,
  open_at_horizon: loopPairedFigureSchema,
});
const loopSide = z.strictObject({
  file: z.string().nullable(),
  seed: num,
  replications: num,
  horizon_days: num,
  time_limit_days: num,
});

/** `comparison.json` of `deno task loop --compare` (not `deno task compare`'s, which {@link compareFileSchema} reads). */
export const loopComparisonSchema = z.strictObject({
  command: z.literal("loop --compare"),
  scenarios: z.strictObject({ a: loopSide, b: loopSide }),
  model: z.strictObject({ id: z.string(), version: z.string(), sha256: z.string() }).nullable(),
  data: z.strictObject({ folder: z.string(), digest: z.string() }).nullable(),
  method: z.string(),
  figures: z.array(z.string()),
  notes: z.array(z.string()),
  overall: loopPairedFigures,
  departments: dataRecord(loopPairedFigures),
});

// ---------------------------------------------------------------- writing and reading

/** The output files by name, with their schemas. */
export const OUTPUT_SCHEMAS = {
  "evaluation.json": evaluationFileSchema,
  "audit.json": auditFileSchema,
  "calibration.json": calibrationFileSchema,
  "comparison.json": compareFileSchema,
  "loop.json": loopJsonSchema,
} as const;

/** One of the JSON output files. */
export type OutputName = keyof typeof OUTPUT_SCHEMAS;

/** `evaluation.json`, as its schema reads it. */
export type EvaluationJson = z.infer<typeof evaluationFileSchema>;
/** `audit.json`, as its schema reads it. */
export type AuditJson = z.infer<typeof auditFileSchema>;
/** `calibration.json`, as its schema reads it. */
export type CalibrationJson = z.infer<typeof calibrationFileSchema>;
/** `comparison.json`, as its schema reads it. */
export type ComparisonJson = z.infer<typeof compareFileSchema>;
/** `loop.json`, as its schema reads it. */
export type LoopJsonFile = z.infer<typeof loopJsonSchema>;

function issuesText(name: string, error: z.ZodError): string {
  const lines = error.issues.slice(0, 20).map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
  const more = error.issues.length > 20 ? `\n  … and ${error.issues.length - 20} more` : "";
  return `${name} does not match its schema (src/contract/outputs.ts):\n${lines.join("\n")}${more}`;
}

/**
 * The text of an output file: the object validated against the file's schema, then written as
 * indented JSON with a final newline (the object itself, so its key order is kept). A mismatch is a
 * bug in the builder and throws an Error naming every path that does not match.
 */
export function outputJson(name: OutputName, value: unknown): string {
  const result = OUTPUT_SCHEMAS[name].safeParse(value);
  if (!result.success) throw new Error(issuesText(name, result.error));
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * Like {@link outputJson}, with the schema given: for a file whose name another schema of
 * {@link OUTPUT_SCHEMAS} holds (`deno task loop --compare`'s `comparison.json`).
 */
export function outputJsonWith(name: string, schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(issuesText(name, result.error));
  return JSON.stringify(value, null, 2) + "\n";
}

/** Parses an output file's text through its schema; throws a SyntaxError or an Error naming the paths. */
export function readOutput<N extends OutputName>(name: N, text: string): z.infer<(typeof OUTPUT_SCHEMAS)[N]> {
  const result = OUTPUT_SCHEMAS[name].safeParse(JSON.parse(text));
  if (!result.success) throw new Error(issuesText(name, result.error));
  return result.data as z.infer<(typeof OUTPUT_SCHEMAS)[N]>;
}
