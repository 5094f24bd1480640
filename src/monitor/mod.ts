/**
 * The monitoring database: a native DuckDB file that is the county's durable home for its data
 * from month to month. Each month's dataset is validated by the loader and stored as a snapshot
 * (tables keyed by `snapshot`); each warning batch scores a snapshot, records every household's
 * band against the previous batch (`new`, `continued`, `changed`, `cleared`) with the main
 * indicators behind it. Every write is one transaction: a failed import leaves the file as it was.
 * The file records its schema version (read.ts); another version, or a file that is not ours, is
 * refused unchanged. A batch opens as a dataset for `evaluate`/`audit --db --batch` (source.ts:
 * verified = the snapshot's verified rows + the batch's returns), and a month as dataset files for
 * the notebooks (export.ts, on duckdb-wasm). The command line is `deno task db <verb> --db <file>`
 * (scripts/db.ts).
 *
 * ```ts
 * import { parseModel } from "../contract/mod.ts";
 * import { readDatasetFolder } from "../ingest/mod.ts";
 * import { batchCsv, importSnapshot, listSnapshots, openMonitor, warnBatch } from "./mod.ts";
 *
 * const file = await Deno.makeTempFile({ suffix: ".duckdb" });
 * await Deno.remove(file);
 * const mdb = await openMonitor(file, { create: true });
 * await importSnapshot(mdb, await readDatasetFolder("data/sample"), "2024-07", { folder: "data/sample" });
 * const modelFile = "models/county-default.json";
 * const model = parseModel(await Deno.readTextFile(modelFile), modelFile);
 * const batch = await warnBatch(mdb, model, modelFile, "2024-07");
 * console.log((await listSnapshots(mdb))[0].households, batch.batchId, batchCsv(batch.rows).split("\n")[1]);
 * await mdb.close();
 * await Deno.remove(file);
 * ```
 */
export * from "./read.ts";
export * from "./store.ts";
export * from "./batch.ts";
export * from "./dispatch.ts";
export * from "./feedback.ts";
export * from "./changes.ts";
export * from "./source.ts";
export * from "./export.ts";
