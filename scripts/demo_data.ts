/**
 * `deno task demo-data [--households N] [--seed S] [--out <folder>] [--model <model.json>]`
 *
 * Generates the demo county — a synthetic county modelled on Xiaochang County, Hubei — as a
 * dataset folder (contract §1): households.csv, members.csv, verified.csv and dataset.json. The
 * same seed gives byte-identical files. Verified cases come from a latent need model; which
 * households were warned comes from scoring the data with the default model through the real
 * engine (`deno task score`), and the headline figures from `deno task evaluate`. Every
 * distribution is documented in data/README.md.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { datasetDescription, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, VERIFIED_COLUMNS } from "./_demo/columns.ts";
import { generateCounty } from "./_demo/county.ts";
import { parseCsv, toCsv } from "./_demo/csv.ts";
import { type EvaluationLike, formatHeadline, headlineOf } from "./_demo/headline.ts";
import { PARAMS } from "./_demo/params.ts";
import { makeVerified, needsOf } from "./_demo/verify.ts";

const USAGE =
  `Usage: deno task demo-data [--households N] [--seed S] [--out <folder>] [--model <model.json>] [--summary <file.json>]
Generates the demo county (default: ${PARAMS.households} households, seed 20240601, into data/demo) and prints its headline figures.
  --households N   number of households (default ${PARAMS.households}; the committed sample uses 300)
  --seed S         seed of the generator (default 20240601); the same seed gives byte-identical files
  --out <folder>   dataset folder to write (default data/demo)
  --model <file>   model whose warnings the verified batches follow (default models/county-default.json)
  --summary <file> also write the headline figures as JSON to this file`;

export const DEFAULT_SEED = 20240601;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Options {
  households: number;
  seed: number;
  out: string;
  model: string;
  summary?: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    households: PARAMS.households,
    seed: DEFAULT_SEED,
    out: join(ROOT, "data", "demo"),
    model: join(ROOT, "models", "county-default.json"),
  };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unexpected argument "${argv[i]}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`Option --${m[1]} needs a value`);
    switch (m[1]) {
      case "households":
        o.households = Number(value);
        if (!Number.isInteger(o.households) || o.households < 1) {
          throw new Error(`--households must be a positive integer, got "${value}"`);
        }
        break;
      case "seed":
        o.seed = Number(value);
        if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
          throw new Error(`--seed must be an integer from 0 to 4294967295, got "${value}"`);
        }
        break;
      case "out":
        o.out = resolve(value);
        break;
      case "model":
        o.model = resolve(value);
        break;
      case "summary":
        o.summary = resolve(value);
        break;
      default:
        throw new Error(`Unknown option --${m[1]}`);
    }
  }
  return o;
}

/** Runs a project task (`deno task <name> …`) and fails with its output if it fails. */
async function task(name: string, args: string[]): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(result.stdout);
  const err = new TextDecoder().decode(result.stderr);
  if (!result.success) throw new Error(`deno task ${name} failed (exit ${result.code}):\n${out}${err}`);
  return out;
}

/** Households the model warns, read from the engine's scores.csv (contract §3). */
async function warnedByEngine(dataDir: string, model: string, tmp: string): Promise<Set<string>> {
  await task("score", ["--data", dataDir, "--model", model, "--out", tmp]);
  const rows = parseCsv(await Deno.readTextFile(join(tmp, "scores.csv")));
  const header = rows[0];
  const id = header.indexOf("household_id"), band = header.indexOf("band");
  if (id < 0 || band < 0) throw new Error(`scores.csv lacks household_id or band: ${header.join(",")}`);
  return new Set(rows.slice(1).filter((r) => r.length > band && r[band] !== "").map((r) => r[id]));
}

/** Generates the county into `o.out`; returns the headline text. */
export async function generate(o: Options): Promise<string> {
  const t0 = performance.now();
  const county = generateCounty(PARAMS, o.seed, o.households);
  await Deno.mkdir(o.out, { recursive: true });
  await Deno.remove(join(o.out, "verified.csv")).catch(() => {});
  const enc = new TextEncoder();
  await Deno.writeFile(
    join(o.out, "households.csv"),
    enc.encode(
      toCsv(HOUSEHOLD_COLUMNS.map((c) => c.name), county.households.map((h) => HOUSEHOLD_COLUMNS.map((c) => c.get(h)))),
    ),
  );
  const members = county.households.flatMap((h) => h.members);
  await Deno.writeFile(
    join(o.out, "members.csv"),
    enc.encode(toCsv(MEMBER_COLUMNS.map((c) => c.name), members.map((m) => MEMBER_COLUMNS.map((c) => c.get(m))))),
  );
  await Deno.writeTextFile(
    join(o.out, "dataset.json"),
    JSON.stringify(datasetDescription({ seed: o.seed, households: o.households }), null, 2) + "\n",
  );
  const tGenerated = performance.now();

  const tmp = await Deno.makeTempDir({ prefix: "demo-data-" });
  try {
    const warned = await warnedByEngine(o.out, o.model, join(tmp, "score"));
    const needs = needsOf(county, PARAMS, o.seed);
    const { rows, survey } = makeVerified(county, warned, needs, PARAMS, o.seed);
    await Deno.writeFile(
      join(o.out, "verified.csv"),
      enc.encode(toCsv(VERIFIED_COLUMNS.map((c) => c.name), rows.map((r) => VERIFIED_COLUMNS.map((c) => c.get(r))))),
    );
    await task("evaluate", ["--data", o.out, "--model", o.model, "--out", join(tmp, "evaluate")]);
    const evaluation: EvaluationLike = JSON.parse(await Deno.readTextFile(join(tmp, "evaluate", "evaluation.json")));
    const seconds = (performance.now() - t0) / 1000;
    const headline = headlineOf(county, rows, warned, evaluation, survey);
    if (o.summary) {
      await Deno.writeTextFile(
        o.summary,
        JSON.stringify({ seed: o.seed, ...headline, seconds, generationSeconds: (tGenerated - t0) / 1000 }, null, 2) +
          "\n",
      );
    }
    return formatHeadline(headline, seconds) +
      `\n  (writing the tables took ${
        ((tGenerated - t0) / 1000).toFixed(1)
      } s; scoring and evaluation by the engine the rest)\nWrote ${o.out}`;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  let options: Options;
  try {
    if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
      console.log(USAGE);
      Deno.exit(0);
    }
    options = parseOptions(Deno.args);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    Deno.exit(2);
  }
  try {
    console.log(await generate(options));
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
