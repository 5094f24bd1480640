/**
 * `deno run -A scripts/demo_sources.ts [--households N] [--seed S] [--out <folder>]`
 *
 * Writes the demo county's raw department extracts (contract §4; src/synth/sources.ts documents
 * the sources and the planted noise) with `truth.csv` and `village_aliases.csv`, default into
 * data/demo-sources. The county is the one `deno task demo-data` generates for the same
 * households and seed, so the merge of these sources can be compared with data/demo.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { demoSourceFiles, demoSources } from "../src/synth/sources.ts";
import { type County, DEMO_SEED, generateCounty, PARAMS } from "../src/synth/mod.ts";
import { integerOption, parseArgs, runCommand } from "./_cli.ts";

const USAGE = `Usage: deno run -A scripts/demo_sources.ts [--households N] [--seed S] [--out <folder>]
Writes the demo county's department sources (default ${PARAMS.households} households, seed ${DEMO_SEED}, into data/demo-sources).`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Writes the sources of a demo county generated with `seed` into `out`; returns the record count. */
export async function writeDemoSources(county: County, seed: number, out: string): Promise<number> {
  const sources = demoSources(county, seed);
  for (const f of demoSourceFiles(sources)) {
    const path = join(out, f.name);
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, f.text);
  }
  return sources.truth.length;
}

if (import.meta.main) {
  await runCommand(USAGE, async () => {
    const args = parseArgs(Deno.args, { values: ["households", "seed", "out"] });
    const households = integerOption(args, "households", PARAMS.households, 1);
    const seed = integerOption(args, "seed", DEMO_SEED, 0, 0xffffffff);
    const out = resolve(typeof args.out === "string" ? args.out : join(ROOT, "data", "demo-sources"));
    const t0 = performance.now();
    const n = await writeDemoSources(generateCounty(PARAMS, seed, households), seed, out);
    console.log(
      `Wrote ${n} records of ${households} households' members to ${out} in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
    );
  });
}
