/**
 * The scenario file of `deno task loop` (contract §5), parsed by zod. Every problem is reported at
 * its path (`departments[2].staff: …`), all at once: structure first (types, unknown fields,
 * unknown distributions, negative staff), then the fields that depend on each other (a batch after
 * the horizon, an application department that is not listed), then — once the model has scored
 * the data — the departments the scenario's cases can reach that are not listed.
 */
import { z } from "zod";
import { InputError, type Problem } from "../contract/mod.ts";
import { DISTRIBUTIONS } from "./distributions.ts";

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be > 0`);
const nonNegative = (what: string) => z.number({ error: `${what} must be a number` }).min(0, `${what} must be ≥ 0`);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date must be written YYYY-MM-DD").refine(
  (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
  "not a calendar date",
);

const DistributionSchema = z.discriminatedUnion("dist", [
  z.strictObject({ dist: z.literal("exponential"), mean: positive("mean") }),
  z.strictObject({ dist: z.literal("fixed"), value: nonNegative("value") }),
  z.strictObject({ dist: z.literal("uniform"), min: nonNegative("min"), max: nonNegative("max") }).refine(
    (d) => d.min <= d.max,
    { message: "uniform needs min ≤ max", path: ["max"] },
  ),
  z.strictObject({
    dist: z.literal("triangular"),
    min: nonNegative("min"),
    mode: nonNegative("mode"),
    max: nonNegative("max"),
  }).refine((d) => d.min <= d.mode && d.mode <= d.max, {
    message: "triangular needs min ≤ mode ≤ max",
    path: ["mode"],
  }),
  z.strictObject({ dist: z.literal("lognormal"), mean: positive("mean"), cv: nonNegative("cv") }),
], { error: `unknown distribution; expected one of ${DISTRIBUTIONS.join(", ")}` });

const DepartmentSchema = z.strictObject({
  id: z.string().min(1, "a department id must not be empty"),
  staff: z.number({ error: "staff must be a number" }).int("staff must be a whole number").min(
    1,
    "staff must be at least 1",
  ),
  service_days: DistributionSchema,
  /** Queue discipline: `fcfs` (first come, first served) or `band` (higher warning band first, then FCFS). */
  discipline: z.enum(["fcfs", "band"], { error: "discipline must be fcfs or band" }).default("fcfs"),
  /** A stage limit: a task at this department should finish within this many days of being queued. */
  time_limit_days: positive("time_limit_days").optional(),
  /**
   * The chance that, after working on a case, this department finds it belongs elsewhere and
   * transfers it (转办) to `transfer_to`; capped per case by the scenario's `max_transfers`.
   */
  transfer_probability: z.number({ error: "transfer_probability must be a number" }).min(0).max(
    1,
    "transfer_probability must be between 0 and 1",
  ).default(0),
  transfer_to: z.string().min(1).optional(),
});

const VerificationSchema = z.strictObject({
  /**
   * Where the probability that a verified case is in need comes from: `dataset` (the dataset's
   * verified rows, by band for warnings and overall for applications) or a fixed `probability`.
   */
  need: z.union([z.literal("dataset"), z.number().min(0).max(1)], {
    error: 'need must be "dataset" or a probability between 0 and 1',
  }).default("dataset"),
});

/** The scenario schema (structure only; cross-field checks are in {@link parseScenario}). */
export const ScenarioSchema = z.strictObject({
  seed: z.number({ error: "seed must be a number" }).int("seed must be a whole number").min(0).max(
    4294967295,
    "seed must be below 2^32",
  ),
  replications: z.number({ error: "replications must be a number" }).int("replications must be a whole number")
    .min(1, "replications must be at least 1").max(100000),
  horizon_days: positive("horizon_days"),
  /** Statistics (waits, utilisation) count only from this day on; cases before it still run. */
  warmup_days: nonNegative("warmup_days").default(0),
  clock: z.enum(["calendar", "working"], { error: "clock must be calendar or working" }).default("calendar"),
  start_date: date.default("2024-01-01"),
  holidays: z.array(date).default([]),
  workdays: z.array(date).default([]),
  time_limit_days: positive("time_limit_days"),
  discovery: z.strictObject({
    batches: z.array(z.strictObject({ day: nonNegative("day") })).default([]),
    /**
     * `every_batch` (the default): each batch warns every household the model warns. `split`: the
     * model's warned households are divided among the batches (each enters in one batch, the same
     * one in every replication and scenario: by a hash of its id), as the pilot's two batches
     * together held the year's 687 warnings.
     */
    warnings: z.enum(["every_batch", "split"], { error: "warnings must be every_batch or split" }).default(
      "every_batch",
    ),
    applications_per_day: nonNegative("applications_per_day").default(0),
    applications_department: z.string().min(1).optional(),
    /**
     * The share of applications made by households of the dataset (drawn uniformly; the rest come
     * from outside it). After the window such a case goes on to the departments its household's
     * warning would be dispatched to (the model's routing).
     */
    applications_from_dataset: z.number({ error: "applications_from_dataset must be a number" }).min(0).max(
      1,
      "applications_from_dataset must be between 0 and 1",
    ).default(0),
  }),
  departments: z.array(DepartmentSchema).min(1, "list at least one department"),
  /** Band cut-offs to use instead of the model's, by band id (the data is re-scored with the fast path). */
  bands: z.record(z.string(), z.number({ error: "a band cut-off must be a number" })).optional(),
  /** Indicator points to use instead of the model's, by indicator id (re-scored with the fast path). */
  points: z.record(z.string(), z.number({ error: "points must be a number" })).optional(),
  verification: VerificationSchema.optional(),
  /**
   * Escalation (督办): when a case has been open for `at_risk_share` of its time limit it is at risk,
   * and its waiting tasks (and any it queues later) go ahead of every task not escalated.
   */
  escalation: z.strictObject({
    at_risk_share: z.number({ error: "at_risk_share must be a number" }).gt(0, "at_risk_share must be > 0").max(
      1,
      "at_risk_share must be at most 1",
    ),
    /**
     * A higher office (a listed department, e.g. the county's supervision office 县督办) that takes
     * over escalated work: a case's tasks still waiting when it is at risk, and any task still
     * waiting past its department's `time_limit_days`, leave their queue and are served there.
     */
    to: z.string().min(1, "escalation.to must name a department").optional(),
  }).optional(),
  /** Transfers per case at most (first-question responsibility: after that the department keeps the case). */
  max_transfers: z.number().int("max_transfers must be a whole number").min(0, "max_transfers must be ≥ 0").default(
    1,
  ),
  /**
   * `dataset`: a case found in need receives an assistance type drawn with the shares of the
   * dataset's verified rows in need of its channel, and an amount resampled from those rows'
   * `amount_yuan` of that type (needs `verification`).
   */
  assistance: z.literal("dataset", { error: 'assistance must be "dataset"' }).optional(),
});

/** A parsed scenario, defaults filled. */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A department of a scenario. */
export type DepartmentSpec = Scenario["departments"][number];

function pathText(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, "");
}

/** A problem at `path` of the scenario file. */
export function scenarioProblem(file: string, path: readonly PropertyKey[], message: string): Problem {
  return { file, message: `${pathText(path) || "(scenario)"}: ${message}` };
}

/** Cross-field checks on the raw JSON, defensive about types (zod reports those). */
function crossCheck(raw: unknown, file: string): Problem[] {
  const out: Problem[] = [];
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
  const s = raw as Record<string, unknown>;
  const horizon = typeof s.horizon_days === "number" ? s.horizon_days : null;
  const ids = new Set<string>();
  if (Array.isArray(s.departments)) {
    s.departments.forEach((d, i) => {
      const id = (d as { id?: unknown })?.id;
      if (typeof id !== "string") return;
      if (ids.has(id)) out.push(scenarioProblem(file, ["departments", i, "id"], `department "${id}" is listed twice`));
      ids.add(id);
    });
    s.departments.forEach((d, i) => {
      const dep = d as { id?: unknown; transfer_probability?: unknown; transfer_to?: unknown };
      if (!dep || typeof dep !== "object") return;
      const to = dep.transfer_to;
      if (typeof dep.transfer_probability === "number" && dep.transfer_probability > 0 && to === undefined) {
        out.push(
          scenarioProblem(file, ["departments", i, "transfer_to"], "transfer_probability > 0 needs transfer_to"),
        );
      }
      if (typeof to === "string" && (!ids.has(to) || to === dep.id)) {
        out.push(
          scenarioProblem(
            file,
            ["departments", i, "transfer_to"],
            to === dep.id
              ? "a department cannot transfer to itself"
              : `department "${to}" is not listed in departments`,
          ),
        );
      }
    });
  }
  const to = (s.escalation as { to?: unknown } | undefined)?.to;
  if (typeof to === "string" && Array.isArray(s.departments) && !ids.has(to)) {
    out.push(scenarioProblem(file, ["escalation", "to"], `department "${to}" is not listed in departments`));
  }
  if (horizon !== null && typeof s.warmup_days === "number" && s.warmup_days >= horizon) {
    out.push(
      scenarioProblem(file, ["warmup_days"], `warm-up (${s.warmup_days}) must end before the horizon (${horizon})`),
    );
  }
  if (s.assistance !== undefined && s.verification === undefined) {
    out.push(scenarioProblem(file, ["assistance"], 'assistance needs verification (add "verification": {})'));
  }
  const discovery = s.discovery as Record<string, unknown> | undefined;
  if (discovery && typeof discovery === "object") {
    if (Array.isArray(discovery.batches) && horizon !== null) {
      discovery.batches.forEach((b, i) => {
        const day = (b as { day?: unknown })?.day;
        if (typeof day === "number" && day >= horizon) {
          out.push(
            scenarioProblem(
              file,
              ["discovery", "batches", i, "day"],
              `batch on day ${day} is not before the horizon (horizon_days ${horizon})`,
            ),
          );
        }
      });
    }
    const rate = discovery.applications_per_day;
    const dep = discovery.applications_department;
    if (typeof rate === "number" && rate > 0 && dep === undefined) {
      out.push(
        scenarioProblem(
          file,
          ["discovery", "applications_department"],
          "applications arrive (applications_per_day > 0) but no applications_department receives them",
        ),
      );
    }
    if (typeof dep === "string" && Array.isArray(s.departments) && !ids.has(dep)) {
      out.push(
        scenarioProblem(
          file,
          ["discovery", "applications_department"],
          `department "${dep}" is not listed in departments (listed: ${[...ids].join(", ") || "none"})`,
        ),
      );
    }
  }
  return out;
}

/** Parses a scenario's JSON text; throws `InputError` listing every problem by path. */
export function parseScenario(text: string, file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ file, message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return scenarioOf(raw, file);
}

/** Validates a scenario object (as `parseScenario`, without the JSON step). */
export function scenarioOf(raw: unknown, file: string): Scenario {
  const result = ScenarioSchema.safeParse(raw);
  const problems: Problem[] = [];
  for (const issue of result.success ? [] : result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push(scenarioProblem(file, [...issue.path, key], "unknown field"));
    } else problems.push(scenarioProblem(file, issue.path, issue.message));
  }
  problems.push(...crossCheck(raw, file));
  if (problems.length > 0) throw new InputError(problems);
  return result.data!;
}
