/**
 * DuckDB-wasm's Arrow results as plain values (src/db/_arrow.ts): numeric columns without nulls are
 * read from their typed arrays at once, and give exactly the values the value-by-value path gives.
 */
import { describe, expect, it } from "vitest";
import { openDb } from "../src/db/mod.ts";

describe("wasm columns", () => {
  it("gives the same numbers from typed arrays as value by value, with and without nulls", async () => {
    const wasm = await openDb("wasm");
    const native = await openDb("native");
    try {
      const sql =
        `SELECT i::INTEGER AS i, (i * 3000000000)::BIGINT AS b, (i / 7)::DOUBLE AS d, (i % 100)::TINYINT AS t, ` +
        `(i / 3)::FLOAT AS f, CASE WHEN i % 3 = 0 THEN NULL ELSE i END::INTEGER AS n, ` +
        `(i % 2 = 0) AS flag FROM range(1, 200) r(i) ORDER BY i`;
      const got = await wasm.columns(sql);
      expect(got).toEqual(await native.columns(sql));
      expect(got.columns[1][0]).toBe(3000000000);
      expect(got.columns[5][2]).toBeNull();
      expect(got.columns.every((c) => Array.isArray(c))).toBe(true);
    } finally {
      await wasm.close();
      await native.close();
    }
  });
});
