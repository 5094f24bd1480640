/**
 * `deno task merge --sources <folder> --out <dataset folder> [--lenient] [--id-map <records.csv>]`
 *
 * Merges the department sources (contract §4) into a dataset (§1): households.csv, members.csv,
 * dataset.json, linkage/records.csv (every record → person id, or the reason it was rejected),
 * linkage/review.csv (the pairs to review) and linkage/report.json. Person ids stay stable across
 * runs through the previous linkage/records.csv (in the out folder, or --id-map). Names are read
 * for matching only. With `--model <file>` it also scores the merge and the merge with every
 * review pair linked (linkage/if_review_linked/) and adds each touched household's bands to
 * linkage/uncertainty.csv: which warnings the review could change.
 */
import { join } from "node:path";
import { toCsv } from "../src/base/csv.ts";
import { parseCsv } from "../src/ingest/mod.ts";
import { prepareRun, scoreAll } from "./_scoring.ts";
import { openDb } from "../src/db/mod.ts";
import { formatWaterfall, mergeSources } from "../src/merge/mod.ts";
import { engineOf, numberOption, parseArgs, progress, required, runCommand, UsageError, writeOut } from "./_cli.ts";

const USAGE =
  `Usage: deno task merge --sources <folder> --out <dataset folder> [--lenient] [--id-map <records.csv>] [--link-at P] [--explain …]
Merges the department extracts below <folder> (<source_id>/manifest.json + records.csv|parquet) into a dataset.
  --lenient        reject rows with problems (reasons in linkage/records.csv) instead of failing
  --id-map <file>  the previous run's linkage/records.csv (default: <out>/linkage/records.csv if present)
  --link-at P      match probability from which a pair links (default 0.7)
  --model <file>   also score the merge with and without the review pairs linked: bands in linkage/uncertainty.csv
  --explain "s/r,s/r;…"  print the match-weight waterfall of these record pairs (source_id/record_id)`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: ["sources", "out", "id-map", "link-at", "engine", "explain", "model"],
    flags: ["lenient"],
  });
  progress().phase("merging");
  const explain = typeof args.explain === "string"
    ? args.explain.split(";").map((pair) => {
      const keys = pair.split(",");
      if (keys.length !== 2) {
        throw new UsageError(`--explain needs pairs "src/rec,src/rec" (separated by ;), got "${pair}"`);
      }
      return keys as [string, string];
    })
    : undefined;
  const sources = required(args, "sources");
  const out = required(args, "out");
  const linkAt = numberOption(args, "link-at");
  if (linkAt !== undefined && !(linkAt > 0 && linkAt < 1)) throw new UsageError("--link-at must be between 0 and 1");
  const mapPath = typeof args["id-map"] === "string" ? args["id-map"] : join(out, "linkage", "records.csv");
  let previousIds: string | undefined;
  try {
    previousIds = await Deno.readTextFile(mapPath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    if (typeof args["id-map"] === "string") throw new UsageError(`--id-map file "${mapPath}" does not exist`);
  }
  const db = await openDb(engineOf(args));
  let result;
  try {
    result = await mergeSources(db, sources, {
      lenient: args.lenient === true,
      previousIds,
      linkage: linkAt !== undefined ? { linkAt } : {},
      explain,
    });
  } finally {
    await db.close();
  }
  for (const f of result.files) {
    const slash = f.name.lastIndexOf("/");
    await writeOut(slash < 0 ? out : join(out, f.name.slice(0, slash)), f.name.slice(slash + 1), f.text);
  }
  const r = result.report;
  console.log(
    `Merged ${r.sources.length} sources: ${r.records.read} records read, ${r.records.linked} linked, ${r.records.rejected} rejected`,
  );
  console.log(
    `  ${r.persons} persons (${r.person_ids.kept} ids kept, ${r.person_ids.new} new) in ${r.households} households`,
  );
  console.log(
    `  ${r.linkage.pairs_compared} pairs compared, ${r.linkage.pairs_linked} linked, ${r.linkage.pairs_review} to review`,
  );
  if (r.quality) {
    const q = r.quality;
    const f = (x: number | null) => (x === null ? "—" : x.toFixed(4));
    console.log(
      `  against truth.csv: pairwise precision ${f(q.pairwise.precision)}, recall ${f(q.pairwise.recall)}, F1 ${
        f(q.pairwise.f1)
      }; persons ${q.persons_found} vs ${q.persons_true} (${(100 * q.person_count_error).toFixed(2)}%)`,
    );
  }
  console.log(`  in ${result.timings.seconds.toFixed(1)} s. Wrote ${out}`);
  if (typeof args.model === "string") {
    const changed = await bandsIfReviewLinked(
      out,
      args.model,
      typeof args.engine === "string" ? args.engine : undefined,
    );
    console.log(`  ${changed} households would change band if the review pairs were linked (linkage/uncertainty.csv)`);
  }
  for (const e of result.explanations) console.log(`\n${e.pair.join(" ↔ ")}\n${formatWaterfall(e.waterfall)}`);
});

/** Scores both versions and adds `band`, `band_if_linked` and `changes` to linkage/uncertainty.csv; returns how many change. */
async function bandsIfReviewLinked(out: string, model: string, engine: string | undefined): Promise<number> {
  const bands = async (data: string) => {
    const run = await prepareRun({ data, model, ...(engine ? { engine } : {}) });
    try {
      return new Map((await scoreAll(run)).map((r) => [r.household_id, r.band ?? ""]));
    } finally {
      await run.db.close();
    }
  };
  const now = await bands(out);
  const linked = await bands(join(out, "linkage", "if_review_linked"));
  const path = join(out, "linkage", "uncertainty.csv");
  const [header, ...rows] = parseCsv(await Deno.readTextFile(path));
  const at = header.indexOf("households_if_linked");
  let changed = 0;
  const withBands = rows.filter((r) => r.length === header.length).map((r) => {
    const band = now.get(r[0]) ?? "";
    const ifLinked = r[at].split(";").map((h) => linked.get(h) ?? "");
    const changes = ifLinked.some((b) => b !== band);
    if (changes) changed++;
    return [...r, band, ifLinked.join(";"), String(changes)];
  });
  await Deno.writeTextFile(path, toCsv([...header, "band", "band_if_linked", "changes"], withBands));
  return changed;
}
