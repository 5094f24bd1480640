/**
 * Every module's `mod.ts` opens with a runnable example: each one is type-checked and run here
 * with `deno test --doc` (from the project root, on the committed sample), so the first code a
 * newcomer reads is known to work.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname!, "..");
const modules = readdirSync(join(ROOT, "src"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, "src", d.name, "mod.ts")))
  .map((d) => d.name)
  .sort();

describe("the mod.ts examples", () => {
  let output = "";
  let status: number | null = null;
  beforeAll(() => {
    // One run for all modules: type-checking them together is several times faster than one by one.
    const run = spawnSync(
      process.execPath,
      ["test", "--doc", "-A", ...modules.map((name) => join("src", name, "mod.ts"))],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    output = `${run.stdout}\n${run.stderr}`;
    status = run.status;
  }, 300_000);

  it("cover every module of src/, and all pass", () => {
    expect(modules.length).toBeGreaterThanOrEqual(10);
    expect(output, output).toMatch(/ok \| [1-9]\d* passed \| 0 failed/);
    expect(status, output).toBe(0);
  });
  for (const name of modules) {
    it(`src/${name}/mod.ts: has an example, and it runs`, () => {
      const ran = output.split("\n").filter((l) => l.includes(`/src/${name}/mod.ts#`) && l.includes(" ... "));
      expect(ran.length, output).toBeGreaterThan(0);
      for (const line of ran) expect(line, output).toMatch(/ \.\.\. ok/);
    });
  }
});
