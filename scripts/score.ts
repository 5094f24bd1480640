/** `deno task score --data <folder> --model <model.json> --out <folder>`: writes `<out>/scores.csv`. */
import { copyScores } from "../src/score/mod.ts";
import { outFolder, parseArgs, print, progress, required, runCommand, writeOut } from "./_cli.ts";
import { copyOut, manifest, prepareRun, writeScoresCsv } from "./_scoring.ts";

const USAGE =
  `Usage: deno task score --data <dataset folder> --model <model.json> --out <folder> [--parquet] [--lenient] [--force]
       [--engine native|wasm] [--threads N] [--memory-limit 4GiB] [--quiet]
Scores every household with the model and writes <out>/scores.csv (per_capita descending, then household_id)
and <out>/run.json (model sha256, data digest, rows read / accepted / rejected); --parquet also writes
<out>/scores.parquet (the same rows, typed). The scores go from DuckDB straight to the file. --out must not be
the dataset folder nor hold the model under an output's name, unless --force. --memory-limit bounds DuckDB's
memory (default: three quarters of the machine, at most 4 GiB); what does not fit spills to a temporary folder.`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: ["data", "model", "out", "engine"],
    flags: ["lenient", "force", "parquet", "quiet"],
  });
  const parquet = args.parquet === true;
  const outputs = ["scores.csv", "run.json", ...(parquet ? ["scores.parquet"] : [])];
  const out = await outFolder(args, outputs, [required(args, "model")]);
  const run = await prepareRun(args);
  let counts: { households: number; warned: number };
  let path: string;
  try {
    progress().phase("scoring: scores.csv");
    ({ path, written: counts } = await writeScoresCsv(run, out));
    if (parquet) progress().phase("scoring: scores.parquet");
    if (parquet) await copyOut(out, "scores.parquet", (tmp) => copyScores(run.db, run.compiled, tmp, "parquet"));
  } finally {
    await run.db.close();
  }
  await writeOut(out, "run.json", manifest(run, "score"));
  print(
    `Scored ${counts.households} households with ${run.model.id} ${run.model.version}: ${counts.warned} warned. Wrote ${path}`,
  );
});
