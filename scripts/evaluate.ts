/**
 * `deno task evaluate --data <folder> --model <model.json> --out <folder>`: writes `scores.csv` and
 * `evaluation.json` (contract §3: warnings, precision with its Wilson interval, recall, coverage;
 * overall and per batch). `--db <file> --batch <id>` instead of `--data` evaluates a batch of the
 * monitoring database (scripts/_db_run.ts), read-only.
 */
import { outputJson } from "../src/contract/outputs.ts";
import { evaluationOfWarned, readVerified } from "../src/evaluate/mod.ts";
import { outFolder, parseArgs, print, required, runCommand, writeOut } from "./_cli.ts";
import { batchManifest, prepareBatchRun, SOURCE_USAGE, sourceOf } from "./_db_run.ts";
import { manifest, prepareRun, writeScoresCsv } from "./_scoring.ts";

const USAGE =
  `Usage: deno task evaluate --data <dataset folder> --model <model.json> --out <folder> [--lenient] [--force] [--engine native|wasm]
       deno task evaluate --db <database file> --batch <id> [--model <model.json>] --out <folder> [--force]
Scores every household and measures the warnings against the verified cases: writes <out>/scores.csv,
<out>/evaluation.json and <out>/run.json (--force: allowed to overwrite an input or write into the dataset folder).
${SOURCE_USAGE}`;

const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: ["data", "db", "batch", "model", "out", "engine"],
    flags: ["lenient", "force"],
  });
  const fromDb = (await sourceOf(args)) === "db";
  const inputs = fromDb ? [required(args, "db"), ...(typeof args.model === "string" ? [args.model] : [])] : [
    required(args, "model"),
  ];
  const out = await outFolder(args, ["scores.csv", "evaluation.json", "run.json"], inputs);
  const batchRun = fromDb ? await prepareBatchRun(args) : undefined;
  const run = batchRun ?? await prepareRun(args);
  let households: number, warned: Set<string>;
  let verified;
  try {
    verified = await readVerified(run.db);
    // The scores go from DuckDB straight to the file; only the warned households' ids come back.
    const { written } = await writeScoresCsv(run, out, { warnedIds: true });
    households = written.households;
    warned = new Set(written.warnedIds);
  } finally {
    await run.db.close();
  }
  const evaluation = evaluationOfWarned(run.model, run.modelSha256, run.report.digest, warned, verified);
  await writeOut(out, "evaluation.json", outputJson("evaluation.json", evaluation));
  await writeOut(out, "run.json", batchRun ? batchManifest(batchRun, "evaluate") : manifest(run, "evaluate"));
  const o = evaluation.overall;
  print(
    `Model ${run.model.id} ${run.model.version} (sha256 ${run.modelSha256.slice(0, 12)}…) on ${households} households`,
  );
  print(
    `Overall: ${o.warnings} warnings, ${o.labeled_warnings} verified, ${o.true_positives} in need: precision ${
      pct(o.precision)
    }` +
      (o.precision_ci95 ? ` (95% CI ${pct(o.precision_ci95[0])}–${pct(o.precision_ci95[1])})` : "") +
      `, recall ${pct(o.recall)}, coverage ${pct(o.coverage)}`,
  );
  for (const [batch, m] of Object.entries(evaluation.batches)) {
    print(
      `  batch ${batch}: ${m.labeled_warnings} verified warnings, precision ${pct(m.precision)}, recall ${
        pct(m.recall)
      }`,
    );
  }
  print(`Wrote ${out}/scores.csv, ${out}/evaluation.json`);
});
