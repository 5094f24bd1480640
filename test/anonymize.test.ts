import { describe, expect, it } from "vitest";
import { parseCsv, pseudonymize } from "../src/ingest/mod.ts";
import { importKey } from "../src/ingest/anonymize.ts";
import { ENGINES, load, VALID } from "./_datasets.ts";

const key = (text: string) => importKey(new TextEncoder().encode(text), "key.bin");

describe("pseudonymizing identifiers", () => {
  it("gives the same pseudonym for the same value and key, so extracts still link", async () => {
    const k = await key("0123456789abcdef-secret");
    const a = await pseudonymize("person_id,household_id,id_card\nP1,H1,11010519491231002X\nP2,H1,\n", ["id_card"], k);
    const b = await pseudonymize("id_card,x\n11010519491231002X,1\n", ["id_card"], k);
    const rowA = parseCsv(a.csv)[1], rowB = parseCsv(b.csv)[1];
    expect(rowA[2]).toMatch(/^px_[0-9a-f]{20}$/);
    expect(rowA[2]).toBe(rowB[0]);
    expect(parseCsv(a.csv)[2][2]).toBe("");
    expect(a.replaced).toEqual({ id_card: 1 });
  });

  it("gives different pseudonyms under another key", async () => {
    const csv = "id_card\n11010519491231002X\n";
    const a = await pseudonymize(csv, ["id_card"], await key("0123456789abcdef-one"));
    const b = await pseudonymize(csv, ["id_card"], await key("0123456789abcdef-two"));
    expect(a.csv).not.toBe(b.csv);
  });

  it("leaves the other cells as they are, even those a spreadsheet would run as formulas", async () => {
    const csv = "id_card,note,amount\n11010519491231002X,=SUM(A1),-H1\n";
    const out = await pseudonymize(csv, ["id_card"], await key("0123456789abcdef-secret"));
    expect(parseCsv(out.csv)[1].slice(1)).toEqual(["=SUM(A1)", "-H1"]);
  });

  it("refuses a key shorter than 16 bytes", async () => {
    await expect(key("short")).rejects.toThrow("Key file has 5 bytes; expected at least 16 random bytes");
  });

  for (const engine of ENGINES) {
    it(`a pseudonymized identity column then loads (${engine})`, async () => {
      const raw = "person_id,household_id,id_card\nP1,H1,11010519491231002X\nP2,H1,\nP3,H2,\n";
      const { csv } = await pseudonymize(raw, ["id_card"], await key("0123456789abcdef-secret"));
      const { db, report } = await load(engine, { ...VALID, "members.csv": csv });
      await db.close();
      expect(report.valid).toBe(true);
    });
  }
});
