/**
 * What the calibrate, audit and compare commands load once: the scored population (fast path),
 * the verified rows, each frame's labels and the village clusters.
 */
import type { Db } from "../db/mod.ts";
import type { CompiledModel } from "../model/mod.ts";
import { allFrameLabels, type Clusters, clustersOf, FRAME_NAMES, type FrameLabels, type FrameName } from "./frames.ts";
import type { VerifiedRow } from "./metrics.ts";
import { readVerified } from "./outputs.ts";
import { type Population, scorePopulation } from "./population.ts";

/** A scored population with its verified outcomes. */
export interface EvaluationContext {
  population: Population;
  verified: VerifiedRow[];
  frames: Record<FrameName, FrameLabels>;
  clusters: Clusters;
  /** Labeled households per frame. */
  labeled: Record<FrameName, number>;
}

/** The context from labels already read (pure: tests build populations by hand). */
export function contextOf(population: Population, verified: VerifiedRow[]): EvaluationContext {
  const frames = allFrameLabels(population.frame.householdIds, verified);
  const labeled = {} as Record<FrameName, number>;
  for (const f of FRAME_NAMES) labeled[f] = frames[f].labeled.reduce((a, b) => a + b, 0);
  return { population, verified, frames, clusters: clustersOf(population.frame.villages), labeled };
}

/** Scores the population with the compiled model and reads the verified rows. */
export async function loadContext(
  db: Pick<Db, "exec" | "all" | "columns">,
  compiled: CompiledModel,
): Promise<EvaluationContext> {
  const population = await scorePopulation(db, compiled);
  return contextOf(population, await readVerified(db));
}
