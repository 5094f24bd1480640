/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The audit notebook: per frame and batch, precision with Wilson and bootstrap intervals, recall
 * and miss rate where the frame supports them, coverage; the group audit with disparity flags;
 * drift between batches; and the case list, each case opening its household's explanation. The
 * figures come from `auditOf` in src/evaluate, as `deno task audit` computes them.
 */
import "./style.css";
import { type AuditFile, auditOf } from "../src/evaluate/audit_file.ts";
import { readMemberGroups, readTowns } from "../src/evaluate/audit.ts";
import { DEFAULT_REPLICATES, DEFAULT_SEED } from "../src/evaluate/bootstrap.ts";
import { contextOf } from "../src/evaluate/context.ts";
import { FRAME_NAMES, type FrameMetrics, MIN_LABELED } from "../src/evaluate/frames.ts";
import { populationOf } from "../src/evaluate/population.ts";
import {
  categoryLabel,
  departmentLabel,
  FRAME_LABELS,
  type IntervalPoint,
  intervalsFigure,
} from "../src/report/mod.ts";
import { openPageSession } from "./lib/page.ts";
import { download, fail, h, int, interval, pct, Progress, renderHeader, show } from "./lib/ui.ts";

renderHeader("audit");
const $ = (id: string) => document.getElementById(id)!;
const state: { ready: boolean; firstChartMs?: number; audit?: AuditFile; auditMs?: number } = { ready: false };
(globalThis as Record<string, unknown>).__notebook = state;

const t0 = performance.now();
const { session, progress } = await openPageSession(state);
($("seed") as HTMLInputElement).value = String(DEFAULT_SEED);
($("replicates") as HTMLInputElement).value = String(DEFAULT_REPLICATES);

const population = populationOf(session.frame, session.compiled.coefficients, session.compiled.bands);
const context = contextOf(population, session.verified);
progress.step("读取分组 Reading towns and member groups");
const ids = population.frame.householdIds;
const towns = await readTowns(session.db, session.report.schema, ids);
const memberGroups = await readMemberGroups(session.db, session.report.schema, ids);
progress.done();

function frameName(f: string): string {
  const l = FRAME_LABELS[f];
  return l ? `${l.zh} ${l.en}` : f;
}

async function runAudit(): Promise<AuditFile> {
  const p = new Progress($("progress"));
  p.step("自助抽样 Computing the audit (village-cluster bootstrap)");
  // Let the progress line paint before the synchronous computation.
  await new Promise((ok) => setTimeout(ok, 30));
  const start = performance.now();
  try {
    const seed = Number(($("seed") as HTMLInputElement).value);
    const replicates = Number(($("replicates") as HTMLInputElement).value);
    const audit = auditOf({
      context,
      model: {
        id: session.model.id,
        version: session.model.version,
        sha256: session.modelSha256,
        file: session.modelFile,
      },
      data: { folder: session.origin.label, digest: session.report.digest },
      towns,
      memberGroups,
      bootstrap: { seed, replicates },
      driftChannel: ($("drift-channel") as HTMLSelectElement).value,
    });
    state.auditMs = performance.now() - start;
    return audit;
  } finally {
    p.done();
  }
}

function metricCell(
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

function flagsOf(m: FrameMetrics): string {
  return m.flags.map((f) => (f === "few_labeled" ? `< ${MIN_LABELED} labeled` : f.replaceAll("_", " "))).join("; ");
}

function framesSection(audit: AuditFile): HTMLElement {
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
        int(population.bands.reduce((a, b) => a + (b >= 0 ? 1 : 0), 0))
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

function batchesSection(audit: AuditFile, width: number): HTMLElement {
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

function groupsSection(audit: AuditFile, width: number): HTMLElement {
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
  const body = h("div", {});
  const draw = () => {
    const g = audit.groups.find((x) => x.id === select.value)!;
    const f = frameSelect.value as (typeof FRAME_NAMES)[number];
    const ref = g.rows.find((r) => r.reference);
    const warnPoints: IntervalPoint[] = g.rows.filter((r) => r.warn_rate !== null && r.warn_rate_ci95).slice(0, 40).map(
      (r) => ({
        label: r.label,
        value: r.warn_rate!,
        lo: r.warn_rate_ci95![0],
        hi: r.warn_rate_ci95![1],
        bootLo: r.warn_rate_bootstrap?.ci95?.[0] ?? null,
        bootHi: r.warn_rate_bootstrap?.ci95?.[1] ?? null,
        flagged: r.disparity.warn_rate.flagged,
      }),
    );
    const maxWarn = Math.max(0.05, ...warnPoints.map((p) => p.hi));
    const precisionPoints: IntervalPoint[] = g.rows.map((r) => ({ r, m: r.frames[f] })).filter(({ m }) =>
      m && m.precision !== null && m.precision_ci95
    ).slice(0, 40).map(({ r, m }) => ({
      label: r.label,
      value: m!.precision!,
      lo: m!.precision_ci95![0],
      hi: m!.precision_ci95![1],
      bootLo: m!.bootstrap?.precision?.ci95?.[0] ?? null,
      bootHi: m!.bootstrap?.precision?.ci95?.[1] ?? null,
      few: m!.labeled_warnings < MIN_LABELED,
      flagged: r.disparity.frames[f]?.precision?.flagged ?? false,
    }));
    const warnFigure = intervalsFigure(warnPoints, {
      label: "预警率 Warn rate (share of households warned)",
      reference: ref?.warn_rate ?? null,
      domain: [0, maxWarn],
      width,
    });
    show(
      body,
      h(
        "p",
        { class: "small muted" },
        `${g.definition} Reference group: ${g.reference} (${g.reference_rule}). Disparity = group ÷ reference, flagged (red) outside 0.8–1.25.`,
      ),
      g.rows.length > 40
        ? h("p", { class: "small muted" }, `Figures show the first 40 of ${g.rows.length} groups; the table lists all.`)
        : null,
      h(
        "div",
        { class: "figures" },
        h("div", {}, warnFigure),
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
      ),
      h(
        "div",
        { style: "max-height: 30em; overflow: auto" },
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
                "组 Group",
                "户 Households",
                "预警 Warnings",
                "预警率 Warn rate",
                "比值 Ratio",
                `精确率 Precision (${f})`,
                "比值 Ratio",
                "错误发现率 FDR",
                "漏报率 Miss rate",
                "提示 Flags",
              ].map((t) => h("th", {}, t)),
            ),
          ),
          h(
            "tbody",
            {},
            g.rows.map((r) => {
              const m = r.frames[f];
              const ratio = (d?: { ratio: number | null; flagged: boolean }) =>
                h("td", { class: `num${d?.flagged ? " flag" : ""}` }, d?.ratio == null ? "—" : d.ratio.toFixed(2));
              return h(
                "tr",
                {},
                h("td", {}, r.reference ? h("strong", {}, `${r.label} (ref)`) : r.label),
                h("td", { class: "num" }, int(r.households)),
                h("td", { class: "num" }, int(r.warnings)),
                h(
                  "td",
                  { class: "num" },
                  pct(r.warn_rate, 2),
                  h("div", { class: "small muted" }, interval(r.warn_rate_ci95)),
                ),
                ratio(r.disparity.warn_rate),
                m ? metricCell(m.precision, m.precision_ci95) : h("td", { class: "muted" }, "—"),
                ratio(r.disparity.frames[f]?.precision),
                m ? metricCell(m.false_discovery_rate, m.false_discovery_rate_ci95) : h("td", {}, "—"),
                m ? metricCell(m.miss_rate, m.miss_rate_ci95) : h("td", {}, "—"),
                h("td", { class: "flag small" }, [...r.flagged, ...(m ? m.flags : [])].join("; ")),
              );
            }),
          ),
        ),
      ),
    );
  };
  select.addEventListener("change", draw);
  frameSelect.addEventListener("change", draw);
  draw();
  return h(
    "section",
    { class: "card", id: "groups" },
    h("h2", {}, "分组审计 Group audit"),
    h("div", { class: "toolbar" }, h("label", {}, "按 By ", select), h("label", {}, "口径 Frame ", frameSelect)),
    audit.skipped_groups.length > 0
      ? h("p", { class: "small muted" }, audit.skipped_groups.map((s) => `${s.id}: ${s.reason}`).join(" · "))
      : null,
    body,
  );
}

function driftSection(audit: AuditFile): HTMLElement {
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

function workloadSection(audit: AuditFile): HTMLElement {
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

/** The case list: every verified row with the household's score and band under this model. */
function cases() {
  const out = session.verified.map((r) => {
    const i = session.position.get(r.household_id)!;
    const band = population.bands[i];
    return {
      household_id: r.household_id,
      village: population.frame.villages[i],
      category: population.frame.categories[i],
      batch: r.batch,
      channel: r.channel,
      need: r.need,
      assistance: r.assistance ?? null,
      amount_yuan: r.amount_yuan ?? null,
      per_capita: population.perCapita[i],
      band: band >= 0 ? population.bandCuts[band].id : null,
    };
  });
  return out.sort((a, b) => b.per_capita - a.per_capita || (a.household_id < b.household_id ? -1 : 1));
}

function casesSection(): HTMLElement {
  const all = cases();
  const batch = h(
    "select",
    {},
    h("option", { value: "" }, "all batches"),
    [...new Set(all.map((c) => c.batch))].sort().map((b) => h("option", {}, b)),
  );
  const channel = h(
    "select",
    {},
    h("option", { value: "" }, "all channels"),
    FRAME_NAMES.map((f) => h("option", {}, f)),
  );
  const outcome = h(
    "select",
    {},
    h("option", { value: "" }, "all outcomes"),
    h("option", { value: "fp" }, "warned, no need (false positives)"),
    h("option", { value: "tp" }, "warned, in need"),
    h("option", { value: "missed" }, "in need, not warned"),
  );
  const body = h("div", {});
  const filtered = () =>
    all.filter((c) =>
      (batch.value === "" || c.batch === batch.value) && (channel.value === "" || c.channel === channel.value) &&
      (outcome.value === "" || (outcome.value === "fp" && c.band !== null && !c.need) ||
        (outcome.value === "tp" && c.band !== null && c.need) ||
        (outcome.value === "missed" && c.band === null && c.need))
    );
  const draw = () => {
    const rows = filtered();
    show(
      body,
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
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              [
                "户 Household",
                "村 Village",
                "类别 Category",
                "批次 Batch",
                "渠道 Channel",
                "需要 Need",
                "救助 Assistance",
                "人均得分 Score",
                "档 Band",
              ].map((t) => h("th", {}, t)),
            ),
          ),
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
  };
  for (const s of [batch, channel, outcome]) s.addEventListener("change", draw);
  draw();
  return h(
    "section",
    { class: "card", id: "cases" },
    h("h2", {}, "个案清单 Case list"),
    h("div", { class: "toolbar" }, batch, channel, outcome),
    body,
  );
}

function csv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "";
  const cols = Object.keys(rows[0]);
  const field = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const t = String(v);
    return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => field(r[c])).join(","))].join("\n") + "\n";
}

async function render(): Promise<void> {
  try {
    const audit = await runAudit();
    state.audit = audit;
    const width = Math.max(420, Math.min(700, ($("audit").clientWidth || 900) / 2 - 40));
    show(
      $("audit"),
      audit.notes.length > 0
        ? h(
          "div",
          { class: "card small" },
          h("strong", {}, "说明 Notes: "),
          h("ul", {}, audit.notes.map((n) => h("li", {}, n))),
        )
        : null,
      framesSection(audit),
      batchesSection(audit, width),
      groupsSection(audit, width),
      driftSection(audit),
      workloadSection(audit),
      casesSection(),
      h(
        "p",
        { class: "small muted" },
        `Computed in ${
          (state.auditMs ?? 0).toFixed(0)
        } ms with bootstrap seed ${audit.method.bootstrap.seed}, ${audit.method.bootstrap.replicates} replicates.`,
      ),
    );
    state.firstChartMs ??= performance.now() - t0;
  } catch (error) {
    fail($("error"), error);
  }
}

$("options").hidden = false;
$("rerun").addEventListener("click", () => void render());
$("export-json").addEventListener(
  "click",
  () => state.audit && download("audit.json", JSON.stringify(state.audit, null, 2) + "\n"),
);
$("export-cases").addEventListener("click", () => download("cases.csv", csv(cases()), "text/csv"));
$("export-html").addEventListener("click", async () => {
  if (!state.audit) return;
  try {
    // The command line's report builder, loaded only when asked for (it draws on its own document).
    const { auditHtml } = await import("../src/report/audit_html.ts");
    download("audit.html", auditHtml(state.audit), "text/html");
  } catch (error) {
    fail($("error"), error);
  }
});
await render();
state.ready = true;
