/** `deno task score --data <folder> --model <model.json> --out <folder>`: writes `<out>/scores.csv`. */
import { scoresCsv } from "../src/evaluate/mod.ts";
import { outFolder, parseArgs, print, required, runCommand, writeOut } from "./_cli.ts";
import { manifest, prepareRun, scoreAll } from "./_scoring.ts";

const USAGE =
  `Usage: deno task score --data <dataset folder> --model <model.json> --out <folder> [--lenient] [--force] [--engine native|wasm]
Scores every household with the model and writes <out>/scores.csv (per_capita descending, then household_id)
and <out>/run.json (model sha256, data digest, rows read / accepted / rejected). --out must not be the dataset
folder nor hold the model under an output's name, unless --force.`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, { values: ["data", "model", "out", "engine"], flags: ["lenient", "force"] });
  const out = await outFolder(args, ["scores.csv", "run.json"], [required(args, "model")]);
  const run = await prepareRun(args);
  const rows = await scoreAll(run);
  await run.db.close();
  const path = await writeOut(out, "scores.csv", scoresCsv(rows));
  await writeOut(out, "run.json", manifest(run, "score"));
  const warned = rows.filter((r) => r.band !== null).length;
  print(
    `Scored ${rows.length} households with ${run.model.id} ${run.model.version}: ${warned} warned. Wrote ${path}`,
  );
});
