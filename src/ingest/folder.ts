/** Listing a dataset folder on disk (command line and tests; the browser lists picked files itself). */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
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
  async function walk(sub: string) {
    for (
      const entry of (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) => a.name < b.name ? -1 : 1)
    ) {
      const name = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (name === "sources") await walk(name);
      } else out.push({ name, source: { path: join(dir, name) } });
    }
  }
  await walk("");
  return out;
}
