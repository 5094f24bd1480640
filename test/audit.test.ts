/**
 * The group audit: group definitions from member columns (and what happens without them),
 * reference groups, disparity ratios and flags on a hand-worked county, and `deno task audit`
 * end to end.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { compileGroups, memberGroupDefinitions } from "../src/model/groups.ts";
import { scoreHouseholds } from "../src/score/mod.ts";
import {
  allFrameLabels,
  auditDimension,
  clustersOf,
  flagDimension,
  loadContext,
  memberGroupConditions,
  parseReferences,
  readMemberGroups,
  valueDimension,
  type VerifiedRow,
} from "../src/evaluate/mod.ts";

const row = (household_id: string, channel: string, need: boolean, batch = "B1"): VerifiedRow => ({
  household_id,
  batch,
  channel,
  need,
});

describe("group definitions from member columns", () => {
  it("age gives elderly (≥ 60) and child (< 18); any disability column gives disabled", () => {
    const { conditions, skipped } = memberGroupConditions({
      person_id: "text",
      household_id: "text",
      age: "number",
      disability_grade: "number",
      disability_type: "text",
    });
    expect(Object.keys(conditions).sort()).toEqual(["child", "disabled", "elderly"]);
    expect(conditions.elderly!.definition).toBe("some member has age ≥ 60");
    expect(conditions.child!.definition).toBe("some member has age < 18");
    expect(conditions.disabled!.definition).toBe(
      "some member has a non-null disability_grade or a non-empty disability_type",
    );
    expect(skipped).toEqual([]);
  });

  it("skips a definition whose columns are absent, saying which column is missing", () => {
    const { conditions, skipped } = memberGroupConditions({
      person_id: "text",
      household_id: "text",
      disabled: "boolean",
    });
    expect(Object.keys(conditions)).toEqual(["disabled"]);
    expect(skipped.map((s) => s.id)).toEqual(["elderly", "child"]);
    expect(skipped[0].reason).toMatch(/no `age` column/);
    const none = memberGroupConditions({ person_id: "text", household_id: "text", age: "text" });
    expect(none.skipped.map((s) => s.id)).toEqual(["elderly", "child", "disabled"]);
    expect(none.skipped[0].reason).toMatch(/`age` is text, not a number/);
  });
});

/** The member flags as audit.ts computed them before groups were `when` text (issue 8's SQL). */
async function flagsBefore(
  db: { all: (sql: string) => Promise<Record<string, unknown>[]> },
  members: Record<string, string>,
  ids: readonly string[],
): Promise<Record<string, number[]>> {
  const sql: Record<string, string> = {};
  if (members.age === "number") {
    sql.elderly = `"age" >= 60`;
    sql.child = `"age" < 18`;
  }
  const parts: string[] = [];
  if (members.disability_grade !== undefined) parts.push(`"disability_grade" IS NOT NULL`);
  if (members.disability_type === "text") parts.push(`coalesce("disability_type", '') <> ''`);
  if (members.disabled === "boolean") parts.push(`coalesce("disabled", false)`);
  if (parts.length > 0) sql.disabled = parts.join(" OR ");
  const out: Record<string, number[]> = {};
  const keys = Object.keys(sql);
  if (keys.length === 0) return out;
  const select = keys.map((k) => `coalesce(bool_or(${sql[k]}), false) AS "${k}"`).join(", ");
  const rows = await db.all(`SELECT household_id, ${select} FROM members GROUP BY household_id`);
  const position = new Map(ids.map((id, i) => [id, i]));
  for (const k of keys) out[k] = new Array(ids.length).fill(0);
  for (const r of rows) {
    const h = position.get(String(r.household_id));
    if (h !== undefined) { for (const k of keys) if (r[k] === true) out[k][h] = 1; }
  }
  return out;
}

describe("audit groups as \`when\` expressions", () => {
  it("the default groups are the model language's any_member(…) text", () => {
    const { groups } = memberGroupDefinitions({
      person_id: "text",
      household_id: "text",
      age: "number",
      disability_grade: "number",
      disability_type: "text",
      disabled: "boolean",
    });
    expect(groups.map((g) => [g.id, g.when])).toEqual([
      ["elderly", "any_member(age >= 60)"],
      ["child", "any_member(age < 18)"],
      [
        "disabled",
        "any_member(disability_grade is not null or coalesce(disability_type, '') <> '' or coalesce(disabled, false))",
      ],
    ]);
  });

  it("compiled by the model compiler, they give the same members as the SQL they replace, on the sample and the demo county", async () => {
    // The demo county is generated, not committed: compared too where it has been generated (deno task start).
    for (const folder of ["data/sample", "data/demo"].filter((f) => existsSync(f))) {
      const db = await openDb("native");
      try {
        const report = await loadDataset(db, await readDatasetFolder(folder), { folder });
        const ids = (await db.all(`SELECT household_id FROM households ORDER BY household_id`)).map((r) =>
          String(r.household_id)
        );
        const now = await readMemberGroups(db, report.schema, ids);
        const before = await flagsBefore(db, report.schema.members, ids);
        expect(Object.keys(now.flags)).toEqual(Object.keys(before));
        for (const [k, flags] of Object.entries(now.flags)) {
          expect(Array.from(flags!)).toEqual(before[k]);
          expect(flags!.some((f) => f === 1)).toBe(true);
        }
      } finally {
        await db.close();
      }
    }
  });

  it("a group's \`when\` is checked like an indicator's: an unknown column is an error naming the group", () => {
    const schema = {
      households: { household_id: "text", village: "text", category: "text" },
      members: { person_id: "text", household_id: "text", age: "number" },
    } as const;
    const group = {
      id: "pensioners",
      name_zh: "有领养老金者家庭",
      name_en: "Households with pensioners",
      definition: "",
    };
    expect(() => compileGroups([{ ...group, when: "any_member(pension > 0)" }], schema)).toThrow(InputError);
    try {
      compileGroups([{ ...group, when: "any_member(pension > 0)" }], schema);
    } catch (error) {
      expect((error as InputError).problems[0].indicator).toBe("pensioners");
    }
    expect(compileGroups([{ ...group, when: "count_members() = 1" }], schema).sql).toMatch(/^WITH/);
  });
});

describe("reference groups", () => {
  it("defaults to the group with the most households", () => {
    const d = valueDimension({
      id: "category",
      name_zh: "类别",
      name_en: "Category",
      definition: "households.category",
    }, ["a", "b", "b", null]);
    expect(d.groups).toEqual(["a", "b"]);
    expect(d.groups[d.reference]).toBe("b");
    expect([...d.of]).toEqual([0, 1, 1, -1]);
  });

  it("takes the user's choice, and refuses a group that does not exist", () => {
    const spec = { id: "town", name_zh: "乡镇", name_en: "Town", definition: "households.town" };
    expect(valueDimension(spec, ["a", "b", "b"], "a").reference).toBe(0);
    expect(() => valueDimension(spec, ["a", "b"], "c")).toThrow(/reference of town .* but found "c"/);
    expect(() => flagDimension("elderly", "x", Uint8Array.from([1]), "maybe")).toThrow(/"with" or "without"/);
  });

  it("parses --reference", () => {
    expect(parseReferences("category=dibao,town=花园镇")).toEqual({ category: "dibao", town: "花园镇" });
    expect(() => parseReferences("dibao")).toThrow(/dimension=group/);
  });
});

describe("disparities on a hand-worked county", () => {
  // Six households; H1–H4 warned. Survey: H1 (need), H2 (no need), H3 (need).
  const ids = ["H1", "H2", "H3", "H4", "H5", "H6"];
  const villages = ["V1", "V1", "V2", "V3", "V3", "V4"];
  const categories = ["dibao", "dibao", "tekun", "tekun", "dibao", "monitored"];
  const bands = Int8Array.from([0, 0, 0, 0, -1, -1]);
  const frames = allFrameLabels(ids, [
    row("H1", "survey", true),
    row("H2", "survey", false),
    row("H3", "survey", true),
    row("H4", "warning", true),
  ]);
  const dimension = valueDimension({
    id: "category",
    name_zh: "类别",
    name_en: "Category",
    definition: "households.category",
  }, categories);
  const audit = auditDimension(
    dimension,
    bands,
    { survey: frames.survey, warning: frames.warning },
    clustersOf(villages),
    { seed: 1, replicates: 100 },
  );
  const by = Object.fromEntries(audit.rows.map((r) => [r.group, r]));

  it("takes dibao, the largest category, as the reference", () => {
    expect(audit.reference).toBe("dibao");
    expect(by.dibao.reference).toBe(true);
  });

  it("warn rates 2/3, 1 and 0 give ratios 1.5 and 0 against dibao, both flagged", () => {
    expect(by.dibao).toMatchObject({ households: 3, warnings: 2, warn_rate: 2 / 3 });
    expect(by.tekun.disparity.warn_rate.ratio).toBeCloseTo(1.5, 14);
    expect(by.tekun.disparity.warn_rate.flagged).toBe(true);
    expect(by.monitored.disparity.warn_rate).toMatchObject({ ratio: 0, flagged: true });
    expect(by.dibao.disparity.warn_rate).toMatchObject({ ratio: 1, flagged: false });
  });

  it("survey precision 1 (tekun) against 1/2 (dibao) is a ratio of 2, flagged with few cases", () => {
    expect(by.dibao.frames.survey).toMatchObject({
      labeled_warnings: 2,
      true_positives: 1,
      precision: 0.5,
      false_discovery_rate: 0.5,
    });
    expect(by.tekun.frames.survey).toMatchObject({ labeled_warnings: 1, precision: 1, recall: 1, miss_rate: 0 });
    expect(by.tekun.disparity.frames.survey!.precision).toEqual({ ratio: 2, flagged: true, few_cases: true });
    expect(by.tekun.disparity.frames.survey!.false_discovery_rate).toMatchObject({ ratio: 0, flagged: true });
    // Miss rates are 0 in both: a reference of 0 gives no ratio.
    expect(by.tekun.disparity.frames.survey!.miss_rate.ratio).toBeNull();
    expect(by.tekun.flagged).toEqual(["warn_rate", "survey.precision", "survey.false_discovery_rate"]);
    expect(by.tekun.frames.survey!.flags).toContain("few_labeled");
  });

  it("the warning frame has no miss rate to compare", () => {
    expect(Object.keys(by.tekun.disparity.frames.warning!)).toEqual(["precision", "false_discovery_rate"]);
    expect(by.tekun.frames.warning!.miss_rate).toBeNull();
  });

  it("bootstraps reproducibly, and not at all for villages", () => {
    const again = auditDimension(dimension, bands, { survey: frames.survey }, clustersOf(villages), {
      seed: 1,
      replicates: 100,
    });
    expect(again.rows[0].warn_rate_bootstrap).toEqual(audit.rows[0].warn_rate_bootstrap);
    const v = valueDimension(
      { id: "village", name_zh: "村", name_en: "Village", definition: "v", bootstrap: false },
      villages,
    );
    const va = auditDimension(v, bands, { survey: frames.survey }, clustersOf(villages), { seed: 1, replicates: 100 });
    expect(va.bootstrap).toBe(false);
    expect(va.rows[0].warn_rate_bootstrap).toBeNull();
    expect(va.rows[0].frames.survey!.bootstrap).toBeNull();
  });
});

describe("the audited population", () => {
  it("scores the committed sample exactly as deno task score does, band for band", async () => {
    const db = await openDb("native");
    try {
      const report = await loadDataset(db, await readDatasetFolder("data/sample"), { folder: "data/sample" });
      const model = parseModel(readFileSync("models/county-default.json", "utf8"));
      const compiled = compileModel(model, report.schema);
      const { population, labeled } = await loadContext(db, compiled);
      const sql = new Map((await scoreHouseholds(db, compiled)).map((r) => [r.household_id, r]));
      expect(population.frame.size).toBe(sql.size);
      population.frame.householdIds.forEach((id, h) => {
        const r = sql.get(id)!;
        expect(population.perCapita[h]).toBe(r.per_capita);
        expect(population.bands[h] < 0 ? null : population.bandCuts[population.bands[h]].id).toBe(r.band);
      });
      expect(labeled.survey + labeled.warning + labeled.application).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

// ---------------------------------------------------------------- the command

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/.*arrow2csv.*\n/g, "") };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "audit-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** 20 household indicators `lvl >= i`, one point each: a household's total is its lvl. */
function levelModel(): string {
  const file = join(mkdtempSync(join(tmpdir(), "audit-model-")), "model.json");
  writeFileSync(
    file,
    JSON.stringify({
      id: "levels",
      version: "1",
      categories: [{ id: "c" }],
      indicators: Array.from({ length: 20 }, (_, i) => ({
        id: `L${i + 1}`,
        category: "c",
        level: "household",
        when: `lvl >= ${i + 1}`,
        points: 1,
        department: i % 2 === 0 ? "civil_affairs" : "education",
      })),
      bands: [{ id: "red", min: 15 }, { id: "yellow", min: 10 }],
    }),
  );
  return file;
}

/**
 * Per-capita = lvl / members: H1 20/2 = 10, H2 15, H3 10, H4 20/2 = 10 (warned); H5 5, H6 16/3.
 * Elderly: H1 (70), H3 (80), H6 (65). Children: H4 (10), H6 (5). Disabled: H1. Single: H2, H3, H5.
 */
const AUDIT_DATA = {
  "households.csv":
    "household_id,town,village,category,lvl\nH1,T1,V1,dibao,20\nH2,T1,V1,dibao,15\nH3,T1,V2,tekun,10\nH4,T2,V3,tekun,20\nH5,T2,V3,dibao,5\nH6,T2,V4,monitored,16\n",
  "members.csv": "person_id,household_id,age,disability_grade\n" +
    "P1,H1,70,\nP2,H1,40,1\nP3,H2,30,\nP4,H3,80,\nP5,H4,10,\nP6,H4,35,\nP7,H5,50,\nP8,H6,5,\nP9,H6,30,\nP10,H6,65,\n",
  "verified.csv":
    "household_id,batch,channel,need\nH1,S,survey,true\nH2,S,survey,false\nH3,S,survey,true\nH4,B1,warning,true\nH2,B2,warning,false\nH5,B1,application,true\n",
};

describe("deno task audit", () => {
  const model = levelModel();

  it("audits by town, village, category and member groups, hand-worked, and writes a self-contained report", () => {
    const data = folder(AUDIT_DATA);
    const out = mkdtempSync(join(tmpdir(), "audit-out-"));
    const r = run("audit", "--data", data, "--model", model, "--out", out, "--replicates", "100");
    expect(r.status, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out, "audit.json"), "utf8"));
    expect(a.groups.map((g: { id: string }) => g.id)).toEqual([
      "town",
      "village",
      "category",
      "elderly",
      "disabled",
      "child",
      "single",
    ]);
    expect(a.skipped_groups).toEqual([]);
    const rows = (id: string) =>
      Object.fromEntries(
        a.groups.find((g: { id: string }) => g.id === id).rows.map((x: { group: string }) => [x.group, x]),
      );
    expect(rows("elderly").with).toMatchObject({
      households: 3,
      warnings: 2,
      disparity: { warn_rate: { ratio: 1, flagged: false } },
    });
    expect(rows("child").with).toMatchObject({ households: 2, warnings: 1 });
    expect(rows("child").with.disparity.warn_rate.ratio).toBeCloseTo(0.5 / 0.75, 14);
    expect(rows("child").with.disparity.warn_rate.flagged).toBe(true);
    expect(rows("disabled").with.disparity.warn_rate.ratio).toBeCloseTo(1 / 0.6, 14);
    expect(rows("single").with).toMatchObject({ households: 3, warnings: 2 });
    expect(a.frames.survey.overall).toMatchObject({
      labeled: 3,
      labeled_warnings: 3,
      true_positives: 2,
      recall: 1,
      miss_rate: 0,
    });
    expect(a.frames.warning.overall).toMatchObject({
      labeled_warnings: 2,
      true_positives: 1,
      recall: null,
      coverage: 0.5,
    });
    expect(a.frames.application.overall).toMatchObject({ needs_missed: 1, precision: null });
    expect(Object.keys(a.batches)).toEqual(["B1", "B2", "S"]);
    expect(a.drift.comparisons).toHaveLength(1);
    expect(a.workload).toEqual({ civil_affairs: 4, education: 4 });
    const html = readFileSync(join(out, "audit.html"), "utf8");
    expect(html).toContain(a.model.sha256);
    expect(html).toContain(a.data.digest);
    expect(html).toContain("有老年人家庭");
    expect(html).toContain("Households with elderly members");
    expect(html).not.toMatch(/<script|<link|<img|src="http|href="http|url\(/);
    // Determinism: a second run writes the same bytes.
    const again = mkdtempSync(join(tmpdir(), "audit-out-"));
    expect(run("audit", "--data", data, "--model", model, "--out", again, "--replicates", "100").status).toBe(0);
    for (const f of ["audit.json", "audit.html"]) {
      expect(readFileSync(join(again, f), "utf8")).toBe(readFileSync(join(out, f), "utf8"));
    }
  });

  it("skips the member groups whose columns are absent, with a note, and keeps single-member households", () => {
    const data = folder({
      "households.csv": "household_id,village,category,lvl\nH1,V1,dibao,20\nH2,V2,tekun,3\n",
      "members.csv": "person_id,household_id\nP1,H1\nP2,H2\nP3,H2\n",
    });
    const out = mkdtempSync(join(tmpdir(), "audit-out-"));
    const r = run("audit", "--data", data, "--model", model, "--out", out, "--replicates", "20");
    expect(r.status, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out, "audit.json"), "utf8"));
    expect(a.groups.map((g: { id: string }) => g.id)).toEqual(["village", "category", "single"]);
    expect(a.skipped_groups.map((s: { id: string }) => s.id)).toEqual(["town", "elderly", "disabled", "child"]);
    expect(a.notes.join("\n")).toMatch(/no `age` column/);
    expect(a.notes.join("\n")).toMatch(/No verified rows of channel survey/);
    expect(a.frames.survey).toMatchObject({ present: false, overall: null });
    expect(r.stdout).toMatch(/groups by elderly: Skipped/);
  });

  it("exits 2 on an unknown reference group or dimension, and on a bad seed", () => {
    const data = folder(AUDIT_DATA);
    const out = mkdtempSync(join(tmpdir(), "audit-out-"));
    for (
      const [extra, message] of [
        [["--reference", "category=nobody"], /reference of category .* "nobody"/],
        [["--reference", "county=x"], /Expected a reference for one of/],
        [["--seed", "-4"], /--seed needs a whole number/],
        [["--drift-channel", "post"], /Unknown --drift-channel/],
      ] as [string[], RegExp][]
    ) {
      const r = run("audit", "--data", data, "--model", model, "--out", out, ...extra);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
