/**
 * The demo county end to end, as steps that are pure functions of a spec and a seed — except the
 * scorer and the evaluator, which the caller passes in (the command line builds them from
 * `src/ingest` + `src/score` + `src/evaluate`; the pages from DuckDB-wasm). The steps:
 *
 * 1. `generateCounty`: households and members (with their latent state) → `countyTables`.
 * 2. `score(tables, model)`: which households the model warns (the caller's engine).
 * 3. `needsOf` + `makeVerified`: verified cases from the latent need model and the warned set.
 * 4. `evaluate(tables, scores, model)` and `headlineOf`: the figures printed after generation.
 */
import type { Model } from "../contract/mod.ts";
import { type CountyNaming, DEMO_NAMING, generateCounty } from "./county.ts";
import { type EvaluationLike, type Headline, headlineOf, type MetricsLike } from "./headline.ts";
import { PARAMS, type Params } from "./params.ts";
import { countyTables, type DemoTables, withVerified } from "./tables.ts";
import type { County } from "./types.ts";
import { makeVerified, needsOf, type Verified } from "./verify.ts";

/** The default seed of the demo county. */
export const DEMO_SEED = 20240601;

/** Which county to generate: how many households, from which seed, with which parameters. */
export interface CountySpec {
  households: number;
  seed: number;
  /** Default `PARAMS` (documented in data/README.md). */
  params?: Params;
  /** Default `DEMO_NAMING` (plain ids, Xiaochang's towns); a province's counties prefix both. */
  naming?: CountyNaming;
}

/** A scored household as the generator needs it: its id and band (null where not warned). */
export interface BandRow {
  household_id: string;
  band: string | null;
}

/** Scores the households and members tables with the model, in process. */
export type Scorer = (tables: DemoTables, model: Model) => Promise<readonly BandRow[]>;

/** Measures the warnings against the verified rows (`tables.verified`), as `deno task evaluate` does. */
export type Evaluator<M extends MetricsLike = MetricsLike> = (
  tables: DemoTables,
  scores: readonly BandRow[],
  model: Model,
) => Promise<EvaluationLike<M>>;

/** A generated and scored demo county. */
export interface DemoCounty {
  spec: Required<CountySpec>;
  county: County;
  /** All three tables (verified included). */
  tables: DemoTables;
  scores: readonly BandRow[];
  /** Ids of the households the model warns. */
  warned: ReadonlySet<string>;
  verified: Verified;
}

/** The households the scores warn (a band that is not null). */
export function warnedOf(scores: readonly BandRow[]): Set<string> {
  return new Set(scores.filter((r) => r.band !== null).map((r) => r.household_id));
}

/** Generates the county of `spec`, scores it with `score`, and draws its verified cases. */
export async function demoCounty(spec: CountySpec, model: Model, score: Scorer): Promise<DemoCounty> {
  const full = { params: PARAMS, naming: DEMO_NAMING, ...spec };
  const county = generateCounty(full.params, full.seed, full.households, full.naming);
  const base = countyTables(county, full.seed);
  const scores = await score(base, model);
  const warned = warnedOf(scores);
  const needs = needsOf(county, full.params, full.seed);
  const verified = makeVerified(county, warned, needs, full.params, full.seed);
  return { spec: full, county, tables: withVerified(base, verified.rows), scores, warned, verified };
}

/** The headline figures of a demo county, its warnings measured by `evaluate`. */
export async function demoHeadline<M extends MetricsLike>(
  demo: DemoCounty,
  model: Model,
  evaluate: Evaluator<M>,
): Promise<Headline<M>> {
  const evaluation = await evaluate(demo.tables, demo.scores, model);
  return headlineOf(demo.county, demo.verified.rows, demo.warned, evaluation, demo.verified.survey);
}
