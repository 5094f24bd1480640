/**
 * What every command shares: argument parsing, opening the engine, loading a dataset, printing
 * (control characters escaped), and turning user mistakes into a clear message and exit status 2
 * (never a stack trace). Writing files is scripts/_output.ts.
 */
import { toCsv } from "../src/base/csv.ts";
import { Progress, progressMode } from "../src/base/progress.ts";
import { terminalSafe } from "../src/base/terminal.ts";
import { checkModelSize, formatProblem, InputError, type Model, parseModel } from "../src/contract/mod.ts";
import { type Db, type EngineName, openDb } from "../src/db/mod.ts";
import { setNativeDefaults } from "../src/db/mod.ts";
import {
  assertLoadable,
  loadDataset,
  type LoadOptions,
  type LoadReport,
  readDatasetFolder,
  type RejectedRow,
} from "../src/ingest/mod.ts";
import { checkOut, type OutPlan, writeOut } from "./_output.ts";

export { checkOut, writeOut } from "./_output.ts";

/** Prints to standard output, control characters escaped (line breaks kept). */
export function print(text: string): void {
  console.log(terminalSafe(text, { lines: true }));
}

/** Prints to standard error, control characters escaped (line breaks kept). */
export function printError(text: string): void {
  console.error(terminalSafe(text, { lines: true }));
}

let current: Progress | undefined;

/**
 * The command's progress on standard error (src/base/progress.ts): a bar on a terminal, plain
 * lines otherwise, nothing with `--quiet` (which every command takes); nothing either for the
 * first second. Ended by {@link runCommand}.
 */
export function progress(): Progress {
  current ??= new Progress({
    mode: progressMode({ quiet, terminal: Deno.stderr.isTerminal() }),
    write: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
  });
  return current;
}

let quiet = false;

/** A mistake in how a command was called. */
export class UsageError extends Error {}

/** Parsed `--name value` and `--flag` arguments. */
export type Args = Record<string, string | boolean>;

/**
 * Parses arguments against the options a command knows; unknown options are usage errors. Every
 * command with `--engine` also takes `--threads N` (the native engine's DuckDB threads; default
 * every core) and `--memory-limit <size>` (DuckDB's memory limit, e.g. 4GiB; beyond it DuckDB
 * spills to the run's temporary folder), applied here to every native database the command opens.
 */
export function parseArgs(argv: string[], options: { values: string[]; flags?: string[] }): Args {
  const engineOptions = ["threads", "memory-limit"].filter((o) => !options.values.includes(o));
  const withEngine = options.values.includes("engine") && engineOptions.length > 0
    ? { ...options, values: [...options.values, ...engineOptions] }
    : options;
  // Every command takes --quiet: no progress on standard error.
  const known = withEngine.flags?.includes("quiet")
    ? withEngine
    : { ...withEngine, flags: [...(withEngine.flags ?? []), "quiet"] };
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`Unexpected argument "${arg}"`);
    const [, name, inline] = m;
    if (known.flags?.includes(name)) {
      out[name] = true;
    } else if (known.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) {
        throw new UsageError(`Option --${name} needs a value`);
      }
      out[name] = value;
    } else {
      throw new UsageError(
        `Unknown option --${name}; expected one of ${
          [...known.values, ...(known.flags ?? [])].map((k) => `--${k}`).join(", ")
        }`,
      );
    }
  }
  quiet = out.quiet === true;
  if (quiet && current && current.mode !== "off") {
    // A command that named a phase before parsing its options (db's verbs): silenced from here on.
    current.end();
    current = undefined;
  }
  if (withEngine !== options && out.threads !== undefined) {
    setNativeDefaults({ threads: integerOption(out, "threads", 0, 1, 1024) });
  }
  if (withEngine !== options && out["memory-limit"] !== undefined) {
    setNativeDefaults({ memoryLimit: memoryLimitOption(String(out["memory-limit"])) });
  }
  return out;
}

/** A `--memory-limit` value as DuckDB reads it: a number and a unit (KB, MB, GB, TB or KiB, MiB, GiB, TiB). */
export function memoryLimitOption(value: string): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*$/i.exec(value);
  if (!m || Number(m[1]) <= 0) {
    throw new UsageError(`Option --memory-limit needs a size such as 4GiB or 512MB but found "${value}"`);
  }
  return `${m[1]}${m[2].toUpperCase().replace("IB", "iB")}`;
}

/** The value of a required option. */
export function required(args: Args, name: string): string {
  const v = args[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`Missing required option --${name}`);
  return v;
}

/** A number option: the whole text must be a number; undefined when the option is absent. */
export function numberOption(args: Args, name: string): number | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  const text = String(v).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new UsageError(`Option --${name} needs a number but found "${v}"`);
  }
  return Number(text);
}

/** A whole-number option within [min, max], or `fallback` when absent. */
export function integerOption(
  args: Args,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = args[name];
  if (v === undefined) return fallback;
  const text = String(v).trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`Option --${name} needs a whole number from ${min} to ${max} but found "${v}"`);
  }
  return Number(text);
}

/** The engine named by `--engine` (native by default). */
export function engineOf(args: Args): EngineName {
  const e = args.engine ?? "native";
  if (e !== "native" && e !== "wasm") throw new UsageError(`Unknown engine "${String(e)}"; expected native or wasm`);
  return e;
}

/** Reads and parses a model file; problems name the file. */
export async function readModel(file: string): Promise<{ model: Model; text: string }> {
  let text: string;
  try {
    // Stat first: a folder, a device (/dev/zero) or a pipe is never read; nor a file beyond the size limit.
    const info = await Deno.stat(file);
    if (!info.isFile) {
      throw new InputError([{
        file,
        message: `Model "${file}" is not a file (a folder, a device or a pipe); give a .json file`,
      }]);
    }
    checkModelSize(info.size, file);
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ file, message: `Model file "${file}" cannot be read; check the path given to --model` }]);
  }
  return { model: parseModel(text, file), text };
}

/** Opens the engine and loads the dataset folder; throws `InputError` when it cannot be scored. */
export async function openDataset(
  args: Args,
  options: { lenient?: boolean; quiet?: boolean } = {},
): Promise<{ db: Db; report: LoadReport }> {
  const folder = required(args, "data");
  const files = await readDatasetFolder(folder);
  const db = await openDb(engineOf(args));
  const report = await loadDataset(db, files, {
    folder,
    lenient: options.lenient ?? args.lenient === true,
    onStep: loadProgress(folder),
    // The commands that score print no column counts (validate does, loading for itself).
    columnCounts: false,
  });
  try {
    assertLoadable(report);
  } catch (error) {
    await db.close();
    throw error;
  }
  // What follows the load (scoring, the command's own figures), until the command names a phase of its own.
  progress().phase("scoring and computing");
  if (!options.quiet) {
    for (const t of report.tables) {
      printError(`${t.file}: ${t.rowsRead} rows read, ${t.accepted} accepted, ${t.rejected} rejected`);
    }
  }
  if (report.lenient && typeof args.out === "string") {
    const path = await writeOut(args.out, "rejected.csv", rejectedCsv(report.rejected));
    if (report.rejected.length > 0) printError(`Rejected rows with their reasons: ${path}`);
  }
  return { db, report };
}

/** Loading progress for {@link LoadOptions}.onStep: one phase, a part per validation step. */
export function loadProgress(folder: string): NonNullable<LoadOptions["onStep"]> {
  return (step, index, total) => {
    if (index === 0) progress().phase(`loading ${folder}: ${step}`, total);
    else progress().update(index, `loading ${folder}: ${step}`);
  };
}

/**
 * `rejected.csv`: one line per reason, through the one CSV writer (formula-like values
 * neutralised, as in every output a spreadsheet opens).
 */
export function rejectedCsv(rows: readonly RejectedRow[]): string {
  return toCsv(
    ["file", "row", "column", "value", "reason"],
    rows.map((r) => [r.file, r.row, r.column, r.value, r.reason]),
  );
}

/**
 * Checks `--out` before any work (scripts/_output.ts `checkOut`): the files the command writes
 * (plus `rejected.csv` under `--lenient`) must not replace the dataset, a model or a folder unless
 * `--force`. Returns the folder.
 */
export async function outFolder(
  args: Args,
  files: readonly string[],
  inputs: readonly string[] = [],
): Promise<string> {
  const out = required(args, "out");
  const plan: OutPlan = {
    out,
    files: args.lenient === true ? [...files, "rejected.csv"] : files,
    data: typeof args.data === "string" ? args.data : undefined,
    inputs,
    force: args.force === true,
  };
  await checkOut(plan);
  return out;
}

/** File-system failures that come from the user's paths or permissions, not from a bug. */
const FILE_ERRORS = [
  Deno.errors.NotFound,
  Deno.errors.PermissionDenied,
  Deno.errors.AlreadyExists,
  Deno.errors.IsADirectory,
  Deno.errors.NotADirectory,
  Deno.errors.NotCapable,
];

/**
 * Runs a command's main function: user mistakes (bad input, bad usage) print a clear message and
 * exit 2; anything else is a bug and keeps its stack trace (exit 1).
 */
export async function runCommand(usage: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
    current?.end();
  } catch (error) {
    current?.end();
    if (error instanceof InputError) {
      const lines = error.message.includes("\n") || error.problems.length === 0
        ? error.message
        : error.problems.map(formatProblem).join("\n");
      printError(`Error: ${lines}`);
      Deno.exit(2);
    }
    if (error instanceof UsageError) {
      printError(`Error: ${error.message}\n\n${usage}`);
      Deno.exit(2);
    }
    if (FILE_ERRORS.some((kind) => kind !== undefined && error instanceof kind)) {
      printError(`Error: ${(error as Error).message}; check the paths given to the command`);
      Deno.exit(2);
    }
    throw error;
  }
}
