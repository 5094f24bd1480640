/** Progress on standard error: nothing for the first second, a bar on a terminal, plain lines otherwise, nothing when quiet. */
import { describe, expect, it } from "vitest";
import { Progress, progressMode } from "../src/base/progress.ts";

/** A progress with a hand-driven clock and no timer; what it writes is collected. */
function fake(mode: "bar" | "lines" | "off") {
  let now = 0;
  const out: string[] = [];
  const progress = new Progress({ mode, write: (t) => out.push(t), now: () => now, intervalMs: 0 });
  return { progress, out, at: (ms: number) => (now = ms) };
}

describe("progress", () => {
  it("picks its mode: quiet wins, then a terminal gets a bar, else lines", () => {
    expect(progressMode({ quiet: true, terminal: true })).toBe("off");
    expect(progressMode({ quiet: false, terminal: true })).toBe("bar");
    expect(progressMode({ quiet: false, terminal: false })).toBe("lines");
  });

  it("shows nothing during the first second", () => {
    const { progress, out, at } = fake("lines");
    progress.phase("loading: staging", 4);
    at(999);
    progress.update(2, "loading: typed_tables");
    progress.end();
    expect(out).toEqual([]);
  });

  it("writes one plain line per phase still running after the first second", () => {
    const { progress, out, at } = fake("lines");
    progress.phase("loading: staging", 4);
    at(1500);
    progress.poll();
    progress.poll(); // the same phase: no second line
    progress.update(3, "loading: tables");
    at(2250);
    progress.phase("scoring");
    progress.end();
    expect(out).toEqual(["loading: staging 0/4 (1.5 s)\n", "loading: tables 3/4 (1.5 s)\n", "scoring (2.3 s)\n"]);
  });

  it("draws a bar in place on a terminal and clears it at the end", () => {
    const { progress, out, at } = fake("bar");
    progress.phase("loading", 4);
    at(1000);
    progress.update(1);
    at(2000);
    progress.phase("scoring");
    progress.end();
    expect(out).toEqual([
      "\r\x1b[2K[######------------------] loading 1/4 1.0 s",
      "\r\x1b[2Kscoring 2.0 s",
      "\r\x1b[2K",
    ]);
  });

  it("writes nothing at all when quiet", () => {
    const { progress, out, at } = fake("off");
    progress.phase("loading", 4);
    at(5000);
    progress.update(4);
    progress.end();
    expect(out).toEqual([]);
  });
});

describe("progress of a command", () => {
  const run = async (extra: string[]) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/score.ts",
        "--data",
        "data/sample",
        "--model",
        "models/county-default.json",
        ...extra,
      ],
      stdout: "piped",
      stderr: "piped",
    });
    const r = await child.output();
    const dec = new TextDecoder();
    return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
  };

  it("never reaches standard output, and --quiet is taken by every command", async () => {
    const out = await Deno.makeTempDir();
    const loud = await run(["--out", out, "--force"]);
    const quiet = await run(["--out", out, "--force", "--quiet"]);
    expect(loud.code).toBe(0);
    expect(quiet.code).toBe(0);
    expect(loud.stdout).toBe(quiet.stdout);
    expect(quiet.stderr).not.toMatch(/loading data\/sample:/);
    await Deno.remove(out, { recursive: true });
  }, 120000);
});
