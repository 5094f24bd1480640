import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvCell, neutraliseFormula, ownValue, terminalSafe, toCsv, writeCsv } from "../src/base/mod.ts";
import { formatProblem } from "../src/contract/problem.ts";

/** Runs a command script the way `deno task <name>` does. */
function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

function folder(prefix: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

// Village names and household ids a spreadsheet would run as formulas; H4 scores below zero.
const HOSTILE = {
  "households.csv": "household_id,village,category,has_car\n" +
    '-H1,"=HYPERLINK(""http://x.example"",""click"")",dibao,false\n' +
    "H2,@SUM(1+1),tekun,true\n" +
    "H3,+cmd|calc,monitored,\n" +
    "H4,constructor,dibao,true\n",
  "members.csv": "person_id,household_id,age,major_illness\n" +
    "P1,-H1,72,true\nP2,-H1,8,false\nP3,H2,45,true\nP4,H3,30,\nP5,H4,30,false\n",
  "verified.csv": "household_id,batch,channel,need\n" +
    "-H1,B1,survey,true\nH2,B1,survey,false\nH3,B1,survey,true\nH4,B1,survey,false\n" +
    "-H1,B1,warning,true\nH2,B1,warning,false\n",
};

const model = (departments: [string, string], id = "t", bands = [{ id: "red", min: 8 }, { id: "yellow", min: 3 }]) => ({
  id,
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
      department: departments[0],
    },
    { id: "A1", category: "assets", level: "household", when: "has_car", points: -5, department: departments[1] },
    {
      id: "E1",
      category: "med",
      level: "member",
      when: "age >= $old",
      points: 2,
      otherwise: 0.5,
      department: departments[0],
    },
  ],
  bands,
});

function modelFile(value: unknown, dir = folder("hout-model-")): string {
  const file = join(dir, "model.json");
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const noStack = (text: string) => expect(text).not.toMatch(/Uncaught|\n\s+at /);

describe("the CSV writer neutralises spreadsheet formulas", () => {
  it("a text cell starting with = + - @ tab or CR gets a leading quote mark", () => {
    expect(csvCell('=HYPERLINK("http://x","a")')).toBe(`"'=HYPERLINK(""http://x"",""a"")"`);
    expect(csvCell("+cmd|calc")).toBe("'+cmd|calc");
    expect(csvCell("-H1")).toBe("'-H1");
    expect(csvCell("@SUM(1)")).toBe("'@SUM(1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("\rx")).toBe(`"'\rx"`);
    expect(csvCell("吴庙村=1")).toBe("吴庙村=1");
  });

  it("numbers stay numbers: a negative score and a text holding a plain number are written as is", () => {
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(-0.075)).toBe("-0.075");
    expect(csvCell("-3.5")).toBe("-3.5");
    expect(csvCell("+2")).toBe("+2");
    expect(csvCell("-1e-3")).toBe("-1e-3");
    expect(csvCell(false)).toBe("false");
    expect(neutraliseFormula("-1+2")).toBe("'-1+2");
    expect(writeCsv([["-H1", -1]])).toBe("'-H1,-1\n");
  });

  it("formulas: keep writes data files that the toolkit reads back unchanged", () => {
    expect(toCsv(["id"], [["-H1"]], { formulas: "keep" })).toBe("id\n-H1\n");
    expect(csvCell("=1", { formulas: "keep" })).toBe("=1");
  });
});

describe("terminal-safe text and data-keyed lookups", () => {
  it("terminalSafe shows control characters as \\u escapes", () => {
    expect(terminalSafe("model \x1b[2J\x1b]0;t\x07")).toBe("model \\u001b[2J\\u001b]0;t\\u0007");
    expect(terminalSafe("a\u009b31m\u202eb\u007f")).toBe("a\\u009b31m\\u202eb\\u007f");
    expect(terminalSafe("a\nb")).toBe("a\\u000ab");
    expect(terminalSafe("a\nb\x1b", { lines: true })).toBe("a\nb\\u001b");
    expect(terminalSafe("花园镇 · 59.4% → ok")).toBe("花园镇 · 59.4% → ok");
  });

  it("formatProblem escapes the file, the value, the column and the message", () => {
    const line = formatProblem({ file: "a\x1b.csv", column: "v\x1b", value: "x\u009by", message: "bad \x1b[2J" });
    expect([...line].some((ch) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f)))
      .toBe(false);
    expect(line).toBe('a\\u001b.csv, column v\\u001b, value "x\\u009by": bad \\u001b[2J');
    expect(formatProblem({ file: "m.json", indicator: "B01", value: "a", message: "fix it" })).toBe(
      'm.json, indicator B01, value "a": fix it',
    );
  });

  it("ownValue never finds what a plain object inherits", () => {
    expect(ownValue({ a: 1 }, "constructor")).toBeUndefined();
    expect(ownValue({ a: 1 }, "toString")).toBeUndefined();
    expect(ownValue(Object.fromEntries([["__proto__", 3]]), "__proto__")).toBe(3);
    expect(ownValue({ constructor: 2 }, "constructor")).toBe(2);
  });
});

describe("commands write hostile names safely", () => {
  const data = folder("hout-ds-", HOSTILE);

  it("score neutralises formula villages and ids, keeps negative scores as numbers, leaves no temporary file", () => {
    const out = join(folder("hout-out-"), "new");
    const r = run("score", "--data", data, "--model", modelFile(model(["health", "housing"])), "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(out, "scores.csv"), "utf8");
    expect(csv).toContain(`'-H1,"'=HYPERLINK(""http://x.example"",""click"")",dibao,2,`);
    expect(csv).toContain("H2,'@SUM(1+1),tekun,");
    expect(csv).toContain("H3,'+cmd|calc,monitored,");
    expect(csv).toContain("H4,constructor,dibao,1,-4.25,-4.25,\n");
    expect(readdirSync(out).sort()).toEqual(["run.json", "scores.csv"]);
  });

  it("compare, audit and calibrate count departments named constructor and __proto__ and print an escaped model id", () => {
    const dir = folder("hout-m-");
    const a = modelFile(model(["health", "housing"]), dir);
    const bFile = join(dir, "b.json");
    writeFileSync(bFile, JSON.stringify(model(["constructor", "__proto__"], "evil\x1b[2J", [{ id: "red", min: 5 }])));
    const out = folder("hout-out-");
    const c = run("compare", "--data", data, "--model", a, "--model", bFile, "--out", out);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toContain("evil\\u001b[2J");
    expect(c.stdout).not.toContain("\x1b");
    const comparison = JSON.parse(readFileSync(join(out, "comparison.json"), "utf8"));
    const byName = Object.fromEntries(comparison.workload.map((w: { department: string }) => [w.department, w]));
    expect(byName.constructor).toEqual({ department: "constructor", a: 0, b: 1, change: 1 });
    expect(byName.health).toEqual({ department: "health", a: 2, b: 0, change: -2 });
    const html = readFileSync(join(out, "comparison.html"), "utf8");
    expect(html).not.toMatch(/native code|NaN/);
    expect(readFileSync(join(out, "changes.csv"), "utf8")).toContain("'-H1,\"'=HYPERLINK(");

    const au = run("audit", "--data", data, "--model", bFile, "--out", join(out, "audit"), "--replicates", "20");
    expect(au.status, au.stderr).toBe(0);
    expect(au.stdout).not.toContain("\x1b");
    const audit = JSON.parse(readFileSync(join(out, "audit", "audit.json"), "utf8"));
    expect(Object.entries(audit.workload).sort()).toEqual([["__proto__", 0], ["constructor", 1]]);
    expect(readFileSync(join(out, "audit", "audit.html"), "utf8")).not.toMatch(/native code|NaN/);

    const ca = run("calibrate", "--data", data, "--model", bFile, "--out", join(out, "cal"), "--quantiles", "0.5");
    expect(ca.status, ca.stderr).toBe(0);
    const cal = JSON.parse(readFileSync(join(out, "cal", "calibration.json"), "utf8"));
    for (const n of Object.values({ ...cal.workload.before, ...cal.workload.after })) expect(typeof n).toBe("number");
    expect(Object.keys(cal.workload.after).sort()).toEqual(["__proto__", "constructor"]);
    expect(readFileSync(join(out, "cal", "sweep_villages.csv"), "utf8")).toContain("'=HYPERLINK(");
    expect(readFileSync(join(out, "cal", "calibration.html"), "utf8")).not.toMatch(/native code|NaN/);
  });

  it("--lenient writes rejected.csv through the same writer", () => {
    const broken = folder("hout-ds-", {
      ...HOSTILE,
      "members.csv": HOSTILE["members.csv"] + "P6,=H9,30,false\n",
    });
    const out = folder("hout-out-");
    const r = run(
      "score",
      "--data",
      broken,
      "--model",
      modelFile(model(["health", "housing"])),
      "--out",
      out,
      "--lenient",
    );
    expect(r.status, r.stderr).toBe(0);
    const rejected = readFileSync(join(out, "rejected.csv"), "utf8");
    expect(rejected).toContain(",'=H9,");
    expect(rejected).not.toMatch(/,=H9,/);
  });
});

describe("--out is checked before any work", () => {
  const data = folder("hout-ds-", HOSTILE);

  it("an existing file is refused with exit 2 and a sentence, by every command", () => {
    const file = join(folder("hout-out-"), "taken.txt");
    writeFileSync(file, "keep me");
    const m = modelFile(model(["health", "housing"]));
    for (
      const [script, ...extra] of [
        ["score"],
        ["evaluate"],
        ["audit"],
        ["calibrate", "--capacity", "1"],
        ["explain", "--household", "H2"],
      ]
    ) {
      const r = run(script, "--data", data, "--model", m, "--out", file, ...extra);
      expect(r.status, `${script}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain("--out names an existing file");
      noStack(r.stderr);
    }
    const r = run("compare", "--data", data, "--model", m, "--model", m, "--out", join(file, "sub"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is a file, not a folder");
    noStack(r.stderr);
    expect(readFileSync(file, "utf8")).toBe("keep me");
  });

  it("the dataset folder is refused unless --force", () => {
    const ds = folder("hout-ds-", HOSTILE);
    const m = modelFile(model(["health", "housing"]));
    const r = run("score", "--data", ds, "--model", m, "--out", ds);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--out is the dataset folder");
    expect(existsSync(join(ds, "scores.csv"))).toBe(false);
    expect(run("score", "--data", ds, "--model", m, "--out", ds, "--force").status).toBe(0);
    expect(existsSync(join(ds, "scores.csv"))).toBe(true);
  });

  it("calibrate --model X/model.json --out X keeps the user's model unless --force", () => {
    const dir = folder("hout-m-");
    const m = modelFile(model(["health", "housing"]), dir);
    const before = readFileSync(m, "utf8");
    const r = run("calibrate", "--data", data, "--model", m, "--out", dir, "--capacity", "1");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("would overwrite the input");
    expect(r.stderr).toContain("--force");
    noStack(r.stderr);
    expect(readFileSync(m, "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["model.json"]);
    const forced = run("calibrate", "--data", data, "--model", m, "--out", dir, "--capacity", "1", "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(m, "utf8")).not.toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("an output whose name is taken by a folder is refused before scoring", () => {
    const out = folder("hout-out-");
    mkdirSync(join(out, "scores.csv"));
    const r = run("score", "--data", data, "--model", modelFile(model(["health", "housing"])), "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("a folder has its name");
    expect(r.stderr).not.toContain("rows read");
    noStack(r.stderr);
  });
});
