/**
 * A batch of the monitoring database as a dataset: the tables `households`, `members` and
 * `verified` of the batch's snapshot, with the departments' returns of the batch added to
 * `verified` (read.ts `batchVerifiedSql`), in a working database, and a load report shaped like
 * the loader's — so that `evaluate` and `audit` run the very code they run on a folder. The file
 * is attached read-only: reading a batch never changes it.
 */
import { canonicalJson, InputError, type Model, parseModel, sha256Hex } from "../contract/mod.ts";
import type { Db } from "../db/types.ts";
import type { LoadReport, TableReport } from "../ingest/mod.ts";
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import {
  batchesOf,
  type BatchInfo,
  batchList,
  batchVerifiedSql,
  feedbackRowsOf,
  SNAPSHOT_TABLES,
  snapshotsOf,
} from "./read.ts";
import { type MonitorDb, openMonitor, useSnapshot } from "./store.ts";

/** A batch opened as a dataset. */
export interface BatchSource {
  /** The working database with `households`, `members`, `verified` (the file stays attached as `m`, read-only). */
  mdb: MonitorDb;
  db: Db;
  batch: BatchInfo;
  /** The load report: `folder` is `<file> batch <id>`, `digest` the snapshot's (see {@link batchDigest}). */
  report: LoadReport;
  /** The model the batch was scored with, as stored with it. */
  model: Model;
  /** Departments' returns of the batch added to `verified`. */
  returns: number;
  /** The month was imported again (`--replace`) after the batch was scored: its tables are not those the batch scored. */
  replacedSince: boolean;
}

/**
 * The digest of a batch's data: the snapshot's digest (the folder's, as imported) when the batch
 * has no returns — so the outputs equal those of the folder — and otherwise a SHA-256 over the
 * snapshot's digest and the returns (canonical JSON, in household and department order).
 */
export async function batchDigest(snapshotDigest: string, batchId: string, returns: unknown[]): Promise<string> {
  if (returns.length === 0) return snapshotDigest;
  return await sha256Hex(`${snapshotDigest}\nfeedback ${batchId}\t${await sha256Hex(canonicalJson(returns))}`);
}

/**
 * Opens batch `batchId` of the database `file` read-only as a dataset (BatchSource). An unknown
 * batch is an InputError listing the known ones.
 */
export async function openBatchSource(file: string, batchId: string): Promise<BatchSource> {
  const mdb = await openMonitor(file, { readOnly: true });
  try {
    const { db } = mdb;
    const batches = await batchesOf(db);
    const batch = batches.find((b) => b.batch_id === batchId);
    if (!batch) {
      throw new InputError([{
        file,
        message: `holds no batch "${batchId}"; give one of the batches in the file: ${batchList(batches)}`,
      }]);
    }
    const schema = await useSnapshot(mdb, batch.as_of);
    const returns = await feedbackRowsOf(db, batchId);
    if (returns.length > 0) {
      await db.exec(`CREATE TABLE _snapshot_verified AS SELECT * FROM verified`);
      await db.exec(`DROP TABLE verified`);
      await db.exec(`CREATE TABLE verified AS ${batchVerifiedSql("SELECT * FROM _snapshot_verified", batchId)}`);
      await db.exec(`DROP TABLE _snapshot_verified`);
    }
    const modelRows = await db.all(`SELECT model_json FROM m.batches WHERE batch_id = ${lit(batchId)}`);
    const model = parseModel(String(modelRows[0].model_json), `${file} (model of batch ${batchId})`);
    const snapshot = (await snapshotsOf(db)).find((s) => s.as_of === batch.as_of)!;
    const tables: TableReport[] = [];
    for (const table of SNAPSHOT_TABLES) {
      const n = Number((await db.all(`SELECT count(*) AS n FROM ${q(table)}`))[0].n);
      tables.push({
        table,
        file: `${file} snapshot ${batch.as_of}${
          table === "verified" && returns.length ? ` + returns of ${batchId}` : ""
        }`,
        format: "csv",
        rowsRead: n,
        accepted: n,
        rejected: 0,
        columns: [],
      });
    }
    const report: LoadReport = {
      folder: `${file} batch ${batchId}`,
      valid: true,
      lenient: false,
      tables,
      problems: [],
      problemCount: 0,
      rejected: [],
      ignored: [],
      schema,
      digest: await batchDigest(snapshot.digest, batchId, returns),
    };
    const replacedSince = snapshot.imported_at > batch.created_at;
    return { mdb, db, batch, report, model, returns: returns.length, replacedSince };
  } catch (error) {
    await mdb.close();
    throw error;
  }
}
