/**
 * `deno task loop --data <dataset> --model <model.json> --scenario <scenario.json> --out <folder>`:
 * the closed loop simulated (contract §5). Writes `<out>/events.csv` and `<out>/loop.json`.
 */
import { InputError } from "../src/contract/mod.ts";
import { renderHtml } from "../src/report/html.ts";
import { allFrameLabels } from "../src/evaluate/frames.ts";
import { readVerified } from "../src/evaluate/outputs.ts";
import { bandCounts, scorePopulation } from "../src/evaluate/population.ts";
import {
  applicantsOf,
  assistanceCsv,
  assistanceFromDataset,
  clockOf,
  eventsCsv,
  fixedNeed,
  type LoopInput,
  loopJson,
  loopReport,
  needFromDataset,
  parseScenario,
  runLoop,
  scenarioPopulation,
  unlistedDepartments,
  warningCasesOf,
} from "../src/loop/mod.ts";
import { integerOption, parseArgs, required, runCommand, writeOut } from "./_cli.ts";
import { prepareRun } from "./_scoring.ts";

const USAGE =
  `Usage: deno task loop --data <dataset folder> --model <model.json> --scenario <scenario.json> --out <folder> [--seed N] [--replications N] [--lenient] [--engine native|wasm]
Simulates discovery (warning batches, applications), dispatch by the model's routing, department queues
and time limits over the scenario's horizon and replications (--seed and --replications override the
scenario's). Writes <out>/events.csv, <out>/loop.json, the offline report <out>/loop.html and, when the
scenario assists cases, <out>/assistance.csv.`;

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
    values: ["data", "model", "scenario", "out", "engine", "seed", "replications"],
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
  const run = await prepareRun(args);
  let population, verified;
  try {
    population = await scorePopulation(run.db, run.compiled);
    const hasVerified = (await run.db.all(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'verified'",
    ))[0].n;
    verified = Number(hasVerified) > 0 ? await readVerified(run.db) : null;
  } finally {
    await run.db.close();
  }
  const scenarioPop = scenarioPopulation(population, run.model, scenario, scenarioFile);
  const warnings = warningCasesOf(scenarioPop);
  const applicants = applicantsOf(scenarioPop);
  const unlisted = unlistedDepartments(scenario, warnings, scenarioFile, applicants);
  if (unlisted.length > 0) throw new InputError(unlisted);
  const bandIds = scenarioPop.bandCuts.map((b) => b.id);
  let need = null, verification = null;
  if (scenario.verification) {
    if (scenario.verification.need === "dataset") {
      const labels = verified ? allFrameLabels(scenarioPop.frame.householdIds, verified) : null;
      const fromData = needFromDataset(scenarioPop, labels, bandIds);
      need = fromData.probabilities;
      verification = {
        need: "dataset",
        source:
          "the dataset's verified rows: per band, the share in need among warned households of the band verified through the warning channel; applications: among households verified through the application channel (Wilson 95% intervals)",
        estimates: fromData.estimates,
      };
    } else {
      need = fixedNeed(scenario.verification.need, bandIds);
      verification = { need: scenario.verification.need, source: "the scenario's fixed probability" };
    }
  }
  const assistance = scenario.assistance === "dataset" ? assistanceFromDataset(verified ?? []) : null;
  const input: LoopInput = { scenario, clock: clockOf(scenario), warnings, need, assistance, applicants };
  const started = performance.now();
  const results = runLoop(input);
  const seconds = (performance.now() - started) / 1000;
  const counts = bandCounts(scenarioPop.bands, scenarioPop.bandCuts);
  const report = loopJson(input, results, {
    scenarioFile,
    model: { id: run.model.id, version: run.model.version, sha256: run.modelSha256 },
    data: { folder: run.report.folder, digest: run.report.digest },
    bandIds,
    warnedByBand: Object.fromEntries(bandIds.map((b) => [b, counts[b]])),
    verification,
  });
  const departmentIds = scenario.departments.map((d) => d.id);
  const eventsPath = await writeOut(out, "events.csv", eventsCsv(results, departmentIds, input.clock));
  const jsonPath = await writeOut(out, "loop.json", JSON.stringify(report, null, 2) + "\n");
  await writeOut(out, "loop.html", renderHtml(loopReport(report, results)));
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
});
