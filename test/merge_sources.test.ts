import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProblem, InputError } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { loadDataset, parseCsv, readDatasetFolder } from "../src/ingest/mod.ts";
import { type MergeReport, mergeSources, type OutFile } from "../src/merge/mod.ts";
import { generateCounty, PARAMS } from "../src/synth/mod.ts";
import { demoSourceFiles, demoSources } from "../src/synth/sources.ts";
import { type SheetCell, xlsxOf } from "../src/synth/sources_xlsx.ts";

async function writeFiles(dir: string, files: { name: string; text?: string; bytes?: Uint8Array }[]): Promise<void> {
  for (const f of files) {
    const path = join(dir, f.name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (f.bytes) await Deno.writeFile(path, f.bytes);
    else await Deno.writeTextFile(path, f.text ?? "");
  }
}

async function merge(folder: string, previousIds?: string): Promise<{ files: OutFile[]; report: MergeReport }> {
  const db = await openDb("native");
  try {
    return await mergeSources(db, folder, { previousIds });
  } finally {
    await db.close();
  }
}

describe("merging the demo sources of a small county", () => {
  let dir: string;
  let out: string;
  let result: { files: OutFile[]; report: MergeReport };
  let names: string[];
  beforeAll(async () => {
    dir = await Deno.makeTempDir({ prefix: "merge-src-" });
    out = await Deno.makeTempDir({ prefix: "merge-out-" });
    const county = generateCounty(PARAMS, 20240601, 1500);
    const sources = demoSources(county, 20240601);
    names = sources.sources.flatMap((s) => {
      const i = s.header.findIndex((h) => h === "name" || h === "姓名");
      return s.rows.map((r) => r[i].replace(/[\s\u3000]/g, ""));
    });
    await writeFiles(dir, await demoSourceFiles(sources));
    result = await merge(dir);
    await writeFiles(out, result.files);
  }, 60_000);
  afterAll(async () => {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  });

  it("finds the persons: pairwise precision ≥ 0.995, recall ≥ 0.98, person count within 2%", () => {
    const q = result.report.quality!;
    expect(q.pairwise.precision).toBeGreaterThanOrEqual(0.995);
    expect(q.pairwise.recall).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(q.person_count_error)).toBeLessThanOrEqual(0.02);
  });
  it("writes byte-identical files when the same sources are merged again (no timings in them)", async () => {
    const again = await merge(dir);
    expect(again.files.map((f) => f.name)).toEqual(result.files.map((f) => f.name));
    again.files.forEach((f, i) => expect(f.text, f.name).toBe(result.files[i].text));
    expect(JSON.stringify(result.report)).not.toMatch(/seconds/);
  }, 60_000);
  it("lists every record read in linkage/records.csv with a person id", () => {
    const rows = parseCsv(result.files.find((f) => f.name === "linkage/records.csv")!.text);
    expect(rows[0]).toEqual(["source_id", "record_id", "person_id", "reason"]);
    expect(rows.length - 1).toBe(result.report.records.read);
    expect(rows.slice(1).every((r) => /^P\d{8}$/.test(r[2]))).toBe(true);
  });
  it("writes the review queue and the conflicts with severities", () => {
    const names = result.files.map((f) => f.name).sort();
    expect(names).toEqual([
      "dataset.json",
      "households.csv",
      "linkage/cluster_edges.csv",
      "linkage/clusters.csv",
      "linkage/conflicts.csv",
      "linkage/if_review_linked/dataset.json",
      "linkage/if_review_linked/households.csv",
      "linkage/if_review_linked/members.csv",
      "linkage/records.csv",
      "linkage/report.json",
      "linkage/review.csv",
      "linkage/uncertainty.csv",
      "linkage/weights.csv",
      "members.csv",
    ]);
    const conflicts = parseCsv(result.files.find((f) => f.name === "linkage/conflicts.csv")!.text);
    expect(conflicts[0]).toEqual(["person_id", "kind", "severity", "detail"]);
    expect(conflicts.slice(1).filter((r) => r[1] === "two_valid_ids")).toEqual([]);
  });
  it("writes a dataset that validate accepts", async () => {
    const db = await openDb("native");
    try {
      const report = await loadDataset(db, await readDatasetFolder(out), { folder: out });
      expect(report.problems.map(formatProblem)).toEqual([]);
      expect(report.valid).toBe(true);
    } finally {
      await db.close();
    }
  });
  it("writes no name from the sources into any file", () => {
    const text = result.files.map((f) => f.text).join("\n");
    const long = [...new Set(names.filter((n) => [...n].length >= 3))];
    expect(long.length).toBeGreaterThan(100);
    expect(long.filter((n) => text.includes(n))).toEqual([]);
  });
  it("keeps every person id when the next month's extract adds one record", async () => {
    const roster = join(dir, "ca_roster", "records.csv");
    const text = await Deno.readTextFile(roster);
    const lines = text.trimEnd().split("\n");
    const copy = lines[1].split(",");
    copy[0] = "CA9999999";
    await Deno.writeTextFile(roster, [...lines, copy.join(",")].join("\n") + "\n");
    const previous = result.files.find((f) => f.name === "linkage/records.csv")!.text;
    const second = await merge(dir, previous);
    const before = new Map(parseCsv(previous).slice(1).map((r) => [`${r[0]}/${r[1]}`, r[2]]));
    const after = new Map(
      parseCsv(second.files.find((f) => f.name === "linkage/records.csv")!.text).slice(1).map((r) => [
        `${r[0]}/${r[1]}`,
        r[2],
      ]),
    );
    const changed = [...before].filter(([k, p]) => after.get(k) !== p);
    expect(changed).toEqual([]);
    expect(after.get("ca_roster/CA9999999")).toBe(before.get(`ca_roster/${lines[1].split(",")[0]}`));
    expect(second.report.person_ids.new).toBe(0);
  }, 60_000);
});

describe("harder sources: twice the noise, every twin planted, 3% same-name neighbours, an xlsx and a BOM + CRLF source", () => {
  it(
    "keeps pairwise precision ≥ 0.995, recall ≥ 0.98 and the person count within 2%, and tells the twins apart",
    async () => {
      const dir = await Deno.makeTempDir({ prefix: "merge-hard-" });
      try {
        const county = generateCounty(PARAMS, 4242, 1200);
        const sources = demoSources(county, 4242, { noise: 2, twins: 1, namesakes: 0.03 });
        await writeFiles(
          dir,
          await demoSourceFiles(sources, { xlsx: ["tax_wages"], bomCrlf: ["hr_social_insurance"] }),
        );
        const { report, files } = await merge(dir);
        const q = report.quality!;
        expect(q.pairwise.precision).toBeGreaterThanOrEqual(0.995);
        expect(q.pairwise.recall).toBeGreaterThanOrEqual(0.98);
        expect(Math.abs(q.person_count_error)).toBeLessThanOrEqual(0.02);
        expect(report.sources.find((s) => s.source_id === "tax_wages")?.file).toBe("records.xlsx");
        // Twins (same household, same birth date, names one character apart) stay two persons.
        const truth = new Map(sources.truth.map(([s, r, p]) => [`${s}/${r}`, p]));
        const records = parseCsv(files.find((f) => f.name === "linkage/records.csv")!.text).slice(1);
        const truePersons = new Map<string, Set<string>>();
        for (const [s, r, p] of records) {
          if (!p) continue;
          if (!truePersons.has(p)) truePersons.set(p, new Set());
          truePersons.get(p)!.add(truth.get(`${s}/${r}`)!);
        }
        const joined = [...truePersons.values()].filter((t) => t.size > 1).length;
        expect(joined).toBeLessThanOrEqual(2);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
    120_000,
  );
});

describe("broken sources", () => {
  const ok = { source_id: "s1", department: "civil_affairs", kind: "roster", extract_date: "2024-03-31" };
  async function problemsOf(files: Record<string, string>, lenient = false): Promise<string[]> {
    const dir = await Deno.makeTempDir({ prefix: "merge-bad-" });
    try {
      await writeFiles(dir, Object.entries(files).map(([name, text]) => ({ name, text })));
      const db = await openDb("native");
      try {
        await mergeSources(db, dir, { lenient });
        return [];
      } catch (e) {
        if (e instanceof InputError) return e.problems.map(formatProblem);
        throw e;
      } finally {
        await db.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  const csv = "record_id,name,birth_date\nr1,张三,1980-01-01\nr2,李四,1981-02-02\n";

  it("a manifest that is not JSON names the file", async () => {
    expect(await problemsOf({ "s1/manifest.json": "{", "s1/records.csv": csv })).toEqual([
      expect.stringMatching(/^s1\/manifest\.json: Not valid JSON/),
    ]);
  });
  it("an unknown kind names the manifest and the field", async () => {
    const lines = await problemsOf({
      "s1/manifest.json": JSON.stringify({ ...ok, kind: "pets" }),
      "s1/records.csv": csv,
    });
    expect(lines).toEqual([
      expect.stringMatching(/^s1\/manifest\.json, column kind: Unknown kind; expected one of roster/),
    ]);
  });
  it("duplicate record ids name source, file, row and column", async () => {
    const lines = await problemsOf({
      "s1/manifest.json": JSON.stringify(ok),
      "s1/records.csv": "record_id,name\nr1,张三\nr1,李四\n",
    });
    expect(lines).toEqual([
      's1/records.csv:3, column record_id, value "r1": Duplicate record_id (first at row 2); record ids must be unique in a source',
    ]);
  });
  it("raw identity numbers are refused, naming the column and never printing the number", async () => {
    const lines = await problemsOf({
      "s1/manifest.json": JSON.stringify(ok),
      "s1/records.csv": "record_id,id_pseudo\nr1,abc\nr2,11010519491231002X\n",
    }, true);
    expect(lines).toEqual([
      "s1/records.csv:3, column id_pseudo: Column holds raw resident identity numbers; pseudonymize it first (deno task anonymize, keyed hashing)",
    ]);
  });
  it("an unmapped Chinese header names the header and the fix", async () => {
    const lines = await problemsOf({
      "s1/manifest.json": JSON.stringify({ ...ok, columns: { 姓名: "name" } }),
      "s1/records.csv": "record_id,姓名,出生日期\nr1,张三,1980-01-01\n",
    });
    expect(lines).toEqual([
      expect.stringMatching(/^s1\/records\.csv:1, column 出生日期: Header "出生日期" maps to no field/),
    ]);
  });
  it("strict by default, lenient rejects the row with its reason and keeps it in linkage/records.csv", async () => {
    const files = { "s1/manifest.json": JSON.stringify(ok), "s1/records.csv": csv + "r3,王五,1980-13-01\n" };
    expect(await problemsOf(files)).toEqual([
      's1/records.csv:4, column birth_date, value "1980-13-01": Value is not a date (YYYY-MM-DD, YYYYMMDD, YYYY/M/D, YYYY-MM or YYYY)',
    ]);
    const dir = await Deno.makeTempDir({ prefix: "merge-lenient-" });
    await writeFiles(dir, Object.entries(files).map(([name, text]) => ({ name, text })));
    const db = await openDb("native");
    const { files: outFiles, report } = await mergeSources(db, dir, { lenient: true });
    await db.close();
    await Deno.remove(dir, { recursive: true });
    expect(report.records).toEqual({ read: 3, linked: 2, rejected: 1 });
    const rows = parseCsv(outFiles.find((f) => f.name === "linkage/records.csv")!.text);
    expect(rows[3]).toEqual([
      "s1",
      "r3",
      "",
      "row 4 birth_date: Value is not a date (YYYY-MM-DD, YYYYMMDD, YYYY/M/D, YYYY-MM or YYYY)",
    ]);
  });
  it("the command exits 2 with the problem on a broken source", async () => {
    const dir = await Deno.makeTempDir({ prefix: "merge-cli-" });
    await writeFiles(dir, [{ name: "s1/manifest.json", text: JSON.stringify({ ...ok, kind: "pets" }) }, {
      name: "s1/records.csv",
      text: csv,
    }]);
    const cmd = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/merge.ts", "--sources", dir, "--out", join(dir, "out")],
      stdout: "piped",
      stderr: "piped",
    });
    const res = await cmd.output();
    await Deno.remove(dir, { recursive: true });
    expect(res.code).toBe(2);
    expect(new TextDecoder().decode(res.stderr)).toMatch(/s1\/manifest\.json, column kind: Unknown kind/);
  }, 30_000);
});

/** An .xlsx workbook of one sheet (the demo sources' writer). */
const xlsx = (rows: SheetCell[][]) => xlsxOf(rows, "名单");

describe("source files as departments export them", () => {
  it("reads an .xlsx source with Chinese headers and date cells, and a BOM + CRLF CSV, and links them", async () => {
    const dir = await Deno.makeTempDir({ prefix: "merge-xlsx-" });
    try {
      const m = (id: string, kind: string, columns?: Record<string, string>) =>
        JSON.stringify({ source_id: id, department: "d", kind, extract_date: "2024-06-30", columns });
      await writeFiles(dir, [
        { name: "roster/manifest.json", text: m("roster", "roster") },
        {
          name: "roster/records.csv",
          text: "\ufeffrecord_id,id_pseudo,name,birth_date,village,household_ref,category\r\n" +
            "r1,k1,张伟,1980-01-02,东村,h1,dibao\r\nr2,k2,李芳,1990-05-06,西村,h2,other\r\n",
        },
        {
          name: "cars/manifest.json",
          text: m("cars", "vehicle", {
            编号: "record_id",
            姓名: "name",
            出生日期: "birth_date",
            村: "village",
            车辆数: "vehicle_count",
          }),
        },
      ]);
      // 1980-01-02 is Excel serial 29222.
      await Deno.writeFile(
        join(dir, "cars/records.xlsx"),
        await xlsx([["编号", "姓名", "出生日期", "村", "车辆数"], ["c1", "張偉", { date: 29222 }, "东村", 2]]),
      );
      const db = await openDb("native");
      const { files, report } = await mergeSources(db, dir);
      await db.close();
      expect(report.sources.map((s) => [s.source_id, s.file, s.read])).toEqual([
        ["cars", "records.xlsx", 1],
        ["roster", "records.csv", 2],
      ]);
      expect(report.persons).toBe(2);
      const members = parseCsv(files.find((f) => f.name === "members.csv")!.text);
      const vehicles = members[0].indexOf("vehicle_count");
      expect(members.slice(1).map((r) => r[vehicles]).sort()).toEqual(["0", "2"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
