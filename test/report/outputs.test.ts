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
import type { z } from "zod";
import type { SideBySide } from "../../src/calibrate/calibrate.ts";
import {
  batchDriftSchema,
  type CalibrationJson,
  dimensionAuditSchema,
  frameBootstrapSchema,
  frameMetricsSchema,
  outputJson,
  readOutput,
  warningMetricsSchema,
} from "../../src/contract/outputs.ts";
import type { DimensionAudit } from "../../src/evaluate/audit.ts";
import type { BatchDrift } from "../../src/evaluate/drift.ts";
import type { FrameBootstrap, FrameMetrics } from "../../src/evaluate/frames.ts";
import type { WarningMetrics } from "../../src/evaluate/metrics.ts";

/** True when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The output files' types are their schemas'; the parts built elsewhere must agree with them. */
const typesAgree: [
  Same<WarningMetrics, z.infer<typeof warningMetricsSchema>>,
  Same<FrameMetrics, z.infer<typeof frameMetricsSchema>>,
  Same<FrameBootstrap, z.infer<typeof frameBootstrapSchema>>,
  Same<DimensionAudit, z.infer<typeof dimensionAuditSchema>>,
  Same<BatchDrift, z.infer<typeof batchDriftSchema>>,
  Same<SideBySide, CalibrationJson["side_by_side"][number]>,
] = [true, true, true, true, true, true];

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
}

describe("output schemas", () => {
  it("the types of the parts built in src/evaluate and src/calibrate agree with the schemas", () => {
    expect(typesAgree.every(Boolean)).toBe(true);
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
