/**
 * The notebooks' first-view summary (notebooks/lib/summary.ts): what the build writes is what the
 * page reads back, gzipped or not, and its rules digest follows what hit counts depend on.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeSummary, encodeSummary, gunzipText, rulesDigest, type Summary } from "../notebooks/lib/summary.ts";
import type { Model } from "../src/contract/mod.ts";
import type { LoadReport } from "../src/ingest/types.ts";

const summary: Summary = {
  data: "d1",
  rules: "r1",
  report: {
    folder: "data/x",
    valid: true,
    lenient: false,
    tables: [],
    problems: [],
    problemCount: 0,
  } as unknown as LoadReport,
  hits: {
    householdIds: ["H1", "H2", "H3"],
    villages: ["东村", null, "东村"],
    categories: ["dibao", "dibao", null],
    members: Int32Array.from([2, 1, 4]),
    hits: [Int32Array.from([0, 1, 2]), Int32Array.from([1, 0, 0])],
  },
  verified: [{ household_id: "H2", batch: "2024-01", channel: "warning", need: true }],
};

describe("first-view summary", () => {
  it("round-trips households, text columns with nulls, member counts, hit counts and verified rows", () => {
    const file = JSON.parse(encodeSummary(summary));
    // Text columns are stored once per distinct value.
    expect(file.villages).toEqual({ values: ["东村", null], codes: [0, 1, 0] });
    const back = decodeSummary(encodeSummary(summary));
    expect(back.hits.villages).toEqual(["东村", null, "东村"]);
    expect(back.hits.categories).toEqual(["dibao", "dibao", null]);
    expect([...back.hits.members]).toEqual([2, 1, 4]);
    expect(back.hits.hits.map((c) => [...c])).toEqual([[0, 1, 2], [1, 0, 0]]);
    expect(back.hits.hits[0]).toBeInstanceOf(Int32Array);
    expect(back.verified).toEqual(summary.verified);
    expect([back.data, back.rules, back.report.folder]).toEqual(["d1", "r1", "data/x"]);
  });

  it("round-trips the audit's groups (member flags as bytes) and the source report", () => {
    const groups = {
      towns: ["北镇", null, "北镇"],
      memberGroups: {
        flags: { elderly: Uint8Array.from([1, 0, 1]) },
        definitions: { elderly: "age >= 60" },
        skipped: [],
      },
    };
    const source = { files: ["households.csv"], digest: "d0", report: summary.report };
    const back = decodeSummary(encodeSummary({ ...summary, groups, source }));
    expect(back.groups).toEqual(groups);
    expect(back.groups!.memberGroups.flags.elderly).toBeInstanceOf(Uint8Array);
    expect(back.source).toEqual(source);
    expect(decodeSummary(encodeSummary(summary)).groups).toBeUndefined();
  });

  it("reads gzipped bytes, and bytes a server already decompressed", async () => {
    const text = encodeSummary(summary);
    expect(await gunzipText(new Uint8Array(gzipSync(text)))).toBe(text);
    expect(await gunzipText(new TextEncoder().encode(text))).toBe(text);
    expect(() => decodeSummary('{"format":1}')).toThrow(/format 2/);
  });

  it("its rules digest changes with a rule or a parameter, not with points, weights or bands", async () => {
    const model = {
      indicators: [{ id: "A", level: "household", when: "x > limit", points: 2 }],
      parameters: [{ id: "limit", value: 3 }],
      bands: [{ id: "red", min: 5 }],
    } as unknown as Model;
    const base = await rulesDigest(model);
    const edit = (f: (m: Model) => void) => {
      const m = structuredClone(model);
      f(m);
      return rulesDigest(m);
    };
    expect(await edit((m) => (m.indicators[0].points = 9))).toBe(base);
    expect(await edit((m) => (m.bands[0].min = 1))).toBe(base);
    expect(await edit((m) => (m.indicators[0].when = "x >= limit"))).not.toBe(base);
    expect(await edit((m) => (m.parameters![0].value = 4))).not.toBe(base);
  });
});
