import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// `evaluate` and `audit` on a batch of the monitoring database give what they give on the equivalent
// folder: data/sample imported as 2024-07, warned with the county model (3 warnings: H000280 red,
// H000189 and H000158 yellow), then two departments' returns for the batch.

const MODEL = "models/county-default.json";
const BATCH = "2024-07_county-default";
let dir = "";
let file = "";

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "monitor-batch-"));
  file = join(dir, "county.duckdb");
  expect(run("db", "import", "--db", file, "--data", "data/sample", "--as-of", "2024-07").status).toBe(0);
  expect(run("db", "warn", "--db", file, "--model", MODEL, "--as-of", "2024-07", "--out", join(dir, "w")).status).toBe(
    0,
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("evaluate and audit --db --batch", () => {
  it("a batch without returns evaluates byte for byte as the folder it was imported from", () => {
    const before = sha(file);
    const fromDb = run("evaluate", "--db", file, "--batch", BATCH, "--out", join(dir, "e-db"));
    expect(fromDb.stderr).toMatch(
      /batch 2024-07_county-default, snapshot 2024-07: 300 households, 836 members, 112 verified rows \(0 of them/,
    );
    expect(fromDb.status).toBe(0);
    const fromFolder = run("evaluate", "--data", "data/sample", "--model", MODEL, "--out", join(dir, "e-folder"));
    expect(fromFolder.status).toBe(0);
    for (const f of ["scores.csv", "evaluation.json"]) {
      expect(readFileSync(join(dir, "e-db", f), "utf8")).toBe(readFileSync(join(dir, "e-folder", f), "utf8"));
    }
    // The same figures printed; the batch's own model by default, or the one given.
    expect(fromDb.stdout.split("\n").slice(0, -2)).toEqual(fromFolder.stdout.split("\n").slice(0, -2));
    expect(fromDb.stdout).toMatch(/Overall: 3 warnings, 3 verified, 2 in need: precision 66\.7%/);
    const given = run("evaluate", "--db", file, "--batch", BATCH, "--model", MODEL, "--out", join(dir, "e-db2"));
    expect(given.status).toBe(0);
    expect(readFileSync(join(dir, "e-db2", "evaluation.json"), "utf8")).toBe(
      readFileSync(join(dir, "e-folder", "evaluation.json"), "utf8"),
    );
    expect(json(join(dir, "e-db", "run.json")).data).toMatchObject({ database: file, batch: BATCH });
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}.wal`)).toBe(false);
  }, 60_000);

  it(
    "the batch's verified rows are the snapshot's plus the departments' returns: the same as a folder holding both",
    () => {
      const returns = join(dir, "returns.csv");
      writeFileSync(
        returns,
        "household_id,department,need,assistance,amount_yuan,verified_on\n" +
          "H000189,education,true,education,800,2024-07-25\n" +
          "H000158,civil_affairs,false,,,2024-07-26\n",
      );
      expect(run("db", "feedback", "--db", file, "--file", returns, "--batch", BATCH).status).toBe(0);
      // The equivalent folder: data/sample with the two returns as verified rows of the batch (channel warning).
      const folder = join(dir, "equivalent");
      cpSync("data/sample", folder, { recursive: true });
      writeFileSync(
        join(folder, "verified.csv"),
        readFileSync("data/sample/verified.csv", "utf8") +
          `H000189,${BATCH},warning,true,education,800,education,2024-07-25\n` +
          `H000158,${BATCH},warning,false,,,civil_affairs,2024-07-26\n`,
      );
      const before = sha(file);
      const fromDb = run("evaluate", "--db", file, "--batch", BATCH, "--out", join(dir, "f-db"));
      expect(fromDb.status).toBe(0);
      expect(fromDb.stderr).toMatch(/114 verified rows \(2 of them departments' returns of the batch\)/);
      const fromFolder = run("evaluate", "--data", folder, "--model", MODEL, "--out", join(dir, "f-folder"));
      expect(fromFolder.status).toBe(0);
      expect(readFileSync(join(dir, "f-db", "scores.csv"), "utf8")).toBe(
        readFileSync(join(dir, "f-folder", "scores.csv"), "utf8"),
      );
      const a = json(join(dir, "f-db", "evaluation.json")), b = json(join(dir, "f-folder", "evaluation.json"));
      // The digest covers the snapshot and the returns, so it is the database's own, not the folder's.
      expect(a.data.digest).not.toBe(b.data.digest);
      expect({ ...a, data: null }).toEqual({ ...b, data: null });
      // Hand-checked: of the 3 warnings 2 are verified in the batch, 1 in need.
      expect(a.batches[BATCH]).toMatchObject({ warnings: 3, labeled_warnings: 2, true_positives: 1, precision: 0.5 });

      const auditDb = run("audit", "--db", file, "--batch", BATCH, "--replicates", "50", "--out", join(dir, "a-db"));
      expect(auditDb.status).toBe(0);
      const auditFolder = run(
        "audit",
        "--data",
        folder,
        "--model",
        MODEL,
        "--replicates",
        "50",
        "--out",
        join(dir, "a-folder"),
      );
      expect(auditFolder.status).toBe(0);
      const x = json(join(dir, "a-db", "audit.json")), y = json(join(dir, "a-folder", "audit.json"));
      expect(x.data.folder).toBe(`${file} batch ${BATCH}`);
      expect(x.model.file).toBe(`${file} (batch ${BATCH})`);
      const strip = (o: { data: object; model: object }) => ({
        ...o,
        data: { ...o.data, folder: null, digest: null },
        model: { ...o.model, file: null },
      });
      expect(strip(x)).toEqual(strip(y));
      expect(x.batches[BATCH].warning).toBeDefined();
      expect(sha(file)).toBe(before);
    },
    120_000,
  );

  it(
    "mistakes exit 2 with a sentence: a missing file, an unknown batch (the known ones listed), --db with --data",
    () => {
      const out = join(dir, "x");
      const missing = run("evaluate", "--db", join(dir, "nope.duckdb"), "--batch", BATCH, "--out", out);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/nope\.duckdb: the database file does not exist/);
      expect(existsSync(join(dir, "nope.duckdb"))).toBe(false);
      const unknown = run("audit", "--db", file, "--batch", "2024-08_county-default", "--out", out);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toMatch(
        /holds no batch "2024-08_county-default"; give one of the batches in the file: 2024-07_county-default/,
      );
      const both = run("evaluate", "--db", file, "--batch", BATCH, "--data", "data/sample", "--out", out);
      expect(both.status).toBe(2);
      expect(both.stderr).toMatch(/Give either --data <dataset folder> or --db <database file> --batch <id>, not both/);
      const noBatch = run("evaluate", "--db", file, "--out", out);
      expect(noBatch.status).toBe(2);
      expect(noBatch.stderr).toMatch(/--db needs --batch <id>; the batches in .*: 2024-07_county-default/);
      const noDb = run("audit", "--batch", BATCH, "--model", MODEL, "--out", out);
      expect(noDb.status).toBe(2);
      expect(noDb.stderr).toMatch(/--batch reads a batch of a database: give --db <file> too/);
      const notOurs = join(dir, "notes.txt");
      writeFileSync(notOurs, "hello");
      const text = run("evaluate", "--db", notOurs, "--batch", BATCH, "--out", out);
      expect(text.status).toBe(2);
      expect(text.stderr).toMatch(/notes\.txt: cannot be opened as a DuckDB database/);
      expect(readFileSync(notOurs, "utf8")).toBe("hello");
      for (const r of [missing, unknown, both, noBatch, noDb, text]) expect(r.stderr).not.toMatch(/\bat \S+:\d+/);
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});
