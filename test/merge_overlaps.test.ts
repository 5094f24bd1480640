import { describe, expect, it } from "vitest";
import { sourceOverlaps } from "../src/merge/overlaps.ts";

describe("source overlaps", () => {
  it("counts each person once per pair of its distinct sources, and single-source persons on their own row", () => {
    const r = (source_id: string) => ({ source_id });
    const persons = [
      [r("tax"), r("roster"), r("roster")], // roster twice: one roster–tax pair
      [r("roster")],
      [r("roster")],
      [r("vehicle"), r("tax"), r("roster")], // three pairs
      [r("tax")],
    ];
    expect(sourceOverlaps(persons)).toEqual([
      { a: "roster", b: null, persons: 2 },
      { a: "roster", b: "tax", persons: 2 },
      { a: "roster", b: "vehicle", persons: 1 },
      { a: "tax", b: null, persons: 1 },
      { a: "tax", b: "vehicle", persons: 1 },
    ]);
  });

  it("gives no rows for no persons", () => {
    expect(sourceOverlaps([])).toEqual([]);
  });
});
