import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs a command script the way `deno task <name>` does. */
function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

function dataset(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cli-ds-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const DATA = {
  "households.csv":
    'household_id,village,category,has_car\nH1,"王家村, 一组",dibao,false\nH2,李家湾,tekun,true\nH3,李家湾,monitored,\n',
  "members.csv": "person_id,household_id,age,major_illness\nP1,H1,72,true\nP2,H1,8,false\nP3,H2,45,true\nP4,H3,30,\n",
  "verified.csv": "household_id,batch,channel,need\nH1,B1,warning,true\nH2,B1,warning,false\nH3,B2,survey,true\n",
};

const MODEL = {
  id: "t",
  version: "1",
  parameters: [{ id: "old", value: 70 }],
  categories: [{ id: "med", weight: 1.5 }, { id: "assets" }],
  indicators: [
    {
      id: "M1",
      category: "med",
      level: "member",
      when: "major_illness and age >= 16",
      points: 6,
      department: "medical_insurance",
    },
    { id: "A1", category: "assets", level: "household", when: "has_car", points: -5 },
    { id: "E1", category: "med", level: "member", when: "age >= $old", points: 2, otherwise: 0.5 },
  ],
  bands: [{ id: "red", min: 8 }, { id: "yellow", min: 3 }],
};

function modelFile(model: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "cli-model-")), "model.json");
  writeFileSync(file, JSON.stringify(model));
  return file;
}

describe("deno task score / evaluate / explain", () => {
  const data = dataset(DATA);
  const model = modelFile(MODEL);

  it("score writes hand-worked totals in contract order, identical on both engines", () => {
    const outs = ["native", "wasm"].map((engine) => {
      const out = mkdtempSync(join(tmpdir(), "cli-out-"));
      const r = run("score", "--data", data, "--model", model, "--out", out, "--engine", engine);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("households.csv: 3 rows read, 3 accepted, 0 rejected");
      return readFileSync(join(out, "scores.csv"), "utf8");
    });
    // H1: M1 1 × 6 × 1.5 = 9; E1 1 × 2 × 1.5 + 1 × 0.5 × 1.5 = 3.75 → 12.75 / 2 members.
    // H2: M1 9; A1 −5; E1 otherwise 0.75 → 4.75. H3: only E1's otherwise → 0.75.
    expect(outs[0]).toBe(
      "household_id,village,category,members,total_points,per_capita,band\n" +
        'H1,"王家村, 一组",dibao,2,12.75,6.375,yellow\n' +
        "H2,李家湾,tekun,1,4.75,4.75,yellow\n" +
        "H3,李家湾,monitored,1,0.75,0.75,\n",
    );
    expect(outs[1]).toBe(outs[0]);
  });

  it("evaluate writes the contract's figures overall and per batch", () => {
    const out = mkdtempSync(join(tmpdir(), "cli-out-"));
    const r = run("evaluate", "--data", data, "--model", model, "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const e = JSON.parse(readFileSync(join(out, "evaluation.json"), "utf8"));
    expect(e.model.id).toBe("t");
    expect(e.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(e.overall).toMatchObject({
      warnings: 2,
      labeled_warnings: 2,
      true_positives: 1,
      precision: 0.5,
      labeled_positives: 2,
      recall: 0.5,
      coverage: 1,
    });
    expect(e.batches.B2).toMatchObject({ labeled_warnings: 0, precision: null, precision_ci95: null, recall: 0 });
  });

  it("explain lists the fired indicators, the per-capita score, band and departments", () => {
    const r = run("explain", "--data", data, "--model", model, "--household", "H1");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("M1");
    expect(r.stdout).toContain("Per-capita score 人均分: 12.75 / 2 = 6.375");
    expect(r.stdout).toContain("Band 预警等级: yellow");
    expect(r.stdout).toContain("Dispatch 派单: medical_insurance");
  });

  it("a model naming an unknown column exits 2 naming the file, indicator and word", () => {
    const bad = modelFile({ ...MODEL, indicators: [{ ...MODEL.indicators[0], when: "major_ilness and age >= 16" }] });
    const out = mkdtempSync(join(tmpdir(), "cli-out-"));
    const r = run("score", "--data", data, "--model", bad, "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain("M1");
    expect(r.stderr).toContain("major_ilness");
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("an invalid dataset exits 2 with the file, row and column, and nothing is written", () => {
    const broken = dataset({ ...DATA, "households.csv": DATA["households.csv"].replace("tekun", "poor") });
    const out = join(mkdtempSync(join(tmpdir(), "cli-out-")), "o");
    const r = run("score", "--data", broken, "--model", model, "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${broken}/households.csv:3, column category, value "poor"`);
    expect(() => readFileSync(join(out, "scores.csv"))).toThrow();
  });

  it("validate exits 0 on a valid dataset and prints the report", () => {
    const r = run("validate", "--data", data);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Valid: no problems found.");
    expect(r.stdout).toMatch(/age\s+number/);
  });

  it("an unknown option is a usage error with exit 2", () => {
    const r = run("score", "--dta", data);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option --dta");
  });
});

describe("booleans written 1/0", () => {
  it("a 0/1 column loads as a number yet reads as a condition, equal to true/false", () => {
    const asWords = dataset(DATA);
    const asDigits = dataset({
      ...DATA,
      "members.csv": "person_id,household_id,age,major_illness\nP1,H1,72,1\nP2,H1,8,0\nP3,H2,45,1\nP4,H3,30,\n",
    });
    const model = modelFile({
      ...MODEL,
      indicators: [...MODEL.indicators, {
        id: "N1",
        category: "med",
        level: "household",
        when: "not any_member(major_illness) and count_members(major_illness) = 0",
        points: 1,
      }],
    });
    const [a, b] = [asWords, asDigits].map((data) => {
      const out = mkdtempSync(join(tmpdir(), "cli-out-"));
      const r = run("score", "--data", data, "--model", model, "--out", out);
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(join(out, "scores.csv"), "utf8");
    });
    expect(b).toBe(a);
    expect(a).toContain("H3,李家湾,monitored,1,2.25,2.25,"); // 0.75 + N1 1 × 1.5
  });
});

describe("--lenient", () => {
  it("scores the valid rows and writes the rejected ones with reasons to <out>/rejected.csv", () => {
    const data = dataset({ ...DATA, "members.csv": DATA["members.csv"] + "P5,H9,40,false\n" });
    const out = mkdtempSync(join(tmpdir(), "cli-out-"));
    const model = modelFile(MODEL);
    const strict = run("score", "--data", data, "--model", model, "--out", out);
    expect(strict.status).toBe(2);
    const r = run("score", "--data", data, "--model", model, "--out", out, "--lenient");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("members.csv: 5 rows read, 4 accepted, 1 rejected");
    expect(readFileSync(join(out, "rejected.csv"), "utf8")).toBe(
      "file,row,column,value,reason\n" +
        `${data}/members.csv,6,household_id,H9,"household_id ""H9"" is not in households.csv; add the household or fix the id"\n`,
    );
    expect(readFileSync(join(out, "scores.csv"), "utf8").split("\n")).toHaveLength(5);
  });
});

describe("verified rows with empty cells", () => {
  it("a row with no need counts as labeled and not in need; a row with no batch counts only overall", () => {
    const data = dataset({
      ...DATA,
      "verified.csv": "household_id,batch,channel,need\nH1,B1,warning,true\nH2,,warning,\nH3,B2,survey,true\n",
    });
    const out = mkdtempSync(join(tmpdir(), "cli-out-"));
    const r = run("evaluate", "--data", data, "--model", modelFile(MODEL), "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const e = JSON.parse(readFileSync(join(out, "evaluation.json"), "utf8"));
    expect(e.overall).toMatchObject({ labeled_warnings: 2, true_positives: 1, labeled_positives: 2 });
    expect(Object.keys(e.batches)).toEqual(["B1", "B2"]);
    expect(e.batches.B1).toMatchObject({ labeled_warnings: 1, true_positives: 1 });
  });
});

describe("text literals with line breaks", () => {
  it("a `when` literal holding a newline matches the same text in the data", () => {
    const data = dataset({
      ...DATA,
      "households.csv":
        'household_id,village,category,has_car\nH1,"a\nb",dibao,false\nH2,李家湾,tekun,true\nH3,李家湾,monitored,\n',
    });
    const model = modelFile({
      ...MODEL,
      indicators: [{ id: "V1", category: "med", level: "member", when: "household.village = 'a\nb'", points: 2 }],
    });
    const out = mkdtempSync(join(tmpdir(), "cli-out-"));
    const r = run("score", "--data", data, "--model", model, "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(out, "scores.csv"), "utf8")).toContain('H1,"a\nb",dibao,2,6,3,yellow');
  });
});
