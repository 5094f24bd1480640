/**
 * `deno task demo-data [--households N] [--seed S] [--out <folder>] [--model <model.json>]`
 * `deno task demo-data --counties N [--households N] [--seed S] --out <folder>` (a province, Parquet)
 *
 * Generates the demo county (src/synth) as a dataset folder (contract §1): households.csv,
 * members.csv, verified.csv and dataset.json. The same seed gives byte-identical files. Which
 * households were warned comes from scoring the tables with the model through the engine, in
 * process (src/ingest validates them, src/score scores them), and the headline figures from
 * src/evaluate. Every distribution is documented in data/README.md.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatasetSchema, Model } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { openNativeDb, setNativeDefaults } from "../src/db/native.ts";
import { evaluateByBatch, type VerifiedRow as EvaluatedRow, type WarningMetrics } from "../src/evaluate/mod.ts";
import { assertLoadable, loadDataset } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { scoreHouseholds } from "../src/score/mod.ts";
import { quoteIdent, quoteText } from "../src/base/sql.ts";
import {
  datasetDescription,
  datasetFiles,
  DEMO_SEED,
  demoCounty,
  demoHeadline,
  type DemoTables,
  type Evaluator,
  formatHeadline,
  MAX_COUNTIES,
  PARAMS,
  provinceCounties,
  provinceCounty,
  type Scorer,
  type Table,
  tableCsv,
  warnedOf,
} from "../src/synth/mod.ts";
import { readModel } from "./_cli.ts";
import { Progress, progressMode } from "../src/base/progress.ts";
import { writeDemoSources } from "./demo_sources.ts";

/** The default seed of the demo county. */
export const DEFAULT_SEED = DEMO_SEED;

const USAGE =
  `Usage: deno task demo-data [--households N] [--seed S] [--out <folder>] [--model <model.json>] [--summary <file.json>]
       deno task demo-data --counties N [--households N] [--seed S] --out <folder> [--model <model.json>] [--threads N]
Generates the demo county (default: ${PARAMS.households} households, seed ${DEMO_SEED}, into data/demo) and prints its headline figures.
With --counties, generates a province instead: N counties (each its own towns, villages and ids) from one seed,
written as Parquet (households.parquet, members.parquet, verified.parquet, dataset.json).
  --households N   number of households (default ${PARAMS.households}; the committed sample uses 300); per county with --counties
  --counties N     generate a province of N counties (1 to ${MAX_COUNTIES}) as Parquet; --out is required
  --threads N      with --counties: counties generated at once, one DuckDB thread each (default: all cores)
  --seed S         seed of the generator (default ${DEMO_SEED}); the same seed gives byte-identical files
  --out <folder>   dataset folder to write (default data/demo)
  --model <file>   model whose warnings the verified batches follow (default models/county-default.json)
  --summary <file> also write the headline figures as JSON to this file
  --sources <dir>  also write the county's raw department extracts (contract §4, with truth.csv) to this folder
  --quiet          no progress on stderr`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Options {
  households: number;
  seed: number;
  out: string;
  model: string;
  summary?: string;
  sources?: string;
  counties?: number;
  threads?: number;
  outGiven?: boolean;
  /** No progress on stderr. */
  quiet?: boolean;
}

/** An integer option within [min, max]. */
function integerOption(name: string, value: string, min: number, max: number, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be ${what}, got "${value}"`);
  return n;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    households: PARAMS.households,
    seed: DEMO_SEED,
    out: join(ROOT, "data", "demo"),
    model: join(ROOT, "models", "county-default.json"),
  };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unexpected argument "${argv[i]}"`);
    if (m[1] === "quiet") {
      o.quiet = true;
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`Option --${m[1]} needs a value`);
    if (m[1] === "households") {
      o.households = integerOption("households", value, 1, Infinity, "a positive integer");
    } else if (m[1] === "seed") o.seed = integerOption("seed", value, 0, 0xffffffff, "an integer from 0 to 4294967295");
    else if (m[1] === "out") {
      o.out = resolve(value);
      o.outGiven = true;
    } else if (m[1] === "counties") {
      o.counties = integerOption("counties", value, 1, MAX_COUNTIES, `1 to ${MAX_COUNTIES}`);
    } else if (m[1] === "threads") o.threads = integerOption("threads", value, 1, 1024, "a positive integer");
    else if (m[1] === "model") o.model = resolve(value);
    else if (m[1] === "summary") o.summary = resolve(value);
    else if (m[1] === "sources") o.sources = resolve(value);
    else throw new Error(`Unknown option --${m[1]}`);
  }
  if (o.counties !== undefined && !o.outGiven) {
    throw new Error("--counties needs --out <folder> (a province is not data/demo)");
  }
  if (o.counties !== undefined && o.sources) {
    throw new Error("--sources is for one county; a province writes no department extracts");
  }
  if (o.counties !== undefined && o.summary) {
    throw new Error("--summary is for one county; a province prints its totals");
  }
  return o;
}

/** The engine as the generator's scorer: loads the tables (validated as `deno task score` does) and scores them. */
function engineScorer(modelFile: string, folder: string): Scorer {
  const enc = new TextEncoder();
  return async (tables: DemoTables, model: Model) => {
    const files = datasetFiles(tables).map((f) => ({ name: f.name, source: { bytes: enc.encode(f.text) } }));
    const db = await openDb("native");
    try {
      const report = await loadDataset(db, files, { folder });
      assertLoadable(report);
      return await scoreHouseholds(db, compileModel(model, report.schema, modelFile));
    } finally {
      await db.close();
    }
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Progress on stderr (src/base/progress.ts), nothing with --quiet. */
function progressOf(o: Options): Progress {
  return new Progress({
    mode: progressMode({ quiet: o.quiet === true, terminal: Deno.stderr.isTerminal() }),
    write: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
  });
}

/** The evaluation of `deno task evaluate` (overall and per batch), on the verified rows in memory. */
const evaluator: Evaluator<WarningMetrics> = (tables, scores) => {
  const rows: EvaluatedRow[] = (tables.verified?.rows ?? []).map((r) => ({
    household_id: r.household_id,
    batch: r.batch,
    channel: r.channel,
    need: r.need,
    assistance: r.assistance,
    amount_yuan: r.amount_yuan,
  }));
  // The order in which the engine reads them back (readVerified: household, batch, channel).
  rows.sort((a, b) =>
    compareText(a.household_id, b.household_id) || compareText(a.batch, b.batch) || compareText(a.channel, b.channel)
  );
  return Promise.resolve(evaluateByBatch(warnedOf(scores), rows));
};

/** Generates the county into `o.out`; returns the headline text. */
export async function generate(o: Options): Promise<string> {
  const t0 = performance.now();
  const { model } = await readModel(o.model);
  const scoreTables = engineScorer(o.model, o.out);
  let tGenerated = t0;
  const progress = progressOf(o);
  progress.phase("generating the county");
  const score: Scorer = (tables, m) => {
    tGenerated = performance.now();
    progress.phase("loading and scoring the county");
    return scoreTables(tables, m);
  };
  const demo = await demoCounty({ households: o.households, seed: o.seed }, model, score);
  progress.phase("evaluating and writing");
  const headline = await demoHeadline(demo, model, evaluator);
  await Deno.mkdir(o.out, { recursive: true });
  for (const f of datasetFiles(demo.tables)) await Deno.writeTextFile(join(o.out, f.name), f.text);
  if (o.sources) await writeDemoSources(demo.county, o.seed, o.sources);
  progress.end();
  const seconds = (performance.now() - t0) / 1000;
  const generationSeconds = (tGenerated - t0) / 1000;
  if (o.summary) {
    const summary = { seed: o.seed, ...headline, seconds, generationSeconds };
    await Deno.writeTextFile(o.summary, JSON.stringify(summary, null, 2) + "\n");
  }
  return formatHeadline(headline, seconds) +
    `\n  (generating the tables took ${
      generationSeconds.toFixed(1)
    } s; loading, scoring and evaluation by the engine in process the rest)\nWrote ${o.out}`;
}

/** DuckDB's type for a column spec's type (how the Parquet files store it). */
const DUCK_TYPE = { number: "DOUBLE", text: "VARCHAR", boolean: "BOOLEAN", date: "DATE" } as const;

/** One county of a province to generate (what a worker is sent). */
interface CountyJob {
  index: number;
  seed: number;
  households: number;
  model: string;
  out: string;
  parts: string;
}

/** What generating one county of a province gives back. */
interface CountyPart {
  code: string;
  name: string;
  households: number;
  persons: number;
  warned: number;
  verified: number;
  columns: Record<string, { name: string; type: keyof typeof DUCK_TYPE }[]>;
}

/**
 * A province county's scorer: writes the households and members CSV parts (the same text the
 * province's Parquet files are made of), reads them into DuckDB typed as the column specs say,
 * and scores them. Validation is left to whoever loads the province (the generated text is the
 * same that the demo county's validated load reads, so the scores are the same).
 */
function partScorer(job: CountyJob, code: string): Scorer {
  return async (tables: DemoTables, model: Model) => {
    const db = await openNativeDb({ threads: 1 });
    try {
      const schema: DatasetSchema = { households: {}, members: {} };
      for (const t of [tables.households, tables.members] as unknown as Table<unknown>[]) {
        const path = join(job.parts, `${t.name}-${code}.csv`);
        await Deno.writeTextFile(path, tableCsv(t));
        const types = t.columns.map((c) => `${quoteText(c.name)}: ${quoteText(DUCK_TYPE[c.type])}`).join(", ");
        await db.exec(
          `CREATE TABLE ${quoteIdent(t.name)} AS SELECT * FROM read_csv(${quoteText(path)}, header = true, ` +
            `columns = {${types}}, dateformat = '%Y-%m-%d', auto_detect = false)`,
        );
        schema[t.name as "households" | "members"] = Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
      }
      return (await scoreHouseholds(db, compileModel(model, schema, job.model))).filter((r) => r.band !== null);
    } finally {
      await db.close();
    }
  };
}

/** Generates, scores (one DuckDB thread) and verifies county `job.index`; writes its CSV parts. */
async function countyPart(job: CountyJob): Promise<CountyPart> {
  const { model } = await readModel(job.model);
  const county = provinceCounty(job.seed, job.index);
  const spec = { households: job.households, seed: county.seed, naming: county.naming };
  const demo = await demoCounty(spec, model, partScorer(job, county.code));
  const tables = [demo.tables.households, demo.tables.members, demo.tables.verified!] as unknown as Table<unknown>[];
  await Deno.writeTextFile(join(job.parts, `verified-${county.code}.csv`), tableCsv(tables[2]));
  return {
    code: county.code,
    name: county.name,
    households: demo.tables.households.rows.length,
    persons: demo.tables.members.rows.length,
    warned: demo.warned.size,
    verified: demo.verified.rows.length,
    columns: Object.fromEntries(tables.map((t) => [t.name, t.columns.map((c) => ({ name: c.name, type: c.type }))])),
  };
}

/** True in a worker this module started (see `generateProvince`). */
const IN_WORKER = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";

if (IN_WORKER) {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<CountyJob>) => void) | null;
    postMessage(m: unknown): void;
  };
  setNativeDefaults({ threads: 1 });
  scope.onmessage = (e) => {
    countyPart(e.data).then(
      (part) => scope.postMessage({ part }),
      (error) => scope.postMessage({ error: (error as Error).message }),
    );
  };
}

/** Runs the county jobs on `workers` workers (in process when 1); parts come back in county order. */
async function countyParts(jobs: CountyJob[], workers: number, done: (p: CountyPart) => void): Promise<CountyPart[]> {
  if (workers <= 1) {
    const parts: CountyPart[] = [];
    for (const job of jobs) {
      setNativeDefaults({ threads: 1 });
      parts.push(await countyPart(job));
      done(parts[parts.length - 1]);
    }
    return parts;
  }
  const results: CountyPart[] = new Array(jobs.length);
  let next = 0;
  const pool = Array.from(
    { length: Math.min(workers, jobs.length) },
    () => new Worker(import.meta.url, { type: "module" }),
  );
  try {
    await Promise.all(pool.map((worker) =>
      new Promise<void>((resolveAll, reject) => {
        const take = () => {
          if (next >= jobs.length) return resolveAll();
          const i = next++;
          worker.onmessage = (e: MessageEvent<{ part?: CountyPart; error?: string }>) => {
            if (e.data.error !== undefined || !e.data.part) return reject(new Error(e.data.error ?? "worker failed"));
            results[i] = e.data.part;
            done(e.data.part);
            take();
          };
          worker.postMessage(jobs[i]);
        };
        worker.onerror = (e) => {
          e.preventDefault();
          reject(new Error(e.message));
        };
        take();
      })
    ));
  } finally {
    for (const w of pool) w.terminate();
  }
  return results;
}

/**
 * Generates a province into `o.out`: each county generated, scored by the engine and verified as
 * the demo county is, on one worker per thread (each holds one county at a time), its CSV parts
 * written to a temporary folder; then each table written as one Parquet file by DuckDB
 * (`COPY … TO`, counties in order, so the files do not depend on the number of threads).
 */
export async function generateProvince(o: Options & { counties: number }): Promise<string> {
  const t0 = performance.now();
  await readModel(o.model);
  const threads = o.threads ?? Math.max(1, navigator.hardwareConcurrency ?? 1);
  const parts = await Deno.makeTempDir({ prefix: "cw-province-" });
  const totals = { households: 0, persons: 0, warned: 0, verified: 0 };
  try {
    const counties = provinceCounties(o.seed, o.counties);
    const jobs = counties.map((c) => ({
      index: c.index,
      seed: o.seed,
      households: o.households,
      model: o.model,
      out: o.out,
      parts,
    }));
    let finished = 0;
    const progress = progressOf(o);
    progress.phase("counties generated, scored and verified", counties.length);
    const results = await countyParts(jobs, threads, (p) => {
      progress.update(++finished, `counties generated, scored and verified (last: ${p.code} ${p.name})`);
    });
    progress.phase("writing the Parquet files");
    for (const p of results) {
      totals.households += p.households;
      totals.persons += p.persons;
      totals.warned += p.warned;
      totals.verified += p.verified;
    }
    const columns = results[0].columns;
    const tGenerated = performance.now();
    await Deno.mkdir(o.out, { recursive: true });
    const db = await openNativeDb({ threads });
    try {
      for (const [table, cols] of Object.entries(columns)) {
        const files = counties.map((c) => quoteText(join(parts, `${table}-${c.code}.csv`))).join(", ");
        const types = cols.map((c) => `${quoteText(c.name)}: ${quoteText(DUCK_TYPE[c.type])}`).join(", ");
        const target = join(o.out, `${table}.parquet`);
        await db.exec(
          `COPY (SELECT ${cols.map((c) => quoteIdent(c.name)).join(", ")} FROM read_csv([${files}], header = true, ` +
            `columns = {${types}}, dateformat = '%Y-%m-%d', auto_detect = false)) TO ${
              quoteText(target)
            } (FORMAT parquet, COMPRESSION zstd)`,
        );
      }
    } finally {
      await db.close();
    }
    const description = datasetDescription({ seed: o.seed, households: totals.households }) as Record<string, unknown>;
    description.name = "demo-province";
    description.description =
      `Synthetic demo province of ${o.counties} counties (seed ${o.seed}, ${totals.households} households), each ` +
      "drawn like the demo county modelled on Xiaochang County, Hubei, with its own towns, villages and ids. Every " +
      "household and person is fictitious; generated by scripts/demo_data.ts --counties, documented in data/README.md.";
    await Deno.writeTextFile(join(o.out, "dataset.json"), JSON.stringify(description, null, 2) + "\n");
    progress.end();
    const seconds = (performance.now() - t0) / 1000;
    return `Demo province: ${o.counties} counties, ${totals.households} households, ${totals.persons} persons; ` +
      `${totals.warned} warned, ${totals.verified} verified cases (seed ${o.seed}) in ${seconds.toFixed(1)} s` +
      `\n  (counties generated, scored and verified in ${((tGenerated - t0) / 1000).toFixed(1)} s; Parquet written in ${
        ((performance.now() - tGenerated) / 1000).toFixed(1)
      } s)\nWrote ${o.out}`;
  } finally {
    await Deno.remove(parts, { recursive: true });
  }
}

if (import.meta.main && !IN_WORKER) {
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
    const { counties } = options;
    console.log(counties === undefined ? await generate(options) : await generateProvince({ ...options, counties }));
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
