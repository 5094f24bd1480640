/**
 * `deno task bench [--json] [--data <folder>] [--runs N]`: measured medians on a county-sized
 * dataset (the demo county: ~52,000 households, ~145,000 persons, 55 indicators) —
 * loading CSV and Parquet on each engine, full scoring on each engine, and the interactive tick
 * (one points change re-scored with the typed-array fast path plus a full threshold sweep)
 * against the same change through native DuckDB SQL; and the closed loop (30 replications of one
 * year with scenarios/demo.json) beside the same run's full native scoring. Each load and the
 * county's whole-process `evaluate` are also given as a ratio to DuckDB alone reading the same
 * raw files in the same run (`…_vs_raw_read`), and with `--province <folder>` the province's
 * whole-process `score` as a ratio to a DuckDB reference pass of the same size
 * (`province_score_vs_reference`, scripts/_bench_province.ts).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseModel } from "../src/contract/mod.ts";
import { type Db, type EngineName, openDb } from "../src/db/mod.ts";
import { loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import {
  bandSql,
  coefficientsOf,
  type CompiledModel,
  compileModel,
  hitsSql,
  perCapitaSql,
  SCORED_ORDER,
  totalSql,
} from "../src/model/mod.ts";
import { readHits, scoreHouseholds } from "../src/score/mod.ts";
import { readVerified } from "../src/evaluate/outputs.ts";
import { scorePopulation } from "../src/evaluate/population.ts";
import { parseScenario, prepareLoop, runLoop } from "../src/loop/mod.ts";
import { buildFrame, packCoefficients, rescore, ScoreSorter, Simulator, sweep } from "../src/simulate/mod.ts";
import { parseArgs, runCommand } from "./_cli.ts";
import { referencePassMs } from "./_bench_province.ts";
import { benchWide } from "./_bench_wide.ts";
import { round, time } from "./_timing.ts";

const USAGE =
  "Usage: deno task bench [--json] [--data <dataset folder>] [--model <model.json>] [--runs N] [--province <folder>]";

/** DuckDB alone reading a folder's households and members files into tables: the reference of a load. */
async function rawRead(engine: EngineName, format: "csv" | "parquet", dir: string): Promise<void> {
  const db = await openDb(engine);
  try {
    for (const t of ["households", "members"]) {
      const file = join(dir, `${t}.${format}`);
      if (format === "parquet" && engine === "wasm") {
        await db.importParquet(t, { bytes: await Deno.readFile(file) });
        continue;
      }
      const path = await db.registerFile(
        `${t}.${format}`,
        engine === "wasm" ? { bytes: await Deno.readFile(file) } : { path: file },
      );
      await db.exec(`CREATE TABLE ${t} AS SELECT * FROM ${format === "csv" ? "read_csv" : "read_parquet"}(${path})`);
    }
  } finally {
    await db.close();
  }
}

/** Runs a script of this repository as its own process (quiet); throws when it fails. */
async function runTask(args: string[]): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", ...args], stdout: "null", stderr: "piped" });
  const { success, stderr } = await child.output();
  if (!success) throw new Error(`${args[0]} failed: ${new TextDecoder().decode(stderr).slice(-500)}`);
}

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, { values: ["data", "model", "runs", "province"], flags: ["json"] });
  const json = args.json === true;
  const log = (s: string) => (json ? console.error(s) : console.log(s));
  const runs = Math.max(20, Number(args.runs ?? 20));
  const folder = typeof args.data === "string" ? args.data : "data/demo";
  if (!existsSync(`${folder}/households.csv`)) {
    log(`No dataset at ${folder}; generating the demo county (deno task demo-data)…`);
    const gen = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/demo_data.ts", "--out", folder],
      stdout: "inherit",
      stderr: "inherit",
    });
    if (!(await gen.output()).success) throw new Error("Demo data generation failed");
  }
  const modelFile = typeof args.model === "string" ? args.model : "models/county-default.json";
  const model = parseModel(await Deno.readTextFile(modelFile), modelFile);
  const results: Record<string, number> = {};

  // Parquet copies of the tables, written by native DuckDB.
  const tmp = await mkdtemp(join(tmpdir(), "bench-"));
  const pq = join(tmp, "parquet");
  await Deno.mkdir(pq);
  {
    const db = await openDb("native");
    await loadDataset(db, await readDatasetFolder(folder), { folder });
    for (const t of ["households", "members", "verified"]) {
      await db.exec(`COPY ${t} TO '${pq}/${t}.parquet' (FORMAT parquet)`);
    }
    await db.close();
  }

  // Loading.
  let households = 0, persons = 0;
  for (const engine of ["native", "wasm"] as EngineName[]) {
    for (const [format, dir] of [["csv", folder], ["parquet", pq]] as const) {
      const ms = await time(engine === "wasm" ? 3 : 5, 1, async () => {
        const db = await openDb(engine);
        const report = await loadDataset(db, await readDatasetFolder(dir), { folder: dir });
        if (!report.valid) throw new Error(`Benchmark dataset is invalid: ${report.problems[0]?.message}`);
        households = report.tables[0].accepted;
        persons = report.tables[1].accepted;
        await db.close();
      });
      results[`load_${format}_${engine}_ms`] = round(ms);
      log(`load ${format} on ${engine}: ${ms.toFixed(1)} ms`);
    }
  }

  // The same-run reference of each load: DuckDB alone reading the raw files into tables (no checks).
  for (const engine of ["native", "wasm"] as EngineName[]) {
    for (const [format, dir] of [["csv", folder], ["parquet", pq]] as const) {
      const ms = await time(engine === "wasm" ? 3 : 5, 1, () => rawRead(engine, format, dir));
      results[`raw_read_${format}_${engine}_ms`] = round(ms);
      results[`load_${format}_${engine}_vs_raw_read`] = round(results[`load_${format}_${engine}_ms`] / ms);
      log(`raw read ${format} on ${engine} (DuckDB alone, no checks): ${ms.toFixed(1)} ms`);
    }
  }

  // Full scoring on each engine.
  let compiled!: CompiledModel;
  const dbs: Partial<Record<EngineName, Db>> = {};
  for (const engine of ["native", "wasm"] as EngineName[]) {
    const db = dbs[engine] = await openDb(engine);
    const report = await loadDataset(db, await readDatasetFolder(folder), { folder });
    compiled = compileModel(model, report.schema, modelFile);
    const ms = await time(engine === "wasm" ? 5 : 10, 1, () => scoreHouseholds(db, compiled));
    results[`full_score_${engine}_ms`] = round(ms);
    log(
      `full score on ${engine} (${households} households, ${persons} persons, ${compiled.coefficients.length} indicators): ${
        ms.toFixed(1)
      } ms`,
    );
  }
  results.full_score_ms = results.full_score_native_ms;
  results.full_score_native_vs_raw_read = round(results.full_score_native_ms / results.raw_read_csv_native_ms);

  // The county's `evaluate`, whole process (what a user waits for), against the raw CSV read.
  {
    const out = join(tmp, "evaluate");
    const ms = await time(
      3,
      0,
      () => runTask(["scripts/evaluate.ts", "--data", folder, "--model", modelFile, "--out", out, "--force"]),
    );
    results.evaluate_ms = round(ms);
    results.evaluate_vs_raw_read = round(ms / results.raw_read_csv_native_ms);
    log(
      `evaluate (whole process, median of 3): ${ms.toFixed(1)} ms = ${results.evaluate_vs_raw_read}× the raw CSV read`,
    );
  }

  // The province (--province <folder>, e.g. the demo county replicated): `score` whole process
  // against DuckDB alone doing a pass of the same size in the same run (scripts/_bench_province.ts).
  if (typeof args.province === "string") {
    const province = args.province;
    const out = join(tmp, "province");
    const reference = await referencePassMs(province, join(tmp, "reference.csv"));
    const start = performance.now();
    await runTask(["scripts/score.ts", "--data", province, "--model", modelFile, "--out", out, "--force", "--quiet"]);
    const ms = performance.now() - start;
    const reference2 = await referencePassMs(province, join(tmp, "reference.csv"));
    results.province_reference_ms = round(Math.min(reference, reference2));
    results.province_score_ms = round(ms);
    results.province_score_vs_reference = round(ms / results.province_reference_ms);
    log(
      `province score (whole process): ${
        ms.toFixed(0)
      } ms = ${results.province_score_vs_reference}× the DuckDB reference pass (${results.province_reference_ms} ms; target ≤ 3×)`,
    );
  }

  // The closed loop (deno task loop): 30 replications of one year with scenarios/demo.json (two
  // warning batches plus applications), beside the same run's full native scoring.
  const native = dbs.native!;
  {
    const population = await scorePopulation(native, compiled);
    const verified = await readVerified(native);
    const scenarioFile = "scenarios/demo.json";
    const scenario = parseScenario(await Deno.readTextFile(scenarioFile), scenarioFile);
    const { input } = prepareLoop(population, model, scenario, scenarioFile, verified);
    let events = 0, cases = 0;
    const ms = await time(3, 1, () => {
      const replications = runLoop(input);
      events = replications.reduce((sum, r) => sum + r.log.code.length, 0);
      cases = replications.reduce((sum, r) => sum + r.cases.length, 0);
    });
    results.loop_ms = round(ms);
    results.loop_events = events;
    results.loop_events_per_s = Math.round(events / (ms / 1000));
    results.loop_vs_full_score = round(ms / results.full_score_native_ms);
    log(
      `loop (${scenario.replications} replications × ${scenario.horizon_days} days, ${scenarioFile}: ${input.warnings.length} warned households (${scenario.discovery.warnings}) × ${scenario.discovery.batches.length} batches + ${scenario.discovery.applications_per_day} applications/day; ${cases} cases, ${events} events): ${
        ms.toFixed(1)
      } ms median of 3 (target ≤ 2000 ms) = ${results.loop_vs_full_score}× the full native score of this run (${results.full_score_native_ms} ms); ${results.loop_events_per_s} events/s`,
    );
  }

  // The interactive tick: a points change, fast path vs SQL.
  const hits = await readHits(native, compiled);
  const frame = buildFrame(hits);
  const perCapitaOut = { total: new Float64Array(frame.size), perCapita: new Float64Array(frame.size) };
  const labeled = new Uint8Array(frame.size), need = new Uint8Array(frame.size);
  const position = new Map(frame.householdIds.map((id, i) => [id, i]));
  for (const r of await native.all("SELECT household_id, bool_or(need) AS need FROM verified GROUP BY household_id")) {
    const h = position.get(String(r.household_id));
    if (h !== undefined) {
      labeled[h] = 1;
      need[h] = r.need ? 1 : 0;
    }
  }
  const edited = structuredClone(model);
  let step = 0;
  const nextEdit = () => {
    step++;
    edited.indicators[step % edited.indicators.length].points += step % 2 ? 0.5 : -0.5;
    return coefficientsOf(edited);
  };
  const simulator = new Simulator(frame, coefficientsOf(edited));
  const labels = { labeled, need };
  // One slider tick: one indicator's points change (cycling through all 55; warmed up by one
  // cycle, measured over two), re-score, full sweep.
  const cycle = edited.indicators.length;
  results.tick_ms = round(
    await time(Math.max(runs, 2 * cycle), cycle, () => {
      simulator.update(nextEdit());
      simulator.sweep(labels);
    }),
  );
  // The same without incremental work: every household re-scored and re-sorted.
  const sorter = new ScoreSorter(frame.size);
  results.full_tick_ms = round(
    await time(runs, 5, () => {
      const { perCapita } = rescore(frame, packCoefficients(nextEdit()), perCapitaOut);
      sweep(perCapita, labels, sorter);
    }),
  );
  await native.exec(`CREATE OR REPLACE TEMP TABLE bench_hits AS ${hitsSql(compiled)}`);
  results.sql_tick_ms = round(
    await time(runs, 3, async () => {
      const coefficients = nextEdit();
      const total = totalSql(coefficients, "members");
      const pc = perCapitaSql(`(${total})`, "members");
      await native.columns(
        `SELECT household_id, ${pc} AS per_capita, ${
          bandSql(compiled.bands, `(${pc})`)
        } AS band FROM bench_hits ORDER BY ${SCORED_ORDER}`,
      );
    }),
  );
  log(
    `tick (fast path: one indicator's points changed, re-score + full threshold sweep over ${frame.size} households): ${results.tick_ms} ms median`,
  );
  log(
    `tick re-scoring and re-sorting every household (no incremental work): ${results.full_tick_ms} ms median of ${runs}`,
  );
  log(`tick through native SQL (same change, from materialized hits): ${results.sql_tick_ms} ms median of ${runs}`);
  for (const db of Object.values(dbs)) await db!.close();
  await rm(tmp, { recursive: true, force: true });
  await (await import("./_bench_merge.ts")).benchMerge(log, results); // the merge (比对去重) beside DuckDB reading its sources
  const wide = await benchWide(runs); // column scaling: 2,000 against 1,000 columns
  Object.assign(results, wide);
  log(
    `validate 1,000 / 2,000 inferred columns: ${wide.wide_1000_ms} / ${wide.wide_2000_ms} ms = ${wide.wide_ratio}× (2 is linear)`,
  );
  const out = { households, persons, indicators: compiled.coefficients.length, runs, ...results };
  if (json) console.log(JSON.stringify(out));
});
