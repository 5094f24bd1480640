/**
 * Place names of the demo county. The 12 towns and townships are those of Xiaochang County
 * (孝昌县) as publicly listed; the villages are synthetic, built from the patterns of rural place
 * names in eastern Hubei (surname + 湾/畈/岗/冲…, landscape words, collective-era names). Any
 * match with a real village is a coincidence, and no household in the demo exists.
 */
import type { Rng } from "../base/random.ts";

/** A town or township with its relative share of the monitored households (assumption). */
export interface Town {
  name: string;
  /** Relative share of the county's monitored households. */
  weight: number;
  /** Mean remoteness of its villages (adds to household hardship; assumption). */
  remoteness: number;
  /** Whether it is the county seat (has urban communities 社区). */
  seat: boolean;
}

/** The 12 towns and townships; shares and remoteness are assumptions (hilly north poorer). */
export const TOWNS: readonly Town[] = [
  { name: "花园镇", weight: 1.6, remoteness: -0.35, seat: true },
  { name: "丰山镇", weight: 1.0, remoteness: 0.0, seat: false },
  { name: "周巷镇", weight: 1.1, remoteness: 0.0, seat: false },
  { name: "小河镇", weight: 1.0, remoteness: 0.1, seat: false },
  { name: "王店镇", weight: 0.9, remoteness: 0.15, seat: false },
  { name: "卫店镇", weight: 0.9, remoteness: 0.1, seat: false },
  { name: "白沙镇", weight: 0.9, remoteness: 0.05, seat: false },
  { name: "邹岗镇", weight: 0.8, remoteness: 0.05, seat: false },
  { name: "陡山乡", weight: 0.6, remoteness: 0.35, seat: false },
  { name: "小悟乡", weight: 0.6, remoteness: 0.4, seat: false },
  { name: "季店乡", weight: 0.6, remoteness: 0.3, seat: false },
  { name: "花西乡", weight: 0.5, remoteness: 0.25, seat: false },
];

const SURNAMES = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "黄",
  "周",
  "吴",
  "徐",
  "胡",
  "朱",
  "熊",
  "程",
  "邹",
  "余",
  "万",
  "汪",
  "肖",
  "彭",
  "曾",
  "罗",
  "袁",
  "夏",
  "涂",
  "付",
  "喻",
  "闵",
  "晏",
  "柯",
  "童",
  "聂",
  "方",
  "舒",
  "操",
  "鲁",
  "魏",
  "江",
  "阮",
  "卢",
];
const SURNAME_SUFFIXES = [
  "湾",
  "畈",
  "岗",
  "冲",
  "店",
  "河",
  "桥",
  "庙",
  "寨",
  "山",
  "岭",
  "塆",
  "嘴",
  "港",
  "垸",
  "楼",
  "集",
  "铺",
];
const LANDSCAPE = [
  "桃园",
  "青山",
  "双河",
  "石桥",
  "柳林",
  "松林",
  "枫树",
  "龙泉",
  "凤凰",
  "金盆",
  "白果",
  "竹林",
  "梅岭",
  "杨林",
  "油坊",
  "茶园",
  "棠树",
  "槐树",
  "黄土",
  "清水",
  "沙河",
  "长岭",
  "高峰",
  "大悟",
  "观音",
  "仙女",
  "月湖",
  "狮子",
  "九龙",
  "石门",
  "泉水",
  "栗林",
  "金桥",
  "银山",
  "铁佛",
  "卧龙",
  "白鹤",
  "龙井",
  "古塘",
  "新塘",
];
const COLLECTIVE = [
  "新华",
  "和平",
  "红旗",
  "团结",
  "联合",
  "胜利",
  "光明",
  "幸福",
  "太平",
  "永兴",
  "三合",
  "五一",
  "建新",
  "东风",
  "红星",
  "前进",
  "友谊",
  "民主",
  "新民",
  "复兴",
  "长兴",
  "永安",
  "同心",
  "兴旺",
  "合心",
  "新建",
  "向阳",
  "群力",
];
const NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const COMMUNITIES = [
  "府前",
  "槐荫",
  "车站",
  "城东",
  "城西",
  "城南",
  "孝子",
  "书院",
  "文化",
  "澴川",
  "新城",
  "滨河",
  "朝阳",
  "人民",
];

/** Position words that tell apart villages of the same name (东王家湾村, 上桃园村). */
const QUALIFIERS = ["东", "西", "南", "北", "上", "下", "前", "后", "大", "小", "新", "老"];

/** A generated village or community. */
export interface Village {
  name: string;
  town: string;
  /** Urban community (社区) rather than a rural administrative village. */
  urban: boolean;
  /** Village-level hardship effect (latent; not written to the data). */
  effect: number;
  /** Relative size (share of the town's households). */
  weight: number;
}

/**
 * Builds `count` villages spread over the 12 towns (at least one per town), with unique names.
 * Village effects are Normal(town remoteness, sd) — an assumption standing for remoteness,
 * mountain terrain and local economy.
 */
export function makeVillages(
  rng: Rng,
  count: number,
  effectSd: number,
  townName: (town: Town) => string = (town) => town.name,
): Village[] {
  const used = new Set<string>();
  const draw = (urban: boolean): string => {
    if (urban) return rng.one(COMMUNITIES) + "社区";
    const r = rng.uniform();
    if (r < 0.34) return rng.one(SURNAMES) + "家" + rng.one(SURNAME_SUFFIXES) + "村";
    if (r < 0.55) return rng.one(SURNAMES) + rng.one(SURNAME_SUFFIXES) + "村";
    if (r < 0.8) return rng.one(LANDSCAPE) + "村";
    if (r < 0.95) return rng.one(COLLECTIVE) + "村";
    return rng.one(NUMERALS) + rng.one(["里", "房", "岗", "河", "塘", "湾"]) + "村";
  };
  const name = (urban: boolean): string => {
    // Plain names first (the county of today's size never gets past this loop, so its names are
    // unchanged); a larger county qualifies them with one, two, … position words (东/西/上/下…),
    // as real places split (东王家湾村), which scales without bound.
    for (let depth = 0;; depth++) {
      for (let attempt = 0; attempt < 1000; attempt++) {
        let prefix = "";
        for (let d = 0; d < depth; d++) prefix += rng.one(QUALIFIERS);
        const n = prefix + draw(urban);
        if (!used.has(n)) {
          used.add(n);
          return n;
        }
      }
    }
  };
  const totalWeight = TOWNS.reduce((s, t) => s + t.weight, 0);
  const perTown = TOWNS.map((t) => Math.max(1, Math.round((count * t.weight) / totalWeight)));
  // Adjust so the counts add up exactly to `count` (largest towns absorb the rounding).
  let diff = count - perTown.reduce((s, n) => s + n, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % perTown.length) {
    if (diff > 0) {
      perTown[i]++;
      diff--;
    } else if (perTown[i] > 1) {
      perTown[i]--;
      diff++;
    }
  }
  const villages: Village[] = [];
  TOWNS.forEach((town, t) => {
    const communities = town.seat ? Math.min(Math.max(1, Math.round(perTown[t] * 0.15)), COMMUNITIES.length) : 0;
    for (let i = 0; i < perTown[t]; i++) {
      const urban = i < communities;
      villages.push({
        name: name(urban),
        town: townName(town),
        urban,
        effect: rng.normal(town.remoteness + (urban ? -0.2 : 0), effectSd),
        weight: rng.lognormal(1, 0.35),
      });
    }
  });
  return villages;
}
