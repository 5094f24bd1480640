/**
 * `audit.json`: the whole audit of one model on one dataset — each frame's figures with Wilson and
 * village-cluster bootstrap intervals, per batch, per group with disparities, department workload,
 * and batch-to-batch drift — with the method stated (frames, z, bootstrap, group definitions).
 */
import type { z } from "zod";
import type { AuditJson, modelIdentitySchema } from "../contract/outputs.ts";
import { bootstrapSettings } from "./bootstrap.ts";
import {
  type BootstrapOptions,
  FRAME_DEFINITIONS,
  FRAME_NAMES,
  frameBootstrap,
  frameLabelsOf,
  type FrameMetrics,
  frameMetrics,
  type FrameName,
  frameVillages,
  MIN_LABELED,
} from "./frames.ts";
import type { EvaluationContext } from "./context.ts";
import { auditDimension, auditDimensions, DISPARITY_BOUNDS, type MemberGroups } from "./audit.ts";
import { batchDrift, PSI_EPSILON } from "./drift.ts";
import { bandCounts, departmentWorkloadOf } from "./population.ts";
import { Z95 } from "./wilson.ts";

/** A model's identity in outputs. */
export type ModelIdentity = z.infer<typeof modelIdentitySchema>;

/** One frame's overall audit: its definition, whether the data has it, its figures and bootstrap. */
export type FrameAudit = AuditFile["frames"][FrameName];

/** `audit.json`: its type is its schema's (src/contract/outputs.ts). */
export type AuditFile = AuditJson;

/** Builds the audit. */
export function auditOf(input: {
  context: EvaluationContext;
  model: ModelIdentity;
  data: { folder: string; digest: string };
  towns: (string | null)[] | null;
  memberGroups: MemberGroups;
  references?: Record<string, string>;
  bootstrap: BootstrapOptions;
  driftChannel?: string;
}): AuditFile {
  const { context } = input;
  const pop = context.population;
  const notes: string[] = [];
  const frames = {} as Record<FrameName, FrameAudit>;
  const present: Partial<Record<FrameName, (typeof context.frames)[FrameName]>> = {};
  for (const f of FRAME_NAMES) {
    const d = FRAME_DEFINITIONS[f];
    const has = context.labeled[f] > 0;
    if (has) present[f] = context.frames[f];
    else notes.push(`No verified rows of channel ${f}: the ${f} frame's figures are absent.`);
    frames[f] = {
      name_zh: d.name_zh,
      name_en: d.name_en,
      channel: d.channel,
      supports: { ...d.supports },
      description: d.description,
      present: has,
      villages: has ? frameVillages(context.frames[f], context.clusters) : [],
      overall: has ? frameMetrics(f, context.frames[f], pop.bands) : null,
      bootstrap: has ? frameBootstrap(f, context.frames[f], pop.bands, context.clusters, input.bootstrap) : null,
    };
  }
  // Object.fromEntries: a batch named `__proto__` is an own key like any other.
  const batches: AuditFile["batches"] = Object.fromEntries(
    [...new Set(context.verified.map((r) => r.batch))].sort().map((batch) => {
      const entry: Partial<Record<FrameName, FrameMetrics>> = {};
      for (const f of FRAME_NAMES) {
        if (!context.verified.some((r) => r.batch === batch && r.channel === f)) continue;
        const labels = frameLabelsOf(pop.frame.householdIds, context.verified, f, { batch });
        entry[f] = frameMetrics(f, labels, pop.bands);
      }
      return [batch, entry];
    }),
  );
  const { dimensions, skipped } = auditDimensions(
    {
      villages: pop.frame.villages,
      categories: pop.frame.categories,
      members: pop.frame.members,
      towns: input.towns,
      memberGroups: input.memberGroups,
    },
    input.references ?? {},
  );
  const groups = dimensions.map((d) => auditDimension(d, pop.bands, present, context.clusters, input.bootstrap));
  for (const s of skipped) notes.push(`${s.name_en} (${s.id}): ${s.reason}`);
  const drift = batchDrift(
    {
      householdIds: pop.frame.householdIds,
      perCapita: pop.perCapita,
      indicators: pop.coefficients.map((c) => c.id),
      offsets: pop.frame.offsets,
      indicatorIndex: pop.frame.indicatorIndex,
      hitCount: pop.frame.hitCount,
    },
    context.verified,
    input.driftChannel ?? "warning",
  );
  for (const c of drift.comparisons) {
    if (c.baseline_households < MIN_LABELED || c.households < MIN_LABELED) {
      notes.push(
        `Drift ${c.baseline} → ${c.batch}: fewer than ${MIN_LABELED} households in a batch (${c.baseline_households} and ${c.households}); PSI is unstable at this size.`,
      );
    }
  }
  return {
    command: "audit",
    model: input.model,
    data: {
      folder: input.data.folder,
      digest: input.data.digest,
      households: pop.frame.size,
      labeled: context.labeled,
    },
    method: {
      z: Z95,
      min_labeled: MIN_LABELED,
      disparity_bounds: DISPARITY_BOUNDS,
      bootstrap: bootstrapSettings(input.bootstrap.seed, input.bootstrap.replicates),
      departments:
        "A warned household counts once for each department (the model's `department` field) of its fired indicators (hits > 0) with positive weighted points; indicators without one count as `unassigned`.",
      drift: {
        bins: "score: the baseline batch's deciles (distinct edges); indicator: fired / not fired",
        epsilon: PSI_EPSILON,
        verdicts: "PSI < 0.1 stable; 0.1 ≤ PSI < 0.25 moderate shift; PSI ≥ 0.25 major shift",
      },
      groups: groups.map((g) => ({
        id: g.id,
        definition: g.definition,
        reference: g.reference,
        reference_rule: g.reference_rule,
        bootstrap: g.bootstrap,
      })),
    },
    frames,
    bands: { cuts: pop.bandCuts, counts: bandCounts(pop.bands, pop.bandCuts) },
    workload: departmentWorkloadOf(pop),
    batches,
    groups,
    skipped_groups: skipped,
    drift,
    notes,
  };
}
