/**
 * `deno task db <verb> --db <file> …`: the monitoring database (src/monitor). Verbs: import, status,
 * warn, changes, dispatch, feedback. Every mistake exits 2 with a sentence.
 */
import { formatInt } from "../src/base/format.ts";
import { quoteText } from "../src/base/sql.ts";
import { readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import {
  batchCsv,
  changesCsv,
  changesSummary,
  dispatchBatch,
  importFeedbackFile,
  importSnapshot,
  listBatches,
  listSnapshots,
  type MonitorDb,
  openMonitor,
  query,
  snapshotChanges,
  warnBatch,
  workListCsv,
  workListFile,
  workListXlsx,
} from "../src/monitor/mod.ts";
import {
  integerOption,
  outFolder,
  parseArgs,
  print,
  progress,
  readModel,
  required,
  runCommand,
  UsageError,
  writeOut,
} from "./_cli.ts";

const USAGE = `Usage: deno task db <verb> --db <database file> …
  import --data <dataset folder> --as-of YYYY-MM [--replace]
      validates the folder (the messages of validate; exit 2 when invalid) and stores it as the month's
      snapshot, in one transaction; a month already stored is refused unless --replace.
  status
      prints the file's schema version and lists the snapshots with their row counts, the models used and
      the batches (the file is only read).
  warn --model <model.json> --as-of YYYY-MM --out <folder> [--replace] [--force]
      scores the month's snapshot, records the batch and writes <out>/batch.csv: household_id, band,
      previous_band, status (new, continued, changed, cleared against the model's previous batch) and the
      main indicators behind each warning.
  changes --from YYYY-MM --to YYYY-MM --out <folder> [--model <model.json>]
      writes <out>/changes.csv (households and members that joined or left, the category, every other
      column that changed; with --model only the columns the model reads) and <out>/changes.txt (a summary).
  dispatch --batch <id> --out <folder> [--on YYYY-MM-DD] [--time-limit-days 15]
      routes every warned household of the batch (主管/主责/主抓 from the model's routing) and writes one
      work list per department, <out>/worklist_<department>.csv and .xlsx, with role, score, band, indicators
      and the deadline (--on, default today, plus the model's time_limit, working days where it says so;
      --time-limit-days gives calendar days instead; default 15 calendar days).
  feedback --file <returns.csv|returns.xlsx> [--batch <id>]
      stores the departments' returns (household_id, department, need, and optionally batch, accepted,
      assistance, amount_yuan, verified_on) as verified rows of their batch; one bad row refuses the file.
A batch is evaluated and audited like a folder: deno task evaluate|audit --db <file> --batch <id> --out <folder>.`;

async function withDb<T>(
  file: string,
  options: { create?: boolean; readOnly?: boolean },
  work: (mdb: MonitorDb) => Promise<T>,
): Promise<T> {
  const mdb = await openMonitor(file, options);
  try {
    return await work(mdb);
  } finally {
    await mdb.close();
  }
}

async function importVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "data", "as-of"], flags: ["replace"] });
  const file = required(args, "db");
  const folder = required(args, "data");
  const asOf = required(args, "as-of");
  const files = await readDatasetFolder(folder);
  const existed = await Deno.stat(file).then(() => true, () => false);
  try {
    await withDb(file, { create: true }, async (mdb) => {
      const { snapshot } = await importSnapshot(mdb, files, asOf, { folder, replace: args.replace === true });
      print(
        `Imported ${folder} as the snapshot of ${asOf}: ${formatInt(snapshot.households)} households, ${
          formatInt(snapshot.members)
        } members, ${formatInt(snapshot.verified)} verified rows. Database: ${file}`,
      );
    });
  } catch (error) {
    // A first import that fails leaves no database file behind.
    if (!existed) { for (const f of [file, `${file}.wal`]) await Deno.remove(f).catch(() => {}); }
    throw error;
  }
}

async function statusVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db"] });
  const file = required(args, "db");
  await withDb(file, { readOnly: true }, async (mdb) => {
    const snapshots = await listSnapshots(mdb);
    const batches = await listBatches(mdb);
    const version = (await query(mdb, `SELECT value FROM m.meta WHERE key = 'version'`))[0].value;
    const lines = [`Monitoring database ${file} (schema version ${version})`, `Snapshots: ${snapshots.length}`];
    for (const s of snapshots) {
      lines.push(
        `  ${s.as_of}  ${formatInt(s.households)} households, ${formatInt(s.members)} members, ${
          formatInt(s.verified)
        } verified  from ${s.folder} (digest ${s.digest.slice(0, 12)}, imported ${s.imported_at})`,
      );
    }
    const models = await query(
      mdb,
      `SELECT model_id, model_version, model_sha256, count(*)::INTEGER AS batches FROM m.batches GROUP BY ALL ORDER BY ALL`,
    );
    lines.push(`Models used: ${models.length}`);
    for (const m of models) {
      lines.push(
        `  ${m.model_id} ${m.model_version} (sha256 ${String(m.model_sha256).slice(0, 12)}): ${m.batches} batches`,
      );
    }
    lines.push(`Batches: ${batches.length}`);
    for (const b of batches) {
      lines.push(
        `  ${b.batch_id}  ${b.as_of}  ${
          formatInt(b.warned)
        } warned: ${b.new} new, ${b.continued} continued, ${b.changed} changed, ${b.cleared} cleared  (previous ${
          b.previous_batch ?? "none"
        }); ${b.dispatched} dispatched, ${b.returns} returns`,
      );
    }
    print(lines.join("\n"));
  });
}

async function warnVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "model", "as-of", "out"], flags: ["replace", "force"] });
  const file = required(args, "db");
  const modelFile = required(args, "model");
  const asOf = required(args, "as-of");
  const out = await outFolder(args, ["batch.csv"], [modelFile, file]);
  const { model } = await readModel(modelFile);
  await withDb(file, {}, async (mdb) => {
    const result = await warnBatch(mdb, model, modelFile, asOf, { replace: args.replace === true });
    const path = await writeOut(out, "batch.csv", batchCsv(result.rows));
    const count = (s: string) => result.rows.filter((r) => r.status === s).length;
    print(
      `Batch ${result.batchId}: scored ${formatInt(result.scored)} households, ${
        result.rows.filter((r) => r.band !== null).length
      } warned (${count("new")} new, ${count("continued")} continued, ${count("changed")} changed, ${
        count("cleared")
      } cleared against ${result.previousBatch ?? "no previous batch"}). Wrote ${path}`,
    );
  });
}

async function changesVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "from", "to", "out", "model"], flags: ["force"] });
  const file = required(args, "db");
  const [from, to] = [required(args, "from"), required(args, "to")];
  const modelFile = typeof args.model === "string" ? args.model : undefined;
  const out = await outFolder(args, ["changes.csv", "changes.txt"], modelFile ? [modelFile, file] : [file]);
  const model = modelFile ? (await readModel(modelFile)).model : undefined;
  await withDb(file, { readOnly: true }, async (mdb) => {
    let columns: Set<string> | undefined;
    if (model && modelFile) {
      const rows = await query(mdb, `SELECT schema_json FROM m.snapshots WHERE as_of = ${quoteText(to)}`);
      if (rows.length > 0) {
        const compiled = compileModel(model, JSON.parse(rows[0].schema_json as string), modelFile);
        columns = new Set(compiled.indicators.flatMap((i) => i.columns));
      }
    }
    const changes = await snapshotChanges(mdb, from, to, columns);
    const summary = changesSummary(changes, from, to);
    await writeOut(out, "changes.csv", changesCsv(changes));
    const path = await writeOut(out, "changes.txt", summary);
    print(summary.trimEnd() + `\nWrote ${path} and changes.csv`);
  });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function dispatchVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "batch", "out", "on", "time-limit-days"], flags: ["force"] });
  const file = required(args, "db");
  const batch = required(args, "batch");
  const out = await outFolder(args, [], [file]);
  const on = typeof args.on === "string" ? args.on : today();
  const days = args["time-limit-days"] === undefined ? undefined : integerOption(args, "time-limit-days", 15, 1, 365);
  await withDb(file, {}, async (mdb) => {
    const dispatch = await dispatchBatch(mdb, batch, { on, timeLimitDays: days });
    const lines = [`Dispatched batch ${batch} on ${on}, deadline ${dispatch.deadline}:`];
    for (const [department, items] of dispatch.lists) {
      const path = await writeOut(out, workListFile(department), workListCsv(items));
      await writeOut(out, workListFile(department, "xlsx"), workListXlsx(dispatch, department));
      lines.push(`  ${department}: ${items.length} households  ${path}`);
    }
    if (dispatch.lists.size === 0) lines.push("  no household is warned in this batch; no work list written");
    print(lines.join("\n"));
  });
}

async function feedbackVerb(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ["db", "file", "batch"] });
  const file = required(args, "db");
  const returns = required(args, "file");
  let text: Uint8Array;
  try {
    text = await Deno.readFile(returns);
  } catch {
    throw new UsageError(`The feedback file "${returns}" cannot be read; check the path given to --file`);
  }
  await withDb(file, {}, async (mdb) => {
    const rows = await importFeedbackFile(mdb, text, returns, {
      batch: typeof args.batch === "string" ? args.batch : undefined,
    });
    const batches = [...new Set(rows.map((r) => r.batch_id))].sort().join(", ");
    print(
      `Stored ${rows.length} returns (${rows.filter((r) => r.need).length} with a verified need) for batch ${
        batches || "none"
      }.`,
    );
  });
}

const VERBS: Record<string, (argv: string[]) => Promise<void>> = {
  import: importVerb,
  status: statusVerb,
  warn: warnVerb,
  changes: changesVerb,
  dispatch: dispatchVerb,
  feedback: feedbackVerb,
};

await runCommand(USAGE, async () => {
  const [verb, ...rest] = Deno.args;
  const run = verb === undefined ? undefined : VERBS[verb];
  if (!run) {
    throw new UsageError(
      verb === undefined
        ? "Missing the verb"
        : `Unknown verb "${verb}"; expected one of ${Object.keys(VERBS).join(", ")}`,
    );
  }
  progress().phase(`db ${verb}`);
  await run(rest);
});
