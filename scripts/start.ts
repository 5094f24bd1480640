/**
 * `deno task start [--port N] [--dev] [--no-build]`: the notebooks on the demo county.
 *
 * 1. Generates the demo county into data/demo when it is missing (`deno task demo-data`); without
 *    the generator it falls back to the committed sample (data/sample).
 * 2. Prints the headline figures of the default model on it (`deno task evaluate`).
 * 3. Builds the notebooks into dist/ (`deno task build`) and serves that folder on 127.0.0.1 with
 *    a small static server (or, with --dev, runs Vite's dev server), and prints the URL.
 *
 * Everything is served from this machine: the pages fetch no file from any other origin.
 */
import { existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { ensureDemoData, ensureDemoMerge, isDataset, notebookModelFile, ROOT } from "./_notebook_data.ts";

const USAGE = `Usage: deno task start [--port N] [--dev] [--no-build]
Serves the notebooks (data, calibrate, audit, household) on the demo county at http://127.0.0.1:<port>/.
  --port N     port to listen on (default 5173, or the next free one)
  --dev        run Vite's dev server instead of serving a fresh build of dist/
  --no-build   serve dist/ as it is (after an earlier deno task build)`;

function parse(argv: string[]): { port: number; dev: boolean; build: boolean } {
  const out = { port: 5173, dev: false, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (a === "--dev") out.dev = true;
    else if (a === "--no-build") out.build = false;
    else if (a === "--port" || a.startsWith("--port=")) {
      const v = a.includes("=") ? a.slice(7) : argv[++i];
      const port = Number(v);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        console.error(`Error: --port needs a whole number from 1 to 65535 but found "${v}"\n\n${USAGE}`);
        Deno.exit(2);
      }
      out.port = port;
    } else {
      console.error(`Error: Unexpected argument "${a}"\n\n${USAGE}`);
      Deno.exit(2);
    }
  }
  return out;
}

/** Runs `deno <args>` in the project root with the output shown; returns whether it succeeded. */
async function deno(args: string[], options: { quiet?: boolean } = {}): Promise<{ ok: boolean; out: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: options.quiet ? "piped" : "inherit",
    stderr: options.quiet ? "piped" : "inherit",
  });
  const result = await child.output();
  const decode = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : "");
  // Counts of rows read (stderr) before the figures (stdout), as a reader expects them.
  return { ok: result.success, out: decode(result.stderr) + decode(result.stdout) };
}

const options = parse(Deno.args);

// 1. The demo county.
const data = await ensureDemoData();
await ensureDemoMerge();
const model = notebookModelFile();
if (!isDataset(data)) {
  console.error(
    `Error: no dataset to open: ${data} has no households table. Run deno task demo-data, or set NOTEBOOK_DATA=<dataset folder>.`,
  );
  Deno.exit(2);
}
const rel = (p: string) => (p.startsWith(ROOT + "/") ? p.slice(ROOT.length + 1) : p);

// 2. Headline figures.
if (existsSync(join(ROOT, "scripts", "evaluate.ts"))) {
  const out = await Deno.makeTempDir({ prefix: "civic-start-" });
  const { ok, out: text } = await deno([
    "task",
    "-q",
    "evaluate",
    "--data",
    data,
    "--model",
    model,
    "--out",
    out,
    "--quiet",
  ], {
    quiet: true,
  });
  console.log(`\nDefault model ${rel(model)} on ${rel(data)}:`);
  console.log(
    ok
      ? text.trim().split("\n").filter((l) => !/^Wrote |^Warning|arrow2csv/.test(l)).map((l) => `  ${l}`).join("\n")
      : `  (deno task evaluate failed)\n${text}`,
  );
  await Deno.remove(out, { recursive: true }).catch(() => {});
}

// 3. Serve.
if (options.dev) {
  console.log(`\nStarting Vite's dev server on http://127.0.0.1:${options.port}/ …`);
  const { ok } = await deno(["run", "-A", "npm:vite@8.3.8", "--host", "127.0.0.1", "--port", String(options.port)]);
  Deno.exit(ok ? 0 : 1);
}
const dist = join(ROOT, "dist");
if (options.build || !existsSync(join(dist, "index.html"))) {
  console.log("\nBuilding the notebooks into dist/ …");
  const { ok, out } = await deno(["run", "-A", "scripts/build.ts", "--quiet"], { quiet: true });
  if (!ok) {
    console.error(out);
    Deno.exit(1);
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".parquet": "application/octet-stream",
};

/** Serves dist/ on 127.0.0.1 only: files under it, index.html for folders, 404 for the rest. */
async function handler(request: Request): Promise<Response> {
  const path = decodeURIComponent(new URL(request.url).pathname);
  let file = normalize(join(dist, path));
  if (!file.startsWith(dist)) return new Response("Not found", { status: 404 });
  try {
    if ((await Deno.stat(file)).isDirectory) file = join(file, "index.html");
    const body = await Deno.readFile(file);
    return new Response(body, {
      headers: {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        // Vite names assets by their content: a browser may keep them (and its compiled wasm) for good.
        "cache-control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      },
    });
  } catch {
    return new Response("Not found", { status: 404 });
  }
}

for (let port = options.port; port < options.port + 20; port++) {
  try {
    const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
    console.log(`\nNotebooks on ${rel(data)} (model ${rel(model)}):\n\n  http://127.0.0.1:${port}/\n`);
    console.log(
      "Pages: index.html (data) · calibrate.html · audit.html · household.html · merge.html · loop.html. Press Ctrl+C to stop.",
    );
    await server.finished;
    Deno.exit(0);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
  }
}
console.error(`Error: ports ${options.port}–${options.port + 19} are all in use; pass --port N`);
Deno.exit(1);
