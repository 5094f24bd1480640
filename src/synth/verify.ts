/**
 * Verified cases, from the latent need model (never from the warning score):
 *
 * - `warning`: every household the default model warns is verified once, in the first warning
 *   batch extracted after its record's latest change (`updated_on`): 2024-B1 if it changed on or
 *   before the batch-1 extraction date, else 2024-B2. Departments verify within the time limit.
 * - `application`: households the warnings did not reach apply through the app, those in need
 *   more often (probability rises with the strength of their need); the case is filed under the
 *   batch period in which it was verified.
 * - `survey`: every household of the sample villages, surveyed before the first batch (2024-S).
 */
import type { County, Household } from "./types.ts";
import { addDays, dateOf, dayOf } from "./dates.ts";
import { type AssistanceType, latentNeed, type Need } from "./need.ts";
import type { Params } from "./params.ts";
import { Rng } from "../base/random.ts";
import { logistic } from "./_math.ts";

/** One row of verified.csv. */
export interface VerifiedRow {
  household_id: string;
  batch: string;
  channel: "warning" | "application" | "survey";
  need: boolean;
  assistance: AssistanceType | null;
  amount_yuan: number | null;
  department: string | null;
  verified_on: string;
}

/** The department that delivers each kind of assistance (主责部门). */
export const DEPARTMENT_OF: Record<AssistanceType, string> = {
  education: "education",
  medical: "medical_insurance",
  employment: "hrss",
  temporary: "civil_affairs",
  charity: "charity_federation",
  basic_living: "civil_affairs",
};

/** The first warning batch. */
export const BATCH_1 = "2024-B1";
/** The second warning batch. */
export const BATCH_2 = "2024-B2";
/** The sample-village survey before the warnings. */
export const SURVEY_BATCH = "2024-S";

/** Chooses the sample villages: rural or urban, each in a different town, with at least the median village size. */
export function surveyVillages(county: County, p: Params, seed: number): string[] {
  const sizes = new Map<string, number>();
  for (const h of county.households) sizes.set(h.village, (sizes.get(h.village) ?? 0) + 1);
  const sorted = [...sizes.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const rng = new Rng(seed, "survey-villages");
  const candidates = rng.shuffled(county.villages.filter((v) => (sizes.get(v.name) ?? 0) >= median));
  const chosen: string[] = [];
  const towns = new Set<string>();
  for (const v of candidates) {
    if (chosen.length >= p.surveyVillages) break;
    if (towns.has(v.town)) continue;
    towns.add(v.town);
    chosen.push(v.name);
  }
  return chosen.sort();
}

/** Every household's latent need, in household order (one stream, independent of the warnings). */
export function needsOf(county: County, p: Params, seed: number): Map<string, Need> {
  const rng = new Rng(seed, "need");
  return new Map(county.households.map((h) => [h.household_id, latentNeed(h, p, rng)]));
}

/** The verified rows of the county and the sample villages surveyed. */
export interface Verified {
  rows: VerifiedRow[];
  survey: string[];
}

/** One verified row of household `h` with its latent need. */
function rowOf(
  h: Household,
  needs: ReadonlyMap<string, Need>,
  batch: string,
  channel: VerifiedRow["channel"],
  verified_on: string,
): VerifiedRow {
  const n = needs.get(h.household_id)!;
  return {
    household_id: h.household_id,
    batch,
    channel,
    need: n.need,
    assistance: n.need ? n.type : null,
    amount_yuan: n.need ? n.amount : null,
    department: n.need ? DEPARTMENT_OF[n.type] : null,
    verified_on,
  };
}

/** The survey of every household of the sample villages, on dates drawn from the survey period. */
function surveyRows(
  county: County,
  needs: ReadonlyMap<string, Need>,
  survey: string[],
  p: Params,
  seed: number,
): VerifiedRow[] {
  const d = p.dates;
  const surveySet = new Set(survey);
  const rs = new Rng(seed, "survey-dates");
  const s0 = dayOf(d.surveyFrom), s1 = dayOf(d.surveyTo);
  const rows: VerifiedRow[] = [];
  for (const h of county.households) {
    if (surveySet.has(h.village)) rows.push(rowOf(h, needs, SURVEY_BATCH, "survey", dateOf(rs.int(s0, s1))));
  }
  return rows;
}

/** Every warned household, verified in the first batch extracted after its record's last change. */
function warningRows(
  county: County,
  warned: ReadonlySet<string>,
  needs: ReadonlyMap<string, Need>,
  p: Params,
  seed: number,
): VerifiedRow[] {
  const d = p.dates;
  const b1 = dayOf(d.batch1Extracted);
  const rw = new Rng(seed, "warning-dates");
  const rows: VerifiedRow[] = [];
  for (const h of county.households) {
    if (!warned.has(h.household_id)) continue;
    const first = dayOf(h.updated_on) <= b1;
    const verified_on = first
      ? addDays(d.batch1Extracted, rw.int(1, d.batch1VerifyDays))
      : addDays(d.batch2Extracted, rw.int(1, d.batch2VerifyDays));
    rows.push(rowOf(h, needs, first ? BATCH_1 : BATCH_2, "warning", verified_on));
  }
  return rows;
}

/** Applications through the app from households the warnings did not reach. */
function applicationRows(
  county: County,
  warned: ReadonlySet<string>,
  needs: ReadonlyMap<string, Need>,
  p: Params,
  seed: number,
): VerifiedRow[] {
  const d = p.dates;
  const b2 = dayOf(d.batch2Extracted);
  const ra = new Rng(seed, "applications");
  const a0 = dayOf(d.applicationsFrom), a1 = dayOf(d.applicationsTo);
  const ap = p.application;
  const rows: VerifiedRow[] = [];
  for (const h of county.households) {
    // Draw for every household so the stream does not depend on the warned set.
    const u = ra.uniform();
    const day = ra.int(a0, a1);
    if (warned.has(h.household_id)) continue;
    const n = needs.get(h.household_id)!;
    const prob = n.need
      ? logistic(ap.needBase + ap.needZ * n.z)
      : logistic(ap.noNeedBase + ap.noNeedH * h.latent.hardship);
    if (u >= prob) continue;
    rows.push(rowOf(h, needs, day < b2 ? BATCH_1 : BATCH_2, "application", dateOf(day)));
  }
  return rows;
}

const CHANNEL_ORDER = { survey: 0, warning: 1, application: 2 };

/** Verified rows in file order: by date, then survey, warning, application, then household. */
function byFileOrder(a: VerifiedRow, b: VerifiedRow): number {
  return a.verified_on < b.verified_on ? -1 : a.verified_on > b.verified_on ? 1 : CHANNEL_ORDER[a.channel] -
      CHANNEL_ORDER[b.channel] ||
    (a.household_id < b.household_id ? -1 : a.household_id > b.household_id ? 1 : 0);
}

/** Builds verified.csv's rows for the county, given the set of households the default model warns. */
export function makeVerified(
  county: County,
  warned: ReadonlySet<string>,
  needs: ReadonlyMap<string, Need>,
  p: Params,
  seed: number,
): Verified {
  const survey = surveyVillages(county, p, seed);
  const rows = [
    ...surveyRows(county, needs, survey, p, seed),
    ...warningRows(county, warned, needs, p, seed),
    ...applicationRows(county, warned, needs, p, seed),
  ];
  rows.sort(byFileOrder);
  return { rows, survey };
}
