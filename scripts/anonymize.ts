/**
 * `deno task anonymize --in <raw folder> --out <dataset folder> --key-file <file> --columns a,b`:
 * copies a raw dataset folder, replacing the named columns in every CSV table with keyed
 * HMAC-SHA256 pseudonyms. The key is read from the key file and never written anywhere.
 */
import { InputError } from "../src/contract/mod.ts";
import { pseudonymize, readDatasetFolder } from "../src/ingest/mod.ts";
import { importKey } from "../src/ingest/anonymize.ts";
import { parseArgs, required, runCommand, UsageError, writeOut } from "./_cli.ts";

const USAGE = `Usage: deno task anonymize --in <raw folder> --out <dataset folder> --key-file <file> --columns <a,b,…>
Replaces the values of the named columns in every CSV file with keyed pseudonyms (HMAC-SHA256).
The same value and key always give the same pseudonym, so extracts from different months still link.
Keep the key file secret and out of the dataset folder; it is never written anywhere.`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, { values: ["in", "out", "key-file", "columns"] });
  const inDir = required(args, "in"), outDir = required(args, "out"), keyFile = required(args, "key-file");
  const columns = required(args, "columns").split(",").map((c) => c.trim()).filter(Boolean);
  if (columns.length === 0) throw new UsageError("Option --columns needs at least one column name");
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
  const found = new Set<string>();
  for (const file of await readDatasetFolder(inDir)) {
    const bytes = await Deno.readFile((file.source as { path: string }).path);
    if (file.name.endsWith(".parquet")) {
      throw new InputError([{
        file: `${inDir}/${file.name}`,
        message: "Anonymize reads CSV; export this table as CSV first",
      }]);
    }
    if (!file.name.endsWith(".csv")) {
      await writeOut(outDir, file.name, bytes);
      continue;
    }
    const result = await pseudonymize(new TextDecoder().decode(bytes), columns, key);
    await Deno.mkdir(`${outDir}/${file.name}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await writeOut(outDir, file.name, result.csv);
    for (const [col, n] of Object.entries(result.replaced)) {
      found.add(col);
      console.log(`${file.name}: column ${col}: ${n} values pseudonymized`);
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
  console.log(`Pseudonymized dataset written to ${outDir}`);
});
