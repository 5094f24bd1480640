/**
 * Band calibration: the three rules on hand-worked cases, the calibrated model file, and
 * `deno task calibrate` end to end (outputs, determinism, exit status 2 on bad input).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  bandsWithLowest,
  bandsWithMins,
  calibratedModelText,
  CalibrationError,
  capacityIndex,
  labeledPrecisionCurve,
  quantileIndexes,
  targetPrecisionOnCurve,
  targetPrecisionThreshold,
} from "../src/calibrate/mod.ts";
import { parseModel } from "../src/contract/mod.ts";
import { wilsonInterval } from "../src/evaluate/mod.ts";

describe("rule (a): target precision on the Wilson lower bound", () => {
  it("nine households in need at the top clear 0.7 (9 / (9 + z²) = 0.70085), the tenth, not in need, does not", () => {
    const scores = [20, 19, 18, 17, 16, 15, 14, 13, 12, 11];
    const need = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const curve = labeledPrecisionCurve(scores, need);
    expect(curve.map((p) => p.threshold)).toEqual(scores);
    expect(curve[8]).toMatchObject({ threshold: 12, labeled_warnings: 9, true_positives: 9, precision: 1 });
    expect(curve[8].lower).toBeCloseTo(0.7008549482729561, 14);
    expect(curve[9].lower).toBeCloseTo(0.5958499704752279, 14);
    const { chosen } = targetPrecisionOnCurve(curve, 0.7);
    expect(chosen?.threshold).toBe(12);
    expect(targetPrecisionOnCurve(curve, 0.71).chosen).toBeNull();
  });

  it("takes the smallest qualifying score, not the first crossing from the top", () => {
    // 9 in need (qualify at 92), one not (fails at 91), 10 in need (19/20 → 0.7639 at 81),
    // one not (19/21 → 0.7109 at 80 still qualifies), one more not (19/22 → 0.6667 fails).
    const scores = [100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79];
    const need = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const curve = labeledPrecisionCurve(scores, need);
    expect(curve.find((p) => p.threshold === 91)!.lower).toBeCloseTo(0.5958499704752279, 14);
    expect(curve.find((p) => p.threshold === 80)!.lower).toBeCloseTo(0.7108586073515344, 14);
    expect(curve.find((p) => p.threshold === 79)!.lower).toBeCloseTo(0.6666501265111674, 14);
    expect(targetPrecisionOnCurve(curve, 0.7).chosen?.threshold).toBe(80);
  });

  it("treats tied scores as one threshold and ignores households that are not labeled", () => {
    const perCapita = Float64Array.from([5, 5, 5, 4, 1]);
    const labels = { labeled: Uint8Array.from([1, 1, 0, 1, 1]), need: Uint8Array.from([1, 0, 1, 1, 0]) };
    const { chosen, best, candidates } = targetPrecisionThreshold(perCapita, labels, 0.01);
    expect(candidates).toBe(3);
    expect(chosen?.threshold).toBe(1);
    expect(best).not.toBeNull();
    const curve = labeledPrecisionCurve([5, 5, 4, 1], [1, 0, 1, 0]);
    expect(curve[0]).toMatchObject({ threshold: 5, labeled_warnings: 2, true_positives: 1 });
    expect([curve[0].lower, curve[0].upper]).toEqual(wilsonInterval(1, 2));
  });
});

describe("rules (b) capacity and (c) quantiles", () => {
  const table = {
    thresholds: Float64Array.from([20, 19, 15, 12, 3]),
    warnings: Int32Array.from([1, 3, 8, 13, 16]),
    frames: [],
    departments: ["civil_affairs", "education"],
    byDepartment: [Int32Array.from([1, 2, 6, 10, 12]), Int32Array.from([0, 3, 5, 9, 9])],
    villages: [],
    byVillage: [],
  };

  it("at most 8 warnings overall puts the lowest min at 15", () => {
    expect(capacityIndex(table, { overall: 8 })).toBe(2);
    expect(capacityIndex(table, { overall: 7 })).toBe(1);
    expect(capacityIndex(table, { overall: 0 })).toBe(-1);
  });

  it("every department's capacity must hold", () => {
    expect(capacityIndex(table, { departments: { education: 5 } })).toBe(2);
    expect(capacityIndex(table, { overall: 100, departments: { civil_affairs: 2, education: 5 } })).toBe(1);
    expect(() => capacityIndex(table, { departments: { police: 5 } })).toThrow(/department of the model.*"police"/);
  });

  it("quantile q puts a band where at most a share 1 − q of households score at or above it", () => {
    // 16 households: q = 0.9 → at most 1.6 → 20; q = 0.5 → at most 8 → 15.
    expect(quantileIndexes(table, 16, [0.9, 0.5])).toEqual([0, 2]);
    expect(quantileIndexes(table, 16, [0.99])).toEqual([-1]);
    // 1 − 0.9 is 0.09999999999999998: 10 households at most 1 of 10 still counts.
    expect(quantileIndexes({ thresholds: Float64Array.from([3, 2]), warnings: Int32Array.from([1, 10]) }, 10, [0.9]))
      .toEqual([0]);
  });
});

describe("new bands and the calibrated model", () => {
  const bands = [{ id: "red", min: 18 }, { id: "orange", min: 16 }, { id: "yellow", min: 14 }];

  it("upper bands keep their distances above the new lowest min", () => {
    expect(bandsWithLowest(bands, 12)).toEqual([{ id: "red", min: 16 }, { id: "orange", min: 14 }, {
      id: "yellow",
      min: 12,
    }]);
  });

  it("or keep their own min, refusing a lowest min that is not below them", () => {
    expect(bandsWithLowest(bands, 12, "keep")).toEqual([{ id: "red", min: 18 }, { id: "orange", min: 16 }, {
      id: "yellow",
      min: 12,
    }]);
    expect(() => bandsWithLowest(bands, 16, "keep")).toThrow(CalibrationError);
  });

  it("shifted mins carry no binary noise, the lowest min stays the exact score", () => {
    expect(0.1 + (1.2 - 1)).toBe(0.29999999999999993);
    expect(bandsWithLowest([{ id: "a", min: 1.2 }, { id: "b", min: 1 }], 0.1)).toEqual([{ id: "a", min: 0.3 }, {
      id: "b",
      min: 0.1,
    }]);
    expect(bandsWithLowest([{ id: "a", min: 2 }, { id: "b", min: 1 }], 12.200000000000001)[1].min).toBe(
      12.200000000000001,
    );
  });

  it("a model without bands gets one warning band", () => {
    expect(bandsWithLowest([], 7)).toEqual([{ id: "warning", min: 7 }]);
  });

  it("quantile mins must strictly decrease, one per band", () => {
    expect(() => bandsWithMins(bands, [20, 20, 10])).toThrow(/do not strictly decrease/);
    expect(() => bandsWithMins(bands, [20, 10])).toThrow(/Expected 3 cut-offs/);
  });

  it("writes the input model with only the bands, the version and a provenance note changed, contract-valid", () => {
    const input = JSON.stringify(
      {
        id: "m",
        version: "1",
        title: "标题",
        categories: [{ id: "c" }],
        indicators: [{ id: "I1", category: "c", level: "household", when: "x > 1", points: 1 }],
        bands: [{ id: "red", name_zh: "红色预警", min: 18 }, { id: "yellow", min: 14 }],
      },
      null,
      2,
    );
    const { text, model } = calibratedModelText(input, [{ id: "red", min: 16 }, { id: "yellow", min: 12 }], "1+cal", {
      id: "m",
      version: "1",
      sha256: "abc",
      data_digest: "def",
      method: "rule",
    });
    expect(parseModel(text)).toEqual(model);
    const raw = JSON.parse(text);
    expect(Object.keys(raw)).toEqual([
      "id",
      "version",
      "title",
      "categories",
      "indicators",
      "bands",
      "calibrated_from",
    ]);
    expect(raw.version).toBe("1+cal");
    expect(raw.bands).toEqual([{ id: "red", name_zh: "红色预警", min: 16 }, { id: "yellow", min: 12 }]);
    expect(raw.indicators).toEqual(JSON.parse(input).indicators);
  });
});

// ---------------------------------------------------------------- the command

/** Runs a command script the way `deno task <name>` does. */
function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "calibrate-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/**
 * Single-member households whose per-capita score is their `lvl` (20 indicators `lvl >= i`, one
 * point each; odd ones civil affairs, even ones education). Survey village S: S01…S09 in need at
 * 20…12, S10 not at 11, S11 not at 5, S12 in need at 3. Village W: warnings W01 (19, need), W02
 * (15, no need), W03 (13, need); applications A01 (12, need), A02 (2, need).
 */
const HOUSEHOLDS: [string, string, number][] = [
  ...Array.from({ length: 9 }, (_, i): [string, string, number] => [`S0${i + 1}`, "S村", 20 - i]),
  ["S10", "S村", 11],
  ["S11", "S村", 5],
  ["S12", "S村", 3],
  ["W01", "W村", 19],
  ["W02", "W村", 15],
  ["W03", "W村", 13],
  ["A01", "W村", 12],
  ["A02", "W村", 2],
];

function calibrationData(): Record<string, string> {
  const need: Record<string, [string, boolean]> = {
    S10: ["survey", false],
    S11: ["survey", false],
    S12: ["survey", true],
    W01: ["warning", true],
    W02: ["warning", false],
    W03: ["warning", true],
    A01: ["application", true],
    A02: ["application", true],
  };
  for (let i = 1; i <= 9; i++) need[`S0${i}`] = ["survey", true];
  return {
    "households.csv": "household_id,village,category,lvl\n" +
      HOUSEHOLDS.map(([id, v, lvl]) => `${id},${v},dibao,${lvl}\n`).join(""),
    "members.csv": "person_id,household_id,age\n" + HOUSEHOLDS.map(([id]) => `P${id},${id},40\n`).join(""),
    "verified.csv": "household_id,batch,channel,need\n" +
      HOUSEHOLDS.map(([id]) => `${id},${need[id][0] === "survey" ? "S" : "B1"},${need[id][0]},${need[id][1]}\n`).join(
        "",
      ),
  };
}

function calibrationModel(bands = [{ id: "red", name_zh: "红色预警", min: 18 }, { id: "yellow", min: 14 }]): string {
  const dir = mkdtempSync(join(tmpdir(), "calibrate-model-"));
  const file = join(dir, "model.json");
  writeFileSync(
    file,
    JSON.stringify(
      {
        id: "levels",
        version: "1",
        categories: [{ id: "c" }],
        indicators: Array.from({ length: 20 }, (_, i) => ({
          id: `L${i + 1}`,
          category: "c",
          level: "household",
          when: `lvl >= ${i + 1}`,
          points: 1,
          department: i % 2 === 0 ? "civil_affairs" : "education",
        })),
        bands,
      },
      null,
      2,
    ),
  );
  return file;
}

describe("deno task calibrate", () => {
  const data = folder(calibrationData());
  const model = calibrationModel();

  it("--target-precision 0.7 --frame survey sets the lowest min to 12 and shifts the upper band, with the out-of-sample frames beside", () => {
    const out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
    const r = run(
      "calibrate",
      "--data",
      data,
      "--model",
      model,
      "--target-precision",
      "0.7",
      "--frame",
      "survey",
      "--out",
      out,
      "--replicates",
      "200",
    );
    expect(r.status, r.stderr).toBe(0);
    const calibrated = parseModel(readFileSync(join(out, "model.json"), "utf8"));
    expect(calibrated.bands.map((b) => [b.id, b.min])).toEqual([["red", 16], ["yellow", 12]]);
    expect(calibrated.version).toMatch(/^1\+cal\.p0\.7-survey\.[0-9a-f]{8}$/);
    const c = JSON.parse(readFileSync(join(out, "calibration.json"), "utf8"));
    expect(c.model.output.version).toBe(calibrated.version);
    expect(c.model.output.sha256).not.toBe(c.model.input.sha256);
    expect(c.fit).toMatchObject({
      frame: "survey",
      target: 0.7,
      threshold: 12,
      labeled: 12,
      labeled_warnings: 9,
      true_positives: 9,
      meets_target: true,
    });
    expect(c.fit.lower_bound).toBeCloseTo(0.7008549482729561, 14);
    const side = Object.fromEntries(
      c.side_by_side.map((s: { frame: string; role: string }) => [`${s.frame}/${s.role}`, s]),
    );
    // Survey (fit): 7 of 10 in need warned before, 9 after; precision 1 both.
    expect(side["survey/fit (in-sample)"].before).toMatchObject({
      labeled_warnings: 7,
      true_positives: 7,
      recall: 0.7,
      precision: 1,
    });
    expect(side["survey/fit (in-sample)"].after).toMatchObject({
      labeled_warnings: 9,
      true_positives: 9,
      recall: 0.9,
      miss_rate: 0.1,
    });
    // Warning frame, out of sample (outside village S): W01, W02 before; W03 joins after.
    expect(side["warning/out-of-sample"].before).toMatchObject({
      warnings: 2,
      labeled_warnings: 2,
      true_positives: 1,
      precision: 0.5,
      recall: null,
    });
    expect(side["warning/out-of-sample"].after).toMatchObject({
      warnings: 4,
      labeled_warnings: 3,
      true_positives: 2,
      coverage: 0.75,
    });
    expect(side["application/evaluation"].after).toMatchObject({
      labeled_positives: 2,
      true_positives: 1,
      needs_missed: 1,
      precision: null,
    });
    expect(c.workload).toEqual({
      before: { civil_affairs: 9, education: 9 },
      after: { civil_affairs: 13, education: 13 },
    });
    const html = readFileSync(join(out, "calibration.html"), "utf8");
    expect(html).toContain(c.model.output.sha256);
    expect(html).toContain(c.data.digest);
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const sweep = readFileSync(join(out, "sweep.csv"), "utf8").split("\n");
    expect(sweep[0].startsWith("threshold,warnings,survey_labeled_warnings,survey_true_positives,survey_precision"))
      .toBe(true);
    expect(sweep[1].startsWith("20,1,1,1,1,")).toBe(true);
  });

  it("gives byte-identical outputs for the same inputs", () => {
    const outs = [0, 1].map(() => {
      const out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
      const r = run(
        "calibrate",
        "--data",
        data,
        "--model",
        model,
        "--capacity",
        "8",
        "--out",
        out,
        "--replicates",
        "50",
      );
      expect(r.status, r.stderr).toBe(0);
      return ["model.json", "calibration.json", "calibration.html", "sweep.csv", "sweep_villages.csv"].map((f) =>
        readFileSync(join(out, f), "utf8")
      );
    });
    expect(outs[0]).toEqual(outs[1]);
    const c = JSON.parse(outs[0][1]);
    // At most 8 warnings: 15 (8 warned) qualifies, 14 (9) does not.
    expect(c.bands.after).toEqual([{ id: "red", min: 19 }, { id: "yellow", min: 15 }]);
    expect(c.fit).toMatchObject({ threshold: 15, warnings: 8, departments: { civil_affairs: 8, education: 8 } });
  });

  it("--capacity-department and --quantiles choose the hand-worked cut-offs", () => {
    let out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
    let r = run(
      "calibrate",
      "--data",
      data,
      "--model",
      model,
      "--capacity-department",
      "education=5",
      "--out",
      out,
      "--replicates",
      "20",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "calibration.json"), "utf8")).bands.after).toEqual([
      { id: "red", min: 21 },
      { id: "yellow", min: 17 },
    ]);
    out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
    r = run(
      "calibrate",
      "--data",
      data,
      "--model",
      model,
      "--quantiles",
      "0.9,0.7",
      "--out",
      out,
      "--replicates",
      "20",
    );
    expect(r.status, r.stderr).toBe(0);
    // 17 households: at most 1.7 at or above 20, at most 5.1 at or above 17.
    expect(JSON.parse(readFileSync(join(out, "calibration.json"), "utf8")).bands.after).toEqual([
      { id: "red", min: 20 },
      { id: "yellow", min: 17 },
    ]);
  });

  it("exits 2 saying so when no threshold reaches the target", () => {
    const out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
    const r = run(
      "calibrate",
      "--data",
      data,
      "--model",
      model,
      "--target-precision",
      "0.71",
      "--frame",
      "survey",
      "--out",
      out,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No threshold reaches the target/);
    expect(r.stderr).toMatch(/highest lower bound is 0\.70085/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 when the fit frame has no labeled households", () => {
    const files = calibrationData();
    delete files["verified.csv"];
    const out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
    const r = run("calibrate", "--data", folder(files), "--model", model, "--target-precision", "0.5", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/survey frame has no labeled households/);
  });

  it("exits 2 on usage mistakes: no rule, two rules, a target outside (0, 1), the application frame, an unknown department", () => {
    const out = mkdtempSync(join(tmpdir(), "calibrate-out-"));
    const cases: [string[], RegExp][] = [
      [[], /Choose exactly one rule/],
      [["--target-precision", "0.7", "--capacity", "5"], /Choose exactly one rule/],
      [["--target-precision", "1.5"], /between 0 and 1/],
      [["--target-precision", "abc"], /needs a number/],
      [["--target-precision", "0.5", "--frame", "application"], /cannot support precision/],
      [["--capacity-department", "police=3"], /"police"/],
    ];
    for (const [extra, message] of cases) {
      const r = run("calibrate", "--data", data, "--model", model, "--out", out, ...extra);
      expect(r.status, `${extra.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
