/**
 * `deno task calibrate --data <folder> --model <model.json> --out <folder>` with one of
 * `--target-precision P [--frame survey|warning]`, `--capacity N` / `--capacity-department d=N,…`,
 * or `--quantiles q1,q2,…`: chooses the warning bands, writes the calibrated model
 * (`<out>/model.json`: bands changed, new version, contract-valid), `<out>/calibration.json`,
 * `<out>/calibration.html`, the full threshold sweep (`sweep.csv`, `sweep_villages.csv`) and
 * `run.json`.
 */
import { shown } from "../src/base/terminal.ts";
import { outputJson } from "../src/contract/outputs.ts";
import { modelDigest } from "../src/contract/mod.ts";
import { InputError } from "../src/contract/mod.ts";
import {
  calibrate,
  calibratedModelText,
  calibratedVersion,
  CalibrationError,
  calibrationFile,
  type CalibrationMethod,
  type Capacity,
  type UpperRule,
} from "../src/calibrate/mod.ts";
import { DEFAULT_REPLICATES, DEFAULT_SEED } from "../src/evaluate/bootstrap.ts";
import { loadContext } from "../src/evaluate/context.ts";
import { FRAME_NAMES, type FrameName } from "../src/evaluate/frames.ts";
import { sweepCsv, sweepVillagesCsv } from "../src/evaluate/sweep_table.ts";
import { Z95 } from "../src/evaluate/wilson.ts";
import { calibrationHtml } from "../src/report/audit_html.ts";
import {
  type Args,
  integerOption,
  numberOption,
  outFolder,
  parseArgs,
  print,
  required,
  runCommand,
  UsageError,
  writeOut,
} from "./_cli.ts";
import { manifest, prepareRun } from "./_scoring.ts";

const USAGE = `Usage: deno task calibrate --data <dataset folder> --model <model.json> --out <folder> <rule> [options]
Chooses warning-band cut-offs by simulation and writes <out>/model.json (the calibrated model),
<out>/calibration.json, <out>/calibration.html, <out>/sweep.csv, <out>/sweep_villages.csv, <out>/run.json.
Rules (choose one):
  --target-precision P          lowest band min = the smallest distinct per-capita score t of the fit frame's
                                labeled households at which the Wilson lower bound of precision (households
                                with per-capita ≥ t) reaches P
  --frame survey|warning        the fit frame for --target-precision (default survey)
  --capacity N                  at most N warnings per batch overall
  --capacity-department d=N,…   at most N warnings per batch for department d (with or without --capacity)
  --quantiles q1,q2,…           band mins at these quantiles of the score, one per band (highest first)
Options:
  --upper shift|keep            upper bands keep their distances above the new lowest min (shift, default)
                                or keep their own min (keep)
  --version V                   version of the calibrated model (default <version>+cal.<rule>.<data digest>)
  --seed S                      seed of the village-cluster bootstrap (default ${DEFAULT_SEED})
  --replicates B                bootstrap replicates (default ${DEFAULT_REPLICATES})
  --engine native|wasm, --lenient, --force as for deno task score (--force: allowed to overwrite the
                                input model when --out is its folder)`;

/** The files calibrate writes into --out. */
const OUTPUTS = ["model.json", "calibration.json", "calibration.html", "sweep.csv", "sweep_villages.csv", "run.json"];

function methodOf(args: Args): CalibrationMethod {
  const target = numberOption(args, "target-precision");
  const capacity = numberOption(args, "capacity");
  const departments = typeof args["capacity-department"] === "string" ? args["capacity-department"] : undefined;
  const quantiles = typeof args.quantiles === "string" ? args.quantiles : undefined;
  const chosen =
    [target !== undefined, capacity !== undefined || departments !== undefined, quantiles !== undefined].filter(Boolean)
      .length;
  if (chosen !== 1) {
    throw new UsageError(
      "Choose exactly one rule: --target-precision, --capacity / --capacity-department, or --quantiles",
    );
  }
  if (target !== undefined) {
    const frame = String(args.frame ?? "survey");
    if (!(FRAME_NAMES as readonly string[]).includes(frame)) {
      throw new UsageError(`Unknown frame "${shown(frame)}"; expected one of ${FRAME_NAMES.join(", ")}`);
    }
    if (!(target > 0 && target < 1)) {
      throw new UsageError(`Option --target-precision needs a number between 0 and 1 but found ${target}`);
    }
    return { mode: "precision", target, frame: frame as FrameName };
  }
  if (args.frame !== undefined) throw new UsageError("Option --frame applies to --target-precision only");
  if (quantiles !== undefined) {
    const qs = quantiles.split(",").map((q) => q.trim());
    const values = qs.map((q) => {
      if (!/^(0?\.\d+|0|1)$/.test(q) || !(Number(q) > 0 && Number(q) < 1)) {
        throw new UsageError(
          `Option --quantiles needs numbers between 0 and 1 separated by commas but found "${shown(q)}"`,
        );
      }
      return Number(q);
    });
    return { mode: "quantiles", quantiles: values };
  }
  const c: Capacity = {};
  if (capacity !== undefined) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new UsageError(`Option --capacity needs a whole number ≥ 0 but found "${shown(String(args.capacity))}"`);
    }
    c.overall = capacity;
  }
  if (departments !== undefined) {
    c.departments = Object.create(null) as Record<string, number>; // a department named `__proto__` is a key
    for (const part of departments.split(",")) {
      const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(\d+)\s*$/.exec(part);
      if (!m) {
        throw new UsageError(
          `Option --capacity-department needs department=N entries separated by commas but found "${shown(part)}"`,
        );
      }
      c.departments[m[1]] = Number(m[2]);
    }
  }
  return { mode: "capacity", capacity: c };
}

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: [
      "data",
      "model",
      "out",
      "engine",
      "target-precision",
      "frame",
      "capacity",
      "capacity-department",
      "quantiles",
      "upper",
      "version",
      "seed",
      "replicates",
    ],
    flags: ["lenient", "force"],
  });
  required(args, "out");
  const modelFile = required(args, "model");
  const method = methodOf(args);
  const upper = String(args.upper ?? "shift");
  if (upper !== "shift" && upper !== "keep") {
    throw new UsageError(`Unknown --upper "${shown(upper)}"; expected shift or keep`);
  }
  const seed = integerOption(args, "seed", DEFAULT_SEED, 0);
  if (seed > 4294967295) throw new UsageError(`Option --seed needs a 32-bit whole number but found ${seed}`);
  const replicates = integerOption(args, "replicates", DEFAULT_REPLICATES, 1);
  const out = await outFolder(args, OUTPUTS, [modelFile]);

  const run = await prepareRun(args);
  let context;
  try {
    context = await loadContext(run.db, run.compiled);
  } finally {
    await run.db.close();
  }
  const folder = required(args, "data");
  let outcome;
  try {
    outcome = calibrate({
      population: context.population,
      frames: context.frames,
      method,
      upper: upper as UpperRule,
      bootstrap: { seed, replicates },
    });
  } catch (error) {
    if (error instanceof CalibrationError) throw new InputError([{ file: folder, message: error.message }]);
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const version = typeof args.version === "string"
    ? args.version
    : calibratedVersion(run.model.version, outcome.tag, run.report.digest);
  // The model as the user wrote it (a byte-order mark, which parseModel accepts, dropped).
  const inputText = (await Deno.readTextFile(modelFile)).replace(/^\ufeff/, "");
  const { text, model } = calibratedModelText(inputText, outcome.after, version, {
    id: run.model.id,
    version: run.model.version,
    sha256: run.modelSha256,
    data_digest: run.report.digest,
    method: outcome.rule,
  }, `${out}/model.json`);
  const sha = await modelDigest(model);
  const outputs = [...OUTPUTS];
  const file = calibrationFile({
    outcome,
    method,
    upper: upper as UpperRule,
    z: Z95,
    modelIn: { id: run.model.id, version: run.model.version, sha256: run.modelSha256, file: modelFile },
    modelOut: { id: model.id, version: model.version, sha256: sha, file: "model.json" },
    data: { folder, digest: run.report.digest, households: context.population.frame.size, labeled: context.labeled },
    outputs,
  });
  await writeOut(out, "model.json", text);
  await writeOut(out, "calibration.json", outputJson("calibration.json", file));
  await writeOut(out, "calibration.html", calibrationHtml(file, outcome));
  await writeOut(out, "sweep.csv", sweepCsv(outcome.table));
  await writeOut(out, "sweep_villages.csv", sweepVillagesCsv(outcome.table));
  await writeOut(out, "run.json", manifest(run, "calibrate"));

  const pct = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);
  print(`Calibrated ${run.model.id} ${run.model.version} → ${model.version} (sha256 ${sha.slice(0, 12)}…)`);
  print(`Rule: ${outcome.rule}`);
  print(
    `Bands: ${outcome.before.map((b) => `${b.id} ≥ ${b.min}`).join(", ") || "(none)"} → ${
      outcome.after.map((b) => `${b.id} ≥ ${b.min}`).join(", ")
    }`,
  );
  for (const s of outcome.side_by_side) {
    const m = (x: typeof s.before) =>
      `${x.warnings} warnings, ${x.labeled_warnings} labeled warned` +
      (x.precision !== null ? `, precision ${pct(x.precision)}` : "") +
      (x.recall !== null ? `, recall ${pct(x.recall)}` : "") +
      (x.coverage !== null ? `, coverage ${pct(x.coverage)}` : "") +
      (x.frame === "application" ? `, needs warned ${x.true_positives}/${x.labeled_positives}` : "");
    print(`  ${s.frame} [${s.role}; ${s.scope}]: before ${m(s.before)} | after ${m(s.after)}`);
  }
  for (const note of outcome.notes) print(`  ${note}`);
  print(`Wrote ${outputs.map((o) => `${out}/${o}`).join(", ")}`);
});
