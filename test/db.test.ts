import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, type EngineName, openDb } from "../src/db/mod.ts";

// One suite, both engines: the engines must give the same rows for the same SQL.
for (const engine of ["native", "wasm"] as EngineName[]) {
  describe(`Db on the ${engine} engine`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await openDb(engine);
    });
    afterAll(async () => {
      await db.close();
    });

    it("returns plain values: numbers, text, booleans, nulls and dates as text", async () => {
      const rows = await db.all(
        "select 42::bigint as n, 0.1::double as x, '孝昌' as t, true as b, null as z, date '2024-03-01' as d",
      );
      expect(rows).toEqual([{ n: 42, x: 0.1, t: "孝昌", b: true, z: null, d: "2024-03-01" }]);
    });

    it("returns columns in order for the fast paths", async () => {
      const { names, columns } = await db.columns("select * from (values (1, 'a'), (2, null)) v(k, s) order by k");
      expect(names).toEqual(["k", "s"]);
      expect(columns).toEqual([[1, 2], ["a", null]]);
    });

    it("reads a registered CSV file with Chinese text and quoted commas", async () => {
      const csv = 'id,village\n1,"王家村, 一组"\n2,"李""大""湾"\n';
      const path = await db.registerFile("t.csv", { bytes: new TextEncoder().encode(csv) });
      const rows = await db.all(`select * from read_csv(${path}, header=true, all_varchar=true) order by id`);
      expect(rows).toEqual([{ id: "1", village: "王家村, 一组" }, { id: "2", village: '李"大"湾' }]);
    });

    it("does not try to download extensions (wasm would hang offline)", async () => {
      if (engine !== "wasm") return;
      const rows = await db.all("select current_setting('autoload_known_extensions') as v");
      expect(rows[0].v).toBe(false);
    });
  });
}
