/**
 * Warning batches: score a stored snapshot with a model, compare each household's band with the
 * previous batch (`new`, `continued`, `changed`, `cleared`), keep the main indicators behind each
 * warning, and record it all in the database file in one transaction.
 */
import { toCsv } from "../base/csv.ts";
import { plainNumber } from "../base/format.ts";
import { quoteText as lit } from "../base/sql.ts";
import { InputError, type Model, modelDigest } from "../contract/mod.ts";
import { compileModel, contributionsSql } from "../model/mod.ts";
import { type ContributionRow, scoreHouseholds } from "../score/mod.ts";
import { checkMonth, inTransaction, type MonitorDb, useSnapshot } from "./store.ts";

/** A household's status against the previous batch. */
export type BatchStatus = "new" | "continued" | "changed" | "cleared";

/** One row of `batch.csv`. */
export interface BatchRow {
  household_id: string;
  category: string | null;
  members: number;
  total_points: number | null;
  per_capita: number | null;
  /** The band now; null for a `cleared` household. */
  band: string | null;
  previous_band: string | null;
  status: BatchStatus;
  /** The main indicators behind the warning: `id: points` (points to 2 decimals), largest first, `; ` between. */
  indicators: string;
}

/** How many indicators `batch.csv` lists per household. */
export const TOP_INDICATORS = 3;

/** The batch id of a model on a month: `<YYYY-MM>_<model id>`. */
export function batchIdOf(asOf: string, model: Model): string {
  return `${asOf}_${model.id}`;
}

/** What `warnBatch` did. */
export interface BatchResult {
  batchId: string;
  previousBatch: string | null;
  rows: BatchRow[];
  scored: number;
}

/**
 * Scores the snapshot of `asOf` with `model` and records the batch. The previous batch is the
 * latest batch of the same model id on an earlier month. A second batch of the same model and
 * month is refused unless `replace`.
 */
export async function warnBatch(
  mdb: MonitorDb,
  model: Model,
  modelFile: string,
  asOf: string,
  options: { replace?: boolean; now?: string } = {},
): Promise<BatchResult> {
  checkMonth(asOf);
  const { db } = mdb;
  const batchId = batchIdOf(asOf, model);
  const existing = await db.all(`SELECT 1 FROM m.batches WHERE batch_id = ${lit(batchId)}`);
  if (existing.length > 0 && !options.replace) {
    throw new InputError([{
      file: mdb.file,
      message: `already holds batch ${batchId} (model ${model.id} on ${asOf}); add --replace to score it again`,
    }]);
  }
  const laterBatch = await db.all(
    `SELECT batch_id FROM m.batches WHERE model_id = ${lit(model.id)} AND as_of > ${lit(asOf)} LIMIT 1`,
  );
  if (laterBatch.length > 0 && !options.replace) {
    throw new InputError([{
      file: mdb.file,
      message: `already holds the later batch ${laterBatch[0]
        .batch_id as string} of model ${model.id}; batches are made month after month (add --replace to score ${asOf} anyway)`,
    }]);
  }
  const schema = await useSnapshot(mdb, asOf);
  const compiled = compileModel(model, schema, modelFile);
  const scored = await scoreHouseholds(db, compiled);
  // Contributions of the warned households only (all 50,000 would cost seconds and gigabytes).
  const warnedNow = scored.filter((r) => r.band !== null).map((r) => r.household_id);
  await db.exec(`CREATE OR REPLACE TEMP TABLE _monitor_warned (household_id VARCHAR)`);
  for (let i = 0; i < warnedNow.length; i += 1000) {
    await db.exec(
      `INSERT INTO _monitor_warned VALUES ${warnedNow.slice(i, i + 1000).map((id) => `(${lit(id)})`).join(", ")}`,
    );
  }
  const contributions = (await db.all(`SELECT c.* FROM (${contributionsSql(compiled)}) AS c
WHERE c.household_id IN (SELECT household_id FROM _monitor_warned) AND (c.hits > 0 OR c.points <> 0)
ORDER BY c.household_id, c.indicator_index`)) as unknown as ContributionRow[];
  await db.exec(`DROP TABLE _monitor_warned`);
  const top = new Map<string, { indicator: string; points: number; index: number }[]>();
  for (const c of contributions) {
    if (!(c.points > 0)) continue;
    let list = top.get(c.household_id);
    if (!list) top.set(c.household_id, list = []);
    list.push({ indicator: c.indicator, points: c.points, index: c.indicator_index });
  }
  const indicatorsOf = (id: string) =>
    (top.get(id) ?? [])
      .sort((a, b) => b.points - a.points || a.index - b.index)
      .slice(0, TOP_INDICATORS)
      .map((t) => `${t.indicator}: ${plainNumber(Math.round(t.points * 100) / 100)}`)
      .join("; ");

  const prev = await db.all(
    `SELECT batch_id FROM m.batches WHERE model_id = ${lit(model.id)} AND as_of < ${
      lit(asOf)
    } ORDER BY as_of DESC LIMIT 1`,
  );
  const previousBatch = prev.length > 0 ? prev[0].batch_id as string : null;
  const previousBands = new Map<string, string>();
  if (previousBatch !== null) {
    for (
      const r of await db.all(
        `SELECT household_id, band FROM m.batch_rows WHERE batch_id = ${
          lit(previousBatch)
        } AND band IS NOT NULL ORDER BY household_id`,
      )
    ) previousBands.set(r.household_id as string, r.band as string);
  }
  const rows: BatchRow[] = [];
  const seen = new Set<string>();
  for (const s of scored) {
    seen.add(s.household_id);
    const previous = previousBands.get(s.household_id) ?? null;
    if (s.band === null && previous === null) continue;
    const status: BatchStatus = s.band === null
      ? "cleared"
      : previous === null
      ? "new"
      : previous === s.band
      ? "continued"
      : "changed";
    rows.push({
      household_id: s.household_id,
      category: s.category,
      members: s.members,
      total_points: s.total_points,
      per_capita: s.per_capita,
      band: s.band,
      previous_band: previous,
      status,
      indicators: s.band === null ? "" : indicatorsOf(s.household_id),
    });
  }
  // Households warned last time that are no longer in the snapshot at all are cleared too.
  for (const [id, band] of [...previousBands].filter(([id]) => !seen.has(id))) {
    rows.push({
      household_id: id,
      category: null,
      members: 0,
      total_points: null,
      per_capita: null,
      band: null,
      previous_band: band,
      status: "cleared",
      indicators: "",
    });
  }
  const now = options.now ?? new Date().toISOString();
  const sha = await modelDigest(model);
  const warned = rows.filter((r) => r.band !== null).length;
  await inTransaction(mdb, async () => {
    for (const t of ["batches", "batch_rows", "contributions"]) {
      await db.exec(`DELETE FROM m.${t} WHERE batch_id = ${lit(batchId)}`);
    }
    await db.exec(
      `INSERT INTO m.batches VALUES (${lit(batchId)}, ${lit(asOf)}, ${lit(model.id)}, ${lit(model.version)}, ${
        lit(sha)
      }, ${lit(JSON.stringify(model))}, ${previousBatch === null ? "NULL" : lit(previousBatch)}, ${
        lit(now)
      }, ${warned})`,
    );
    await insertRows(
      mdb,
      "batch_rows",
      rows.map((r) => [
        batchId,
        r.household_id,
        r.category,
        r.members,
        r.total_points,
        r.per_capita,
        r.band,
        r.previous_band,
        r.status,
        r.indicators,
      ]),
    );
    const warnedIds = new Set(rows.filter((r) => r.band !== null).map((r) => r.household_id));
    await insertRows(
      mdb,
      "contributions",
      contributions.filter((c) => warnedIds.has(c.household_id) && c.hits > 0).map((c) => [
        batchId,
        c.household_id,
        c.indicator,
        c.hits,
        c.weight,
        c.points,
      ]),
    );
  });
  return { batchId, previousBatch, rows, scored: scored.length };
}

function sqlValue(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return Number.isFinite(v) ? plainNumber(v) : "NULL";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return lit(String(v));
}

/** Inserts rows into a file table, a thousand per statement. */
export async function insertRows(mdb: MonitorDb, table: string, rows: readonly (readonly unknown[])[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows.slice(i, i + 1000).map((r) => `(${r.map(sqlValue).join(", ")})`).join(",\n");
    await mdb.db.exec(`INSERT INTO m.${table} VALUES ${values}`);
  }
}

/** The columns of `batch.csv`. */
export const BATCH_COLUMNS = [
  "household_id",
  "band",
  "previous_band",
  "status",
  "category",
  "members",
  "total_points",
  "per_capita",
  "indicators",
] as const;

/** `batch.csv`: warned households in score order, then the cleared ones. */
export function batchCsv(rows: readonly BatchRow[]): string {
  const ordered = [...rows.filter((r) => r.band !== null), ...rows.filter((r) => r.band === null)];
  return toCsv(
    BATCH_COLUMNS,
    ordered.map((r) => BATCH_COLUMNS.map((c) => r[c])),
  );
}
