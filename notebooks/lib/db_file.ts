/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Opening the monitoring database file (`deno task db`) from the data page's picker: the picked
 * `.duckdb` file is attached read-only in duckdb-wasm, checked (schema version, ours), and its
 * snapshots and batches are offered; the chosen month becomes dataset files
 * (src/monitor/export.ts) that the page then validates and uses exactly as a picked folder. The
 * file itself is only read, in this browser; nothing is written back or sent anywhere.
 */
import { quoteIdent } from "../../src/base/sql.ts";
import { InputError } from "../../src/contract/mod.ts";
import {
  type DatabaseChoices,
  databaseChoices,
  type SnapshotChoice,
  snapshotDatasetFiles,
} from "../../src/monitor/export.ts";
import { notDuckDbFile } from "../../src/monitor/read.ts";
import { quiet } from "./cells.ts";
import { type BrowserDb, openBrowserDb } from "./engine.ts";
import { h, int, problemList, show } from "./ui.ts";

/** What picker.ts calls with a completed pick (label and files, with their paths in the "folder"). */
export type Pick = (label: string, files: { file: File; path?: string }[]) => void;

/** The picked database file, when the pick is exactly one `.duckdb` (or `.db`) file; else undefined. */
export function databaseFileOf(files: readonly { file: File }[]): File | undefined {
  return files.length === 1 && /\.(duckdb|db)$/i.test(files[0].file.name) ? files[0].file : undefined;
}

/** Runs `work` on the file attached read-only as `m` in a fresh duckdb-wasm, then detaches and closes. */
async function withFile<T>(file: File, bytes: Uint8Array, work: (db: BrowserDb) => Promise<T>): Promise<T> {
  const db = await openBrowserDb();
  let attached = false;
  try {
    // A copy: duckdb-wasm transfers (detaches) the buffer it is given, and the file is read again on "Open".
    const path = await db.registerFile("monitor.duckdb", { bytes: bytes.slice() });
    try {
      await db.exec(`ATTACH ${path} AS ${quoteIdent("m")} (TYPE duckdb, READ_ONLY)`);
    } catch (error) {
      throw notDuckDbFile(file.name, error);
    }
    attached = true;
    return await work(db);
  } finally {
    // DETACH before the file is dropped, or duckdb-wasm says the file is in use.
    if (attached) await db.exec("DETACH m").catch(() => {});
    await db.close();
  }
}

/** The label of a choice: `<file> · <month>` or `<file> · <month> · <batch>`. */
export function choiceLabel(file: string, choice: SnapshotChoice): string {
  return [file, choice.asOf, choice.batchId].filter(Boolean).join(" · ");
}

/** The options of the month chooser: every snapshot, then every batch that has returns. */
export function choiceOptions(choices: DatabaseChoices): { value: string; text: string }[] {
  const options = choices.snapshots.map((s) => ({
    value: JSON.stringify({ asOf: s.as_of }),
    text: `${s.as_of} 快照 snapshot: ${int(s.households)} 户 households, ${int(s.members)} 人 members, ${
      int(s.verified)
    } 核实 verified`,
  }));
  for (const b of choices.batches.filter((b) => b.returns > 0)) {
    options.push({
      value: JSON.stringify({ asOf: b.as_of, batchId: b.batch_id }),
      text: `${b.as_of} 批次 batch ${b.batch_id}: snapshot + ${int(b.returns)} 部门反馈 departments' returns`,
    });
  }
  return options;
}

/**
 * Reads the picked database file, shows its months below the picker, and on "Open"
 * hands the chosen month's dataset files to `pick`, as a picked folder. A file that is not a
 * monitoring database of this toolkit's schema version is refused with the command line's words.
 */
export async function openDatabaseFile(picker: HTMLElement, file: File, pick: Pick): Promise<void> {
  let box = document.getElementById("db-file-box");
  if (!box) {
    box = h("div", { id: "db-file-box" });
    quiet(box);
    picker.after(box);
  }
  show(box, h("p", { class: "muted" }, `读取数据库 Reading the database file ${file.name} (read-only) …`));
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const choices = await withFile(file, bytes, (db) => databaseChoices(db, file.name));
    const options = choiceOptions(choices);
    if (options.length === 0) {
      show(
        box,
        h("div", { class: "error" }, `${file.name} holds no snapshot yet: import a month with deno task db import`),
      );
      return;
    }
    const select = h(
      "select",
      { "data-testid": "db-choice" },
      options.map((o) => h("option", { value: o.value }, o.text)),
    );
    const open = h("button", {
      "data-testid": "db-open",
      onclick: async () => {
        const choice = JSON.parse(select.value) as SnapshotChoice;
        open.setAttribute("disabled", "");
        try {
          const files = await withFile(file, bytes, (db) => snapshotDatasetFiles(db, file.name, choice));
          const label = choiceLabel(file.name, choice);
          pick(
            label,
            files.map((f) => ({
              file: new File([(f.source as { bytes: Uint8Array }).bytes as BlobPart], f.name),
              path: `${label}/${f.name}`,
            })),
          );
        } catch (error) {
          refuse(box, error);
        } finally {
          open.removeAttribute("disabled");
        }
      },
    }, "打开 Open");
    show(
      box,
      h(
        "p",
        { "data-testid": "db-file" },
        `数据库 Database ${file.name} (read-only): ${choices.snapshots.length} 个快照 snapshots, ${choices.batches.length} 个批次 batches. `,
        "选择月份 Choose a month: ",
        select,
        " ",
        open,
      ),
    );
  } catch (error) {
    refuse(box, error);
  }
}

function refuse(box: HTMLElement, error: unknown): void {
  if (!(error instanceof InputError)) {
    console.error(error);
    show(box, h("div", { class: "error" }, String((error as Error)?.message ?? error)));
    return;
  }
  show(
    box,
    h("div", { class: "error", "data-testid": "db-error" }, "无法打开数据库 The database file cannot be opened:"),
    problemList(error.problems),
  );
}
