import { describe, expect, it } from "vitest";
import {
  csvCell,
  formatInt,
  formatInterval,
  formatPercent,
  mulberry32,
  plainNumber,
  quoteIdent,
  quoteText,
  SQL_WORDS,
  toCsv,
  writeCsv,
} from "../src/base/mod.ts";
import { openDb } from "../src/db/mod.ts";

describe("the one CSV writer", () => {
  it("quotes a field only when it holds a quote, a comma, a CR or an LF", () => {
    expect(csvCell("吴庙村")).toBe("吴庙村");
    expect(csvCell('a "b"')).toBe('"a ""b"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvCell(false)).toBe("false");
  });
  it("ends every line in a line feed", () => {
    expect(writeCsv([["a", "b"], [1, null]])).toBe("a,b\n1,\n");
    expect(toCsv(["a"], [["x"], ["y"]])).toBe("a\nx\ny\n");
  });
  it("refuses a row whose length differs from the header's", () => {
    expect(() => toCsv(["a", "b"], [["x"]])).toThrow("Expected a CSV row of 2 cells but found 1");
  });
});

describe("the one SQL quoting", () => {
  it("doubles quotes in names and text", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteText("H'1")).toBe("'H''1'");
  });
  it("writes line breaks as chr() so no literal spans lines, and DuckDB reads the same text back", async () => {
    const db = await openDb("native");
    try {
      const text = "第一行\r\n第二行 'x'";
      const [row] = await db.all(`SELECT ${quoteText(text)} AS t`);
      expect(row.t).toBe(text);
      expect(quoteText(text)).not.toMatch(/[\r\n]/);
    } finally {
      await db.close();
    }
  });
  it("refuses NUL characters", () => {
    expect(() => quoteText("a\0b")).toThrow("Expected text without NUL characters");
  });
  it("knows statement words and clause words alike", () => {
    for (const w of ["select", "drop", "case", "having", "exec"]) expect(SQL_WORDS.has(w)).toBe(true);
    expect(SQL_WORDS.has("age")).toBe(false);
  });
});

describe("the one number formatter", () => {
  it("writes plain decimals, never exponents", () => {
    expect(plainNumber(1e21)).toBe("1000000000000000000000");
    expect(plainNumber(1.5e-7)).toBe("0.00000015");
    expect(plainNumber(0.25)).toBe("0.25");
    expect(() => plainNumber(Infinity)).toThrow("Expected a finite number but found Infinity");
  });
  it("formats counts, percentages and intervals for people", () => {
    expect(formatInt(145022)).toBe("145,022");
    expect(formatPercent(0.5944)).toBe("59.4%");
    expect(formatPercent(null)).toBe("—");
    expect(formatInterval([0.556, 0.631])).toBe("55.6–63.1%");
    expect(formatInterval(null)).toBe("—");
  });
});

describe("seeded random numbers", () => {
  it("mulberry32 gives the same stream from the same seed (first draws of seed 1)", () => {
    const r = mulberry32(1);
    // Worked independently (Python, 32-bit unsigned arithmetic) from the algorithm's definition.
    expect([r(), r(), r()].map((x) => x * 4294967296)).toEqual([2693262067, 11749833, 2265367787]);
    expect(mulberry32(2)()).not.toBe(mulberry32(1)());
  });
});
