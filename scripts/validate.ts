/** `deno task validate --data <folder> [--lenient --out <folder>]`: the dataset validation report. */
import { formatLoadReport, loadDataset, readDatasetFolder, rejectedCsv } from "../src/ingest/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { engineOf, loadProgress, parseArgs, print, printError, required, runCommand, writeOut } from "./_cli.ts";

const USAGE =
  `Usage: deno task validate --data <dataset folder> [--lenient --out <folder>] [--engine native|wasm] [--timings]
Checks a dataset folder against the data contract and prints rows read / accepted / rejected per table,
column types, null and distinct counts, and every problem. Exit 0 when valid, 2 when not.
--timings also prints how long each validation step took, to stderr.`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, { values: ["data", "out", "engine"], flags: ["lenient", "timings"] });
  const folder = required(args, "data");
  const lenient = args.lenient === true;
  const files = await readDatasetFolder(folder);
  const db = await openDb(engineOf(args));
  const report = await loadDataset(db, files, {
    folder,
    lenient,
    timings: args.timings === true,
    onStep: loadProgress(folder),
  });
  await db.close();
  for (const t of report.timings ?? []) printError(`${t.step.padEnd(24)} ${t.ms.toFixed(1).padStart(9)} ms`);
  print(formatLoadReport(report));
  if (lenient && typeof args.out === "string") {
    const path = await writeOut(args.out, "rejected.csv", rejectedCsv(report.rejected));
    print(`Rejected rows with their reasons: ${path}`);
  }
  if (!report.valid) Deno.exit(2);
});
