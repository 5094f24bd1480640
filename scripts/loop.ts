/**
 * `deno task loop --data <dataset> --model <model.json> --scenario <scenario.json> --out <folder>`:
 * the closed loop simulated (contract §5). Writes `<out>/events.csv` and `<out>/loop.json`.
 */
import { InputError } from "../src/contract/mod.ts";
import { loopComparisonSchema, outputJson, outputJsonWith } from "../src/contract/outputs.ts";
import { renderHtml } from "../src/report/html.ts";
import { readVerified } from "../src/evaluate/outputs.ts";
import { type Population, scorePopulation } from "../src/evaluate/population.ts";
import type { VerifiedRow } from "../src/evaluate/metrics.ts";
import {
  assistanceCsv,
  compareLoops,
  comparisonSection,
  eventsCsv,
  type LoopComparison,
  loopJson,
  loopReport,
  parseScenario,
  prepareLoop,
  runLoop,
  type Scenario,
} from "../src/loop/mod.ts";
import { openNativeDb } from "../src/db/native.ts";
import { writeEventsParquet } from "../src/loop/parquet.ts";
import { integerOption, parseArgs, required, runCommand, writeOut } from "./_cli.ts";
import { prepareRun } from "./_scoring.ts";

const USAGE =
  `Usage: deno task loop --data <dataset folder> --model <model.json> --scenario <scenario.json> --out <folder> [--compare <b.json>] [--seed N] [--replications N] [--lenient] [--engine native|wasm]
Simulates discovery (warning batches, applications), dispatch by the model's routing, department queues
and time limits over the scenario's horizon and replications (--seed and --replications override the
scenario's). Writes <out>/events.csv (and the same rows typed in <out>/events.parquet), <out>/loop.json, the offline report <out>/loop.html and, when the
scenario assists cases, <out>/assistance.csv. With --compare, scenario B runs with A's seed and replications
(replication r of both shares its random numbers): <out>/comparison.json holds A, B and the paired
difference B − A with a Student-t 95% interval per department and overall, <out>/loop_b.json B's figures,
and loop.html a comparison section.`;

async function readScenario(file: string) {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch {
    throw new InputError([{
      file,
      message: `Scenario file "${file}" cannot be read; check the path given to --scenario`,
    }]);
  }
  return parseScenario(text, file);
}

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: ["data", "model", "scenario", "compare", "out", "engine", "seed", "replications"],
    flags: ["lenient"],
  });
  const out = required(args, "out");
  const scenarioFile = required(args, "scenario");
  const parsed = await readScenario(scenarioFile); // before loading the data: a bad scenario fails fast
  const scenario = {
    ...parsed,
    seed: integerOption(args, "seed", parsed.seed, 0, 4294967295),
    replications: integerOption(args, "replications", parsed.replications, 1, 100000),
  };
  let compareWith: { file: string; scenario: Scenario } | null = null;
  const compareFile = typeof args.compare === "string" ? args.compare : null;
  const notes: string[] = [];
  if (compareFile !== null) {
    const b = await readScenario(compareFile);
    if (b.seed !== scenario.seed || b.replications !== scenario.replications) {
      notes.push(
        `${compareFile} ran with ${scenarioFile}'s seed ${scenario.seed} and ${scenario.replications} replications (its own: seed ${b.seed}, ${b.replications}) so that the replications pair`,
      );
    }
    compareWith = { file: compareFile, scenario: { ...b, seed: scenario.seed, replications: scenario.replications } };
  }
  const run = await prepareRun(args);
  let population: Population, verified: VerifiedRow[] | null;
  try {
    population = await scorePopulation(run.db, run.compiled);
    const hasVerified = (await run.db.all(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'verified'",
    ))[0].n;
    verified = Number(hasVerified) > 0 ? await readVerified(run.db) : null;
  } finally {
    await run.db.close();
  }
  const context = {
    model: { id: run.model.id, version: run.model.version, sha256: run.modelSha256 },
    data: { folder: run.report.folder, digest: run.report.digest },
  };
  const simulate = (file: string, scenario: Scenario) => {
    const { input, bandIds, warnedByBand, verification } = prepareLoop(
      population,
      run.model,
      scenario,
      file,
      verified,
    );
    const started = performance.now();
    const results = runLoop(input);
    const seconds = (performance.now() - started) / 1000;
    const report = loopJson(input, results, { scenarioFile: file, ...context, bandIds, warnedByBand, verification });
    return { input, results, report, warnings: input.warnings, assistance: input.assistance, seconds };
  };
  // Scenario B first: a bad B (an unlisted department) fails before anything is written.
  const other = compareWith ? simulate(compareWith.file, compareWith.scenario) : null;
  const { input, results, report, warnings, assistance, seconds } = simulate(scenarioFile, scenario);
  const departmentIds = scenario.departments.map((d) => d.id);
  const eventsPath = await writeOut(out, "events.csv", eventsCsv(results, departmentIds, input.clock));
  const parquetDb = await openNativeDb({ threads: 1 });
  try {
    const parquetPath = eventsPath.replace(/events\.csv$/, "events.parquet");
    await writeEventsParquet(parquetDb, eventsPath, `${parquetPath}.part`);
    await Deno.rename(`${parquetPath}.part`, parquetPath);
  } finally {
    await parquetDb.close();
  }
  const jsonPath = await writeOut(out, "loop.json", outputJson("loop.json", report));
  const view = loopReport(report, results);
  let comparison: LoopComparison | null = null, comparisonPath = "";
  if (other && compareWith) {
    comparison = compareLoops(
      { file: scenarioFile, scenario, results },
      { file: compareWith.file, scenario: compareWith.scenario, results: other.results },
      { ...context, notes },
    );
    comparisonPath = await writeOut(
      out,
      "comparison.json",
      outputJsonWith("comparison.json", loopComparisonSchema, comparison),
    );
    await writeOut(out, "loop_b.json", outputJson("loop.json", other.report));
    view.sections.push(comparisonSection(comparison));
  }
  await writeOut(out, "loop.html", renderHtml(view));
  if (assistance) await writeOut(out, "assistance.csv", assistanceCsv(results, assistance, input.clock));
  const o = report.overall;
  const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
  console.log(
    `Simulated ${scenario.replications} replications of ${scenario.horizon_days} days in ${seconds.toFixed(2)} s: ` +
      `${warnings.length} warned households per batch, ${o.cases_created.mean?.toFixed(1)} cases per replication, ` +
      `${
        pct(o.cleared_within_limit.mean)
      } cleared within ${scenario.time_limit_days} days. Wrote ${eventsPath} and ${jsonPath}`,
  );
  if (other && comparison) {
    const w = comparison.overall.wait_days;
    const ci = w.ci95 ? ` [${w.ci95[0].toFixed(3)}, ${w.ci95[1].toFixed(3)}]` : "";
    console.log(
      `Compared with ${compareWith!.file} (${other.seconds.toFixed(2)} s): mean wait per task B − A = ${
        w.difference?.toFixed(3) ?? "—"
      } days${ci} (paired 95%). Wrote ${comparisonPath}`,
    );
  }
});
