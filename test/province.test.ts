/**
 * The province generator (`deno task demo-data --counties N`, src/synth/province.ts): distinct
 * counties, towns, villages and ids from one seed; village names that scale past the demo
 * county's pool; Parquet files that `validate` accepts and `score` scores; and `--threads`.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../src/db/mod.ts";
import { openNativeDb } from "../src/db/native.ts";
import { generateCounty, PARAMS, provinceCounties, provinceCounty } from "../src/synth/mod.ts";

const run = (script: string, args: string[]) =>
  spawnSync(process.execPath, ["run", "-A", script, ...args], { encoding: "utf8" });

describe("the province's counties", () => {
  it("have distinct names, codes and seeds, the same for the same seed", () => {
    const a = provinceCounties(7, 100);
    expect(new Set(a.map((c) => c.name)).size).toBe(100);
    expect(new Set(a.map((c) => c.code)).size).toBe(100);
    expect(new Set(a.map((c) => c.seed)).size).toBe(100);
    expect(provinceCounties(7, 100).map((c) => c.seed)).toEqual(a.map((c) => c.seed));
    expect(provinceCounties(8, 3).map((c) => c.seed)).not.toEqual(a.slice(0, 3).map((c) => c.seed));
    expect(() => provinceCounty(7, 100_000)).toThrow(/at most/);
  });

  it("give each county its own towns and ids", () => {
    const [c1, c2] = provinceCounties(7, 2).map((c) => generateCounty(PARAMS, c.seed, 400, c.naming));
    const towns1 = new Set(c1.households.map((h) => h.town));
    const towns2 = new Set(c2.households.map((h) => h.town));
    expect(towns1.size).toBe(12);
    expect([...towns1].filter((t) => towns2.has(t))).toEqual([]);
    expect(c1.households[0].household_id).toBe("C001-H000001");
    expect(c2.households[0].members[0].person_id).toBe("C002-P0000001");
  });

  it("village names stay unique in a county far larger than the demo county's pool", () => {
    const county = generateCounty(PARAMS, 7, 1, undefined);
    expect(county.villages.length).toBe(12);
    // 520,000 households need ~3,060 villages, more than the plain patterns give (the old error).
    const big = generateCounty({ ...PARAMS, householdsPerVillage: 1 }, 7, 4000);
    const names = big.villages.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("deno task demo-data --counties", () => {
  it("writes a 2-county province as Parquet that validate accepts and score scores", async () => {
    const out = mkdtempSync(join(tmpdir(), "province-"));
    try {
      const g = run("scripts/demo_data.ts", ["--counties", "2", "--households", "400", "--seed", "7", "--out", out]);
      expect(g.status, g.stderr).toBe(0);
      expect(g.stdout).toContain("Demo province: 2 counties, 800 households");
      expect(readdirSync(out).sort()).toEqual([
        "dataset.json",
        "households.parquet",
        "members.parquet",
        "verified.parquet",
      ]);
      // One thread (in process) and one worker per core give the same files, byte for byte.
      const one = join(out, "one");
      const g1 = run("scripts/demo_data.ts", [
        "--counties",
        "2",
        "--households",
        "400",
        "--seed",
        "7",
        "--threads",
        "1",
        "--out",
        one,
      ]);
      expect(g1.status, g1.stderr).toBe(0);
      for (const f of ["households.parquet", "members.parquet", "verified.parquet", "dataset.json"]) {
        expect(readFileSync(join(one, f)), f).toEqual(readFileSync(join(out, f)));
      }
      rmSync(one, { recursive: true });
      const v = run("scripts/validate.ts", ["--data", out]);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toContain("Valid: no problems found.");
      const s = run("scripts/score.ts", [
        "--data",
        out,
        "--model",
        "models/county-default.json",
        "--out",
        join(out, "score"),
        "--threads",
        "1",
      ]);
      expect(s.status, s.stderr).toBe(0);
      const warned = /(\d+) warned, (\d+) verified/.exec(g.stdout)!;
      expect(s.stdout).toContain(`Scored 800 households with county-default 2024.1: ${warned[1]} warned.`);
      const scores = readFileSync(join(out, "score", "scores.csv"), "utf8");
      expect(scores).toContain("C001-H");
      expect(scores).toContain("C002-H");
      const db = await openDb("native");
      try {
        const [row] = await db.all(
          `SELECT count(DISTINCT town) AS towns, count(DISTINCT town || '/' || village) AS villages,
                  count(DISTINCT household_id) AS ids FROM read_parquet('${join(out, "households.parquet")}')`,
        );
        expect(row).toMatchObject({ towns: 24, ids: 800 });
      } finally {
        await db.close();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it("refuses --counties without --out, and a bad --threads", () => {
    expect(run("scripts/demo_data.ts", ["--counties", "2"]).status).toBe(2);
    const r = run("scripts/demo_data.ts", ["--counties", "2", "--threads", "0", "--out", tmpdir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--threads");
  });
});

describe("the native engine's settings", () => {
  it("uses the threads and memory limit it is given, and removes its temporary folder", async () => {
    const db = await openNativeDb({ threads: 1, memoryLimit: "512MiB" });
    const [row] = await db.all(
      "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS mem, current_setting('temp_directory') AS tmp",
    );
    expect(row.threads).toBe(1);
    expect(String(row.mem)).toMatch(/^5\d\d\.\d MiB$|512/);
    const tmp = String(row.tmp);
    expect(tmp).toContain("cw-db-");
    await db.close();
    const parent = tmp.replace(/[/\\]spill$/, "");
    expect(() => readdirSync(parent)).toThrow();
  });
});
