/**
 * The sweep's hostile inputs: one dataset and one model carrying every hostile name at once (with
 * their plain twins), and one small case per encoding, link, size, number and path trap. Each case
 * says which command runs it, what exit it allows and what else it must show.
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  addColumn,
  clone,
  type Dataset,
  defaultModel,
  HOSTILE_KEYS,
  PAYLOADS,
  renameValues,
  sample,
  setColumn,
  tableCsv,
  tempFolder,
  writeDataset,
  writeModel,
} from "./fixtures.ts";
import type { RunSpec } from "./run.ts";

/** One hostile input through one command. */
export interface SweepCase {
  /** The input class: names, keys, sizes, encodings, links, paths, numbers. */
  kind: "html+formula" | "keys" | "sizes" | "encodings" | "links" | "paths" | "numbers";
  name: string;
  spec: RunSpec;
  /** The exits allowed (0 or 2, or only one of them). */
  exits: number[];
  /** Text the output on the terminal must hold (a refusal's reason). */
  says?: RegExp;
  /** Text nobody may see (foreign content, a key). */
  secrets?: string[];
  /** The folder whose written files are checked for safety. */
  out?: string;
}

/** A foreign file's first line, to be never echoed. */
export const FOREIGN = "FOREIGN-SECRET-LINE-7d1f,never,printed";
/** The anonymize key's text. */
export const KEY_TEXT = "KEY-0123456789abcdef-KEY-secret";

/** The hostile names dataset, its plain twin, and the maps plain → hostile per column. */
export interface Twins {
  plain: string;
  hostile: string;
  maps: Record<string, Map<string, string>>;
  departments: Map<string, string>;
  bandIds: Map<string, string>;
  plainModel: string;
  hostileModel: string;
  /** The hostile model with lower bands (for compare). */
  hostileModelB: string;
  hostileScenario: string;
  plainScenario: string;
  /** A household id that is a hostile key. */
  hostileHousehold: string;
}

const hostileOf = (v: string, i: number) => PAYLOADS[i % PAYLOADS.length](v);

/** Builds the names/keys twins: every village, id, batch, department, band, category hostile. */
export function buildTwins(): Twins {
  const plain = sample();
  const hostile = clone(plain);
  const maps: Record<string, Map<string, string>> = {};
  maps.village = renameValues(hostile, "village", hostileOf);
  maps.town = renameValues(hostile, "town", (v, i) => (i < 4 ? HOSTILE_KEYS[i] : `=${v}`));
  // The first household ids become hostile keys and payloads (not the terminal escapes: the
  // escape case is the village), the rest stay.
  const ids = ["__proto__", "constructor", "toString", "hasOwnProperty", "none", "=H1+H2", "-H9", "+H8", "@H7"];
  maps.household_id = renameValues(hostile, "household_id", (v, i) => ids[i] ?? v);
  maps.person_id = renameValues(hostile, "person_id", (v, i) => ["__proto__", "constructor", "=P1"][i] ?? v);
  maps.batch = renameValues(hostile, "batch", (v, i) => [`constructor`, `__proto__`, `=B(${v})`][i] ?? v);
  for (const t of ["households", "members"]) {
    addColumn(hostile.tables[t], "constructor", (i) => `<script>alert(${i})</script>`);
    addColumn(plain.tables[t], "constructor", (i) => `plain${i}`);
    addColumn(hostile.tables[t], "valueof", (i) => String(i));
    addColumn(plain.tables[t], "valueof", (i) => String(i));
  }
  const model = defaultModel();
  const departments = new Map<string, string>();
  const deptNames = ["__proto__", "constructor", "toString", "<script>alert(1)</script>", "=cmd|calc", "none"];
  for (const ind of model.indicators) {
    const d = ind.department as string | undefined;
    if (d !== undefined && !departments.has(d)) departments.set(d, deptNames[departments.size] ?? d);
  }
  maps.department = departments;
  renameValues(hostile, "department", (v) => departments.get(v) ?? v);
  // (A band may not be named "none": that is refused, see the in-process cases.)
  const bandIds = new Map(model.bands.map((b, i) => [b.id, ["__proto__", "constructor", "toString"][i] ?? b.id]));
  maps.band = bandIds;
  const categoryIds = new Map(
    model.categories.map((c, i) => [c.id as string, ["__proto__", "constructor", "toString"][i] ?? c.id as string]),
  );
  const indicatorIds = new Map(
    model.indicators.map((ind, i) => [ind.id as string, HOSTILE_KEYS[i] ?? ind.id as string]),
  );
  const hostileModel = JSON.parse(JSON.stringify(model));
  hostileModel.id = `=HYPERLINK("http://x")<script>alert(1)</script>\x1b[2J`;
  hostileModel.title = "</textarea><img src=x onerror=alert(1)>";
  for (const c of hostileModel.categories) c.id = categoryIds.get(c.id);
  for (const b of hostileModel.bands) b.id = bandIds.get(b.id);
  hostileModel.indicators.forEach((ind: Record<string, unknown>, i: number) => {
    ind.category = categoryIds.get(ind.category as string);
    ind.id = indicatorIds.get(ind.id as string);
    if (ind.department !== undefined) ind.department = departments.get(ind.department as string);
    ind.name = i % 2 ? `=HYPERLINK("x")${ind.name}` : `<script>alert(1)</script>${ind.name}`;
    ind.name_zh = `</textarea><img src=x onerror=alert(1)>${ind.name_zh}`;
  });
  const lower = JSON.parse(JSON.stringify(hostileModel));
  lower.bands.forEach((b: { min: number }) => (b.min = b.min * 0.6));
  const scenario = JSON.parse(readFileSync("scenarios/demo.json", "utf8"));
  scenario.replications = 2;
  const plainScenario = writeModel(scenario, "scenario");
  const hs = JSON.parse(JSON.stringify(scenario));
  for (const d of hs.departments) {
    d.id = departments.get(d.id) ?? d.id;
    if (d.transfer_to) d.transfer_to = departments.get(d.transfer_to) ?? d.transfer_to;
  }
  hs.discovery.applications_department = departments.get(hs.discovery.applications_department) ??
    hs.discovery.applications_department;
  return {
    plain: writeDataset(plain, "plain"),
    hostile: writeDataset(hostile, "names"),
    maps,
    departments,
    bandIds,
    plainModel: writeModel(model, "plain-model"),
    // Saved with a byte-order mark, as Notepad does.
    hostileModel: writeModel(`\ufeff${JSON.stringify(hostileModel, null, 2)}`, "names-model"),
    hostileModelB: writeModel(lower, "names-model-b"),
    hostileScenario: writeModel(hs, "names-scenario"),
    plainScenario,
    hostileHousehold: "__proto__",
  };
}

/** GBK bytes of a short households table (王家村 in GBK is CD F5 BC D2 B4 E5). */
function gbkHouseholds(): Uint8Array {
  const head = new TextEncoder().encode("household_id,village,category\nH1,");
  const tail = new TextEncoder().encode(",dibao\n");
  return new Uint8Array([...head, 0xcd, 0xf5, 0xbc, 0xd2, 0xb4, 0xe5, ...tail]);
}

/** UTF-16LE with its byte-order mark, as some exports save. */
function utf16(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    out[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/** A dataset folder from the sample with one table replaced by raw bytes or a link. */
function variant(edit: (d: Dataset) => void, prefix: string): string {
  const d = sample();
  edit(d);
  return writeDataset(d, prefix);
}

/** The cases of encodings, links, sizes, numbers and paths on the sample (plain model). */
export function trapCases(twins: Twins): { cases: SweepCase[]; twinsOf: Record<string, string> } {
  const model = twins.plainModel;
  const cases: SweepCase[] = [];
  const twinsOf: Record<string, string> = {};
  const out = () => join(tempFolder("out"), "o");
  const add = (c: SweepCase) => cases.push(c);
  const score = (data: string, m = model, extra: string[] = []) => ({
    script: "score",
    args: ["--data", data, "--model", m, "--out", out(), ...extra],
  });

  // Encodings.
  add({
    kind: "encodings",
    name: "GBK households.csv",
    spec: score(variant((d) => {
      delete d.tables.households;
      d.raw = { "households.csv": gbkHouseholds() };
    }, "gbk")),
    exits: [2],
    says: /UTF-8/,
  });
  add({
    kind: "encodings",
    name: "UTF-16 members.csv",
    spec: {
      script: "validate",
      args: [
        "--data",
        variant((d) => {
          const text = tableCsv(d.tables.members);
          delete d.tables.members;
          d.raw = { "members.csv": utf16(text) };
        }, "utf16"),
      ],
    },
    exits: [2],
    says: /UTF-8|UTF-16/,
  });
  const bom = variant((d) => {
    const text = tableCsv(d.tables.households);
    delete d.tables.households;
    d.raw = {
      "households.csv": `\ufeff${text.replace(/\n/g, "\r\n")}`,
      "dataset.json": `\ufeff${readFileSync("data/sample/dataset.json", "utf8")}`,
    };
  }, "bom");
  add({ kind: "encodings", name: "BOM + CRLF households.csv, BOM dataset.json", spec: score(bom), exits: [0] });
  twinsOf["BOM + CRLF households.csv, BOM dataset.json"] = "plain";

  // Links.
  const linked = (file: string, target: (dir: string) => string, prefix: string) => {
    const d = sample();
    delete d.tables[file.replace(".csv", "")];
    const dir = writeDataset(d, prefix);
    symlinkSync(target(dir), join(dir, file));
    return dir;
  };
  const foreign = join(tempFolder("foreign"), "elsewhere.csv");
  writeFileSync(foreign, `${FOREIGN}\n1,2,3\n`);
  add({
    kind: "links",
    name: "households.csv a link to a folder",
    spec: score(linked("households.csv", () => tempFolder("afolder"), "link-dir")),
    exits: [2],
  });
  add({
    kind: "links",
    name: "verified.csv a link to a foreign file",
    spec: { script: "validate", args: ["--data", linked("verified.csv", () => foreign, "link-foreign")] },
    exits: [2],
    secrets: [FOREIGN.slice(0, 20)],
  });
  add({
    kind: "links",
    name: "members.csv a link to nothing",
    spec: { script: "validate", args: ["--data", linked("members.csv", (dir) => join(dir, "gone.csv"), "link-none")] },
    exits: [2],
  });
  add({
    kind: "links",
    name: "--model a link to a foreign file",
    spec: score(
      twins.plain,
      (() => {
        const f = join(tempFolder("model-link"), "model.json");
        symlinkSync(foreign, f);
        return f;
      })(),
    ),
    exits: [2],
    secrets: [FOREIGN.slice(0, 20)],
  });
  add({ kind: "links", name: "--model /dev/zero (never ends)", spec: score(twins.plain, "/dev/zero"), exits: [2] });

  // Paths.
  const existing = join(tempFolder("outfile"), "scores.csv");
  writeFileSync(existing, "keep me\n");
  add({
    kind: "paths",
    name: "--out names a file",
    spec: { script: "score", args: ["--data", twins.plain, "--model", model, "--out", existing] },
    exits: [2],
    says: /--out names an existing file/,
  });
  add({
    kind: "paths",
    name: "--out is the input folder",
    spec: { script: "evaluate", args: ["--data", twins.plain, "--model", model, "--out", twins.plain] },
    exits: [2],
    says: /dataset folder/,
  });
  const modelDir = tempFolder("model-out");
  copyFileSync(model, join(modelDir, "model.json"));
  add({
    kind: "paths",
    name: "calibrate --out the model's folder",
    spec: {
      script: "calibrate",
      args: [
        "--data",
        twins.plain,
        "--model",
        join(modelDir, "model.json"),
        "--out",
        modelDir,
        "--target-precision",
        "0.3",
        "--frame",
        "survey",
      ],
    },
    exits: [2],
    says: /overwrite the input/,
  });

  // Sizes and depths.
  const big = "村".repeat(700_000); // 2.1 MB of UTF-8
  add({
    kind: "sizes",
    name: "a 2 MB village field in CSV",
    spec: {
      script: "validate",
      args: ["--data", variant((d) => setColumn(d.tables.households, "village", (v, i) => (i === 3 ? big : v)), "big")],
    },
    exits: [2],
    says: /limit|1 MiB|too long/i,
  });
  add({
    kind: "sizes",
    name: "2,000 columns",
    spec: score(variant((d) => {
      for (let c = 0; c < 1_975; c++) addColumn(d.tables.households, `extra_${c}`, (i) => String((i * c) % 7));
    }, "wide")),
    exits: [0],
  });
  twinsOf["2,000 columns"] = "plain";
  add({
    kind: "sizes",
    name: "score interrupted by SIGINT while loading 2,000 columns",
    spec: { ...score(cases[cases.length - 1].spec.args[1]), signalAfterMs: 4_000 },
    exits: [0, 2, 130],
  });
  const many = defaultModel();
  for (let i = 0; i < 1_000; i++) {
    many.indicators.push({
      id: `never_${i}`,
      category: many.categories[i % many.categories.length].id,
      level: i % 2 ? "member" : "household",
      when: i % 2 ? `age >= ${1000 + i}` : `housing_area_m2 < -${i + 1}`,
      points: 1 + (i % 5),
      department: `dept_${i % 40}`,
    });
  }
  add({
    kind: "sizes",
    name: "1,055 indicators (1,000 never fire)",
    spec: score(twins.plain, writeModel(many)),
    exits: [0],
  });
  twinsOf["1,055 indicators (1,000 never fire)"] = "plain";
  let deep = "0";
  for (let i = 0; i < 5_000; i++) deep = `[${deep}]`;
  const deepModel = JSON.stringify(defaultModel()).replace(/^\{/, `{"x_notes":${deep},`);
  add({
    kind: "sizes",
    name: "model JSON 5,000 levels deep",
    spec: score(twins.plain, writeModel(deepModel)),
    exits: [2],
  });
  add({
    kind: "sizes",
    name: "header-only households",
    spec: score(variant((d) => (d.tables.households.rows = []), "header-only")),
    exits: [2],
    says: /no rows|header/i,
  });
  add({
    kind: "sizes",
    name: "explain an unknown 5,000-character household id",
    spec: {
      script: "explain",
      args: ["--data", twins.plain, "--model", model, "--household", `H${"9".repeat(5_000)}`],
    },
    exits: [2],
  });

  // Odd numbers in CSV.
  add({
    kind: "numbers",
    name: "CSV age NaN and Infinity",
    spec: score(
      variant((d) => setColumn(d.tables.members, "age", (v, i) => (i === 1 ? "NaN" : i === 2 ? "Infinity" : v)), "nan"),
    ),
    exits: [2],
  });
  add({
    kind: "numbers",
    name: "CSV -0 and +0 for 0",
    spec: score(
      variant(
        (d) => setColumn(d.tables.members, "hospital_days", (v, i) => (v === "0" ? (i % 2 ? "-0" : "0.0") : v)),
        "neg0",
      ),
    ),
    exits: [0],
  });
  twinsOf["CSV -0 and +0 for 0"] = "plain";
  add({
    kind: "numbers",
    name: "CSV 1e308 and a 25-digit integer",
    spec: score(variant((d) => {
      setColumn(
        d.tables.households,
        "financial_assets_yuan",
        (v, i) => (i === 0 ? "1e308" : i === 1 ? "1234567890123456789012345" : v),
      );
    }, "huge")),
    exits: [0, 2],
  });
  return { cases, twinsOf };
}

/** A Parquet members table written by DuckDB COPY from the sample, with `age` as given by `ageSql`. */
export async function parquetVariant(ageSql: string, prefix: string, extra = ""): Promise<string> {
  const { openDb } = await import("../../src/db/mod.ts");
  const d = sample();
  const members = d.tables.members;
  delete d.tables.members;
  const dir = writeDataset(d, prefix);
  const csv = join(tempFolder(`${prefix}-src`), "members.csv");
  writeFileSync(csv, tableCsv(members));
  const db = await openDb("native");
  try {
    await db.exec(
      `COPY (SELECT * REPLACE (${ageSql} AS age)${extra} FROM read_csv('${csv}', all_varchar = false) ` +
        `ORDER BY person_id) TO '${join(dir, "members.parquet")}' (FORMAT parquet)`,
    );
  } finally {
    await db.close();
  }
  return dir;
}

/** The Parquet cases (written with DuckDB COPY). */
export async function parquetCases(twins: Twins): Promise<{ cases: SweepCase[]; twinsOf: Record<string, string> }> {
  const score = (data: string) => ({
    script: "score",
    args: ["--data", data, "--model", twins.plainModel, "--out", join(tempFolder("out"), "o")],
  });
  const nan = await parquetVariant(
    `CASE WHEN person_id = 'P0000002' THEN 'NaN'::DOUBLE WHEN person_id = 'P0000003' THEN 'Infinity'::DOUBLE ELSE age::DOUBLE END`,
    "pq-nan",
  );
  const negZero = await parquetVariant(`CASE WHEN age = 0 THEN -0.0::DOUBLE ELSE age::DOUBLE END`, "pq-neg0");
  const hugeInt = await parquetVariant(
    `age::DOUBLE`,
    "pq-huge",
    `, CASE WHEN person_id = 'P0000004' THEN 170141183460469231731687303715884105727::HUGEINT ELSE 0::HUGEINT END AS vehicle_total`,
  );
  const big = await parquetVariant(
    `age::DOUBLE`,
    "pq-big",
    `, CASE WHEN person_id = 'P0000004' THEN repeat('村', 700000) ELSE 'x' END AS note`,
  );
  return {
    cases: [
      { kind: "numbers", name: "Parquet age NaN and Infinity", spec: score(nan), exits: [2] },
      { kind: "numbers", name: "Parquet age -0", spec: score(negZero), exits: [0] },
      { kind: "numbers", name: "Parquet HUGEINT column", spec: score(hugeInt), exits: [0, 2] },
      { kind: "sizes", name: "a 2 MB field in Parquet", spec: score(big), exits: [0, 2] },
    ],
    twinsOf: { "Parquet age -0": "plain", "Parquet HUGEINT column": "plain", "a 2 MB field in Parquet": "plain" },
  };
}

/** A minimal merge source whose names and villages are payloads. */
export function hostileSources(): string {
  const dir = tempFolder("sources");
  const src = join(dir, "constructor");
  mkdirSync(src);
  writeFileSync(
    join(src, "manifest.json"),
    JSON.stringify({ source_id: "constructor", department: "__proto__", kind: "roster", extract_date: "2024-03-31" }),
  );
  writeFileSync(
    join(src, "records.csv"),
    "record_id,id_pseudo,name,birth_date,sex,village,household_ref,category\n" +
      '=1+1,k1,"=HYPERLINK(""http://x"",""张伟"")",1980-01-02,M,<script>alert(1)</script>,__proto__,dibao\n' +
      "2,k1,张伟,1980-01-02,M,<script>alert(1)</script>,__proto__,dibao\n" +
      "3,k2,\x1b[2J李芳,1990-05-06,F,@SUM(1),constructor,tekun\n",
  );
  return dir;
}
