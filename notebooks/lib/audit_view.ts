/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The audit page's sections, each a function of the audit (as `deno task audit` writes it) and of
 * the page's choices, returning DOM. The numbers all come from `auditOf` in src/evaluate.
 */
import type { AuditFile } from "../../src/evaluate/audit_file.ts";
import { FRAME_NAMES, type FrameMetrics, type FrameName, MIN_LABELED } from "../../src/evaluate/frames.ts";
import type { VerifiedRow } from "../../src/evaluate/mod.ts";
import type { Population } from "../../src/evaluate/population.ts";
import {
  categoryLabel,
  departmentLabel,
  FRAME_LABELS,
  type IntervalPoint,
  intervalsFigure,
} from "../../src/report/mod.ts";
import type { ViewElement } from "./cells.ts";
import { h, int, interval, pct } from "./ui.ts";

/** "预警核实 Warning frame" for a frame name. */
export function frameName(f: string): string {
  const l = FRAME_LABELS[f];
  return l ? `${l.zh} ${l.en}` : f;
}

export function metricCell(
  value: number | null,
  ci: [number, number] | null | undefined,
  boot?: [number, number] | null,
): HTMLElement {
  if (value === null) return h("td", { class: "muted" }, "n/a");
  return h(
    "td",
    { class: "num" },
    pct(value),
    h("div", { class: "small muted" }, `Wilson ${interval(ci)}`),
    boot ? h("div", { class: "small muted" }, `bootstrap ${interval(boot)}`) : null,
  );
}

export function flagsOf(m: FrameMetrics): string {
  return m.flags.map((f) => (f === "few_labeled" ? `< ${MIN_LABELED} labeled` : f.replaceAll("_", " "))).join("; ");
}

export function framesSection(audit: AuditFile): HTMLElement {
  const rows = FRAME_NAMES.map((f) => {
    const fr = audit.frames[f];
    const m = fr.overall;
    if (!fr.present || !m) {
      return h(
        "tr",
        {},
        h("td", {}, frameName(f)),
        h("td", { colspan: 7, class: "muted" }, "no verified rows of this channel"),
      );
    }
    const b = fr.bootstrap as unknown as Record<string, { ci95?: [number, number] | null } | null> | null;
    return h(
      "tr",
      {},
      h("td", {}, frameName(f), h("div", { class: "small muted" }, `${fr.villages.length} villages`)),
      h("td", { class: "num" }, int(m.labeled)),
      metricCell(m.precision, m.precision_ci95, b?.precision?.ci95),
      metricCell(m.recall, m.recall_ci95, b?.recall?.ci95),
      metricCell(m.miss_rate, m.miss_rate_ci95, b?.miss_rate?.ci95),
      metricCell(m.coverage, m.coverage_ci95),
      h(
        "td",
        { class: "num" },
        m.needs_missed === null ? "n/a" : `${int(m.needs_missed)} / ${int(m.labeled_positives)}`,
      ),
      h("td", { class: "flag small" }, flagsOf(m)),
    );
  });
  return h(
    "section",
    { class: "card", id: "frames" },
    h("h2", {}, "各口径总体 Each frame, overall"),
    h(
      "p",
      { class: "small muted" },
      `${int(audit.data.households)} households · ${
        int(audit.data.households - (audit.bands.counts.none ?? 0))
      } warned · model sha256 ${audit.model.sha256} · data digest ${audit.data.digest}`,
    ),
    h(
      "table",
      { class: "grid" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "口径 Frame",
            "已核实 Labeled",
            "精确率 Precision",
            "召回率 Recall",
            "漏报率 Miss rate",
            "覆盖率 Coverage",
            "漏掉的需求 Needs missed",
            "提示 Flags",
          ].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
    h(
      "p",
      { class: "small muted" },
      "n/a: the frame cannot support the figure (recall and miss rate need the households in need that were not warned, which only a full survey finds).",
    ),
  );
}

export function batchesSection(audit: AuditFile, width: number): HTMLElement {
  const batches = Object.keys(audit.batches);
  const points: IntervalPoint[] = [];
  const rows: HTMLElement[] = [];
  for (const batch of batches) {
    for (const f of FRAME_NAMES) {
      const m = audit.batches[batch][f];
      if (!m) continue;
      rows.push(
        h(
          "tr",
          {},
          h("td", {}, batch),
          h("td", {}, frameName(f)),
          h("td", { class: "num" }, int(m.labeled)),
          metricCell(m.precision, m.precision_ci95),
          metricCell(m.recall, m.recall_ci95),
          metricCell(m.coverage, m.coverage_ci95),
          h("td", { class: "flag small" }, flagsOf(m)),
        ),
      );
      if (m.precision !== null && m.precision_ci95) {
        points.push({
          label: `${batch} · ${f}`,
          value: m.precision,
          lo: m.precision_ci95[0],
          hi: m.precision_ci95[1],
          few: m.labeled_warnings < MIN_LABELED,
        });
      }
    }
  }
  return h(
    "section",
    { class: "card", id: "batches" },
    h("h2", {}, "各批次 Per batch and frame"),
    points.length > 0
      ? intervalsFigure(points, {
        label: "精确率 Precision per batch (95% Wilson; hollow: < 30 labeled warnings)",
        width,
      })
      : null,
    h(
      "table",
      { class: "grid" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "批次 Batch",
            "口径 Frame",
            "已核实 Labeled",
            "精确率 Precision",
            "召回率 Recall",
            "覆盖率 Coverage",
            "提示 Flags",
          ].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

export function driftSection(audit: AuditFile): HTMLElement {
  const d = audit.drift;
  return h(
    "section",
    { class: "card", id: "drift" },
    h("h2", {}, `批次漂移 Drift between batches (${d.channel} channel)`),
    h("p", { class: "small muted" }, `${d.population}. ${audit.method.drift.verdicts}.`),
    d.comparisons.length === 0 ? h("p", { class: "muted" }, "Fewer than two batches: nothing to compare.") : h(
      "table",
      { class: "grid" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "基线 Baseline",
            "批次 Batch",
            "户 Households",
            "得分 PSI Score PSI",
            "结论 Verdict",
            "指标大漂移 Indicators: major",
            "中等 moderate",
          ].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        d.comparisons.map((c) =>
          h(
            "tr",
            {},
            h("td", {}, c.baseline),
            h("td", {}, c.batch),
            h("td", { class: "num" }, `${c.baseline_households} → ${c.households}`),
            h("td", { class: "num" }, c.score.psi.toFixed(4)),
            h("td", { class: c.score.verdict === "stable" ? "" : "flag" }, c.score.verdict),
            h("td", { class: "small" }, c.major.join(", ") || "—"),
            h("td", { class: "small" }, c.moderate.join(", ") || "—"),
          )
        ),
      ),
    ),
    d.notes.length > 0 ? h("ul", { class: "small muted" }, d.notes.map((n) => h("li", {}, n))) : null,
  );
}

export function workloadSection(audit: AuditFile): HTMLElement {
  return h(
    "section",
    { class: "card", id: "workload" },
    h("h2", {}, "部门工作量 Department workload"),
    h("p", { class: "small muted" }, audit.method.departments),
    h(
      "table",
      { class: "grid" },
      h(
        "tbody",
        {},
        Object.entries(audit.workload).map(([d, n]) =>
          h("tr", {}, h("td", {}, departmentLabel(d)), h("td", { class: "num" }, int(n)))
        ),
      ),
    ),
  );
}

/** Which group dimension and frame the group audit shows. */
export interface GroupChoice {
  group: string;
  frame: FrameName;
}

/** The group audit's two selects, as a view whose value is the {@link GroupChoice}. */
export function groupChoiceView(audit: AuditFile): ViewElement<GroupChoice> {
  const select = h(
    "select",
    { id: "dimension" },
    audit.groups.map((g) => h("option", { value: g.id }, `${g.name_zh} ${g.name_en}`)),
  );
  const frameSelect = h(
    "select",
    { id: "group-frame" },
    FRAME_NAMES.filter((f) => audit.frames[f].present).map((f) => h("option", { value: f }, frameName(f))),
  );
  const root = h("div", {}, h("label", {}, "按 By ", select), h("label", {}, " 口径 Frame ", frameSelect));
  return Object.defineProperty(root, "value", {
    get: (): GroupChoice => ({ group: select.value, frame: frameSelect.value as FrameName }),
  }) as unknown as ViewElement<GroupChoice>;
}

type GroupRow = AuditFile["groups"][number]["rows"][number];

/** The group audit's two interval figures: warn rate, and precision in the chosen frame (first 40 groups). */
function groupFigures(g: AuditFile["groups"][number], f: FrameName, width: number): HTMLElement {
  const ref = g.rows.find((r) => r.reference);
  const warnPoints: IntervalPoint[] = g.rows.filter((r) => r.warn_rate !== null && r.warn_rate_ci95).slice(0, 40)
    .map((r) => ({
      label: r.label,
      value: r.warn_rate!,
      lo: r.warn_rate_ci95![0],
      hi: r.warn_rate_ci95![1],
      bootLo: r.warn_rate_bootstrap?.ci95?.[0] ?? null,
      bootHi: r.warn_rate_bootstrap?.ci95?.[1] ?? null,
      flagged: r.disparity.warn_rate.flagged,
    }));
  const maxWarn = Math.max(0.05, ...warnPoints.map((p) => p.hi));
  const precisionPoints: IntervalPoint[] = g.rows.map((r) => ({ r, m: r.frames[f] }))
    .filter(({ m }) => m && m.precision !== null && m.precision_ci95).slice(0, 40).map(({ r, m }) => ({
      label: r.label,
      value: m!.precision!,
      lo: m!.precision_ci95![0],
      hi: m!.precision_ci95![1],
      bootLo: m!.bootstrap?.precision?.ci95?.[0] ?? null,
      bootHi: m!.bootstrap?.precision?.ci95?.[1] ?? null,
      few: m!.labeled_warnings < MIN_LABELED,
      flagged: r.disparity.frames[f]?.precision?.flagged ?? false,
    }));
  return h(
    "div",
    { class: "figures" },
    h(
      "div",
      {},
      intervalsFigure(warnPoints, {
        label: "预警率 Warn rate (share of households warned)",
        reference: ref?.warn_rate ?? null,
        domain: [0, maxWarn],
        width,
      }),
    ),
    precisionPoints.length > 0
      ? h(
        "div",
        {},
        intervalsFigure(precisionPoints, {
          label: `精确率 Precision · ${frameName(f)}`,
          reference: ref?.frames[f]?.precision ?? null,
          width,
        }),
      )
      : h("p", { class: "muted" }, "No precision in this frame for these groups."),
  );
}

/** One row of the group table. */
function groupRow(r: GroupRow, f: FrameName): HTMLElement {
  const m = r.frames[f];
  const ratio = (d?: { ratio: number | null; flagged: boolean }) =>
    h("td", { class: `num${d?.flagged ? " flag" : ""}` }, d?.ratio == null ? "—" : d.ratio.toFixed(2));
  return h(
    "tr",
    {},
    h("td", {}, r.reference ? h("strong", {}, `${r.label} (ref)`) : r.label),
    h("td", { class: "num" }, int(r.households)),
    h("td", { class: "num" }, int(r.warnings)),
    h("td", { class: "num" }, pct(r.warn_rate, 2), h("div", { class: "small muted" }, interval(r.warn_rate_ci95))),
    ratio(r.disparity.warn_rate),
    m ? metricCell(m.precision, m.precision_ci95) : h("td", { class: "muted" }, "—"),
    ratio(r.disparity.frames[f]?.precision),
    m ? metricCell(m.false_discovery_rate, m.false_discovery_rate_ci95) : h("td", {}, "—"),
    m ? metricCell(m.miss_rate, m.miss_rate_ci95) : h("td", {}, "—"),
    h("td", { class: "flag small" }, [...r.flagged, ...(m ? m.flags : [])].join("; ")),
  );
}

/** The group audit of the chosen dimension in the chosen frame: definition, figures, table. */
export function groupsView(audit: AuditFile, choice: GroupChoice, width: number): HTMLElement {
  const g = audit.groups.find((x) => x.id === choice.group);
  if (!g) return h("p", { class: "muted" }, "No group dimension.");
  const f = choice.frame;
  const head = ["组 Group", "户 Households", "预警 Warnings", "预警率 Warn rate", "比值 Ratio"];
  const tail = ["比值 Ratio", "错误发现率 FDR", "漏报率 Miss rate", "提示 Flags"];
  return h(
    "div",
    {},
    audit.skipped_groups.length > 0
      ? h("p", { class: "small muted" }, audit.skipped_groups.map((s) => `${s.id}: ${s.reason}`).join(" · "))
      : null,
    h(
      "p",
      { class: "small muted" },
      `${g.definition} Reference group: ${g.reference} (${g.reference_rule}). Disparity = group ÷ reference, flagged (red) outside 0.8–1.25.`,
    ),
    g.rows.length > 40
      ? h("p", { class: "small muted" }, `Figures show the first 40 of ${g.rows.length} groups; the table lists all.`)
      : null,
    groupFigures(g, f, width),
    h(
      "div",
      { style: "max-height: 30em; overflow: auto" },
      h(
        "table",
        { class: "grid" },
        h("thead", {}, h("tr", {}, [...head, `精确率 Precision (${f})`, ...tail].map((t) => h("th", {}, t)))),
        h("tbody", {}, g.rows.map((r) => groupRow(r, f))),
      ),
    ),
  );
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
