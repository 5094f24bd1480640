/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The audit page's own parts, beside the report view-model it renders (src/report's
 * `auditReport`, drawn by lib/render.ts): which group dimension to show, and the case list (every
 * verified row with its household's score and band; not part of audit.json).
 */
import type { AuditFile } from "../../src/evaluate/audit_file.ts";
import { FRAME_NAMES } from "../../src/evaluate/frames.ts";
import type { VerifiedRow } from "../../src/evaluate/mod.ts";
import type { Population } from "../../src/evaluate/population.ts";
import { categoryLabel, type Section } from "../../src/report/mod.ts";
import type { ViewElement } from "./cells.ts";
import { h, int } from "./ui.ts";

/** Which group dimension the group audit shows (its id). */
export interface GroupChoice {
  group: string;
}

/** The group audit's dimension select, as a view whose value is the {@link GroupChoice}. */
export function groupChoiceView(audit: AuditFile): ViewElement<GroupChoice> {
  const select = h(
    "select",
    { id: "dimension" },
    audit.groups.map((g) => h("option", { value: g.id }, `${g.name_zh} ${g.name_en}`)),
  );
  const root = h("div", {}, h("label", {}, "分组审计 Group audit — 按 by ", select));
  return Object.defineProperty(root, "value", {
    get: (): GroupChoice => ({ group: select.value }),
  }) as unknown as ViewElement<GroupChoice>;
}

/** The report's group section with only the chosen dimension's subsection (and those naming none). */
export function oneDimension(groups: Section, choice: GroupChoice): Section {
  return {
    ...groups,
    blocks: groups.blocks.filter((b) =>
      b.kind !== "section" || b.section.id === undefined || b.section.id === `group-${choice.group}`
    ),
  };
}

/** One verified row with its household's score and band under the page's model. */
export interface AuditCase {
  household_id: string;
  village: string | null;
  category: string | null;
  batch: string;
  channel: string;
  need: boolean;
  assistance: string | null;
  amount_yuan: number | null;
  per_capita: number;
  band: string | null;
}

/** The case list: every verified row, highest score first. */
export function casesOf(
  verified: readonly VerifiedRow[],
  population: Population,
  position: Map<string, number>,
): AuditCase[] {
  const out = verified.map((r): AuditCase => {
    const i = position.get(r.household_id)!;
    const band = population.bands[i];
    return {
      household_id: r.household_id,
      village: population.frame.villages[i],
      category: population.frame.categories[i],
      batch: r.batch as string,
      channel: r.channel as string,
      need: r.need as boolean,
      assistance: r.assistance ?? null,
      amount_yuan: r.amount_yuan ?? null,
      per_capita: population.perCapita[i],
      band: band >= 0 ? population.bandCuts[band].id : null,
    };
  });
  return out.sort((a, b) => b.per_capita - a.per_capita || (a.household_id < b.household_id ? -1 : 1));
}

/** The case list's filters. */
export interface CaseFilter {
  batch: string;
  channel: string;
  outcome: "" | "fp" | "tp" | "missed";
}

/** The case list's three selects, as a view whose value is the {@link CaseFilter}. */
export function caseFilterView(cases: readonly AuditCase[]): ViewElement<CaseFilter> {
  const option = (value: string, label = value) => h("option", { value }, label);
  const batch = h(
    "select",
    {},
    option("", "all batches"),
    [...new Set(cases.map((c) => c.batch))].sort().map((b) => option(b)),
  );
  const channel = h("select", {}, option("", "all channels"), FRAME_NAMES.map((f) => option(f)));
  const outcome = h(
    "select",
    {},
    option("", "all outcomes"),
    option("fp", "warned, no need (false positives)"),
    option("tp", "warned, in need"),
    option("missed", "in need, not warned"),
  );
  const root = h("div", {}, batch, channel, outcome);
  return Object.defineProperty(root, "value", {
    get: (): CaseFilter => ({
      batch: batch.value,
      channel: channel.value,
      outcome: outcome.value as CaseFilter["outcome"],
    }),
  }) as unknown as ViewElement<CaseFilter>;
}

/** The cases the filter keeps. */
export function filterCases(cases: readonly AuditCase[], f: CaseFilter): AuditCase[] {
  return cases.filter((c) =>
    (f.batch === "" || c.batch === f.batch) && (f.channel === "" || c.channel === f.channel) &&
    (f.outcome === "" || (f.outcome === "fp" && c.band !== null && !c.need) ||
      (f.outcome === "tp" && c.band !== null && c.need) || (f.outcome === "missed" && c.band === null && c.need))
  );
}

/** The filtered case list (the first 200 by score), each case linking to its household. */
export function caseListView(rows: readonly AuditCase[]): HTMLElement {
  const head = [
    "户 Household",
    "村 Village",
    "类别 Category",
    "批次 Batch",
    "渠道 Channel",
    "需要 Need",
    "救助 Assistance",
  ];
  return h(
    "div",
    {},
    h(
      "p",
      { class: "small muted" },
      `${int(rows.length)} verified row(s)${
        rows.length > 200 ? "; the first 200 by score are listed, cases.csv has all" : ""
      }.`,
    ),
    h(
      "div",
      { style: "max-height: 32em; overflow: auto" },
      h(
        "table",
        { class: "grid" },
        h("thead", {}, h("tr", {}, [...head, "人均得分 Score", "档 Band"].map((t) => h("th", {}, t)))),
        h(
          "tbody",
          {},
          rows.slice(0, 200).map((c) =>
            h(
              "tr",
              {},
              h(
                "td",
                {},
                h("a", { href: `./household.html?id=${encodeURIComponent(c.household_id)}` }, c.household_id),
              ),
              h("td", {}, c.village ?? ""),
              h("td", {}, categoryLabel(c.category)),
              h("td", {}, c.batch),
              h("td", {}, c.channel),
              h("td", {}, c.need ? "yes" : "no"),
              h("td", {}, c.assistance ?? ""),
              h("td", { class: "num" }, c.per_capita.toFixed(3)),
              h("td", {}, c.band ?? "—"),
            )
          ),
        ),
      ),
    ),
  );
}
