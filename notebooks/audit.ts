/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The audit notebook, as a graph of cells (lib/cells.ts): session → population and evaluation
 * context → towns and member groups (SQL) → the options (a view: seed, replicates, drift channel;
 * applied with "Re-run") → the audit (`auditOf` in src/evaluate, as `deno task audit` computes
 * it) → one cell per section; the group audit and the case list each with their own view.
 */
import "./style.css";
import { toCsv } from "../src/base/csv.ts";
import { type AuditFile, auditOf } from "../src/evaluate/audit_file.ts";
import { type MemberGroups, readMemberGroups, readTowns } from "../src/evaluate/audit.ts";
import { DEFAULT_REPLICATES, DEFAULT_SEED } from "../src/evaluate/bootstrap.ts";
import { contextOf, type EvaluationContext } from "../src/evaluate/context.ts";
import { type Population, populationOf } from "../src/evaluate/population.ts";
import { auditReport, type Report } from "../src/report/mod.ts";
import {
  type AuditCase,
  type CaseFilter,
  caseFilterView,
  caseListView,
  casesOf,
  filterCases,
  type GroupChoice,
  groupChoiceView,
  oneDimension,
} from "./lib/audit_view.ts";
import { renderSection } from "./lib/render.ts";
import { notebook, quiet, view, type ViewElement } from "./lib/cells.ts";
import { stagedPageSession } from "./lib/page.ts";
import type { Session } from "./lib/session.ts";
import { download, fail, h, Progress, renderHeader } from "./lib/ui.ts";

renderHeader("audit");
const $ = (id: string) => document.getElementById(id)!;

/** The audit's settings, from the options bar. */
interface AuditOptions {
  seed: number;
  replicates: number;
  driftChannel: string;
}

/** The page's cells and their values. */
interface Cells {
  session: Session;
  population: Population;
  context: EvaluationContext;
  groupData: { towns: (string | null)[] | null; memberGroups: MemberGroups };
  options: ViewElement<AuditOptions>;
  settings: AuditOptions;
  audit: AuditFile;
  width: number;
  report: Report;
  method: HTMLElement;
  overall: HTMLElement;
  batches: HTMLElement;
  workload: HTMLElement;
  drift: HTMLElement;
  notes: HTMLElement;
  groupChoice: ViewElement<GroupChoice>;
  choice: GroupChoice;
  groups: HTMLElement;
  cases: AuditCase[];
  caseFilter: ViewElement<CaseFilter>;
  filter: CaseFilter;
  caseList: HTMLElement;
  exports: number;
}
// Ready (for tests and the benchmark) once the figures are the live session's, validated in this browser.
const page = notebook<Cells>("audit", {
  readyWhen: { cell: "session", when: (s) => (s as Session).stage === "live" },
});
const { cell } = page;

// First the build's preview (on the demo county), then the session validated in this browser.
cell("session", [], async function* () {
  yield* stagedPageSession(page.hook, page.drawn);
});
cell("population", ["session"], (s) => populationOf(s.frame, s.compiled.coefficients, s.compiled.bands));
cell("context", ["session", "population"], (s, population) => contextOf(population, s.verified));
cell("groupData", ["session", "population"], async (session, population) => {
  // The preview has no tables to query: the build read the towns and member groups with the same code,
  // from the same files (also those of a live session of the served copy, validated here to the build's report).
  if (session.built?.groups) return session.built.groups;
  const progress = new Progress($("progress"));
  progress.step("读取分组 Reading towns and member groups");
  try {
    const ids = population.frame.householdIds;
    const towns = await readTowns(session.db, session.report.schema, ids);
    return { towns, memberGroups: await readMemberGroups(session.db, session.report.schema, ids) };
  } finally {
    progress.done();
  }
});

// The options: a view over the options bar; its value changes when "Re-run" is pressed.
cell("options", ["session"], () => {
  const root = $("options") as unknown as ViewElement<AuditOptions>;
  const input = (id: string) => $(id) as HTMLInputElement;
  input("seed").value = String(DEFAULT_SEED);
  input("replicates").value = String(DEFAULT_REPLICATES);
  Object.defineProperty(root, "value", {
    configurable: true,
    get: (): AuditOptions => ({
      seed: Number(input("seed").value),
      replicates: Number(input("replicates").value),
      driftChannel: ($("drift-channel") as HTMLSelectElement).value,
    }),
  });
  quiet(...root.querySelectorAll("input, select"));
  $("rerun").onclick = () => root.dispatchEvent(new Event("input", { bubbles: true }));
  root.hidden = false;
  return root;
});
cell("settings", ["options"], (options) => view(options));

cell("audit", ["session", "context", "groupData", "settings"], async (session, context, groupData, settings) => {
  const progress = new Progress($("progress"));
  progress.step("自助抽样 Computing the audit (village-cluster bootstrap)");
  // Let the progress line paint before the synchronous computation.
  await new Promise((ok) => setTimeout(ok, 30));
  const start = performance.now();
  try {
    const { model } = session;
    const audit = auditOf({
      context,
      model: { id: model.id, version: model.version, sha256: session.modelSha256, file: session.modelFile },
      data: { folder: session.origin.label, digest: session.report.digest },
      ...groupData,
      bootstrap: { seed: settings.seed, replicates: settings.replicates },
      driftChannel: settings.driftChannel,
    });
    $("audit-timing").textContent = `Computed in ${
      (performance.now() - start).toFixed(0)
    } ms with bootstrap seed ${audit.method.bootstrap.seed}, ${audit.method.bootstrap.replicates} replicates.`;
    return audit;
  } finally {
    progress.done();
  }
}, { compute: true });
cell("width", ["session"], () => Math.max(420, Math.min(700, ($("audit").clientWidth || 900) / 2 - 40)));

// The sections: the report view-model of src/report (the same tree `deno task audit` writes as
// audit.html), each section drawn by its DOM renderer (lib/render.ts); groups one dimension at a time.
cell("report", ["audit"], (audit) => auditReport(audit), { compute: true });
/** Report section id → the page's container for it. */
const SECTIONS = [
  ["method", "report-method"],
  ["overall", "frames"],
  ["batches", "report-batches"],
  ["workload", "report-workload"],
  ["drift", "report-drift"],
  ["notes", "report-notes"],
] as const;
for (const [id, container] of SECTIONS) {
  cell(id, ["report", "width"], (report, width) => {
    const found = report.sections.find((s) => s.id === id);
    return found ? renderSection(found, document, { width }) : h("div", {});
  }, { figure: true, show: container });
}
cell("groupChoice", ["audit"], (audit) => {
  $("group-choice").hidden = audit.groups.length === 0;
  return groupChoiceView(audit);
}, { show: "group-choice" });
cell("choice", ["groupChoice"], (groupChoice) => view(groupChoice));
cell("groups", ["report", "choice", "width"], (report, choice, width) => {
  const groups = report.sections.find((s) => s.id === "groups");
  return groups ? renderSection(oneDimension(groups, choice), document, { width }) : h("div", {});
}, { figure: true, show: "report-groups" });
cell(
  "cases",
  ["session", "population"],
  (session, population) => casesOf(session.verified, population, session.position),
);
cell("caseFilter", ["cases"], (cases) => {
  $("cases").hidden = false;
  return caseFilterView(cases);
}, { show: "case-filter" });
cell("filter", ["caseFilter"], (caseFilter) => view(caseFilter));
cell("caseList", ["cases", "filter"], (cases, filter) => caseListView(filterCases(cases, filter)), {
  figure: true,
  show: "case-list",
});

// Exports: the audit as the command line writes it, its HTML report, the case list.
cell("exports", ["audit", "cases"], (audit, cases) => {
  $("export-json").onclick = () => download("audit.json", JSON.stringify(audit, null, 2) + "\n");
  $("export-cases").onclick = () =>
    download("cases.csv", csv(cases as unknown as Record<string, unknown>[]), "text/csv");
  $("export-html").onclick = async () => {
    try {
      // The command line's report builder, loaded only when asked for (it draws on its own document).
      const { auditHtml } = await import("../src/report/audit_html.ts");
      download("audit.html", auditHtml(audit), "text/html");
    } catch (error) {
      fail($("error"), error);
    }
  };
  return cases.length;
});

/** The case list as CSV (the one CSV writer, src/base/csv.ts); empty without cases, as before. */
function csv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]);
  return toCsv(columns, rows.map((r) => columns.map((c) => r[c])));
}
