/**
 * Normalising what departments write, before anything is compared: Unicode NFC, full-width
 * characters to ASCII, traditional characters to simplified (OpenCC), names to pinyin (surname
 * mode, so 单 reads shan and 曾 zeng), village names through the alias table, and dates of
 * varying precision (`1985-03-12`, `19850312`, `1985/3/12`, `1985年3月12日`, `1985-03`, `1985`).
 */
import * as OpenCC from "opencc-js";
import { pinyin } from "pinyin-pro";

const toSimplified = OpenCC.Converter({ from: "t", to: "cn" });

const PLAIN = /^[!-~](?:[ !-~]*[!-~])?$/;

/** NFC, full-width forms (U+FF01–FF5E, the ideographic space) to ASCII, whitespace collapsed and trimmed. */
export function normaliseText(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.normalize("NFC")
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u3000\s]+/g, " ")
    .trim();
}

/** A name as compared: normalised text, every space removed, traditional characters simplified. */
export function normaliseName(text: string): string {
  return toSimplified(normaliseText(text).replace(/ /g, ""));
}

/** The toneless pinyin syllables of a (normalised) name, the first read as a surname. */
export function pinyinOf(name: string): string[] {
  if (name === "") return [];
  return pinyin(name, { mode: "surname", toneType: "none", type: "array", v: true }).map((s) => s.toLowerCase());
}

/** What a name gives the comparisons: the name, its pinyin, its surname and the surname's pinyin. */
export interface NameParts {
  name: string;
  pinyin: string;
  surname: string;
  surnamePinyin: string;
  /** Length in characters (code points), not bytes. */
  length: number;
}

/** Compound surnames the surname split knows (two characters). */
const COMPOUND_SURNAMES = new Set([
  "欧阳",
  "司马",
  "上官",
  "诸葛",
  "东方",
  "皇甫",
  "尉迟",
  "公孙",
  "慕容",
  "令狐",
  "长孙",
  "宇文",
]);

const CACHE = new Map<string, NameParts | null>();

/** The parts of a raw name (cached: names repeat). Null for an empty name. */
export function nameParts(raw: string): NameParts | null {
  const cached = CACHE.get(raw);
  if (cached !== undefined) return cached;
  const name = normaliseName(raw);
  let parts: NameParts | null = null;
  if (name !== "") {
    const chars = [...name];
    const py = pinyinOf(name);
    const surnameLength = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join("")) ? 2 : 1;
    parts = {
      name,
      pinyin: py.join(" "),
      surname: chars.slice(0, surnameLength).join(""),
      surnamePinyin: py.slice(0, surnameLength).join(" "),
      length: chars.length,
    };
  }
  if (CACHE.size > 500_000) CACHE.clear();
  CACHE.set(raw, parts);
  return parts;
}

/** A date at the precision it was written: year, and month and day where given. */
export interface PartialDate {
  y: number;
  m: number | null;
  d: number | null;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a date of varying precision; null when it is not a date. Accepted: `YYYY-MM-DD`,
 * `YYYY/M/D`, `YYYY.M.D`, `YYYYMMDD`, `YYYY年M月D日`, `YYYY-MM`, `YYYYMM`, `YYYY年M月`, `YYYY`
 * (full-width digits too), years 1880–2100.
 */
export function parseDate(raw: string): PartialDate | null {
  const text = normaliseText(raw).replace(/[年月]/g, "-").replace(/日$/, "").replace(/-$/, "");
  let m = /^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T ].*)?$/.exec(text);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})?$/.exec(text);
  if (!m) m = /^(\d{4})()()$/.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : null;
  const d = m[3] ? Number(m[3]) : null;
  if (y < 1880 || y > 2100) return null;
  if (mo !== null && (mo < 1 || mo > 12)) return null;
  if (d !== null && (mo === null || d < 1 || d > DAYS[mo - 1])) return null;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return null;
  return { y, m: mo, d };
}

/** The ISO text of a full date, or null when the date is partial. */
export function isoOf(date: PartialDate | null): string | null {
  if (!date || date.m === null || date.d === null) return null;
  return `${date.y}-${String(date.m).padStart(2, "0")}-${String(date.d).padStart(2, "0")}`;
}

const TRUE = new Set(["true", "1", "t", "y", "yes", "是"]);
const FALSE = new Set(["false", "0", "f", "n", "no", "否"]);

/** A boolean cell: `true`/`false`/`1`/`0`/`是`/`否` (any case); undefined when it is none of these. */
export function parseBoolean(raw: string): boolean | undefined {
  const t = normaliseText(raw).toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}

const SEXES: Record<string, "M" | "F"> = { m: "M", f: "F", male: "M", female: "F", 男: "M", 女: "F" };

/** A sex cell: `M`/`F`, `male`/`female`, `男`/`女`; undefined otherwise. */
export function parseSex(raw: string): "M" | "F" | undefined {
  return SEXES[normaliseText(raw).toLowerCase()];
}

/** The relations to the household head, with the Chinese words departments use. */
export const RELATIONS = ["head", "spouse", "child", "parent", "grandchild", "sibling", "other"] as const;
/** A relation to the household head. */
export type Relation = (typeof RELATIONS)[number];
const RELATION_WORDS: Record<string, Relation> = {
  户主: "head",
  本人: "head",
  配偶: "spouse",
  妻: "spouse",
  夫: "spouse",
  子女: "child",
  子: "child",
  女: "child",
  儿子: "child",
  女儿: "child",
  父母: "parent",
  父亲: "parent",
  母亲: "parent",
  孙子女: "grandchild",
  孙子: "grandchild",
  孙女: "grandchild",
  兄弟姐妹: "sibling",
  其他: "other",
};

/** A relation cell: a code of `RELATIONS` or its Chinese word; undefined otherwise. */
export function parseRelation(raw: string): Relation | undefined {
  const t = normaliseText(raw);
  const lower = t.toLowerCase();
  if ((RELATIONS as readonly string[]).includes(lower)) return lower as Relation;
  return RELATION_WORDS[toSimplified(t)];
}

/** A number cell (full-width digits, thousands separators and a trailing 元 allowed); undefined otherwise. */
export function parseNumber(raw: string): number | undefined {
  const t = normaliseText(raw).replace(/,/g, "").replace(/元$/, "");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** Village names through the alias table (old name → current name), after normalising and simplifying. */
export function villageNormaliser(aliases: ReadonlyMap<string, string>): (raw: string) => string {
  const table = new Map<string, string>();
  for (const [alias, village] of aliases) {
    table.set(toSimplified(normaliseText(alias)), toSimplified(normaliseText(village)));
  }
  return (raw) => {
    const v = toSimplified(normaliseText(raw));
    return table.get(v) ?? v;
  };
}
