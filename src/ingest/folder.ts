/** Listing a dataset folder on disk (command line and tests; the browser lists picked files itself). */
import { readdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { InputError } from "../contract/mod.ts";
import type { DatasetFile } from "./load.ts";

/** The files of a dataset folder, by their names inside it (`households.csv`, `sources/tax.csv`). */
export async function readDatasetFolder(dir: string): Promise<DatasetFile[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new InputError([{ file: dir, message: `Dataset folder "${dir}" does not exist; pass --data <folder>` }]);
  }
  if (!info.isDirectory()) {
    throw new InputError([{
      file: dir,
      message: `Expected a dataset folder but "${dir}" is a file; pass the folder that holds it`,
    }]);
  }
  const out: DatasetFile[] = [];
  const root = await realpath(dir);
  async function walk(sub: string) {
    for (
      const entry of (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) => a.name < b.name ? -1 : 1)
    ) {
      const name = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (name === "sources") await walk(name);
      } else if (entry.isFile()) out.push({ name, source: { path: join(dir, name) } });
      else {
        const problem = await linkProblem(join(dir, name), root);
        if (problem === undefined) out.push({ name, source: { path: join(dir, name) } });
        else if (isDatasetFileName(name)) {
          throw new InputError([{ file: join(dir, name), message: problem }]);
        }
        // Anything else that is not a regular file (a link to a folder, a socket) is not a dataset file: skipped.
      }
    }
  }
  await walk("");
  return out;
}

/** Whether a name is one a dataset folder gives meaning to (a table, dataset.json, a raw extract). */
function isDatasetFileName(name: string): boolean {
  return name === "dataset.json" || /^sources\/[^/]+\.(csv|parquet|xlsx)$/.test(name) ||
    /^[a-z_]+\.(csv|parquet|xlsx)$/.test(name);
}

/**
 * Why a folder entry that is not a plain file cannot be read as a table, or undefined when it is a
 * link to a regular file inside the dataset folder. The message never shows what the target holds.
 */
async function linkProblem(path: string, root: string): Promise<string | undefined> {
  let target;
  try {
    target = await realpath(path);
  } catch {
    return "File is a link to nothing (its target is missing); put the file itself in the dataset folder";
  }
  const info = await stat(target);
  if (!info.isFile()) {
    return `File is not a regular file (${info.isDirectory() ? "a folder" : "a device, pipe or socket"}); ` +
      "put the table itself in the dataset folder";
  }
  if (target !== root && !target.startsWith(root.endsWith(sep) ? root : root + sep)) {
    return "File is a link to a file outside the dataset folder; copy the file into the folder instead";
  }
  return undefined;
}
