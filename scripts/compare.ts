/**
 * `deno task compare --data <folder> --model <A.json> --model <B.json> --out <folder>`: scores both
 * models on the same data and writes who changes band (counts and the list), by village and by
 * management category, and the change in each frame's precision and recall (where the frame
 * supports it) and in each department's workload: `<out>/comparison.json`, `<out>/changes.csv`,
 * `<out>/comparison.html`.
 */
import { outputJson } from "../src/contract/outputs.ts";
import { modelDigest } from "../src/contract/mod.ts";
import { changesCsv, compareFileOf, comparePopulations } from "../src/evaluate/compare.ts";
import { contextOf } from "../src/evaluate/context.ts";
import { readVerified } from "../src/evaluate/outputs.ts";
import { scorePopulation } from "../src/evaluate/population.ts";
import { compileModel } from "../src/model/mod.ts";
import { compareHtml } from "../src/report/audit_html.ts";
import {
  openDataset,
  outFolder,
  parseArgs,
  print,
  readModel,
  required,
  runCommand,
  UsageError,
  writeOut,
} from "./_cli.ts";

const USAGE =
  `Usage: deno task compare --data <dataset folder> --model <A.json> --model <B.json> --out <folder> [--engine native|wasm] [--lenient] [--force]
Scores both models on the same data and writes <out>/comparison.json, <out>/changes.csv (every household
whose band changes) and <out>/comparison.html: band transitions, by village and category; change in
precision, recall (survey frame only) and department workload.`;

/** Takes every `--model` out of the arguments (the shared parser keeps only the last of a repeated option). */
function splitModels(argv: string[]): { models: string[]; rest: string[] } {
  const models: string[] = [], rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--model(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      rest.push(argv[i]);
      continue;
    }
    const value = m[1] ?? argv[++i];
    if (value === undefined || (m[1] === undefined && value.startsWith("--"))) {
      throw new UsageError("Option --model needs a value");
    }
    models.push(value);
  }
  return { models, rest };
}

await runCommand(USAGE, async () => {
  const { models, rest } = splitModels(Deno.args);
  const args = parseArgs(rest, { values: ["data", "out", "engine"], flags: ["lenient", "force"] });
  required(args, "out");
  const folder = required(args, "data");
  if (models.length !== 2) {
    throw new UsageError(
      `Expected --model twice (model A, then model B) but found it ${models.length} time${
        models.length === 1 ? "" : "s"
      }`,
    );
  }
  const [fileA, fileB] = models;
  const out = await outFolder(args, ["comparison.json", "changes.csv", "comparison.html"], models);
  const [a, b] = [await readModel(fileA), await readModel(fileB)];
  const { db, report } = await openDataset(args);
  let popA, popB, verified;
  try {
    const compiledA = compileModel(a.model, report.schema, fileA);
    const compiledB = compileModel(b.model, report.schema, fileB);
    popA = await scorePopulation(db, compiledA);
    popB = await scorePopulation(db, compiledB);
    verified = await readVerified(db);
  } finally {
    await db.close();
  }
  const context = contextOf(popA, verified);
  const comparison = comparePopulations(popA, popB, context.frames);
  const [shaA, shaB] = [await modelDigest(a.model), await modelDigest(b.model)];
  const file = compareFileOf({
    comparison,
    a: popA,
    b: popB,
    models: {
      a: { id: a.model.id, version: a.model.version, sha256: shaA, file: fileA },
      b: { id: b.model.id, version: b.model.version, sha256: shaB, file: fileB },
    },
    data: { folder, digest: report.digest, labeled: context.labeled },
  });
  await writeOut(out, "comparison.json", outputJson("comparison.json", file));
  await writeOut(out, "changes.csv", changesCsv(comparison.changes));
  await writeOut(out, "comparison.html", compareHtml(file));

  const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);
  const pp = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)} pp`);
  const s = comparison.summary;
  print(
    `A = ${a.model.id} ${a.model.version} (sha256 ${
      shaA.slice(0, 12)
    }…), B = ${b.model.id} ${b.model.version} (sha256 ${shaB.slice(0, 12)}…), ${s.households} households`,
  );
  print(
    `Warned: A ${s.warned_a}, B ${s.warned_b}; newly warned ${s.newly_warned}, no longer warned ${s.no_longer_warned}, band changed ${s.band_changed}, unchanged ${s.unchanged}`,
  );
  for (const f of comparison.frames) {
    const parts = [];
    if (f.a.precision !== null || f.b.precision !== null) {
      parts.push(`precision ${pct(f.a.precision)} → ${pct(f.b.precision)} (${pp(f.delta.precision)})`);
    }
    if (f.a.recall !== null || f.b.recall !== null) {
      parts.push(`recall ${pct(f.a.recall)} → ${pct(f.b.recall)} (${pp(f.delta.recall)})`);
    }
    if (f.frame === "application") {
      parts.push(`needs warned ${f.a.true_positives} → ${f.b.true_positives} of ${f.a.labeled_positives}`);
    }
    print(`  ${f.frame} frame: ${parts.join(", ")}`);
  }
  const moved = comparison.workload.filter((w) => w.change !== 0).map((w) => `${w.department} ${w.a}→${w.b}`);
  print(`  department workload changes: ${moved.join(", ") || "none"}`);
  print(`Wrote ${out}/comparison.json, ${out}/changes.csv, ${out}/comparison.html`);
});
