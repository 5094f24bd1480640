/**
 * A synthetic province: N demo counties from one seed, each with its own name, its own 12 towns
 * (the county's name before the template town: 安昌花园镇) and its own villages (unique in the
 * county, as real ones are; town + village is unique in the province), and ids prefixed by the
 * county's code (C001-H000001, C001-P0000001) so they are unique in the province. Every county
 * is drawn with the demo county's parameters from its own seed, derived from the province's.
 */
import type { CountyNaming } from "./county.ts";
import type { Town } from "./names.ts";

const FIRST = [
  "安",
  "宝",
  "长",
  "大",
  "德",
  "东",
  "丰",
  "福",
  "广",
  "汉",
  "和",
  "黄",
  "嘉",
  "建",
  "江",
  "金",
  "靖",
  "乐",
  "临",
  "龙",
  "宁",
  "平",
  "青",
  "清",
  "仁",
  "瑞",
  "三",
  "山",
  "石",
  "顺",
];
const SECOND = [
  "安",
  "昌",
  "城",
  "川",
  "丰",
  "阳",
  "江",
  "宁",
  "平",
  "山",
  "水",
  "源",
  "州",
  "陵",
  "泉",
  "溪",
  "兴",
  "远",
  "云",
  "泽",
  "都",
  "河",
  "林",
  "门",
  "谷",
  "口",
  "台",
  "桥",
  "湖",
  "岭",
];

/** The most counties a province can have (distinct two-character names). */
export const MAX_COUNTIES = FIRST.length * SECOND.length;

/** One county of the province: its index, code, name, seed and naming. */
export interface ProvinceCounty {
  /** 0-based position in the province. */
  index: number;
  /** "C001", "C002", … */
  code: string;
  /** The county's (synthetic) name, e.g. "安昌县". */
  name: string;
  seed: number;
  naming: CountyNaming;
}

/** The seed of county `index` of the province of `seed` (a 32-bit mix; distinct per county). */
export function countySeed(seed: number, index: number): number {
  let x = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** County `index` (0-based) of the province of `seed`. */
export function provinceCounty(seed: number, index: number): ProvinceCounty {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COUNTIES) {
    throw new RangeError(`A province has at most ${MAX_COUNTIES} counties; got county index ${index}`);
  }
  const root = FIRST[index % FIRST.length] + SECOND[Math.floor(index / FIRST.length)];
  const code = `C${String(index + 1).padStart(3, "0")}`;
  return {
    index,
    code,
    name: root + "县",
    seed: countySeed(seed, index),
    naming: { idPrefix: `${code}-`, townName: (town: Town) => root + town.name },
  };
}

/** The counties of a province of `counties` counties from `seed`. */
export function provinceCounties(seed: number, counties: number): ProvinceCounty[] {
  return Array.from({ length: counties }, (_, i) => provinceCounty(seed, i));
}
