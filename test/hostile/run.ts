/**
 * Running the commands of the sweep: each `scripts/<name>.ts` spawned the way `deno task <name>`
 * runs it, at most two at a time, with a one-minute limit; and the checks every run must pass.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvCells, isFormulaCell, RAW_CONTROL } from "./fixtures.ts";

/** What one command run gave. */
export interface RunResult {
  /** The command line, for messages. */
  label: string;
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** One command to run. */
export interface RunSpec {
  script: string;
  args: string[];
  /** The one-minute limit of the issue, unless smaller. */
  timeoutMs?: number;
  /** Sends SIGINT after this long (Ctrl+C): the run must still clean up after itself. */
  signalAfterMs?: number;
  /** The run's own temporary folder (TMPDIR), checked for leftovers afterwards. */
  tmp?: string;
}

function runOne(spec: RunSpec): Promise<RunResult> {
  const label = `${spec.script} ${spec.args.join(" ")}`;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["run", "-A", `scripts/${spec.script}.ts`, ...spec.args], {
      env: { ...process.env, NO_COLOR: "1", ...(spec.tmp ? { TMPDIR: spec.tmp } : {}) },
    });
    let stdout = "", stderr = "", timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, spec.timeoutMs ?? 60_000);
    const interrupt = spec.signalAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill("SIGINT"), spec.signalAfterMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      if (interrupt !== undefined) clearTimeout(interrupt);
      resolve({
        label,
        status,
        stdout,
        stderr: stderr.replace(/.*arrow2csv.*\n/g, ""),
        ms: Date.now() - started,
        timedOut,
      });
    });
  });
}

/** Runs the specs, `parallel` at a time; results in the order of the specs. */
export async function runAll(specs: readonly RunSpec[], parallel = 2): Promise<RunResult[]> {
  const results: RunResult[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      results[i] = await runOne(specs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, specs.length) }, worker));
  return results;
}

/**
 * The problems of a run that every hostile input must avoid: an exit other than 0 or 2, a time-out,
 * a stack trace, a raw control character on the terminal, a message longer than `maxOutput`.
 */
export function runProblems(r: RunResult, maxOutput = 20_000): string[] {
  const out: string[] = [];
  const text = r.stdout + r.stderr;
  if (r.timedOut) out.push("timed out");
  if (r.status !== 0 && r.status !== 2) out.push(`exit ${r.status}`);
  if (/Uncaught|\n\s+at \S|^\s+at \S/m.test(text)) out.push(`stack trace: ${text.slice(0, 400)}`);
  if (RAW_CONTROL.test(text)) out.push(`raw control character: ${JSON.stringify(text.match(RAW_CONTROL)?.[0])}`);
  if (text.length > maxOutput) out.push(`${text.length} characters printed`);
  return out;
}

/** Every file below a folder (relative paths). */
export function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else out.push(`${prefix}${name}`);
    }
  };
  walk(dir, "");
  return out.sort();
}

/**
 * The problems of a folder of outputs: a CSV cell a spreadsheet would run, an HTML file holding a
 * payload unescaped, a file holding `secret` (a key, a foreign file's content).
 */
export function outputProblems(dir: string, secrets: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const name of filesBelow(dir)) {
    const text = readFileSync(join(dir, name), "utf8");
    if (name.endsWith(".csv")) {
      const cells = csvCells(text);
      const bad = cells.filter(isFormulaCell);
      if (bad.length > 0) out.push(`${name}: formula cell ${JSON.stringify(bad[0])}`);
      const odd = cells.find((c) => /^[+-]?(Infinity|NaN)$/.test(c));
      if (odd !== undefined) out.push(`${name}: a number printed as ${odd}`);
    }
    if (name.endsWith(".html")) {
      // The report's own scripts are inline modules; a payload is a <script> with alert, or an
      // injected tag with an event handler, or a </textarea> breaking out of a text area.
      for (const m of [/<script>alert/i, /<img src=x onerror/i, /<\/textarea><img/i]) {
        if (m.test(text)) out.push(`${name}: unescaped ${m.source}`);
      }
    }
    for (const s of secrets) if (text.includes(s)) out.push(`${name}: holds ${JSON.stringify(s.slice(0, 20))}`);
  }
  return out;
}

/** Engine temporary folders and staged table copies in a temp folder (the system's by default). */
export function tempLeftovers(dir = tmpdir()): string[] {
  const out: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (/^cw-db-/.test(name)) {
      try {
        for (const inner of readdirSync(join(dir, name))) out.push(`${name}/${inner}`);
        out.push(name);
      } catch {
        // Removed meanwhile.
      }
    }
    if (/_ingest_|^\..*\.tmp$/.test(name)) out.push(name);
  }
  return out.sort();
}
