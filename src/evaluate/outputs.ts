/**
 * The files the command line writes (contract §3): `scores.csv` and `evaluation.json`, rendered
 * deterministically (fixed column and key order, numbers at full precision) so that the same data
 * and model give byte-identical files on either engine.
 */
import type { EvaluationJson } from "../contract/outputs.ts";
import { toCsv } from "../base/csv.ts";
import type { Model } from "../contract/mod.ts";
import type { Db } from "../db/mod.ts";
import type { ScoredRow } from "../score/mod.ts";
import { evaluateByBatch, type VerifiedRow } from "./metrics.ts";

/** `scores.csv`: one row per household in the given (contract) order; `band` empty where not warned. */
export function scoresCsv(rows: readonly ScoredRow[]): string {
  return toCsv(
    ["household_id", "village", "category", "members", "total_points", "per_capita", "band"],
    rows.map((r) => [r.household_id, r.village, r.category, r.members, r.total_points, r.per_capita, r.band]),
  );
}

/** Reads the verified rows loaded by ingest (an empty table when the dataset has none). */
export async function readVerified(db: Pick<Db, "all">): Promise<VerifiedRow[]> {
  const columns = new Set(
    (await db.all("SELECT column_name FROM information_schema.columns WHERE table_name = 'verified'"))
      .map((r) => String(r.column_name)),
  );
  const optional = ["assistance", "amount_yuan"].map((c) => (columns.has(c) ? c : `NULL AS ${c}`));
  const rows = await db.all(
    `SELECT household_id, batch, channel, need, ${
      optional.join(", ")
    } FROM verified ORDER BY household_id, batch, channel`,
  );
  return rows as unknown as VerifiedRow[];
}

/** `evaluation.json` as an object, keys in the contract's order: its type is its schema's (src/contract/outputs.ts). */
export type EvaluationFile = EvaluationJson;

/** Builds `evaluation.json` from the scored households and the verified rows. */
export function evaluationOf(
  model: Model,
  modelSha256: string,
  dataDigest: string,
  scored: readonly ScoredRow[],
  verified: readonly VerifiedRow[],
): EvaluationFile {
  const warned = new Set(scored.filter((r) => r.band !== null).map((r) => r.household_id));
  return evaluationOfWarned(model, modelSha256, dataDigest, warned, verified);
}

/** Builds `evaluation.json` from the ids of the warned households and the verified rows. */
export function evaluationOfWarned(
  model: Model,
  modelSha256: string,
  dataDigest: string,
  warned: ReadonlySet<string>,
  verified: readonly VerifiedRow[],
): EvaluationFile {
  const { overall, batches } = evaluateByBatch(warned, verified);
  return {
    model: { id: model.id, version: model.version, sha256: modelSha256 },
    data: { digest: dataDigest },
    overall,
    batches,
  };
}
