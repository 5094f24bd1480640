/**
 * The demo county's raw department extracts (contract §4): what the county's departments would
 * have handed over before the merge (比对去重), with the noise such extracts carry and a truth file
 * saying which person each record belongs to. `deno task merge` on them should find the county's
 * persons again; the truth file lets it measure how well.
 *
 * Every person of the county gets a name (household surname; given names drawn from a small pool,
 * so same-name neighbours are common), a birth date (consistent with the member's age at the
 * snapshot), a resident identity number (Xiaochang's area code 420921, GB 11643 check digit) of
 * which only a keyed pseudonym is written, and each household a household-registration number
 * (only its pseudonym, `household_ref`, is written). Raw numbers never reach a file.
 *
 * The 12 sources (records per person ≈ 2.9, like the county's 422,800 → 145,000):
 *
 * | source | kind | who | headers |
 * | --- | --- | --- | --- |
 * | ca_roster | roster | every member (category of the household) | Chinese |
 * | ps_hukou | hukou | 97% of members | English |
 * | hr_social_insurance | social_insurance | members 16+ who are insured or draw a pension, 60% | English |
 * | tax_wages | tax | members with a wage income | Chinese |
 * | nr_real_estate | real_estate | heads of households owning property | Chinese |
 * | mr_business | business | members with a business | English |
 * | hf_housing_fund | housing_fund | members with a housing fund | English |
 * | ps_vehicle | vehicle | members owning vehicles | English |
 * | pboc_financial | financial_assets | heads of households with financial assets ≥ 2,000 yuan, 60% | English |
 * | mi_medical | major_illness | members with a major illness or out-of-pocket costs ≥ 1,500 yuan | English |
 * | ca_consumption | consumption | a quarter of the heads of households with known spending | English |
 * | edu_students | education | members in school | Chinese |
 *
 * Planted noise (rates per record, `NOISE` below; the roster and hukou are cleaner):
 * - `id_pseudo` empty: 3% roster, 0.5% hukou, 8% elsewhere.
 * - mistyped identity number (one digit changed before hashing, so `id_check_ok` false, and
 *   `id_birth`/`id_sex` decoded from the mistyped number): 1.5%.
 * - a dependant (child, grandchild) recorded with the applicant's (head's) number, birth and sex
 *   from that number: 20% of dependants' records in education, 10% in the medical source.
 * - name in traditional characters: 4%; one given-name character replaced by a homophone: 3%;
 *   a stray (full-width) space: 1%.
 * - old village name (8% of villages were renamed; the alias table is `village_aliases.csv`): 15%
 *   of records of a renamed village, outside the hukou.
 * - birth date written `YYYYMMDD` 10%, `YYYY/M/D` 8%, only `YYYY-MM` 7%, only `YYYY` 4%;
 *   one field (day or month) wrong 2%; full-width digits 1%.
 * - sex wrong: 0.5%.
 *
 * Files: `<source_id>/manifest.json`, `<source_id>/records.csv`, `truth.csv`
 * (`source_id, record_id, person_id` of the demo county) and `village_aliases.csv` (`alias, village`).
 */
import { toCsv } from "../base/csv.ts";
import { Rng } from "../base/random.ts";
import { PARAMS } from "./params.ts";
import { excelSerial, xlsxOf } from "./sources_xlsx.ts";
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS } from "./columns.ts";
import type { County, Household, Member } from "./types.ts";

/** The noise rates planted in the demo sources (documented in the module comment). */
export const NOISE = {
  idEmpty: { roster: 0.03, hukou: 0.005, other: 0.08 },
  idMistyped: 0.015,
  dependantCarriesApplicantId: { education: 0.2, major_illness: 0.1 },
  traditional: 0.04,
  homophone: 0.03,
  straySpace: 0.01,
  villagesRenamed: 0.08,
  oldVillageName: 0.15,
  dateFormats: { compact: 0.1, slashes: 0.08, month: 0.07, year: 0.04 },
  dateFieldWrong: 0.02,
  fullWidthDigits: 0.01,
  sexWrong: 0.005,
} as const;

/** The noise rates, of the shape of {@link NOISE}. */
export type NoiseRates = {
  [K in keyof typeof NOISE]: (typeof NOISE)[K] extends number ? number : Record<string, number>;
};

/** Every rate of {@link NOISE} times `factor` (capped at 0.5; date formats keep their sum below 0.9). */
export function scaledNoise(factor: number): NoiseRates {
  const cap = (x: number) => Math.min(x * factor, 0.5);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(NOISE)) {
    out[k] = typeof v === "number" ? cap(v) : Object.fromEntries(
      Object.entries(v).map(([kk, x]) => [kk, k === "dateFormats" ? Math.min(x * factor, 0.22) : cap(x)]),
    );
  }
  return out as NoiseRates;
}

/** Options of the demo sources: noise scale and the planted look-alikes. */
export interface DemoSourceOptions {
  /** Multiplies every noise rate (default 1). */
  noise?: number;
  /** Chance that two same-age children of one household are twins (default 0.5). */
  twins?: number;
  /** Chance that a person shares the name of a same-sex neighbour of the village (default 0.01). */
  namesakes?: number;
}

/** One department extract: its manifest and its CSV table. */
export interface DemoSource {
  manifest: {
    source_id: string;
    department: string;
    kind: string;
    extract_date: string;
    columns?: Record<string, string>;
    household_fields?: string[];
  };
  header: string[];
  rows: string[][];
}

/** The demo sources with their truth. */
export interface DemoSources {
  sources: DemoSource[];
  /** `[source_id, record_id, person_id]` of every record. */
  truth: [string, string, string][];
  /** `[alias, village]`: old village names and the current ones. */
  aliases: [string, string][];
}

const SURNAMES: Record<string, number> = {
  王: 7,
  李: 7,
  张: 7,
  刘: 6,
  陈: 6,
  杨: 4,
  黄: 4,
  周: 3,
  吴: 3,
  徐: 2,
  胡: 4,
  朱: 2,
  熊: 3,
  程: 2,
  邹: 2,
  余: 2,
  万: 2,
  汪: 2,
  肖: 2,
  彭: 2,
  曾: 1,
  罗: 2,
  袁: 1,
  夏: 1,
  涂: 1,
  付: 1,
  喻: 1,
  闵: 1,
  晏: 1,
  柯: 1,
  童: 1,
  聂: 1,
  方: 1,
  舒: 1,
  操: 1,
  鲁: 1,
  魏: 1,
  江: 1,
  阮: 1,
  卢: 1,
  单: 0.3,
  解: 0.3,
  区: 0.2,
  仇: 0.2,
};
const GIVEN_MALE = "伟军强刚明华国平建志勇杰涛斌海波超辉林峰磊鹏飞亮春文武德福贵成兵新宏俊义荣发";
const GIVEN_FEMALE = "芳丽红英兰凤秀琴霞燕玲梅娟萍静敏婷慧莉华云珍桂春艳丹雪琳";
/** Characters with a homophone (same toneless pinyin) that clerks confuse. */
const HOMOPHONES: Record<string, string> = {
  伟: "玮",
  丽: "莉",
  莉: "丽",
  芳: "方",
  军: "君",
  华: "桦",
  明: "铭",
  红: "虹",
  英: "瑛",
  平: "萍",
  萍: "平",
  林: "琳",
  琳: "林",
  峰: "锋",
  静: "婧",
  海: "还",
  波: "博",
  斌: "彬",
  刚: "钢",
  涛: "韬",
  强: "墙",
  杰: "洁",
  燕: "艳",
  艳: "燕",
  玲: "铃",
  梅: "媒",
  娟: "鹃",
  霞: "夏",
  勇: "永",
  亮: "谅",
};
/** Simplified → traditional, for the characters of the pools (OpenCC maps each back). */
const TRADITIONAL: Record<string, string> = {
  张: "張",
  刘: "劉",
  陈: "陳",
  杨: "楊",
  黄: "黃",
  吴: "吳",
  罗: "羅",
  汪: "汪",
  邹: "鄒",
  万: "萬",
  鲁: "魯",
  卢: "盧",
  聂: "聶",
  伟: "偉",
  军: "軍",
  强: "強",
  刚: "剛",
  华: "華",
  国: "國",
  建: "建",
  杰: "傑",
  涛: "濤",
  辉: "輝",
  鹏: "鵬",
  飞: "飛",
  亮: "亮",
  贵: "貴",
  兵: "兵",
  宏: "宏",
  荣: "榮",
  发: "發",
  丽: "麗",
  红: "紅",
  兰: "蘭",
  凤: "鳳",
  琴: "琴",
  燕: "燕",
  玲: "玲",
  娟: "娟",
  静: "靜",
  敏: "敏",
  婷: "婷",
  慧: "慧",
  云: "雲",
  珍: "珍",
  艳: "艷",
  丹: "丹",
  雪: "雪",
  义: "義",
  俊: "俊",
  龙: "龍",
  凯: "凱",
  习: "習",
  东: "東",
};
const FULL_WIDTH_DIGITS = "０１２３４５６７８９";

interface Person {
  member: Member;
  household: Household;
  name: string;
  birth: string;
  sex: "M" | "F";
  idNumber: string;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** A keyed pseudonym (two FNV-1a-style 32-bit lanes, 16 hex digits): stands for HMAC in the demo. */
export function demoPseudonym(key: string, value: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  const text = `${key}\u0000${value}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (a >>> 13), 0x5bd1e995) >>> 0;
  }
  a = Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) >>> 0;
  b = Math.imul(b ^ (b >>> 13), 0x297a2d39) >>> 0;
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Names, birth dates and identity numbers for every member (stream `sources/people`). */
function peopleOf(county: County, rng: Rng, plant: { rng: Rng; twins: number; namesakes: number }): Person[] {
  const snapshot = PARAMS.dates.snapshot;
  const snapYear = Number(snapshot.slice(0, 4));
  const people: Person[] = [];
  const seqUsed = new Set<string>();
  for (const household of county.households) {
    const surname = rng.pick(SURNAMES);
    for (const member of household.members) {
      const sex = member.sex === "male" ? "M" : "F";
      const ownSurname = member.relation === "spouse" || (member.relation === "parent" && sex === "F") ||
          member.relation === "other"
        ? rng.pick(SURNAMES)
        : surname;
      const pool = sex === "M" ? GIVEN_MALE : GIVEN_FEMALE;
      const given = [...pool][rng.int(0, [...pool].length - 1)] +
        (rng.chance(0.7) ? [...pool][rng.int(0, [...pool].length - 1)] : "");
      const month = rng.int(1, 12);
      const day = rng.int(1, DAYS_IN_MONTH[month - 1]);
      const md = `${pad(month)}-${pad(day)}`;
      const year = snapYear - member.age - (md > snapshot.slice(5) ? 1 : 0);
      const birth = `${year}-${md}`;
      let idNumber = "";
      for (let attempt = 0; attempt < 100; attempt++) {
        const seq = pad(rng.int(0, 99), 2) + String(rng.int(0, 4) * 2 + (sex === "M" ? 1 : 0));
        const first17 = `420921${year}${pad(month)}${pad(day)}${seq}`;
        if (seqUsed.has(first17)) continue;
        seqUsed.add(first17);
        idNumber = first17 + checkDigit(first17);
        break;
      }
      people.push({ member, household, name: ownSurname + given, birth, sex, idNumber });
    }
  }
  plantTwins(people, plant.rng.stream("twins"), plant.twins);
  plantNamesakes(people, plant.rng.stream("namesakes"), plant.namesakes);
  return people;
}

/** A fresh identity number for a birth date and sex (first 17 digits not yet used). */
function idFor(rng: Rng, birth: string, sex: "M" | "F", used: Set<string>): string {
  for (;;) {
    const seq = pad(rng.int(0, 99), 2) + String(rng.int(0, 4) * 2 + (sex === "M" ? 1 : 0));
    const first17 = `420921${birth.replaceAll("-", "")}${seq}`;
    if (used.has(first17)) continue;
    used.add(first17);
    return first17 + checkDigit(first17);
  }
}

/**
 * Twins: two children (or grandchildren) of one household of the same age become twins with
 * chance `rate` — the same birth date (and so the same birth date in their identity numbers),
 * the same surname, and half of them the same first given-name character (建华/建国).
 */
function plantTwins(people: Person[], rng: Rng, rate: number): void {
  const used = new Set(people.map((p) => p.idNumber.slice(0, 17)));
  const byHousehold = new Map<string, Person[]>();
  for (const p of people) {
    if (p.member.relation !== "child" && p.member.relation !== "grandchild") continue;
    const key = `${p.household.household_id}|${p.member.relation}|${p.member.age}`;
    const list = byHousehold.get(key);
    if (list) list.push(p);
    else byHousehold.set(key, [p]);
  }
  for (const group of byHousehold.values()) {
    if (group.length < 2 || !rng.chance(rate)) continue;
    const [a, b] = group;
    b.birth = a.birth;
    b.idNumber = idFor(rng, b.birth, b.sex, used);
    b.name = [...a.name][0] + [...b.name].slice(1).join("");
    if (rng.chance(0.5) && [...a.name].length === 3) {
      const pool = [...(b.sex === "M" ? GIVEN_MALE : GIVEN_FEMALE)];
      let last = rng.one(pool);
      while ([...a.name][2] === last) last = rng.one(pool);
      b.name = [...a.name].slice(0, 2).join("") + last;
    }
  }
}

/**
 * Same-name neighbours: with chance `rate` a person takes the name of someone of the same sex in
 * another household of the same village (of the same age where there is one): two people of one
 * name in one village, told apart only by birth date, identity number and household.
 */
function plantNamesakes(people: Person[], rng: Rng, rate: number): void {
  const byVillage = new Map<string, Person[]>();
  for (const p of people) {
    const key = `${p.household.village}|${p.sex}`;
    const list = byVillage.get(key);
    if (list) list.push(p);
    else byVillage.set(key, [p]);
  }
  for (const p of people) {
    if (!rng.chance(rate)) continue;
    const others = byVillage.get(`${p.household.village}|${p.sex}`)!
      .filter((o) => o.household !== p.household);
    if (others.length === 0) continue;
    const sameAge = others.filter((o) => o.member.age === p.member.age);
    const o = rng.one(sameAge.length > 0 ? sameAge : others);
    p.name = o.name;
  }
}

/** One identity number with a digit changed (the check digit then fails). */
function mistype(rng: Rng, id: string): string {
  const i = rng.int(6, 16);
  const d = (Number(id[i]) + rng.int(1, 9)) % 10;
  return id.slice(0, i) + d + id.slice(i + 1);
}

/** What an identity number encodes: birth date (when a plausible date, else empty) and sex. */
function decodeId(id: string): { birth: string; sex: string } {
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const ok = y >= 1900 && y <= 2024 && m >= 1 && m <= 12 && d >= 1 &&
    d <= DAYS_IN_MONTH[m - 1] + (m === 2 && leap ? 1 : 0);
  return { birth: ok ? `${y}-${pad(m)}-${pad(d)}` : "", sex: Number(id[16]) % 2 === 1 ? "M" : "F" };
}

function writeDate(rng: Rng, iso: string, noise: NoiseRates): string {
  let [y, m, d] = iso.split("-").map(Number);
  if (rng.chance(noise.dateFieldWrong)) {
    if (rng.chance(0.5)) d = d === 28 ? 27 : (d % 28) + 1;
    else m = (m % 12) + 1;
    d = Math.min(d, DAYS_IN_MONTH[m - 1]);
  }
  const f = noise.dateFormats;
  const r = rng.uniform();
  let text: string;
  if (r < f.compact) text = `${y}${pad(m)}${pad(d)}`;
  else if (r < f.compact + f.slashes) text = `${y}/${m}/${d}`;
  else if (r < f.compact + f.slashes + f.month) text = `${y}-${pad(m)}`;
  else if (r < f.compact + f.slashes + f.month + f.year) text = `${y}`;
  else text = `${y}-${pad(m)}-${pad(d)}`;
  if (rng.chance(noise.fullWidthDigits)) text = text.replace(/[0-9]/g, (c) => FULL_WIDTH_DIGITS[Number(c)]);
  return text;
}

function writeName(rng: Rng, name: string, noise: NoiseRates): string {
  let chars = [...name];
  if (rng.chance(noise.homophone)) {
    const candidates = chars.map((c, i) => (i > 0 && HOMOPHONES[c] ? i : -1)).filter((i) => i > 0);
    if (candidates.length > 0) {
      const i = rng.one(candidates);
      chars[i] = HOMOPHONES[chars[i]];
    }
  }
  if (rng.chance(noise.traditional)) chars = chars.map((c) => TRADITIONAL[c] ?? c);
  let text = chars.join("");
  if (rng.chance(noise.straySpace)) text = rng.chance(0.5) ? `${chars[0]}\u3000${chars.slice(1).join("")}` : `${text} `;
  return text;
}

/** The standard person columns a source carries, in file order. */
type Field =
  | "record_id"
  | "id_pseudo"
  | "id_birth"
  | "id_sex"
  | "id_check_ok"
  | "name"
  | "birth_date"
  | "sex"
  | "town"
  | "village"
  | "household_ref"
  | "relation";

interface SourceSpec {
  id: string;
  department: string;
  kind: string;
  extract: string;
  fields: Field[];
  values: string[];
  /** Chinese headers by field (for sources exported with Chinese headers). */
  chinese?: Record<string, string>;
  /** Who is in the source and their value fields (null: not in it). */
  select: (p: Person) => (string | number | boolean)[] | null;
  idEmpty: number;
  dependantId?: number;
  oldVillages: boolean;
  /** Value columns that describe the household (the manifest's `household_fields`). */
  householdFields?: string[];
}

/** Contract §4's standard person and value fields and the merge's own member columns: no survey column takes them. */
const TAKEN = new Set([
  "person_id",
  "household_id",
  "relation",
  "sex",
  "age",
  "birth_year",
  "records",
  "sources",
  "category",
  "tax_paid_yuan",
  "social_insurance",
  "pension_yuan",
  "property_count",
  "property_area_m2",
  "business_count",
  "housing_fund",
  "vehicle_count",
  "financial_assets_yuan",
  "major_illness",
  "medical_oop_yuan",
  "consumption_yuan",
  "education_cost_yuan",
  "school_stage",
]);
/**
 * The civil-affairs roster's survey columns (入户核查): every demo member column the merge does
 * not build from the key data, and every household column but the id, town, village and
 * category (as `household_fields`), under their demo names — so the merged county carries every
 * column the default model reads.
 */
const SURVEY_MEMBER = MEMBER_COLUMNS.filter((c) => !TAKEN.has(c.name));
const SURVEY_HOUSEHOLD = HOUSEHOLD_COLUMNS.filter((c) =>
  !["household_id", "town", "village", "category"].includes(c.name)
);
const cellText = (v: unknown) => (v === null || v === undefined ? "" : String(v));

const PERSON = ["record_id", "id_pseudo", "id_birth", "id_sex", "id_check_ok", "name"] as const;
const ZH: Record<string, string> = {
  record_id: "记录编号",
  id_pseudo: "证件号码密文",
  id_birth: "证件出生日期",
  id_sex: "证件性别",
  id_check_ok: "证件校验通过",
  name: "姓名",
  birth_date: "出生日期",
  sex: "性别",
  town: "乡镇",
  village: "村（社区）",
  household_ref: "户号密文",
  relation: "与户主关系",
  category: "救助类别",
  tax_paid_yuan: "年纳税额",
  property_count: "不动产数量",
  property_area_m2: "建筑面积",
  education_cost_yuan: "教育支出",
  school_stage: "学段",
};

const RELATIONS: Record<string, string> = {
  head: "head",
  spouse: "spouse",
  child: "child",
  parent: "parent",
  grandchild: "grandchild",
  other: "other",
};

const isHead = (p: Person) => p.member.relation === "head";

function specs(noise: NoiseRates): SourceSpec[] {
  const place: Field[] = ["town", "village"];
  return [
    {
      id: "ca_roster",
      department: "civil_affairs",
      kind: "roster",
      extract: "2024-09-30",
      fields: [...PERSON, "birth_date", "sex", ...place, "household_ref", "relation"],
      values: ["category", ...SURVEY_MEMBER.map((c) => c.name), ...SURVEY_HOUSEHOLD.map((c) => c.name)],
      householdFields: SURVEY_HOUSEHOLD.map((c) => c.name),
      chinese: ZH,
      select: (p) => [
        p.household.category,
        ...SURVEY_MEMBER.map((c) => cellText(c.get(p.member))),
        ...SURVEY_HOUSEHOLD.map((c) => cellText(c.get(p.household))),
      ],
      idEmpty: noise.idEmpty.roster,
      oldVillages: true,
    },
    {
      id: "ps_hukou",
      department: "public_security",
      kind: "hukou",
      extract: "2024-09-30",
      fields: [...PERSON, "birth_date", "sex", ...place, "household_ref", "relation"],
      values: [],
      select: (p) => (hash01(p.idNumber, "hukou") < 0.97 ? [] : null),
      idEmpty: noise.idEmpty.hukou,
      oldVillages: false,
    },
    {
      id: "hr_social_insurance",
      department: "human_resources",
      kind: "social_insurance",
      extract: "2024-08-31",
      fields: [...PERSON, "birth_date", "sex", "village"],
      values: ["social_insurance", "pension_yuan"],
      select: (p) =>
        p.member.age >= 16 && (p.member.social_insurance || (p.member.pension_monthly_yuan ?? 0) > 0) &&
          hash01(p.idNumber, "si") < 0.6
          ? [p.member.social_insurance, Math.round((p.member.pension_monthly_yuan ?? 0) * 12)]
          : null,
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "tax_wages",
      department: "tax",
      kind: "tax",
      extract: "2024-06-30",
      fields: [...PERSON, "sex", "village"],
      values: ["tax_paid_yuan"],
      chinese: ZH,
      select: (p) => ((p.member.wage_income_yuan ?? 0) > 0 ? [p.member.tax_paid_yuan] : null),
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "nr_real_estate",
      department: "natural_resources",
      kind: "real_estate",
      extract: "2024-07-31",
      fields: [...PERSON, "village"],
      values: ["property_count", "property_area_m2"],
      chinese: ZH,
      select: (p) =>
        isHead(p) && p.household.real_estate_count > 0
          ? [p.household.real_estate_count, p.household.housing_area_m2]
          : null,
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "mr_business",
      department: "market_regulation",
      kind: "business",
      extract: "2024-06-30",
      fields: [...PERSON, "village"],
      values: ["business_count"],
      select: (p) => (p.member.has_business ? [1] : null),
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "hf_housing_fund",
      department: "housing_fund_centre",
      kind: "housing_fund",
      extract: "2024-06-30",
      fields: [...PERSON, "sex"],
      values: ["housing_fund"],
      select: (p) => (p.member.housing_fund ? [true] : null),
      idEmpty: noise.idEmpty.other,
      oldVillages: false,
    },
    {
      id: "ps_vehicle",
      department: "public_security_traffic",
      kind: "vehicle",
      extract: "2024-09-30",
      fields: [...PERSON, "village"],
      values: ["vehicle_count"],
      select: (p) => (p.member.vehicle_count > 0 ? [p.member.vehicle_count] : null),
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "pboc_financial",
      department: "banks",
      kind: "financial_assets",
      extract: "2024-06-30",
      fields: [...PERSON, "birth_date", "village"],
      values: ["financial_assets_yuan"],
      select: (p) =>
        isHead(p) && (p.household.financial_assets_yuan ?? 0) >= 2000 && hash01(p.idNumber, "bank") < 0.6
          ? [p.household.financial_assets_yuan ?? 0]
          : null,
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "mi_medical",
      department: "medical_insurance",
      kind: "major_illness",
      extract: "2024-09-30",
      fields: [...PERSON, "birth_date", "sex", "village"],
      values: ["major_illness", "medical_oop_yuan"],
      select: (p) =>
        p.member.major_illness || p.member.medical_oop_yuan >= 1500
          ? [p.member.major_illness, p.member.medical_oop_yuan]
          : null,
      idEmpty: noise.idEmpty.other,
      dependantId: noise.dependantCarriesApplicantId.major_illness,
      oldVillages: true,
    },
    {
      id: "ca_consumption",
      department: "civil_affairs",
      kind: "consumption",
      extract: "2024-09-30",
      fields: [...PERSON, "village"],
      values: ["consumption_yuan"],
      select: (p) =>
        isHead(p) && p.household.living_expense_yuan !== null && hash01(p.idNumber, "spend") < 0.25
          ? [p.household.living_expense_yuan]
          : null,
      idEmpty: noise.idEmpty.other,
      oldVillages: true,
    },
    {
      id: "edu_students",
      department: "education",
      kind: "education",
      extract: "2024-09-01",
      fields: [...PERSON, "birth_date", "sex", "village"],
      values: ["education_cost_yuan", "school_stage"],
      chinese: ZH,
      select: (p) =>
        p.member.school_stage !== null ? [p.member.education_expense_yuan ?? 0, p.member.school_stage] : null,
      idEmpty: noise.idEmpty.other,
      dependantId: noise.dependantCarriesApplicantId.education,
      oldVillages: true,
    },
  ];
}

/** A deterministic number in [0, 1) for a person and a purpose (coverage that does not depend on draw order). */
function hash01(key: string, purpose: string): number {
  return parseInt(demoPseudonym(purpose, key).slice(0, 8), 16) / 4294967296;
}

/** The demo sources of a county generated with `seed` (a pure function of its arguments). */
export function demoSources(county: County, seed: number, options: DemoSourceOptions = {}): DemoSources {
  const noise = scaledNoise(options.noise ?? 1);
  const root = new Rng(seed, "sources");
  const people = peopleOf(county, root.stream("people"), {
    rng: root.stream("look-alikes"),
    twins: options.twins ?? 0.5,
    namesakes: options.namesakes ?? 0.01,
  });
  const key = `demo-key-${seed}`;
  const heads = new Map<string, Person>();
  for (const p of people) if (isHead(p)) heads.set(p.household.household_id, p);
  // Renamed villages and their old names (collective-era 大队 names).
  const villageRng = root.stream("villages");
  const aliases: [string, string][] = [];
  const oldName = new Map<string, string>();
  for (const v of county.villages) {
    if (!v.urban && villageRng.chance(noise.villagesRenamed)) {
      const old = v.name.replace(/村$/, "") + "大队";
      oldName.set(v.name, old);
      aliases.push([old, v.name]);
    }
  }
  const truth: [string, string, string][] = [];
  const sources: DemoSource[] = [];
  for (const spec of specs(noise)) {
    const rng = root.stream(spec.id);
    const header = [...spec.fields, ...spec.values];
    const rows: string[][] = [];
    for (const p of people) {
      const values = spec.select(p);
      if (values === null) continue;
      const recordId = `${spec.id.split("_")[0].toUpperCase()}${pad(rows.length + 1, 7)}`;
      let id = p.idNumber;
      const dependant = p.member.relation === "child" || p.member.relation === "grandchild";
      if (spec.dependantId && dependant && p.member.age < 18 && rng.chance(spec.dependantId)) {
        id = heads.get(p.household.household_id)?.idNumber ?? id;
      }
      if (rng.chance(noise.idMistyped)) id = mistype(rng, id);
      const empty = rng.chance(spec.idEmpty);
      const decoded = decodeId(id);
      const checkOk = checkDigit(id.slice(0, 17)) === id[17];
      const sexWrong = rng.chance(noise.sexWrong);
      const village = spec.oldVillages && oldName.has(p.household.village) && rng.chance(noise.oldVillageName)
        ? oldName.get(p.household.village)!
        : p.household.village;
      const cell: Record<Field, string> = {
        record_id: recordId,
        id_pseudo: empty ? "" : demoPseudonym(key, id),
        id_birth: empty ? "" : decoded.birth,
        id_sex: empty ? "" : decoded.sex,
        id_check_ok: empty ? "" : String(checkOk),
        name: writeName(rng, p.name, noise),
        birth_date: writeDate(rng, p.birth, noise),
        sex: sexWrong ? (p.sex === "M" ? "F" : "M") : p.sex,
        town: p.household.town,
        village,
        household_ref: demoPseudonym(key, `hukou-${p.household.household_id}`),
        relation: RELATIONS[p.member.relation],
      };
      rows.push([...spec.fields.map((f) => cell[f]), ...values.map((v) => String(v))]);
      truth.push([spec.id, recordId, p.member.person_id]);
    }
    const columns = spec.chinese
      ? Object.fromEntries(header.filter((h) => spec.chinese![h]).map((h) => [spec.chinese![h], h]))
      : undefined;
    sources.push({
      manifest: {
        source_id: spec.id,
        department: spec.department,
        kind: spec.kind,
        extract_date: spec.extract,
        ...(columns ? { columns } : {}),
        ...(spec.householdFields ? { household_fields: spec.householdFields } : {}),
      },
      header: spec.chinese ? header.map((h) => spec.chinese![h] ?? h) : header,
      rows,
    });
  }
  return { sources, truth, aliases };
}

/** How some sources are written, as departments export them (default: every source a UTF-8 CSV with LF). */
export interface SourceFormats {
  /** Sources written as `records.xlsx` (full ISO dates as date cells). */
  xlsx?: readonly string[];
  /** Sources written as a CSV with a byte-order mark and CRLF line ends. */
  bomCrlf?: readonly string[];
}

/** A file of the sources folder: path inside the folder, and its text or bytes. */
export interface SourceFile {
  name: string;
  text?: string;
  bytes?: Uint8Array;
}

/** The files of the sources folder (`formats` says which sources are xlsx or BOM + CRLF CSV). */
export async function demoSourceFiles(d: DemoSources, formats: SourceFormats = {}): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (const s of d.sources) {
    const id = s.manifest.source_id;
    files.push({ name: `${id}/manifest.json`, text: JSON.stringify(s.manifest, null, 2) + "\n" });
    if (formats.xlsx?.includes(id)) {
      const rows = [
        s.header,
        ...s.rows.map((r) => r.map((c) => (/^\d{4}-\d{2}-\d{2}$/.test(c) ? { date: excelSerial(c) } : c))),
      ];
      files.push({ name: `${id}/records.xlsx`, bytes: await xlsxOf(rows, id) });
    } else if (formats.bomCrlf?.includes(id)) {
      files.push({ name: `${id}/records.csv`, text: "\ufeff" + toCsv(s.header, s.rows).replace(/\n/g, "\r\n") });
    } else files.push({ name: `${id}/records.csv`, text: toCsv(s.header, s.rows) });
  }
  files.push({ name: "truth.csv", text: toCsv(["source_id", "record_id", "person_id"], d.truth) });
  files.push({ name: "village_aliases.csv", text: toCsv(["alias", "village"], d.aliases) });
  return files;
}
