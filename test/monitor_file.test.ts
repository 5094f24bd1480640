import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelDigest, parseModel } from "../src/contract/mod.ts";
import { type Db, openDb } from "../src/db/mod.ts";
import { evaluationOf, readVerified } from "../src/evaluate/mod.ts";
import { type DatasetFile, loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import {
  databaseChoices,
  importFeedback,
  importSnapshot,
  openBatchSource,
  openMonitor,
  snapshotDatasetFiles,
  warnBatch,
} from "../src/monitor/mod.ts";
import { scoreHouseholds } from "../src/score/mod.ts";

// What the notebooks do with a picked database file, run here on duckdb-wasm (the notebooks' engine):
// attach it read-only, list what it holds, and turn a month into dataset files the loader reads.

const MODEL_FILE = "models/county-default.json";
const model = parseModel(readFileSync(MODEL_FILE, "utf8"), MODEL_FILE);
const BATCH = "2024-07_county-default";
const dir = mkdtempSync(join(tmpdir(), "monitor-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evaluate(db: Db, schema: Parameters<typeof compileModel>[1]) {
  const rows = await scoreHouseholds(db, compileModel(model, schema, MODEL_FILE));
  const e = evaluationOf(model, await modelDigest(model), "-", rows, await readVerified(db));
  return { overall: e.overall, batches: e.batches, bands: rows.map((r) => [r.household_id, r.band, r.per_capita]) };
}

async function loaded(files: DatasetFile[]) {
  const db = await openDb("native");
  const report = await loadDataset(db, files, { folder: "picked" });
  expect(report.problems).toEqual([]);
  const result = await evaluate(db, report.schema);
  await db.close();
  return { result, report };
}

describe("a monitoring database opened in duckdb-wasm, as the notebooks open it", () => {
  it("lists the months and batches, and a month's files load to the figures of the folder or of evaluate --db --batch", async () => {
    const file = join(dir, "county.duckdb");
    const mdb = await openMonitor(file, { create: true });
    await importSnapshot(mdb, await readDatasetFolder("data/sample"), "2024-07", { folder: "data/sample" });
    await warnBatch(mdb, model, MODEL_FILE, "2024-07");
    await importFeedback(
      mdb,
      "household_id,department,need,assistance,amount_yuan,verified_on\nH000189,education,true,education,800,2024-07-25\nH000158,civil_affairs,false,,,\n",
      "returns.csv",
      { batch: BATCH },
    );
    await mdb.close();

    const wasm = await openDb("wasm");
    const path = await wasm.registerFile("county.duckdb", { bytes: readFileSync(file) });
    await wasm.exec(`ATTACH ${path} AS m (TYPE duckdb, READ_ONLY)`);
    const choices = await databaseChoices(wasm, "county.duckdb");
    expect(choices.snapshots.map((s) => [s.as_of, s.households, s.members, s.verified])).toEqual([[
      "2024-07",
      300,
      836,
      112,
    ]]);
    expect(choices.batches.map((b) => [b.batch_id, b.as_of, b.warned, b.returns])).toEqual([[BATCH, "2024-07", 3, 2]]);

    // The snapshot as imported: the figures of the folder itself.
    const month = await snapshotDatasetFiles(wasm, "county.duckdb", { asOf: "2024-07" });
    expect(month.map((f) => f.name)).toEqual(["households.csv", "members.csv", "verified.csv", "dataset.json"]);
    const folder = await loaded(await readDatasetFolder("data/sample"));
    const fromFile = await loaded(month);
    expect(fromFile.result).toEqual(folder.result);
    expect(fromFile.report.schema).toEqual(folder.report.schema);

    // The batch: the snapshot with the batch's returns, as evaluate --db --batch reads it.
    const withReturns = await loaded(
      await snapshotDatasetFiles(wasm, "county.duckdb", { asOf: "2024-07", batchId: BATCH }),
    );
    const source = await openBatchSource(file, BATCH);
    const cli = await evaluate(source.db, source.report.schema);
    await source.mdb.close();
    expect(withReturns.result).toEqual(cli);
    expect(cli.batches[BATCH]).toMatchObject({ labeled_warnings: 2, true_positives: 1 });

    await expect(snapshotDatasetFiles(wasm, "county.duckdb", { asOf: "2024-08" })).rejects.toThrow(
      /holds no snapshot of 2024-08 \(snapshots: 2024-07\)/,
    );
    await wasm.exec("DETACH m");
    await wasm.close();
  });

  it("refuses in duckdb-wasm, with the command line's words, a DuckDB file that is not ours and a newer schema version", async () => {
    const other = join(dir, "other.duckdb");
    const native = await openDb("native");
    await native.exec(`ATTACH '${other}' AS o; CREATE TABLE o.accounts (id INTEGER); DETACH o`);
    await native.close();
    const future = join(dir, "future.duckdb");
    const mdb = await openMonitor(future, { create: true });
    await mdb.db.exec("UPDATE m.meta SET value = '7' WHERE key = 'version'");
    await mdb.close();
    const wasm = await openDb("wasm");
    for (
      const [path, pattern] of [
        [other, /other\.duckdb: is a DuckDB database but not a monitoring database/],
        [future, /future\.duckdb: is a monitoring database of schema version 7, written by a newer toolkit/],
      ] as const
    ) {
      const name = path.split("/").pop()!;
      await wasm.exec(`ATTACH ${await wasm.registerFile(name, { bytes: readFileSync(path) })} AS m (READ_ONLY)`);
      await expect(databaseChoices(wasm, name)).rejects.toThrow(pattern);
      await wasm.exec("DETACH m");
    }
    await wasm.close();
  });
});
