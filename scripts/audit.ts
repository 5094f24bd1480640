/**
 * `deno task audit --data <folder> --model <model.json> --out <folder>`: audits the model's warnings
 * on the data — each frame's precision, recall and miss rate (where the frame supports them) with
 * Wilson and village-cluster bootstrap intervals, per batch; warn rate, precision, false discovery
 * rate and miss rate by town, village, category and households with elderly, disabled, child or
 * single members, with disparity ratios against a reference group; batch-to-batch drift (PSI).
 * Writes `<out>/audit.json`, `<out>/audit.html` and `<out>/run.json`. `--db <file> --batch <id>`
 * instead of `--data` audits a batch of the monitoring database (scripts/_db_run.ts), read-only.
 */
import { outputJson } from "../src/contract/outputs.ts";
import { auditOf } from "../src/evaluate/audit_file.ts";
import { parseReferences, readMemberGroups, readTowns } from "../src/evaluate/audit.ts";
import { DEFAULT_REPLICATES, DEFAULT_SEED } from "../src/evaluate/bootstrap.ts";
import { loadContext } from "../src/evaluate/context.ts";
import { FRAME_NAMES } from "../src/evaluate/frames.ts";
import { auditHtml } from "../src/report/audit_html.ts";
import { integerOption, outFolder, parseArgs, print, required, runCommand, UsageError, writeOut } from "./_cli.ts";
import { batchManifest, prepareBatchRun, SOURCE_USAGE, sourceOf } from "./_db_run.ts";
import { manifest, prepareRun } from "./_scoring.ts";

const USAGE = `Usage: deno task audit --data <dataset folder> --model <model.json> --out <folder> [options]
       deno task audit --db <database file> --batch <id> [--model <model.json>] --out <folder> [options]
Audits the model's warnings by frame, batch and group, with honest intervals, and batch-to-batch drift.
Writes <out>/audit.json, <out>/audit.html and <out>/run.json.
Options:
  --reference dim=group,…   reference groups for the disparity ratios, e.g. category=dibao,town=花园镇
                            (default: the largest group; "without" for elderly, disabled, child, single)
  --drift-channel C         channel whose batches are compared for drift: warning (default), survey,
                            application, or any
  --seed S                  seed of the village-cluster bootstrap (default ${DEFAULT_SEED})
  --replicates B            bootstrap replicates (default ${DEFAULT_REPLICATES})
  --engine native|wasm, --lenient, --force as for deno task score
${SOURCE_USAGE}`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: ["data", "db", "batch", "model", "out", "engine", "reference", "drift-channel", "seed", "replicates"],
    flags: ["lenient", "force"],
  });
  required(args, "out");
  const fromDb = (await sourceOf(args)) === "db";
  const seed = integerOption(args, "seed", DEFAULT_SEED, 0, 4294967295);
  const replicates = integerOption(args, "replicates", DEFAULT_REPLICATES, 1);
  const driftChannel = String(args["drift-channel"] ?? "warning");
  if (![...FRAME_NAMES, "any"].includes(driftChannel)) {
    throw new UsageError(
      `Unknown --drift-channel "${driftChannel}"; expected one of ${[...FRAME_NAMES, "any"].join(", ")}`,
    );
  }
  let references: Record<string, string>;
  try {
    references = parseReferences(typeof args.reference === "string" ? args.reference : undefined);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const inputs = fromDb ? [required(args, "db"), ...(typeof args.model === "string" ? [args.model] : [])] : [
    required(args, "model"),
  ];
  const out = await outFolder(args, ["audit.json", "audit.html", "run.json"], inputs);
  const batchRun = fromDb ? await prepareBatchRun(args) : undefined;
  const run = batchRun ?? await prepareRun(args);
  let audit;
  try {
    const context = await loadContext(run.db, run.compiled);
    const ids = context.population.frame.householdIds;
    const towns = await readTowns(run.db, run.report.schema, ids);
    const memberGroups = await readMemberGroups(run.db, run.report.schema, ids);
    try {
      audit = auditOf({
        context,
        model: {
          id: run.model.id,
          version: run.model.version,
          sha256: run.modelSha256,
          file: typeof args.model === "string"
            ? args.model
            : `${required(args, "db")} (batch ${required(args, "batch")})`,
        },
        data: { folder: batchRun ? run.report.folder : required(args, "data"), digest: run.report.digest },
        towns,
        memberGroups,
        references,
        bootstrap: { seed, replicates },
        driftChannel,
      });
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
  } finally {
    await run.db.close();
  }
  await writeOut(out, "audit.json", outputJson("audit.json", audit));
  await writeOut(out, "audit.html", auditHtml(audit));
  await writeOut(out, "run.json", batchRun ? batchManifest(batchRun, "audit") : manifest(run, "audit"));

  const pct = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);
  const range = (c: [number, number] | null | undefined) => (c ? ` [${pct(c[0])}–${pct(c[1])}]` : "");
  print(
    `Audit of ${run.model.id} ${run.model.version} (sha256 ${
      run.modelSha256.slice(0, 12)
    }…) on ${audit.data.households} households`,
  );
  for (const f of FRAME_NAMES) {
    const fr = audit.frames[f];
    if (!fr.present || !fr.overall) {
      print(`  ${f} frame: no verified rows`);
      continue;
    }
    const m = fr.overall;
    const parts = [`${m.labeled} labeled in ${fr.villages.length} villages`];
    if (m.precision !== null) {
      parts.push(
        `precision ${pct(m.precision)}${range(m.precision_ci95)} (bootstrap${range(fr.bootstrap?.precision?.ci95)})`,
      );
    }
    if (m.recall !== null) parts.push(`recall ${pct(m.recall)}${range(m.recall_ci95)}`);
    if (m.miss_rate !== null) parts.push(`miss rate ${pct(m.miss_rate)}`);
    if (m.coverage !== null) parts.push(`coverage ${pct(m.coverage)}`);
    if (f === "application") parts.push(`needs missed ${m.needs_missed}/${m.labeled_positives}`);
    if (m.flags.length) parts.push(`flags: ${m.flags.join(", ")}`);
    print(`  ${f} frame: ${parts.join(", ")}`);
  }
  for (const g of audit.groups) {
    const flagged = g.rows.filter((r) => r.flagged.length > 0);
    print(
      `  groups by ${g.id}: ${g.rows.length} groups, reference ${g.reference}, ${flagged.length} with a flagged disparity`,
    );
  }
  for (const s of audit.skipped_groups) print(`  groups by ${s.id}: ${s.reason}`);
  for (const c of audit.drift.comparisons) {
    print(
      `  drift ${c.baseline} → ${c.batch}: score PSI ${
        c.score.psi.toFixed(4)
      } (${c.score.verdict}); indicators major: ${c.major.join(", ") || "none"}; moderate: ${
        c.moderate.join(", ") || "none"
      }`,
    );
  }
  for (const n of audit.drift.notes) print(`  ${n}`);
  print(`Wrote ${out}/audit.json, ${out}/audit.html, ${out}/run.json`);
});
