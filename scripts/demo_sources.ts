/**
 * `deno run -A scripts/demo_sources.ts [--households N] [--seed S] [--out <folder>] [--noise F]
 *   [--twins P] [--namesakes P] [--xlsx <source_id,…>] [--bom-crlf <source_id,…>]`
 *
 * Writes the demo county's raw department extracts (contract §4; src/synth/sources.ts documents
 * the sources and the planted noise) with `truth.csv` and `village_aliases.csv`, default into
 * data/demo-sources. The county is the one `deno task demo-data` generates for the same
 * households and seed, so the merge of these sources can be compared with data/demo.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { demoSourceFiles, type DemoSourceOptions, demoSources, type SourceFormats } from "../src/synth/sources.ts";
import { type County, DEMO_SEED, generateCounty, PARAMS } from "../src/synth/mod.ts";
import { integerOption, numberOption, parseArgs, runCommand, UsageError } from "./_cli.ts";

const USAGE = `Usage: deno run -A scripts/demo_sources.ts [--households N] [--seed S] [--out <folder>] [options]
Writes the demo county's department sources (default ${PARAMS.households} households, seed ${DEMO_SEED}, into data/demo-sources).
  --noise F              multiply every noise rate by F (default 1)
  --twins P              chance that same-age siblings are twins (default 0.5)
  --namesakes P          chance that a person shares a same-sex neighbour's name (default 0.01)
  --xlsx a,b             write these sources as records.xlsx
  --bom-crlf a,b         write these sources as a CSV with a byte-order mark and CRLF`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Writes the sources of a demo county generated with `seed` into `out`; returns the record count. */
export async function writeDemoSources(
  county: County,
  seed: number,
  out: string,
  options: DemoSourceOptions = {},
  formats: SourceFormats = {},
): Promise<number> {
  const sources = demoSources(county, seed, options);
  for (const f of await demoSourceFiles(sources, formats)) {
    const path = join(out, f.name);
    await Deno.mkdir(dirname(path), { recursive: true });
    if (f.bytes) await Deno.writeFile(path, f.bytes);
    else await Deno.writeTextFile(path, f.text ?? "");
  }
  return sources.truth.length;
}

if (import.meta.main) {
  await runCommand(USAGE, async () => {
    const args = parseArgs(Deno.args, {
      values: ["households", "seed", "out", "noise", "twins", "namesakes", "xlsx", "bom-crlf"],
    });
    const rate = (name: string) => {
      const x = numberOption(args, name);
      if (x !== undefined && !(x >= 0 && x <= 1)) throw new UsageError(`--${name} must be between 0 and 1`);
      return x;
    };
    const noise = numberOption(args, "noise");
    if (noise !== undefined && !(noise >= 0 && noise <= 10)) throw new UsageError("--noise must be between 0 and 10");
    const list = (name: string) => (typeof args[name] === "string" ? (args[name] as string).split(",") : undefined);
    const options = { noise, twins: rate("twins"), namesakes: rate("namesakes") };
    const formats = { xlsx: list("xlsx"), bomCrlf: list("bom-crlf") };
    const households = integerOption(args, "households", PARAMS.households, 1);
    const seed = integerOption(args, "seed", DEMO_SEED, 0, 0xffffffff);
    const out = resolve(typeof args.out === "string" ? args.out : join(ROOT, "data", "demo-sources"));
    const t0 = performance.now();
    const n = await writeDemoSources(generateCounty(PARAMS, seed, households), seed, out, options, formats);
    console.log(
      `Wrote ${n} records of ${households} households' members to ${out} in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
    );
  });
}
