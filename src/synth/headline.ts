/** The headline figures printed after generation and quoted in data/README.md. */
import { formatInt, formatPercent as pct } from "../base/format.ts";
import { ASSISTANCE_TYPES } from "./need.ts";
import type { County } from "./types.ts";
import { BATCH_1, BATCH_2, type VerifiedRow } from "./verify.ts";

/** The figures of one set of verified rows the headline reads (a part of contract §3's metrics). */
export interface MetricsLike {
  precision: number | null;
  precision_ci95: [number, number] | null;
  recall: number | null;
}

/**
 * The parts of `evaluation.json` (contract §3) the headline reads: overall and per batch. The
 * overall object is kept whole in the headline (and its JSON summary).
 */
export interface EvaluationLike<M extends MetricsLike = MetricsLike> {
  overall: M;
  batches: Record<string, M>;
}

/** The headline figures of a generated county. */
export interface Headline<M extends MetricsLike = MetricsLike> {
  households: number;
  persons: number;
  towns: number;
  villages: number;
  categories: Record<string, { households: number; persons: number }>;
  warned: number;
  warnedShare: number;
  batches: Record<
    string,
    {
      warningRows: number;
      shareOfHouseholds: number;
      precision: number | null;
      precision_ci95: [number, number] | null;
    }
  >;
  warningRows: number;
  warningNeed: number;
  precisionWarningRows: number | null;
  overall: M;
  assistanceMix: Record<string, number>;
  amountYuan: number;
  survey: { villages: string[]; households: number; inNeed: number; warned: number; warnedInNeed: number };
  applications: { rows: number; inNeed: number };
}

/** The headline figures of a county, its verified rows, the warned households and their evaluation. */
export function headlineOf<M extends MetricsLike>(
  county: County,
  rows: readonly VerifiedRow[],
  warned: ReadonlySet<string>,
  evaluation: EvaluationLike<M>,
  survey: readonly string[],
): Headline<M> {
  const n = county.households.length;
  const persons = county.households.reduce((s, h) => s + h.members.length, 0);
  const categories: Headline<M>["categories"] = {};
  for (const h of county.households) {
    const c = (categories[h.category] ??= { households: 0, persons: 0 });
    c.households++;
    c.persons += h.members.length;
  }
  const warningRows = rows.filter((r) => r.channel === "warning");
  const batches: Headline<M>["batches"] = {};
  for (const b of [BATCH_1, BATCH_2]) {
    const m = evaluation.batches[b];
    batches[b] = {
      warningRows: warningRows.filter((r) => r.batch === b).length,
      shareOfHouseholds: warningRows.filter((r) => r.batch === b).length / n,
      precision: m?.precision ?? null,
      precision_ci95: m?.precision_ci95 ?? null,
    };
  }
  const helped = warningRows.filter((r) => r.need);
  const mix: Record<string, number> = {};
  for (const t of ASSISTANCE_TYPES) mix[t] = helped.filter((r) => r.assistance === t).length;
  const surveyRows = rows.filter((r) => r.channel === "survey");
  const apps = rows.filter((r) => r.channel === "application");
  return {
    households: n,
    persons,
    towns: new Set(county.villages.map((v) => v.town)).size,
    villages: county.villages.length,
    categories,
    warned: warned.size,
    warnedShare: warned.size / n,
    batches,
    warningRows: warningRows.length,
    warningNeed: helped.length,
    precisionWarningRows: warningRows.length ? helped.length / warningRows.length : null,
    overall: evaluation.overall,
    assistanceMix: mix,
    amountYuan: helped.reduce((s, r) => s + (r.amount_yuan ?? 0), 0),
    survey: {
      villages: [...survey],
      households: surveyRows.length,
      inNeed: surveyRows.filter((r) => r.need).length,
      warned: surveyRows.filter((r) => warned.has(r.household_id)).length,
      warnedInNeed: surveyRows.filter((r) => r.need && warned.has(r.household_id)).length,
    },
    applications: { rows: apps.length, inNeed: apps.filter((r) => r.need).length },
  };
}

/** The headline as printed text lines. */
export function formatHeadline(h: Headline, seconds: number): string {
  const lines: string[] = [];
  lines.push(
    `Demo county: ${h.households} households, ${h.persons} persons, ${h.towns} towns, ${h.villages} villages (generated, scored and evaluated in ${
      seconds.toFixed(1)
    } s)`,
  );
  lines.push(
    "  categories: " +
      Object.entries(h.categories).map(([c, v]) => `${c} ${v.households} hh / ${v.persons} p`).join(", "),
  );
  lines.push(
    `Default model warns ${h.warned} households (${pct(h.warnedShare)}) — the pilot: 687 warnings in 2 batches`,
  );
  for (const [b, v] of Object.entries(h.batches)) {
    const ci = v.precision_ci95 ? ` [95% CI ${pct(v.precision_ci95[0])}–${pct(v.precision_ci95[1])}]` : "";
    lines.push(
      `  ${b}: ${v.warningRows} warnings verified (${pct(v.shareOfHouseholds)} of households), precision ${
        pct(v.precision)
      }${ci}`,
    );
  }
  lines.push(
    `  warning-verified: ${h.warningRows} rows, ${h.warningNeed} in need → precision ${
      pct(h.precisionWarningRows)
    } (pilot 59%); ` +
      `evaluate overall precision ${pct(h.overall.precision)}` +
      (h.overall.precision_ci95 ? ` [${pct(h.overall.precision_ci95[0])}–${pct(h.overall.precision_ci95[1])}]` : "") +
      `, recall ${pct(h.overall.recall)}`,
  );
  lines.push(
    "  assistance mix: " + Object.entries(h.assistanceMix).map(([k, v]) => `${k} ${v}`).join(", ") +
      ` (pilot: education 117, medical 111, employment 63, temporary 99, charity 14); ` +
      `${formatInt(Math.round(h.amountYuan))} yuan (pilot 1,192,000)`,
  );
  lines.push(
    `  survey of ${h.survey.villages.length} sample villages (${
      h.survey.villages.join("、")
    }): ${h.survey.households} households, ` +
      `${h.survey.inNeed} in need (${
        pct(h.survey.households ? h.survey.inNeed / h.survey.households : null)
      }), ${h.survey.warned} warned, ${h.survey.warnedInNeed} warned and in need`,
  );
  lines.push(`  applications (app channel): ${h.applications.rows}, ${h.applications.inNeed} in need`);
  return lines.join("\n");
}
