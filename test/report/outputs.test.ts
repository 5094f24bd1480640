/**
 * The JSON output files against their zod schemas (src/contract/outputs.ts): the command line
 * writes files the schemas read back, the writer refuses an object that does not match, and the
 * builders' TypeScript types and the schemas' inferred types agree.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CalibrationFile } from "../../src/calibrate/output.ts";
import {
  type AuditJson,
  type CalibrationJson,
  type ComparisonJson,
  type EvaluationJson,
  outputJson,
  readOutput,
} from "../../src/contract/outputs.ts";
import type { AuditFile } from "../../src/evaluate/audit_file.ts";
import type { CompareFile } from "../../src/evaluate/compare.ts";
import type { EvaluationFile } from "../../src/evaluate/outputs.ts";

/** True when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<EvaluationFile, EvaluationJson>,
  Same<AuditFile, AuditJson>,
  Same<Omit<CalibrationFile, "fit">, Omit<CalibrationJson, "fit">>,
  Same<CompareFile, ComparisonJson>,
] = [true, true, true, true];

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
}

describe("output schemas", () => {
  it("the builders' types and the schemas' types agree", () => {
    expect(typesAgree).toEqual([true, true, true, true]);
  });

  it("evaluation.json and audit.json written by the command line read back through their schemas", () => {
    const out = mkdtempSync(join(tmpdir(), "outputs-"));
    const common = ["--data", "data/sample", "--model", "models/county-default.json"];
    run("evaluate", ...common, "--out", out);
    run("audit", ...common, "--out", out, "--replicates", "20");
    const evaluation = readOutput("evaluation.json", readFileSync(join(out, "evaluation.json"), "utf8"));
    expect(evaluation.overall.warnings).toBeGreaterThan(0);
    const text = readFileSync(join(out, "audit.json"), "utf8");
    const audit = readOutput("audit.json", text);
    expect(audit.command).toBe("audit");
    // Writing what was read gives the same bytes: the schema keeps every field.
    expect(outputJson("audit.json", audit)).toBe(text);
  });

  it("the writer refuses an object that does not match, naming the path", () => {
    const bad = { model: { id: "m", version: "1", sha256: "x" }, data: { digest: "d" }, overall: {}, batches: {} };
    expect(() => outputJson("evaluation.json", bad)).toThrow(/evaluation\.json does not match.*\n.*overall\.warnings/);
    const extra = JSON.parse(readFileSync("test/report/__fixtures__/evaluation.json", "utf8"));
    expect(() => outputJson("evaluation.json", { ...extra, surplus: 1 })).toThrow(/surplus/);
    expect(outputJson("evaluation.json", extra)).toBe(JSON.stringify(extra, null, 2) + "\n");
  });
});
