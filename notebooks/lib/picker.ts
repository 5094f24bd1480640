/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The data page's dataset picker: a folder input, a files input and a drop zone, as one view
 * (see cells.ts) whose value is the picked dataset — its files with their paths inside the
 * folder, and a label — or null before anything is picked. Tables may be CSV, Parquet or `.xlsx`
 * (read in the page by src/ingest/xlsx.ts, with the command line's messages).
 */
import type { DatasetFile } from "../../src/ingest/load.ts";
import { quiet, type ViewElement } from "./cells.ts";
import { databaseFileOf, openDatabaseFile } from "./db_file.ts";

/** A picked dataset folder (or loose files). */
export interface PickedDataset {
  label: string;
  files: { file: File; path?: string }[];
  /** Load the valid rows and reject the others. */
  lenient: boolean;
}

/** A picked file's path inside the dataset folder: drop the folder's own name. */
function nameInFolder(file: File & { webkitRelativePath?: string }, relative?: string): string {
  const path = relative ?? (file.webkitRelativePath || file.name);
  const parts = path.split("/").filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join("/") : parts[0];
}

/** The picked files as ingest takes them. */
export async function datasetFilesOfPicked(picked: PickedDataset): Promise<DatasetFile[]> {
  return await Promise.all(
    picked.files.map(async ({ file, path }) => ({
      name: path ? nameInFolder(file, path) : nameInFolder(file),
      source: { bytes: new Uint8Array(await file.arrayBuffer()) },
    })),
  );
}

function folderLabel(files: File[]): string {
  const first = (files[0] as File & { webkitRelativePath?: string })?.webkitRelativePath;
  return first && first.includes("/") ? first.split("/")[0] : "selected files";
}

/** Reads every file under a dropped entry, with its path. */
async function entries(entry: FileSystemEntry, path: string, out: { file: File; path: string }[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
    out.push({ file, path: `${path}${entry.name}` });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const child of batch) await entries(child, `${path}${entry.name}/`, out);
    }
  }
}

/** The picker over the page's `#drop` zone with its `#folder`, `#files` and `#lenient` inputs. */
export function datasetPicker(): ViewElement<PickedDataset | null> {
  const root = document.getElementById("drop") as unknown as ViewElement<PickedDataset | null>;
  const lenient = root.querySelector<HTMLInputElement>("#lenient")!;
  root.value = null;
  const pick = (label: string, files: PickedDataset["files"]) => {
    // A monitoring database file: choose a month first (db_file.ts), which then picks its files.
    const database = databaseFileOf(files);
    if (database) return void openDatabaseFile(root, database, pick);
    root.value = { label, files, lenient: lenient.checked };
    root.dispatchEvent(new Event("input", { bubbles: true }));
  };
  // The inputs' own events are not the view's: only a completed pick is.
  quiet(...root.querySelectorAll("input"));
  root.querySelector<HTMLInputElement>("#folder")!.addEventListener("change", (e) => {
    const files = [...((e.target as HTMLInputElement).files ?? [])];
    if (files.length > 0) pick(folderLabel(files), files.map((file) => ({ file })));
  });
  root.querySelector<HTMLInputElement>("#files")!.addEventListener("change", (e) => {
    const files = [...((e.target as HTMLInputElement).files ?? [])];
    if (files.length > 0) pick("selected files", files.map((file) => ({ file, path: `files/${file.name}` })));
  });
  root.addEventListener("dragover", (e) => {
    e.preventDefault();
    root.classList.add("over");
  });
  root.addEventListener("dragleave", () => root.classList.remove("over"));
  root.addEventListener("drop", async (e) => {
    e.preventDefault();
    root.classList.remove("over");
    const items = [...(e.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry())
      .filter((x): x is FileSystemEntry => x !== null);
    const picked: { file: File; path: string }[] = [];
    for (const entry of items) await entries(entry, "", picked);
    if (picked.length === 0) return;
    const single = items.length === 1 && items[0].isDirectory;
    pick(
      single ? items[0].name : "dropped files",
      single ? picked : picked.map((p) => ({ ...p, path: `files/${p.path}` })),
    );
  });
  return root;
}
