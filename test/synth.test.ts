/**
 * src/synth as a library: the generator runs in memory with an injected scorer, and the seeded
 * streams of src/base/random.ts derive children by name or by state.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../src/base/random.ts";
import { parseModel } from "../src/contract/mod.ts";
import { parseCsv } from "../src/ingest/mod.ts";
import { type BandRow, datasetFiles, DEMO_SEED, demoCounty, type Scorer } from "../src/synth/mod.ts";

const MODEL_FILE = "models/county-default.json";
const SAMPLE = "data/sample";
const model = parseModel(readFileSync(MODEL_FILE, "utf8"), MODEL_FILE);

describe("Rng streams", () => {
  const draws = (r: Rng, n = 4) => Array.from({ length: n }, () => r.nextU32());

  it("stream(name) is the stream of the joined name, whatever the parent has drawn", () => {
    const parent = new Rng(7, "sim");
    const fresh = draws(parent.stream("replication-1").stream("arrivals"));
    draws(parent, 100);
    expect(draws(parent.stream("replication-1").stream("arrivals"))).toEqual(fresh);
    expect(fresh).toEqual(draws(new Rng(7, "sim/replication-1/arrivals")));
    expect(draws(parent.stream("replication-2").stream("arrivals"))).not.toEqual(fresh);
    expect(parent.stream("x").name).toBe("sim/x");
    expect(new Rng(7).stream("x").name).toBe("x");
  });

  it("fork() derives a child from the parent's state: reproducible, and it advances the parent", () => {
    const a = new Rng(3, "s"), b = new Rng(3, "s");
    expect(draws(a.fork())).toEqual(draws(b.fork()));
    expect(draws(a)).toEqual(draws(b));
    const c = new Rng(3, "s");
    expect(draws(c.fork())).not.toEqual(draws(c.fork()));
  });
});

describe("demoCounty with an injected scorer", () => {
  // The households the engine warned in the committed sample: its warning-channel rows.
  const [header, ...rows] = parseCsv(readFileSync(join(SAMPLE, "verified.csv"), "utf8"));
  const [id, channel] = [header.indexOf("household_id"), header.indexOf("channel")];
  const sampleWarned = new Set(rows.filter((r) => r[channel] === "warning").map((r) => r[id]));

  it("regenerates the committed sample byte for byte, in memory, without a database", async () => {
    let calls = 0;
    const score: Scorer = (tables, m) => {
      calls++;
      expect(m).toBe(model);
      expect(tables.verified).toBeUndefined();
      return Promise.resolve(tables.households.rows.map((h): BandRow => ({
        household_id: h.household_id,
        band: sampleWarned.has(h.household_id) ? "red" : null,
      })));
    };
    const demo = await demoCounty({ households: 300, seed: DEMO_SEED }, model, score);
    expect(calls).toBe(1);
    expect(demo.warned).toEqual(sampleWarned);
    const files = datasetFiles(demo.tables);
    expect(files.map((f) => f.name)).toEqual(["dataset.json", "households.csv", "members.csv", "verified.csv"]);
    for (const f of files) expect(f.text, f.name).toBe(readFileSync(join(SAMPLE, f.name), "utf8"));
  });

  it("the verified warnings follow the scorer: every warned household once, no one else", async () => {
    const score: Scorer = (tables) =>
      Promise.resolve(tables.households.rows.map((h) => ({
        household_id: h.household_id,
        band: h.category === "tekun" ? "red" : null,
      })));
    const demo = await demoCounty({ households: 500, seed: 11 }, model, score);
    const tekun = demo.county.households.filter((h) => h.category === "tekun").map((h) => h.household_id);
    const warnings = demo.verified.rows.filter((r) => r.channel === "warning").map((r) => r.household_id);
    expect(warnings.toSorted()).toEqual(tekun.toSorted());
    expect(demo.tables.verified?.rows).toBe(demo.verified.rows);
  });
});
