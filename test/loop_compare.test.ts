/** `deno task loop --compare`: scenario A vs B with paired intervals (common random numbers per replication). */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pairedFigure, welchInterval } from "../src/loop/compare.ts";

function loop(a: string, b: string | null, out: string) {
  const r = spawnSync(process.execPath, [
    "run",
    "-A",
    "scripts/loop.ts",
    "--data",
    "data/sample",
    "--model",
    "models/county-default.json",
    "--scenario",
    a,
    ...(b ? ["--compare", b] : []),
    "--out",
    out,
  ], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

const dir = mkdtempSync(join(tmpdir(), "loop-compare-"));
function scenarioFile(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}
const read = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const width = (ci: [number, number]) => ci[1] - ci[0];

const FIGURES = ["wait_days", "utilisation", "cleared_within_limit", "open_at_horizon"];
const demo = read("scenarios/demo.json");
const small = {
  ...demo,
  replications: 4,
  horizon_days: 120,
  discovery: { ...demo.discovery, batches: [{ day: 0 }, { day: 60 }] },
};

describe("paired figures", () => {
  it("identical replications give a zero difference and a zero-width interval", () => {
    const xs = [1.5, 2.25, 0.75, 3];
    expect(pairedFigure(xs, xs)).toEqual({
      a: 1.875,
      b: 1.875,
      difference: 0,
      ci95: [0, 0],
      unpaired_ci95: expect.any(Array),
      pairs: 4,
    });
  });
  it("pairs replication by replication (nulls skip the pair), and the shared noise cancels", () => {
    const a = [10, 20, null, 40], b = [11, 21, 5, 41];
    const f = pairedFigure(a, b);
    expect(f.pairs).toBe(3);
    expect(f.difference).toBe(1);
    expect(f.ci95).toEqual([1, 1]);
    const welch = welchInterval(a, b)!;
    expect(welch[0]).toBeLessThan(-10);
    expect(welch[1]).toBeGreaterThan(10);
  });
});

describe("deno task loop --compare", () => {
  it("a scenario compared with itself: every difference exactly 0 with a zero-width interval; A's outputs unchanged", () => {
    const file = scenarioFile("small.json", small);
    const plain = loop(file, null, join(dir, "plain"));
    expect(plain.status, plain.stderr).toBe(0);
    const r = loop(file, file, join(dir, "self"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/B − A = 0\.000 days \[0\.000, 0\.000\] \(paired 95%\)/);
    for (const f of ["loop.json", "events.csv", "assistance.csv"]) {
      expect(readFileSync(join(dir, "self", f), "utf8")).toBe(readFileSync(join(dir, "plain", f), "utf8"));
    }
    const c = read(join(dir, "self", "comparison.json"));
    expect(c.figures).toEqual(FIGURES);
    expect(Object.keys(c.departments)).toEqual(small.departments.map((d: { id: string }) => d.id));
    let checked = 0;
    for (const group of [c.overall, ...Object.values(c.departments)] as Record<string, Record<string, unknown>>[]) {
      for (const k of FIGURES) {
        const f = group[k] as { a: number | null; b: number | null; difference: number | null; ci95: number[] | null };
        expect(f.b).toBe(f.a);
        if (f.difference === null) continue; // a department no case reached
        expect(f.difference).toBe(0);
        expect(f.ci95).toEqual([0, 0]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
    const html = readFileSync(join(dir, "self", "loop.html"), "utf8");
    expect(html).toContain("Scenario A vs B");
    expect(html).toContain("Paired 95% interval");
  });

  it("adding staff to a busy department lowers its wait, with a paired interval below 0", () => {
    const busy = {
      ...small,
      replications: 8,
      departments: small.departments.map((d: { id: string }) =>
        d.id === "civil_affairs" ? { ...d, staff: 3, service_days: { dist: "exponential", mean: 1 } } : d
      ),
    };
    const more = {
      ...busy,
      seed: 7, // B runs with A's seed and replications anyway, so the pairing holds
      departments: busy.departments.map((d: { id: string }) => (d.id === "civil_affairs" ? { ...d, staff: 4 } : d)),
    };
    const r = loop(scenarioFile("busy.json", busy), scenarioFile("more.json", more), join(dir, "staff"));
    expect(r.status, r.stderr).toBe(0);
    const c = read(join(dir, "staff", "comparison.json"));
    expect(c.scenarios.b.seed).toBe(busy.seed);
    expect(c.notes.join(" ")).toMatch(/ran with .*busy\.json's seed/);
    const w = c.departments.civil_affairs.wait_days;
    expect(w.a).toBeGreaterThan(0.3);
    expect(w.difference).toBeLessThan(0);
    expect(w.ci95[1]).toBeLessThan(0);
    expect(w.difference).toBeCloseTo(w.b - w.a, 9); // every replication has a wait on both sides
    expect(c.departments.civil_affairs.utilisation.ci95[1]).toBeLessThan(0);
    const b = read(join(dir, "staff", "loop_b.json"));
    expect(b.departments.civil_affairs.wait_days.mean).toBeCloseTo(w.b, 12);
  });

  it("on the demo scenario the paired interval is narrower than the unpaired one", () => {
    const r = loop("scenarios/demo.json", "scenarios/demo_more_staff.json", join(dir, "demo"));
    expect(r.status, r.stderr).toBe(0);
    const c = read(join(dir, "demo", "comparison.json"));
    expect(c.scenarios.a.replications).toBe(30);
    for (const k of FIGURES) {
      const f = c.overall[k];
      expect(width(f.ci95)).toBeLessThanOrEqual(width(f.unpaired_ci95));
    }
    for (const k of ["utilisation", "open_at_horizon"]) {
      expect(width(c.overall[k].ci95)).toBeLessThan(0.5 * width(c.overall[k].unpaired_ci95));
    }
    const u = c.departments.trade_union.wait_days;
    expect(u.ci95[1]).toBeLessThan(0);
    expect(width(u.ci95)).toBeLessThan(width(u.unpaired_ci95));
  });
});
