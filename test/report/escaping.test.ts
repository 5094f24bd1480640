/**
 * A village name is data, and the reports are opened by officials: HTML payloads in village, town,
 * department, category and indicator names must come out as text — escaped in the command line's
 * HTML files, text nodes in the pages' DOM — and never as an element.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { beforeAll, describe, expect, it } from "vitest";
import { readOutput } from "../../src/contract/outputs.ts";
import type { AuditFile } from "../../src/evaluate/audit_file.ts";
import type { CompareFile } from "../../src/evaluate/compare.ts";
import { escapeHtml, markup, markupText, renderHtml } from "../../src/report/html.ts";
import { auditReport, comparisonReport, type Report } from "../../src/report/mod.ts";
import { renderDom } from "../../notebooks/lib/render.ts";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "</script><script>alert(2)</script>";
const QUOTES = `"'&amp;`;
const VILLAGE_IMG = `鲁家桥村${IMG}`;
const VILLAGE_SCRIPT = `徐家湾村${SCRIPT}`;
const VILLAGE_QUOTES = `茶园村${QUOTES}`;
const TOWN = `王店镇<img src=y onerror=alert(3)>`;
const DEPARTMENT = `<img src=z onerror=alert(4)>民政`;
const INDICATOR_NAME = `<script>alert(5)</script>`;
const PAYLOADS = [VILLAGE_IMG, VILLAGE_SCRIPT, VILLAGE_QUOTES, TOWN, DEPARTMENT];

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** data/sample with payloads as village and town names. */
function payloadDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), "escape-ds-"));
  const households = readFileSync("data/sample/households.csv", "utf8").split("\n").map((line) =>
    line.split(",").map((cell, i) => {
      if (i === 1 && cell === "王店镇") return csvField(TOWN);
      if (i !== 2) return cell;
      const named: Record<string, string> = { 鲁家桥村: VILLAGE_IMG, 徐家湾村: VILLAGE_SCRIPT, 茶园村: VILLAGE_QUOTES };
      return named[cell] ? csvField(named[cell]) : cell;
    }).join(",")
  ).join("\n");
  writeFileSync(join(dir, "households.csv"), households);
  for (const f of ["members.csv", "verified.csv", "dataset.json"]) {
    writeFileSync(join(dir, f), readFileSync(join("data/sample", f)));
  }
  return dir;
}

/** The default model with a payload as a department and as indicator names, its lowest band 2 points lower. */
function payloadModel(): string {
  const model = JSON.parse(readFileSync("models/county-default.json", "utf8"));
  model.bands[model.bands.length - 1].min -= 2;
  for (const i of model.indicators) {
    if (i.department === "civil_affairs") i.department = DEPARTMENT;
    i.name_zh = INDICATOR_NAME;
  }
  const file = join(mkdtempSync(join(tmpdir(), "escape-model-")), "model.json");
  writeFileSync(file, JSON.stringify(model));
  return file;
}

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `scripts/${script}.ts`, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
}

/** Elements in a page that no report makes: any of them means data became markup. */
function injected(doc: { querySelectorAll(s: string): ArrayLike<unknown> }): number {
  return doc.querySelectorAll("img, script, iframe, object, embed").length;
}

/** Asserts the payloads are in the page only escaped, and none became an element. */
function expectEscaped(page: string, payloads: readonly string[]) {
  expect(page).not.toMatch(/<img/i);
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/onerror=alert\(\d\)>/);
  const { document } = parseHTML(page);
  expect(injected(document)).toBe(0);
  const text = document.body.textContent ?? "";
  for (const p of payloads) {
    expect(page).toContain(escapeHtml(p));
    expect(text).toContain(p);
  }
}

describe("escaping: the command-line reports", () => {
  const out = mkdtempSync(join(tmpdir(), "escape-out-"));
  let data = "", model = "";
  beforeAll(() => {
    data = payloadDataset();
    model = payloadModel();
  });

  it("audit.html shows payloads in village, town and department names as text", () => {
    run("audit", "--data", data, "--model", model, "--out", join(out, "audit"), "--replicates", "50");
    const page = readFileSync(join(out, "audit", "audit.html"), "utf8");
    expectEscaped(page, PAYLOADS);
    // The village names also reach the figures (Plot's SVG), escaped there too.
    const svg = page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svg.some((s) => s.includes(escapeHtml(VILLAGE_IMG)))).toBe(true);
    const audit = readOutput("audit.json", readFileSync(join(out, "audit", "audit.json"), "utf8"));
    expect(audit.groups.find((g) => g.id === "village")?.rows.map((r) => r.label)).toContain(VILLAGE_SCRIPT);
  });

  it("comparison.html shows payloads in village and department names as text", () => {
    run(
      "compare",
      "--data",
      data,
      "--model",
      "models/county-default.json",
      "--model",
      model,
      "--out",
      join(out, "cmp"),
    );
    const page = readFileSync(join(out, "cmp", "comparison.html"), "utf8");
    expectEscaped(page, [VILLAGE_IMG, VILLAGE_SCRIPT, VILLAGE_QUOTES, DEPARTMENT]);
    const file = readOutput("comparison.json", readFileSync(join(out, "cmp", "comparison.json"), "utf8"));
    expect(file.changes.length).toBeGreaterThan(0);
  });

  it("calibration.html shows a payload department as text", () => {
    run(
      "calibrate",
      ...[
        "--data",
        data,
        "--model",
        model,
        "--out",
        join(out, "cal"),
        "--target-precision",
        "0.2",
        "--frame",
        "warning",
      ],
      ...["--replicates", "50"],
    );
    const page = readFileSync(join(out, "cal", "calibration.html"), "utf8");
    expectEscaped(page, [DEPARTMENT]);
    readOutput("calibration.json", readFileSync(join(out, "cal", "calibration.json"), "utf8"));
  });

  it("a category name that is markup (from a hand-edited comparison.json) is escaped too", () => {
    const file = JSON.parse(readFileSync(join(out, "cmp", "comparison.json"), "utf8")) as CompareFile;
    file.by_category[0].category = IMG;
    file.changes[0].category = SCRIPT;
    expectEscaped(renderHtml(comparisonReport(file)), [IMG, SCRIPT]);
  });

  it("renderDom builds the same reports with the payloads as text nodes only", () => {
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    const audit = JSON.parse(readFileSync(join(out, "audit", "audit.json"), "utf8")) as AuditFile;
    const compare = JSON.parse(readFileSync(join(out, "cmp", "comparison.json"), "utf8")) as CompareFile;
    compare.by_category[0].category = IMG;
    for (const report of [auditReport(audit), comparisonReport(compare)]) {
      const node = renderDom(report, document as unknown as Document);
      document.body.replaceChildren(node);
      expect(injected(document)).toBe(0);
      expect(document.body.innerHTML).not.toMatch(/<img|<script/i);
    }
    const text = document.body.textContent ?? "";
    expect(text).toContain(IMG);
    expect(text).toContain(VILLAGE_SCRIPT);
    expect(text).toContain(DEPARTMENT);
  });
});

describe("escaping: the template and the renderers", () => {
  const report: Report = {
    title: { zh: IMG, en: SCRIPT },
    sections: [{
      id: `x" onmouseover="alert(6)`,
      title: { zh: QUOTES, en: IMG },
      notes: [SCRIPT],
      blocks: [
        { kind: "paragraph", text: IMG, style: "frame" },
        { kind: "facts", items: [{ label: { zh: IMG, en: QUOTES }, value: SCRIPT }] },
        {
          kind: "table",
          columns: [{ key: "v", label: { zh: IMG, en: "" }, kind: "text" }, {
            key: "f",
            label: { zh: "f", en: "" },
            kind: "flag",
          }],
          rows: [{ v: IMG, f: { flags: [SCRIPT] } }],
        },
        { kind: "list", items: [IMG] },
        { kind: "code", text: SCRIPT },
        { kind: "details", summary: IMG, blocks: [{ kind: "paragraph", text: QUOTES }] },
      ],
    }],
  };

  it("markup escapes & < > \" ' in every interpolated value", () => {
    expect(markupText(markup`<td title="${`"'&<>`}">${"<b>&</b>"}</td>`)).toBe(
      '<td title="&quot;&#39;&amp;&lt;&gt;">&lt;b&gt;&amp;&lt;/b&gt;</td>',
    );
  });

  it("renderHtml escapes every kind of block, attribute values included", () => {
    const page = renderHtml(report);
    expectEscaped(page, [IMG, SCRIPT, QUOTES]);
    const { document } = parseHTML(page);
    expect(document.querySelector("[onmouseover]")).toBeNull();
    expect(document.querySelector("h2")?.getAttribute("id")).toBe(`x" onmouseover="alert(6)`);
  });

  it("renderDom sets every value as text", () => {
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    document.body.append(renderDom(report, document as unknown as Document));
    expect(injected(document)).toBe(0);
    expect(document.querySelector("[onmouseover]")).toBeNull();
    expect(document.querySelector("td")?.textContent).toBe(IMG);
    expect(document.querySelector(".badge")?.textContent).toBe(SCRIPT);
    expect(document.querySelector("pre")?.textContent).toBe(SCRIPT);
  });
});
