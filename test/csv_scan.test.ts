import { describe, expect, it } from "vitest";
import { fastUtf8Of, scanCsv, utf8Of } from "../src/ingest/_csv_scan.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("the CSV structural scan's field bounds", () => {
  it("gives each column's longest field (quotes included) and its non-empty fields, over the kept records only", () => {
    const scan = scanCsv(bytes(
      [
        "a,b,c",
        "1,,xyz",
        '22,"",""', // quoted empties count as fields that are not zero bytes
        "", // a blank line: skipped
        "333,4,", // the last field empty
        "9,9", // too few fields: a problem, not counted
        '"q,r",5,"l1\nl2"', // a quoted comma and a quoted line break
        "7,8,9,10", // too many fields: not counted
      ].join("\n") + "\n",
    ));
    expect(scan.problems.map((p) => p.row)).toEqual([6, 8]); // rows as a spreadsheet numbers them: a quoted line break stays in its row
    expect(scan.rowsRead).toBe(6);
    expect(Array.from(scan.fieldStats!.maxBytes)).toEqual([5, 2, 7]);
    expect(Array.from(scan.fieldStats!.nonEmpty)).toEqual([4, 3, 3]);
  });

  it("reads CRLF line ends as the end of the last field", () => {
    const scan = scanCsv(bytes("a,b\r\nxx,\r\n,yyy\r\n"));
    expect(scan.problems).toEqual([]);
    expect(Array.from(scan.fieldStats!.maxBytes)).toEqual([2, 3]);
    expect(Array.from(scan.fieldStats!.nonEmpty)).toEqual([1, 1]);
  });
});

describe("the UTF-8 check", () => {
  const cases: [string, number[]][] = [
    ["ASCII", [...bytes("household_id,village\nH1,a\n")]],
    ["Hanzi and a BOM", [0xef, 0xbb, 0xbf, ...bytes("户编号,村\nH1,付垸村\n")]],
    ["a NUL byte", [...bytes("a,b\n1,"), 0, ...bytes("2\n")]],
    ["an overlong slash", [0x61, 0xc0, 0xaf]],
    ["an overlong three-byte form", [0xe0, 0x80, 0xaf]],
    ["a surrogate", [0xed, 0xa0, 0x80]],
    ["past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a truncated sequence at the end", [0x61, 0xe6, 0x9d]],
    ["a lone continuation byte", [0x61, 0x80, 0x62]],
    ["GBK bytes", [0xbb, 0xa7, 0xb1, 0xe0, 0xba, 0xc5]],
    ["a four-byte emoji", [0xf0, 0x9f, 0x98, 0x80]],
  ];
  for (const [name, list] of cases) {
    it(`decides ${name} as a fatal TextDecoder does, natively and in JavaScript alike`, () => {
      const b = new Uint8Array(list);
      let decodes = true;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(b);
      } catch {
        decodes = false;
      }
      const expected = { valid: decodes, hasNul: list.includes(0) };
      expect(utf8Of(b)).toEqual(expected);
      // Deno has node:buffer's isUtf8: the fast path runs here, and must agree.
      expect(fastUtf8Of(b)).toEqual(expected);
    });
  }
});

describe("whether a CSV file reads as it is", () => {
  const of = (text: string | Uint8Array) => scanCsv(typeof text === "string" ? bytes(text) : text);
  it("is so for plain records, CRLF line ends, a quoted line break and a byte-order mark", () => {
    expect(of("a,b\n1,2\n3,4\n").sequential).toBe(true);
    expect(of("a,b\r\n1,2\r\n3,4\r\n").sequential).toBe(true);
    expect(of('a,b\n1,"x\ny"\n3,4').sequential).toBe(true);
    const bom = of(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes("a,b\n1,2\n")]));
    expect([bom.sequential, bom.bom]).toEqual([true, true]);
  });

  it("is not so with a blank line, a record with a problem, a record ended by CR alone, or a quoted header", () => {
    expect(of("a,b\n1,2\n\n3,4\n").sequential).toBe(false);
    expect(of("a,b\n1,2,3\n3,4\n").sequential).toBe(false);
    expect(of("a,b\r1,2\r3,4\r").sequential).toBe(false);
    expect(of('"a",b\n1,2\n').sequential).toBe(false);
  });

  it("without the rewritten copy, finds the same header, rows, problems and bounds", () => {
    const text = bytes('a,b,c\n1,,xyz\n22,"",""\n\n9,9\n"q,r",5,"l1\nl2"\n');
    const full = scanCsv(text);
    const lean = scanCsv(text, { rewrite: false });
    expect(lean.bytes.length).toBe(0);
    expect(full.bytes.length).toBeGreaterThan(0);
    expect({ ...lean, bytes: undefined }).toEqual({ ...full, bytes: undefined });
  });
});
