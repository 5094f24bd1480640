/** `deno task loop` end to end on data/sample: outputs, byte-identical reruns, bad scenarios exit 2 naming the path. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function loop(scenario: string, out: string) {
  const r = spawnSync(process.execPath, [
    "run",
    "-A",
    "scripts/loop.ts",
    "--data",
    "data/sample",
    "--model",
    "models/county-default.json",
    "--scenario",
    scenario,
    "--out",
    out,
  ], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

const dir = mkdtempSync(join(tmpdir(), "loop-cli-"));
function scenarioFile(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));
  return file;
}

const demo = JSON.parse(readFileSync("scenarios/demo.json", "utf8"));
const small = {
  ...demo,
  replications: 3,
  horizon_days: 120,
  discovery: { ...demo.discovery, batches: [{ day: 0 }, { day: 60 }] },
};

describe("deno task loop", () => {
  it("writes events.csv and loop.json, byte-identical on a rerun, conserving cases", () => {
    const file = scenarioFile("small.json", small);
    const a = loop(file, join(dir, "a")), b = loop(file, join(dir, "b"));
    expect(a.status, a.stderr).toBe(0);
    expect(b.status).toBe(0);
    expect(a.stdout).toMatch(/Simulated 3 replications of 120 days/);
    const events = readFileSync(join(dir, "a", "events.csv"), "utf8");
    expect(readFileSync(join(dir, "b", "events.csv"), "utf8")).toBe(events);
    const json = readFileSync(join(dir, "a", "loop.json"), "utf8");
    expect(readFileSync(join(dir, "b", "loop.json"), "utf8")).toBe(json);

    const lines = events.trimEnd().split("\n");
    expect(lines[0]).toBe("replication,case_id,household_id,channel,department,event,day");
    const rows = lines.slice(1).map((l) => l.split(","));
    // Applications from outside the dataset have an empty household_id; the demo's 30% from the dataset and warnings carry theirs.
    const applications = rows.filter((r) => r[3] === "application" && r[5] === "created");
    const outside = applications.filter((r) => r[2] === "").length;
    expect(outside).toBeGreaterThan(0.5 * applications.length);
    expect(outside).toBeLessThan(0.9 * applications.length);
    expect(rows.filter((r) => r[3] === "application").every((r) => r[2] === "" || /^H\d+$/.test(r[2]))).toBe(true);
    expect(rows.filter((r) => r[3] === "warning").every((r) => /^H\d+$/.test(r[2]))).toBe(true);
    const report = JSON.parse(json);
    for (const rep of ["1", "2", "3"]) {
      // Conservation from the log alone: created = cleared + open; a case is open exactly when it holds an unfinished task.
      const openTasks = new Map<string, number>(), created = new Set<string>(), cleared = new Set<string>();
      for (const r of rows.filter((r) => r[0] === rep)) {
        if (r[5] === "created") created.add(r[1]);
        if (r[5] === "cleared") cleared.add(r[1]);
        if (r[5] === "queued") openTasks.set(r[1], (openTasks.get(r[1]) ?? 0) + 1);
        // A task escalated to the higher office leaves its queue unfinished (the office's task replaces it).
        if (r[5] === "finished" || r[5] === "escalated") openTasks.set(r[1], openTasks.get(r[1])! - 1);
      }
      const open = [...created].filter((c) => !cleared.has(c));
      expect(created.size).toBe(cleared.size + open.length);
      for (const c of created) expect((openTasks.get(c) ?? 0) > 0).toBe(!cleared.has(c));
    }
    const o = report.overall;
    expect(o.cases_created.mean).toBeCloseTo(o.cases_cleared.mean + o.open_at_horizon.mean, 9);
    expect(Object.keys(report.departments)).toEqual(small.departments.map((d: { id: string }) => d.id));
    for (const d of Object.values(report.departments) as Record<string, { mean: number }>[]) {
      expect(d.utilisation.mean).toBeGreaterThanOrEqual(0);
      expect(d.utilisation.mean).toBeLessThanOrEqual(1);
    }
    expect(report.verification.estimates.red.source).toMatch(/verified rows/);

    // Funds = sum of amounts: assistance.csv against loop.json and the events' `assisted` rows.
    const assisted = readFileSync(join(dir, "a", "assistance.csv"), "utf8").trimEnd().split("\n").slice(1)
      .map((l) => l.split(","));
    expect(assisted.length).toBe(rows.filter((r) => r[5] === "assisted").length);
    const yuan = assisted.reduce((sum, r) => sum + Number(r[5]), 0);
    expect(report.assistance.yuan.mean * 3).toBeCloseTo(yuan, 6);
    expect(report.assistance.person_times.mean * 3).toBeCloseTo(assisted.length, 9);
    const byType = Object.values(report.assistance.by_type) as { yuan: { mean: number } }[];
    expect(byType.reduce((sum, t) => sum + t.yuan.mean, 0)).toBeCloseTo(report.assistance.yuan.mean, 6);
    expect(report.assistance.pilot).toMatchObject({ person_times: 404, yuan: 1192000 });

    // Split batches: a warned household enters once a year, in one of the two batches.
    for (const rep of ["1", "2", "3"]) {
      const warned = rows.filter((r) => r[0] === rep && r[3] === "warning" && r[5] === "created").map((r) => r[2]);
      expect(new Set(warned).size).toBe(warned.length);
    }
    expect(report.warnings.households_per_year).toBe(report.warnings.households_per_batch);
    // Escalations to the higher office are counted as the log's escalated events.
    const escalated = rows.filter((r) => r[5] === "escalated").length;
    expect(report.overall.escalated_to_office.mean * 3).toBeCloseTo(escalated, 9);
    // Cleared within the limit by assistance type; the time-to-assistance distribution sums to 1.
    expect(Object.keys(report.cleared_within_limit_by_assistance)).toContain("none");
    const shares = report.assistance.time_to_assistance_distribution.map((b: { share: { mean: number } }) =>
      b.share.mean
    );
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it("writes events.parquet beside events.csv: the same rows, typed, byte-identical on a rerun", async () => {
    const a = join(dir, "a", "events.parquet");
    expect(readFileSync(a)).toEqual(readFileSync(join(dir, "b", "events.parquet")));
    const { openDb } = await import("../src/db/mod.ts");
    const db = await openDb("native");
    try {
      const [n] = await db.all(
        `SELECT count(*)::INTEGER AS n, count(household_id)::INTEGER AS with_household, max(replication) AS reps, typeof(any_value(day)) AS day_type FROM read_parquet('${a}')`,
      );
      const csv = readFileSync(join(dir, "a", "events.csv"), "utf8").trimEnd().split("\n").slice(1);
      expect(n.n).toBe(csv.length);
      expect(n.with_household).toBe(csv.filter((l) => l.split(",")[2] !== "").length);
      expect(n.reps).toBe(3);
      expect(n.day_type).toBe("DOUBLE");
      const first = await db.all(`SELECT * FROM read_parquet('${a}') LIMIT 1`);
      const [rep, id, hh, channel, dep, event, day] = csv[0].split(",");
      expect(first[0]).toEqual({
        replication: Number(rep),
        case_id: id,
        household_id: hh || null,
        channel,
        department: dep || null,
        event,
        day: Number(day),
      });
    } finally {
      await db.close();
    }
  });

  it("a bad scenario exits 2 listing every problem by path, before loading the data", () => {
    const file = scenarioFile("bad.json", {
      ...small,
      extra: 1,
      discovery: { batches: [{ day: 10 }, { day: 500 }], applications_per_day: 1, applications_department: "window" },
      departments: [
        { id: "civil_affairs", staff: -2, service_days: { dist: "gamma", mean: 1 } },
        { id: "education", staff: 1, service_days: { dist: "uniform", min: 4, max: 1 } },
      ],
    });
    const r = loop(file, join(dir, "bad"));
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    for (
      const text of [
        `${file}: departments[0].staff: staff must be at least 1`,
        `${file}: departments[0].service_days.dist: unknown distribution`,
        `${file}: departments[1].service_days.max: uniform needs min ≤ max`,
        `${file}: extra: unknown field`,
        `${file}: discovery.batches[1].day: batch on day 500 is not before the horizon`,
        `${file}: discovery.applications_department: department "window" is not listed`,
      ]
    ) expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/rows read/); // the data was not loaded

    const broken = loop(scenarioFile("broken.json", "{ not json"), join(dir, "broken"));
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain("broken.json: not valid JSON");
  });

  it("a department the routing reaches but the scenario does not list exits 2 naming it", () => {
    const file = scenarioFile("unlisted.json", {
      ...small,
      bands: { yellow: 12.4 },
      departments: small.departments.filter((d: { id: string }) => d.id !== "health"),
    });
    const r = loop(file, join(dir, "unlisted"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /unlisted\.json: departments: department "health" is not listed but \d+ warned households/,
    );
    const bands = loop(scenarioFile("bands.json", { ...small, bands: { red: 10, purple: 3 } }), join(dir, "bands"));
    expect(bands.status).toBe(2);
    expect(bands.stderr).toContain('bands.purple: unknown band "purple"');
    expect(bands.stderr).toContain("bands.orange: band cut-offs must decrease");
  });
});
