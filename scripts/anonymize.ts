/**
 * `deno task anonymize --in <raw folder> --out <dataset folder> --key-file <file> --columns a,b`:
 * copies a raw dataset folder, replacing the named columns in every CSV table with keyed
 * HMAC-SHA256 pseudonyms. The key is read from the key file and never written anywhere.
 */
import { InputError } from "../src/contract/mod.ts";
import { pseudonymize, readDatasetFolder } from "../src/ingest/mod.ts";
import { anonymizeAction, decodeCsv, importKey } from "../src/ingest/anonymize.ts";
import { checkOut, parseArgs, print, printError, required, runCommand, UsageError, writeOut } from "./_cli.ts";

const USAGE = `Usage: deno task anonymize --in <raw folder> --out <dataset folder> --key-file <file> --columns <a,b,…>
Replaces the values of the named columns in every CSV file with keyed pseudonyms (HMAC-SHA256).
The same value and key always give the same pseudonym, so extracts from different months still link.
Keep the key file secret and out of the dataset folder; it is never written anywhere.`;

/** The absolute path of `path` with symlinks resolved, also when its last parts do not exist yet. */
async function resolved(path: string): Promise<string> {
  const parts: string[] = [];
  let at = path.replace(/\/+$/, "") || "/";
  for (;;) {
    try {
      return [await Deno.realPath(at), ...parts].join("/");
    } catch {
      const cut = at.lastIndexOf("/");
      parts.unshift(at.slice(cut + 1));
      at = cut > 0 ? at.slice(0, cut) : cut === 0 ? "/" : ".";
      if (at === "." && parts[0] === ".") return Deno.cwd();
    }
  }
}

/** Refuses a key file inside the raw folder or the output folder: the key must never travel with the data. */
async function checkKeyPlace(keyFile: string, inDir: string, outDir: string): Promise<void> {
  const key = await resolved(keyFile);
  for (const [dir, option] of [[inDir, "--in"], [outDir, "--out"]] as const) {
    const folder = await resolved(dir);
    if (key.startsWith(folder.endsWith("/") ? folder : `${folder}/`)) {
      throw new InputError([{
        file: keyFile,
        message: `Key file "${keyFile}" is inside the folder given to ${option} ("${dir}"); ` +
          `move it out of the dataset folders (for example to a keys folder of its own) and pass its new path to --key-file`,
      }]);
    }
  }
}

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, { values: ["in", "out", "key-file", "columns"] });
  const inDir = required(args, "in"), outDir = required(args, "out"), keyFile = required(args, "key-file");
  const columns = required(args, "columns").split(",").map((c) => c.trim()).filter(Boolean);
  if (columns.length === 0) throw new UsageError("Option --columns needs at least one column name");
  const files = await readDatasetFolder(inDir);
  await checkKeyPlace(keyFile, inDir, outDir);
  if ((await resolved(inDir)) === (await resolved(outDir))) {
    throw new InputError([{
      file: outDir,
      message: "--out is the raw folder given to --in; give another --out folder for the pseudonymized dataset",
    }]);
  }
  let keyBytes: Uint8Array;
  try {
    keyBytes = await Deno.readFile(keyFile);
  } catch {
    throw new InputError([{
      file: keyFile,
      message: `Key file "${keyFile}" cannot be read; create one with: head -c 32 /dev/urandom > ${keyFile}`,
    }]);
  }
  const key = await importKey(keyBytes, keyFile);
  // Everything is read and pseudonymized before anything is written.
  const outputs: { name: string; content: string | Uint8Array }[] = [];
  const found = new Set<string>();
  for (const file of files) {
    const action = anonymizeAction(file.name);
    if (action === "skip") {
      printError(`${file.name}: not copied (not a dataset file)`);
      continue;
    }
    if (action === "parquet") {
      throw new InputError([{
        file: `${inDir}/${file.name}`,
        message: "Anonymize reads CSV; export this table as CSV first",
      }]);
    }
    const bytes = await Deno.readFile((file.source as { path: string }).path);
    if (action === "copy") {
      outputs.push({ name: file.name, content: bytes });
      continue;
    }
    const result = await pseudonymize(decodeCsv(bytes, `${inDir}/${file.name}`), columns, key);
    outputs.push({ name: file.name, content: result.csv });
    for (const [col, n] of Object.entries(result.replaced)) {
      found.add(col);
      print(`${file.name}: column ${col}: ${n} values pseudonymized`);
    }
  }
  const missing = columns.filter((c) => !found.has(c));
  if (missing.length > 0) {
    throw new InputError([{
      file: inDir,
      column: missing.join(", "),
      message: `Column${missing.length > 1 ? "s" : ""} ${
        missing.join(", ")
      } not found in any CSV file of the folder; check --columns`,
    }]);
  }
  await checkOut({ out: outDir, files: outputs.map((o) => o.name), data: inDir, inputs: [keyFile] });
  for (const { name, content } of outputs) {
    if (name.includes("/")) await Deno.mkdir(`${outDir}/${name}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await writeOut(outDir, name, content);
  }
  print(`Pseudonymized dataset written to ${outDir}`);
});
