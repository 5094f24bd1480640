import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsv, pseudonymize } from "../src/ingest/mod.ts";
import { importKey } from "../src/ingest/anonymize.ts";
import { ENGINES, load, VALID } from "./_datasets.ts";

const key = (text: string) => importKey(new TextEncoder().encode(text), "key.bin");

describe("pseudonymizing identifiers", () => {
  it("gives the same pseudonym for the same value and key, so extracts still link", async () => {
    const k = await key("0123456789abcdef-secret");
    const a = await pseudonymize("person_id,household_id,id_card\nP1,H1,11010519491231002X\nP2,H1,\n", ["id_card"], k);
    const b = await pseudonymize("id_card,x\n11010519491231002X,1\n", ["id_card"], k);
    const rowA = parseCsv(a.csv)[1], rowB = parseCsv(b.csv)[1];
    expect(rowA[2]).toMatch(/^px_[0-9a-f]{20}$/);
    expect(rowA[2]).toBe(rowB[0]);
    expect(parseCsv(a.csv)[2][2]).toBe("");
    expect(a.replaced).toEqual({ id_card: 1 });
  });

  it("gives different pseudonyms under another key", async () => {
    const csv = "id_card\n11010519491231002X\n";
    const a = await pseudonymize(csv, ["id_card"], await key("0123456789abcdef-one"));
    const b = await pseudonymize(csv, ["id_card"], await key("0123456789abcdef-two"));
    expect(a.csv).not.toBe(b.csv);
  });

  it("leaves the other cells as they are, even those a spreadsheet would run as formulas", async () => {
    const csv = "id_card,note,amount\n11010519491231002X,=SUM(A1),-H1\n";
    const out = await pseudonymize(csv, ["id_card"], await key("0123456789abcdef-secret"));
    expect(parseCsv(out.csv)[1].slice(1)).toEqual(["=SUM(A1)", "-H1"]);
  });

  it("refuses a key shorter than 16 bytes", async () => {
    await expect(key("short")).rejects.toThrow("Key file has 5 bytes; expected at least 16 random bytes");
  });

  for (const engine of ENGINES) {
    it(`a pseudonymized identity column then loads (${engine})`, async () => {
      const raw = "person_id,household_id,id_card\nP1,H1,11010519491231002X\nP2,H1,\nP3,H2,\n";
      const { csv } = await pseudonymize(raw, ["id_card"], await key("0123456789abcdef-secret"));
      const { db, report } = await load(engine, { ...VALID, "members.csv": csv });
      await db.close();
      expect(report.valid).toBe(true);
    });
  }
});

/** Runs `deno task anonymize` with its arguments. */
function anonymize(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "scripts/anonymize.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

/** A raw folder with the given files, and a key file outside it. */
function rawFolder(files: Record<string, string | Uint8Array>): { dir: string; key: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), "anon-"));
  const dir = join(root, "raw");
  mkdirSync(join(dir, "sources"), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const key = join(root, "key.bin");
  writeFileSync(key, "0123456789abcdef-secret-key-bytes");
  return { dir, key, root };
}

const RAW = {
  "households.csv": VALID["households.csv"] as string,
  "members.csv": "person_id,household_id,id_card\nP1,H1,11010519491231002X\nP2,H1,\nP3,H2,\n",
};

describe("deno task anonymize", () => {
  it("copies only dataset files: tables, dataset.json and sources/*.csv; a key file or notes stay behind", () => {
    const { dir, root } = rawFolder({
      ...RAW,
      "dataset.json": '{"tables":{}}',
      "sources/tax.csv": "id_card,x\n11010519491231002X,1\n",
      "notes.txt": "private",
      "hmac.key": "0123456789abcdef-secret-in-folder",
    });
    const key = join(root, "key.bin");
    const out = join(root, "out");
    const r = anonymize("--in", dir, "--out", out, "--key-file", key, "--columns", "id_card");
    expect(r.stderr).toContain("hmac.key: not copied (not a dataset file)");
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["dataset.json", "households.csv", "members.csv", "sources"]);
    expect(readdirSync(join(out, "sources"))).toEqual(["tax.csv"]);
    expect(readFileSync(join(out, "sources/tax.csv"), "utf8")).toMatch(/^id_card,x\npx_[0-9a-f]{20},1\n$/);
  });

  it("refuses a key file inside the input or the output folder, with exit 2 and the fix", () => {
    const { dir, root } = rawFolder(RAW);
    writeFileSync(join(dir, "k.bin"), "0123456789abcdef-secret-in-folder");
    const inside = anonymize(
      "--in",
      dir,
      "--out",
      join(root, "out"),
      "--key-file",
      join(dir, "k.bin"),
      "--columns",
      "id_card",
    );
    expect(inside.status).toBe(2);
    expect(inside.stderr).toContain("is inside the folder given to --in");
    expect(inside.stderr).toContain("pass its new path to --key-file");
    const out = join(root, "out");
    mkdirSync(out);
    writeFileSync(join(out, "k.bin"), "0123456789abcdef-secret-in-folder");
    const inOut = anonymize("--in", dir, "--out", out, "--key-file", join(out, "k.bin"), "--columns", "id_card");
    expect(inOut.status).toBe(2);
    expect(inOut.stderr).toContain("is inside the folder given to --out");
    expect(readdirSync(out)).toEqual(["k.bin"]);
  });

  it("refuses a CSV that is not UTF-8 as validate does, and writes nothing", () => {
    const gbk = new Uint8Array([
      ...new TextEncoder().encode("person_id,household_id,id_card\nP1,H1,"),
      0xcd,
      0xf5,
      0x0a,
    ]);
    const { dir, key, root } = rawFolder({ ...RAW, "members.csv": gbk });
    const out = join(root, "out");
    const r = anonymize("--in", dir, "--out", out, "--key-file", key, "--columns", "id_card");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("members.csv:2: File is not UTF-8 (it looks like GBK/GB18030); save it as UTF-8");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses an --out that is a file, or the input folder", () => {
    const { dir, key, root } = rawFolder(RAW);
    writeFileSync(join(root, "file"), "x");
    const asFile = anonymize("--in", dir, "--out", join(root, "file"), "--key-file", key, "--columns", "id_card");
    expect(asFile.status).toBe(2);
    expect(asFile.stderr).toContain("--out names an existing file");
    const same = anonymize("--in", dir, "--out", dir, "--key-file", key, "--columns", "id_card");
    expect(same.status).toBe(2);
    expect(same.stderr).toContain("--out is the raw folder given to --in");
  });
});
