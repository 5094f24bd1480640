/**
 * The merge's bench entry (`deno task bench`, or alone: `deno run -A scripts/_bench_merge.ts
 * [--sources <folder>]`): the merge of the demo county's department sources (~145,000 persons,
 * ~430,000 records; generated into a temporary folder unless `data/demo-sources` exists) on native
 * DuckDB, beside a reference of the same run — native DuckDB reading every source's records.csv
 * into a table — with the linkage's pairwise precision and recall against the truth file.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../src/db/mod.ts";
import { mergeSources } from "../src/merge/mod.ts";
import { DEMO_SEED, generateCounty, PARAMS } from "../src/synth/mod.ts";
import { writeDemoSources } from "./demo_sources.ts";

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Native DuckDB reading every `records.csv` below `folder` into a table; returns seconds and rows. */
async function readReference(folder: string): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  const db = await openDb("native");
  let rows = 0;
  try {
    for (
      const entry of [...Deno.readDirSync(folder)].filter((e) => e.isDirectory).sort((a, b) => a.name < b.name ? -1 : 1)
    ) {
      const file = join(folder, entry.name, "records.csv");
      if (!existsSync(file)) continue;
      await db.exec(
        `create table "s_${entry.name}" as select * from read_csv('${file.replaceAll("'", "''")}', all_varchar = true)`,
      );
      const [r] = await db.all(`select count(*)::double as n from "s_${entry.name}"`);
      rows += Number(r.n);
    }
  } finally {
    await db.close();
  }
  return { seconds: (performance.now() - t0) / 1000, rows };
}

/** Runs the merge bench, logging one line and adding its figures to `results`. */
export async function benchMerge(log: (s: string) => void, results: Record<string, number>, sources?: string) {
  let folder = sources ?? (existsSync("data/demo-sources/truth.csv") ? "data/demo-sources" : "");
  let tmp = "";
  if (!folder) {
    tmp = await mkdtemp(join(tmpdir(), "bench-merge-"));
    folder = tmp;
    await writeDemoSources(generateCounty(PARAMS, DEMO_SEED, PARAMS.households), DEMO_SEED, folder);
  }
  try {
    const reference = await readReference(folder);
    const db = await openDb("native");
    let result;
    try {
      result = await mergeSources(db, folder);
    } finally {
      await db.close();
    }
    const r = result.report;
    const q = r.quality;
    results.merge_s = round(result.timings.seconds);
    results.merge_records = r.records.read;
    results.merge_persons = r.persons;
    results.merge_read_reference_s = round(reference.seconds);
    results.merge_vs_read = round(result.timings.seconds / reference.seconds);
    if (q) {
      results.merge_precision = round(q.pairwise.precision ?? 0);
      results.merge_recall = round(q.pairwise.recall ?? 0);
    }
    const steps = Object.entries(result.timings.steps).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ");
    log(
      `merge (${r.records.read} records of ${r.sources.length} sources → ${r.persons} persons${
        q ? `; pairwise precision ${q.pairwise.precision?.toFixed(4)}, recall ${q.pairwise.recall?.toFixed(4)}` : ""
      }): ${
        result.timings.seconds.toFixed(1)
      } s (${steps}; target ≤ 60 s) = ${results.merge_vs_read}× native DuckDB reading the same sources in this run (${
        reference.seconds.toFixed(1)
      } s)`,
    );
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--sources");
  const results: Record<string, number> = {};
  await benchMerge(console.log, results, at >= 0 ? Deno.args[at + 1] : undefined);
  console.log(JSON.stringify(results));
}
