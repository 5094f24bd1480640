import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../src/db/mod.ts";
import { ENGINES, load, VALID } from "./_datasets.ts";

/** Writes a Parquet file with native DuckDB (Parquet built in) from a SELECT. */
async function parquetOf(select: string): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "pq-"));
  const db = await openDb("native");
  const file = join(dir, "t.parquet");
  await db.exec(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  await db.close();
  const bytes = new Uint8Array(await readFile(file));
  await rm(dir, { recursive: true });
  return bytes;
}

/** Validates the valid households beside a members Parquet file made from `select`; its report, the database closed. */
async function reportWithMembers(engine: (typeof ENGINES)[number], select: string) {
  const { db, report } = await load(engine, {
    "households.csv": VALID["households.csv"],
    "members.parquet": await parquetOf(select),
  });
  await db.close();
  return report;
}

describe("Parquet tables", () => {
  for (const engine of ENGINES) {
    it(`loads a Parquet members table with its own column types (${engine})`, async () => {
      const members = await parquetOf(
        "select * from (values ('P1', 'H1', 70, true, date '1954-02-01'), ('P2', 'H1', 8, false, null), ('P3', 'H2', 45, null, date '1979-01-01')) v(person_id, household_id, age, ill, born)",
      );
      const { db, report } = await load(engine, {
        "households.csv": VALID["households.csv"],
        "members.parquet": members,
      });
      expect(report.valid).toBe(true);
      expect(report.tables[1]).toMatchObject({ table: "members", format: "parquet", rowsRead: 3, accepted: 3 });
      expect(report.schema.members).toEqual({
        person_id: "text",
        household_id: "text",
        age: "number",
        ill: "boolean",
        born: "date",
      });
      expect(await db.all("select person_id, age, ill, cast(born as varchar) as born from members order by person_id"))
        .toEqual([
          { person_id: "P1", age: 70, ill: true, born: "1954-02-01" },
          { person_id: "P2", age: 8, ill: false, born: null },
          { person_id: "P3", age: 45, ill: null, born: "1979-01-01" },
        ]);
      await db.close();
    });

    it(`refuses NaN and infinite numbers and dates in Parquet, naming file, row and column (${engine})`, async () => {
      const report = await reportWithMembers(
        engine,
        "select * from (values ('P1', 'H1', 70.0, date '1954-02-01'), ('P2', 'H1', 'nan'::double, date '1990-01-01'), " +
          "('P3', 'H2', 'inf'::double, 'infinity'::date), ('P4', 'H2', '-inf'::double, null)) v(person_id, household_id, age, born)",
      );
      expect(report.valid).toBe(false);
      expect(report.problems.map((p) => [p.file, p.row, p.column, p.value, p.message])).toEqual([
        [
          "ds/members.parquet",
          3,
          "age",
          "nan",
          "Expected a number such as 1200 or 0.5, not NaN or infinity; fix the value or leave it empty",
        ],
        [
          "ds/members.parquet",
          4,
          "age",
          "inf",
          "Expected a number such as 1200 or 0.5, not NaN or infinity; fix the value or leave it empty",
        ],
        [
          "ds/members.parquet",
          4,
          "born",
          "infinity",
          "Expected a date written YYYY-MM-DD, not infinity; fix the value or leave it empty",
        ],
        [
          "ds/members.parquet",
          5,
          "age",
          "-inf",
          "Expected a number such as 1200 or 0.5, not NaN or infinity; fix the value or leave it empty",
        ],
      ]);
    });

    it(`refuses mobile and identity numbers stored as Parquet numbers, not large or fractional ones (${engine})`, async () => {
      // phone: BIGINT, first mobile number on file row 3; id_card: DOUBLE, an 18-digit value that
      // DOUBLE cannot hold exactly is no identity number; amount: 1e10 and more but not whole.
      const report = await reportWithMembers(
        engine,
        "select * from (values ('P1', 'H1', 100::BIGINT, 12.5::DOUBLE, 12345678901.5::DOUBLE, true), " +
          "('P2', 'H1', 13812345678::BIGINT, 110105194912310028::DOUBLE, 98765432109.25::DOUBLE, false), " +
          "('P3', 'H2', 15900001111::BIGINT, null, null, null)) v(person_id, household_id, phone, id_card, amount, ill)",
      );
      expect(report.problems.map((p) => [p.file, p.row, p.column, p.value])).toEqual([[
        "ds/members.parquet",
        3,
        "phone",
        "138****5678",
      ]]);
      expect(report.problems[0].message).toContain("mobile phone numbers");
    });

    it(`names the Parquet row of a member whose household is unknown (${engine})`, async () => {
      const report = await reportWithMembers(
        engine,
        "select * from (values ('P1', 'H1'), ('P2', 'H2'), ('P3', 'H9')) v(person_id, household_id)",
      );
      expect(report.problems.map((p) => [p.file, p.row, p.column, p.value])).toEqual([[
        "ds/members.parquet",
        4,
        "household_id",
        "H9",
      ]]);
    });
  }
});
