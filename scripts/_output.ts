/**
 * How every command writes its files: `--out` is checked before any work (a file, a folder that
 * holds the dataset, or an output that would replace an input is refused with exit 2 and the fix,
 * unless `--force` allows overwriting inputs), and each file is written to a temporary file in the
 * same folder, then renamed over its name, so a crash or a signal never leaves half a file.
 */
import { InputError } from "../src/contract/mod.ts";

/** What a command is about to write and what it reads. */
export interface OutPlan {
  /** The `--out` folder as the user gave it. */
  out: string;
  /** The names the command writes into it. */
  files: readonly string[];
  /** The dataset folder the command reads (`--data`): never written into, unless forced. */
  data?: string;
  /** Other input files (models): never overwritten, unless forced. */
  inputs?: readonly string[];
  /** `--force`: writing over an input, or into the dataset folder, is allowed. */
  force?: boolean;
}

type Stat = Deno.FileInfo | null;

async function statOf(path: string): Promise<Stat> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** One identity per file (device and inode; the resolved path where the system has none). */
async function identityOf(path: string, stat: Stat): Promise<string | null> {
  if (!stat) return null;
  if (stat.dev !== null && stat.ino !== null) return `${stat.dev}:${stat.ino}`;
  try {
    return await Deno.realPath(path);
  } catch {
    return null;
  }
}

function refuse(out: string, message: string): never {
  throw new InputError([{ file: out, message }]);
}

const FORCE_HINT = "give another --out folder, or add --force to write there anyway";

/** The files of the dataset folder and the model files, with their identities. */
async function inputIdentities(plan: OutPlan): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const add = async (path: string) => {
    const id = await identityOf(path, await statOf(path));
    if (id !== null && !ids.has(id)) ids.set(id, path);
  };
  for (const file of plan.inputs ?? []) await add(file);
  if (plan.data !== undefined) {
    try {
      for await (const entry of Deno.readDir(plan.data)) await add(`${plan.data.replace(/\/+$/, "")}/${entry.name}`);
    } catch {
      // An unreadable dataset folder is reported by the loader.
    }
  }
  return ids;
}

/**
 * Checks `--out` before any work: throws an `InputError` (exit 2) when it is an existing file,
 * when it cannot be created (a parent is a file), when it is the dataset folder, or when a file
 * the command writes would replace an input (a model, a table) or a folder. `--force` allows the
 * dataset folder and overwriting inputs; nothing allows writing into a file.
 */
export async function checkOut(plan: OutPlan): Promise<void> {
  const out = plan.out;
  const stat = await statOf(out);
  if (stat && !stat.isDirectory) {
    refuse(
      out,
      `--out names an existing file, but it takes a folder: give a folder's path (it is created when missing)`,
    );
  }
  if (!stat) {
    let parent = out.replace(/\/+$/, "");
    for (;;) {
      const cut = parent.lastIndexOf("/");
      parent = cut > 0 ? parent.slice(0, cut) : cut === 0 ? "/" : ".";
      const s = await statOf(parent);
      if (s) {
        if (!s.isDirectory) {
          refuse(out, `--out cannot be created because "${parent}" is a file, not a folder: give another path`);
        }
        break;
      }
      if (parent === "/" || parent === ".") break;
    }
    return;
  }
  if (plan.data !== undefined) {
    const [a, b] = [await identityOf(out, stat), await identityOf(plan.data, await statOf(plan.data))];
    if (a !== null && a === b && !plan.force) {
      refuse(
        out,
        `--out is the dataset folder given to --data, and the outputs would mix with the tables: ${FORCE_HINT}`,
      );
    }
  }
  const inputs = await inputIdentities(plan);
  for (const name of plan.files) {
    const path = joinPath(out, name);
    const s = await statOf(path);
    if (!s) continue;
    if (s.isDirectory) {
      refuse(path, `the output "${name}" cannot be written because a folder has its name: give another --out`);
    }
    const input = inputs.get((await identityOf(path, s))!);
    if (input !== undefined && !plan.force) {
      refuse(path, `writing "${name}" here would overwrite the input "${input}": ${FORCE_HINT}`);
    }
  }
}

/** `folder/name` without doubled slashes. */
export function joinPath(folder: string, name: string): string {
  return `${folder.replace(/\/+$/, "")}/${name}`;
}

/** Temporary files being written now: removed if the process is interrupted. */
const pending = new Set<string>();
let listening = false;

function removePending(): void {
  for (const tmp of pending) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Already renamed or removed.
    }
  }
  pending.clear();
}

function onSignal(): void {
  removePending();
  Deno.exit(130);
}

function listen(on: boolean): void {
  if (on === listening) return;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      if (on) Deno.addSignalListener(signal, onSignal);
      else Deno.removeSignalListener(signal, onSignal);
    } catch {
      // A platform without this signal.
    }
  }
  listening = on;
}

/**
 * Writes a file atomically: the content goes to a temporary file in the same folder, which is
 * then renamed over `path` (so a reader sees the old file or the whole new one, never half). A
 * file-system failure is an `InputError` naming the path.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const cut = path.lastIndexOf("/");
  const dir = cut >= 0 ? path.slice(0, cut + 1) : "";
  const tmp = `${dir}.${path.slice(cut + 1)}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  pending.add(tmp);
  listen(true);
  try {
    await Deno.writeFile(tmp, bytes, { createNew: true });
    await Deno.rename(tmp, path);
  } catch (error) {
    try {
      await Deno.remove(tmp);
    } catch {
      // Never created.
    }
    throw new InputError([{
      file: path,
      message: `cannot be written (${(error as Error).message}); check the folder given to --out`,
    }]);
  } finally {
    pending.delete(tmp);
    if (pending.size === 0) listen(false);
  }
}

/** Creates the --out folder (and its parents), or says why it cannot be created. */
export async function ensureOutFolder(folder: string): Promise<void> {
  try {
    await Deno.mkdir(folder, { recursive: true });
  } catch (error) {
    throw new InputError([{
      file: folder,
      message: `the --out folder cannot be created (${(error as Error).message}); give another path`,
    }]);
  }
}

/** Writes `folder/name` atomically, creating the folder; returns the path. */
export async function writeOut(folder: string, name: string, content: string | Uint8Array): Promise<string> {
  await ensureOutFolder(folder);
  const path = joinPath(folder, name);
  await writeFileAtomic(path, content);
  return path;
}
