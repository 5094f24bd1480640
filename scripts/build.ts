/**
 * `deno task build`: the notebooks as a static folder, dist/, that any static file server can host
 * with no network: the pages, DuckDB-wasm's wasm and worker files, parquet-wasm, the demo county
 * (data/demo, generated first when missing; data/sample without the generator) and the default
 * model. Open dist/index.html through a server (workers do not run from file://), e.g.
 * `deno task start --no-build`, or any static server pointed at dist/.
 *
 * Options are passed to `vite build` (e.g. `--outDir <folder>`); NOTEBOOK_DATA and NOTEBOOK_MODEL
 * choose another dataset folder and model.
 */
import { ensureDemoData, ROOT } from "./_notebook_data.ts";

const quiet = Deno.args.includes("--quiet");
const passed = Deno.args.filter((a) => a !== "--quiet");
const data = await ensureDemoData(quiet ? () => {} : console.log);
const { success } = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "npm:vite@8.3.8", "build", ...(quiet ? ["--logLevel", "warn"] : []), ...passed],
  cwd: ROOT,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!success) Deno.exit(1);
if (!quiet) {
  console.log(
    `\nBuilt dist/ on ${
      data.startsWith(ROOT) ? data.slice(ROOT.length + 1) : data
    }. Serve it with: deno task start --no-build`,
  );
}
