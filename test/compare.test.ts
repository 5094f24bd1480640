/** Model comparison: who changes band, by village and category, and what it does to each frame and department. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  allFrameLabels,
  changesCsv,
  comparePopulations,
  populationOf,
  type VerifiedRow,
  withBands,
} from "../src/evaluate/mod.ts";
import type { IndicatorCoefficient } from "../src/model/mod.ts";
import { buildFrame } from "../src/simulate/mod.ts";

function coefficient(index: number, points: number, department: string): IndicatorCoefficient {
  return {
    index,
    id: `I${index}`,
    level: "household",
    category: "c",
    weight: 1,
    points,
    otherwise: 0,
    weightedPoints: points,
    weightedOtherwise: 0,
    column: `h${index}_I${index}`,
    parameters: [],
    columns: [],
    units: null,
    department,
  };
}

const row = (household_id: string, channel: string, need: boolean): VerifiedRow => ({
  household_id,
  batch: "B1",
  channel,
  need,
});

describe("comparing two models on the same households", () => {
  // Scores under A: H1 6, H2 4, H3 2, H4 0 (I0 = 2 points, civil affairs; I1 = 4 points, education).
  const frame = buildFrame({
    householdIds: ["H1", "H2", "H3", "H4"],
    villages: ["v1", "v1", "v2", "v2"],
    categories: ["dibao", "tekun", "tekun", "dibao"],
    members: [1, 1, 1, 1],
    hits: [[1, 0, 1, 0], [1, 1, 0, 0]],
  });
  const a = populationOf(frame, [coefficient(0, 2, "civil_affairs"), coefficient(1, 4, "education")], [{
    id: "red",
    min: 5,
  }, { id: "yellow", min: 3 }]);
  // B: the same scores, lower bands: red ≥ 4, yellow ≥ 2.
  const b = withBands(a, [{ id: "red", min: 4 }, { id: "yellow", min: 2 }]);
  const frames = allFrameLabels(frame.householdIds, [
    row("H1", "survey", true),
    row("H2", "survey", false),
    row("H3", "survey", true),
    row("H4", "survey", true),
  ]);
  const c = comparePopulations(a, b, frames);

  it("counts who changes band and lists them in household_id order", () => {
    expect(c.summary).toEqual({
      households: 4,
      warned_a: 2,
      warned_b: 3,
      newly_warned: 1,
      no_longer_warned: 0,
      band_changed: 1,
      unchanged: 2,
    });
    expect(c.changes.map((x) => [x.household_id, x.band_a, x.band_b, x.change])).toEqual([
      ["H2", "yellow", "red", "band_changed"],
      ["H3", null, "yellow", "newly_warned"],
    ]);
    expect(c.transitions.find((t) => t.from === "none" && t.to === "yellow")!.count).toBe(1);
    expect(c.transitions.reduce((s, t) => s + t.count, 0)).toBe(4);
    expect(changesCsv(c.changes)).toBe(
      "household_id,village,category,band_a,band_b,per_capita_a,per_capita_b,change\nH2,v1,tekun,yellow,red,4,4,band_changed\nH3,v2,tekun,,yellow,2,2,newly_warned\n",
    );
  });

  it("by village and by category", () => {
    expect(c.by_village).toEqual([
      { village: "v1", households: 2, warned_a: 2, warned_b: 2, newly_warned: 0, no_longer_warned: 0, band_changed: 1 },
      { village: "v2", households: 2, warned_a: 0, warned_b: 1, newly_warned: 1, no_longer_warned: 0, band_changed: 0 },
    ]);
    expect(c.by_category.map((x) => [x.category, x.newly_warned, x.band_changed])).toEqual([["dibao", 0, 0], [
      "tekun",
      1,
      1,
    ]]);
  });

  it("precision and recall from the survey frame move with the change", () => {
    const survey = c.frames.find((f) => f.frame === "survey")!;
    expect(survey.a).toMatchObject({ labeled_warnings: 2, true_positives: 1, precision: 0.5 });
    expect(survey.a.recall).toBeCloseTo(1 / 3, 14);
    expect(survey.b).toMatchObject({ labeled_warnings: 3, true_positives: 2 });
    expect(survey.delta.precision).toBeCloseTo(2 / 3 - 1 / 2, 14);
    expect(survey.delta.recall).toBeCloseTo(1 / 3, 14);
    expect(c.frames.map((f) => f.frame)).toEqual(["survey"]);
  });

  it("department workload counts each warned household once per department of its fired positive-points indicators", () => {
    expect(c.workload).toEqual([
      { department: "civil_affairs", a: 1, b: 2, change: 1 },
      { department: "education", a: 2, b: 2, change: 0 },
    ]);
  });
});

// ---------------------------------------------------------------- the command

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "compare-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function levelModel(version: string, bands: { id: string; min: number }[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "compare-model-")), "model.json");
  writeFileSync(
    file,
    JSON.stringify({
      id: "levels",
      version,
      categories: [{ id: "c" }],
      indicators: Array.from(
        { length: 20 },
        (_, i) => ({ id: `L${i + 1}`, category: "c", level: "household", when: `lvl >= ${i + 1}`, points: 1 }),
      ),
      bands,
    }),
  );
  return file;
}

describe("deno task compare", () => {
  // Single-member households scoring their lvl.
  const levels: [string, string, number][] = [
    ["S1", "S村", 20],
    ["S2", "S村", 17],
    ["S3", "S村", 13],
    ["S4", "S村", 3],
    ["W1", "W村", 15],
    ["W2", "W村", 12],
  ];
  const data = write({
    "households.csv": "household_id,village,category,lvl\n" +
      levels.map(([id, v, l]) => `${id},${v},${id.startsWith("S") ? "dibao" : "tekun"},${l}\n`).join(""),
    "members.csv": "person_id,household_id\n" + levels.map(([id]) => `P${id},${id}\n`).join(""),
    "verified.csv":
      "household_id,batch,channel,need\nS1,S,survey,true\nS2,S,survey,false\nS3,S,survey,true\nS4,S,survey,true\nW1,B1,warning,true\n",
  });
  const a = levelModel("A", [{ id: "red", min: 18 }, { id: "yellow", min: 14 }]);
  const b = levelModel("B", [{ id: "red", min: 16 }, { id: "yellow", min: 12 }]);

  it("writes who changes band, the frames and the workload, the same bytes every run", () => {
    const outs = [0, 1].map(() => {
      const out = mkdtempSync(join(tmpdir(), "compare-out-"));
      const r = run("compare", "--data", data, "--model", a, "--model", b, "--out", out);
      expect(r.status, r.stderr).toBe(0);
      return ["comparison.json", "changes.csv", "comparison.html"].map((f) => readFileSync(join(out, f), "utf8"));
    });
    expect(outs[0]).toEqual(outs[1]);
    const c = JSON.parse(outs[0][0]);
    // A warns S1 (red), S2 (yellow), W1 (yellow); B warns S1, S2 (red), S3, W1, W2 (yellow).
    expect(c.summary).toMatchObject({
      warned_a: 3,
      warned_b: 5,
      newly_warned: 2,
      band_changed: 1,
      no_longer_warned: 0,
    });
    expect(c.changes.map((x: { household_id: string }) => x.household_id)).toEqual(["S2", "S3", "W2"]);
    const survey = c.frames.find((f: { frame: string }) => f.frame === "survey");
    expect(survey.a).toMatchObject({ precision: 0.5, recall: 1 / 3 });
    expect(survey.b.recall).toBeCloseTo(2 / 3, 14);
    expect(c.workload).toEqual([{ department: "unassigned", a: 3, b: 5, change: 2 }]);
    expect(outs[0][1].split("\n")[1]).toBe("S2,S村,dibao,yellow,red,17,17,band_changed");
    expect(outs[0][2]).toContain(c.models.a.sha256);
    expect(outs[0][2]).toContain(c.models.b.sha256);
    expect(outs[0][2]).toContain(c.data.digest);
    expect(outs[0][2]).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it("exits 2 unless --model is given exactly twice", () => {
    const out = mkdtempSync(join(tmpdir(), "compare-out-"));
    const r = run("compare", "--data", data, "--model", a, "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Expected --model twice/);
  });

  it("exits 2 naming the model file when a model does not fit the data", () => {
    const bad = join(mkdtempSync(join(tmpdir(), "compare-model-")), "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        id: "x",
        version: "1",
        categories: [{ id: "c" }],
        indicators: [{ id: "I", category: "c", level: "household", when: "nosuch > 1", points: 1 }],
      }),
    );
    const out = mkdtempSync(join(tmpdir(), "compare-out-"));
    const r = run("compare", "--data", data, "--model", a, "--model", bad, "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json/);
    expect(r.stderr).toMatch(/nosuch/);
  });
});
