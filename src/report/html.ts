/**
 * Renderer 1 of the report view-model: one self-contained HTML file (inline CSS, inline SVG, no
 * script, no external asset). Everything goes through one tagged template, {@link markup}, which
 * escapes every interpolated value; the only markup it passes through unescaped is markup it made
 * itself and the SVG that Observable Plot draws on a server-side (linkedom) document.
 *
 * ```ts
 * import { markup, markupText } from "./html.ts";
 *
 * const village = "<img src=x onerror=alert(1)>";
 * console.log(markupText(markup`<td>${village}</td>`)); // <td>&lt;img src=x onerror=alert(1)&gt;</td>
 * // a whole report: renderHtml(auditReport(auditFile))
 * ```
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import type { PlotDocument } from "./_options.ts";
import { FRAME_TITLES, type Label, labelText } from "./labels.ts";
import { alignOf, type Block, type Cell, cellText, type Column, isFlags, type Report, type Section } from "./view.ts";

const TRUSTED = Symbol("trusted markup");

/** Markup made by {@link markup} (or Plot's SVG): passed through unescaped when interpolated. */
export interface Markup {
  readonly [TRUSTED]: string;
}

function trusted(text: string): Markup {
  return { [TRUSTED]: text };
}

function isMarkup(value: unknown): value is Markup {
  return typeof value === "object" && value !== null && TRUSTED in value;
}

/** Escapes text for HTML content and attribute values: `& < > " '`. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** What {@link markup} accepts: markup, text and numbers (escaped), arrays of them, or nothing. */
export type MarkupValue = Markup | string | number | boolean | null | undefined | readonly MarkupValue[];

function part(value: MarkupValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(part).join("");
  if (isMarkup(value)) return value[TRUSTED];
  return escapeHtml(value);
}

/** The one template: markup`<p class="${cls}">${text}</p>` escapes `cls` and `text`. */
export function markup(strings: TemplateStringsArray, ...values: MarkupValue[]): Markup {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return trusted(out);
}

/** The text of {@link Markup}. */
export function markupText(value: Markup): string {
  return value[TRUSTED];
}

let shared: PlotDocument | undefined;

/** A server-side document Plot can draw on (one per process). */
export function serverDocument(): PlotDocument {
  shared ??= (parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: PlotDocument }).document;
  return shared;
}

/** A Plot spec drawn as SVG on a document: the only markup from outside this module let through. */
export function plotSvg(spec: Plot.PlotOptions, document: PlotDocument = serverDocument()): Markup {
  const figure = Plot.plot({ ...spec, document }) as unknown as { outerHTML: string };
  return trusted(figure.outerHTML);
}

// ---------------------------------------------------------------- blocks

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"] as const;

function heading(level: number, title: Label, id?: string, frame?: string): Markup {
  const tag = trusted(HEADINGS[Math.min(6, level) - 1]);
  const anchor = id ? markup` id="${id}"` : "";
  const frameTag = frame ? markup` <span class="frame">[口径 frame: ${frame}]</span>` : "";
  return markup`<${tag}${anchor}>${title.zh} <span class="en">${title.en}</span>${frameTag}</${tag}>`;
}

function cell(c: Cell, col: Column): Markup {
  if (isFlags(c)) return markup`<td>${c.flags.map((f) => markup`<span class="badge warn">${f}</span>`)}</td>`;
  const text = cellText(c, col.kind);
  return alignOf(col) === "right" ? markup`<td class="n">${text}</td>` : markup`<td>${text}</td>`;
}

function tableMarkup(columns: Column[], rows: Record<string, Cell>[]): Markup {
  const head = columns.map((c) => markup`<th>${labelText(c.label)}</th>`);
  const body = rows.map((r) => markup`<tr>${columns.map((c) => cell(r[c.key] ?? null, c))}</tr>${"\n"}`);
  return markup`<table><thead><tr>${head}</tr></thead><tbody>${"\n"}${body}</tbody></table>`;
}

function paragraphMarkup(text: string, style: "plain" | "note" | "frame" | undefined): Markup {
  if (style === "frame") return markup`<p><span class="frame">[口径 frame: ${text}]</span></p>`;
  return style === "note" ? markup`<p class="note">${text}</p>` : markup`<p>${text}</p>`;
}

function blockMarkup(block: Block, level: number, document: PlotDocument): Markup {
  switch (block.kind) {
    case "paragraph":
      return paragraphMarkup(block.text, block.style);
    case "list":
      return markup`<ul>${block.items.map((i) => markup`<li>${i}</li>`)}</ul>`;
    case "code":
      return markup`<pre class="note">${block.text}</pre>`;
    case "facts":
      return markup`<dl class="facts">${
        block.items.map((f) => markup`<dt>${labelText(f.label)}</dt><dd>${f.value}</dd>`)
      }</dl>`;
    case "table":
      return tableMarkup(block.columns, block.rows);
    case "figure":
      return markup`<figure>${plotSvg(block.plot, document)}<figcaption>${block.caption}</figcaption></figure>`;
    case "details":
      return markup`<details><summary>${block.summary}</summary>${
        blocksMarkup(block.blocks, level, document)
      }</details>`;
    case "section":
      return sectionMarkup(block.section, level + 1, document);
  }
}

function blocksMarkup(blocks: readonly Block[], level: number, document: PlotDocument): Markup {
  return markup`${blocks.map((b) => [blockMarkup(b, level, document), "\n"])}`;
}

function sectionMarkup(section: Section, level: number, document: PlotDocument): Markup {
  const frame = section.frame ? labelText(FRAME_TITLES[section.frame]) : undefined;
  const notes = (section.notes ?? []).map((n) => [markup`<p class="note">${n}</p>`, "\n"]);
  return markup`${heading(level, section.title, section.id, frame)}${"\n"}${notes}${
    blocksMarkup(section.blocks, level, document)
  }`;
}

const CSS = trusted(`
body{font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fff}
main{max-width:1100px;margin:0 auto;padding:24px 28px 64px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid #e5e5e5;padding-bottom:4px}
h3{font-size:16px;margin:22px 0 6px}h4{font-size:14px;margin:16px 0 4px}
.en{color:#666;font-weight:normal}
table{border-collapse:collapse;margin:8px 0 14px;font-size:12.5px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f5f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:3px;padding:0 5px;margin:0 2px;font-size:11px}
.badge.warn{background:#fde2e1;color:#9b1c1c}.badge.info{background:#e8f0fe;color:#1a4fa0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
.facts dt{color:#555}.facts dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.note{color:#444;background:#fafafa;border-left:3px solid #bbb;padding:6px 10px;margin:8px 0}
.frame{font-size:12px;color:#1a4fa0}
figure{margin:10px 0 18px}figcaption{font-size:12.5px;color:#444}
details{margin:6px 0 12px}summary{cursor:pointer;color:#1a4fa0}
svg{max-width:100%;height:auto}
`);

/** Options of {@link renderHtml}. */
export interface RenderHtmlOptions {
  /** The document Plot draws on: linkedom's by default (pass the page's in a browser). */
  document?: PlotDocument;
}

/** A report as one self-contained HTML file. */
export function renderHtml(report: Report, options: RenderHtmlOptions = {}): string {
  const document = options.document ?? serverDocument();
  const { zh, en } = report.title;
  const body = report.sections.map((s) => sectionMarkup(s, 2, document));
  const lines = [
    "<!doctype html>",
    '<html lang="zh-CN">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    markup`<title>${zh} ${en}</title>`,
    markup`<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<main>",
    markup`<h1>${zh} <span class="en">${en}</span></h1>`,
    markup`${body}`,
    "</main>",
    "</body>",
    "</html>",
    "",
  ];
  return lines.map((l) => (typeof l === "string" ? l : markupText(l))).join("\n");
}
