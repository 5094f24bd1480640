/**
 * The report view-model: the builders give a tree of sections, tables and Plot specs (no DOM), and
 * both renderers show every section, table and figure of it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { readOutput } from "../../src/contract/outputs.ts";
import type { AuditFile } from "../../src/evaluate/audit_file.ts";
import { renderHtml } from "../../src/report/html.ts";
import { auditReport, type Block, type Report, type Section } from "../../src/report/mod.ts";
import { renderDom } from "../../notebooks/lib/render.ts";

/** audit.json of the sample, as `deno task audit` writes it. */
function sampleAudit(): AuditFile {
  const out = mkdtempSync(join(tmpdir(), "view-"));
  const args = ["--data", "data/sample", "--model", "models/county-default.json", "--out", out, "--replicates", "20"];
  const r = spawnSync(process.execPath, ["run", "-A", "scripts/audit.ts", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return readOutput("audit.json", readFileSync(join(out, "audit.json"), "utf8")) as AuditFile;
}

function blocks(report: Report): Block[] {
  const out: Block[] = [];
  const walk = (s: Section) => {
    for (const b of s.blocks) {
      out.push(b);
      if (b.kind === "section") walk(b.section);
      if (b.kind === "details") { for (const d of b.blocks) d.kind === "section" ? walk(d.section) : out.push(d); }
    }
  };
  report.sections.forEach(walk);
  return out;
}

describe("report view-model", () => {
  const audit = sampleAudit();
  const report = auditReport(audit);
  const all = blocks(report);

  it("auditReport gives the audit's sections in order, each with a bilingual title", () => {
    const ids = [
      "method",
      "overall",
      "batches",
      "workload",
      "groups",
      "drift",
      ...(audit.notes.length ? ["notes"] : []),
    ];
    expect(report.sections.map((s) => s.id)).toEqual(ids);
    for (const s of report.sections) expect(s.title.zh && s.title.en).toBeTruthy();
    const groups = report.sections.find((s) => s.id === "groups")!;
    const dimensions = groups.blocks.flatMap((b) => (b.kind === "section" ? [b.section.id] : []));
    expect(dimensions.slice(0, audit.groups.length)).toEqual(audit.groups.map((g) => `group-${g.id}`));
  });

  it("figures are Plot specs without a document, tables have a cell for every column", () => {
    const figures = all.filter((b) => b.kind === "figure");
    expect(figures.length).toBeGreaterThan(5);
    for (const f of figures) expect(f.plot.document).toBeUndefined();
    for (const t of all.filter((b) => b.kind === "table")) {
      for (const row of t.rows) for (const c of t.columns) expect(c.key in row).toBe(true);
    }
  });

  it("renderHtml and renderDom show every section, table and figure", () => {
    const figures = all.filter((b) => b.kind === "figure").length;
    const tables = all.filter((b) => b.kind === "table").length;
    const page = parseHTML(renderHtml(report)).document;
    expect(page.querySelectorAll("figure svg").length).toBe(figures);
    expect(page.querySelectorAll("table").length).toBe(tables);
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    document.body.append(renderDom(report, document as unknown as Document));
    expect(document.querySelectorAll("figure svg").length).toBe(figures);
    expect(document.querySelectorAll("table").length).toBe(tables);
    expect(document.querySelectorAll("section.card").length).toBe(report.sections.length);
    expect(page.querySelector("h2#overall")?.textContent).toBe(document.querySelector("#overall")?.textContent);
  });
});
