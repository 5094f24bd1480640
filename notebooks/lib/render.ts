/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Renderer 2 of the report view-model (src/report/view.ts): the same report as DOM for the pages.
 * Every value becomes text (`textContent`, attributes through `setAttribute`); figures are drawn
 * by Observable Plot on the given document. Pass the page's `document`, or linkedom's in tests.
 *
 * ```ts
 * import { auditReport } from "../../src/report/mod.ts";
 * import { renderDom } from "./render.ts";
 * // container.replaceChildren(renderDom(auditReport(audit), document));
 * ```
 */
import * as Plot from "@observablehq/plot";
import type { PlotDocument } from "../../src/report/_options.ts";
import { FRAME_TITLES, labelText } from "../../src/report/labels.ts";
import {
  alignOf,
  type Block,
  type Cell,
  cellText,
  type Column,
  isFlags,
  type Label,
  type Report,
  type Section,
} from "../../src/report/view.ts";

/** What the renderer needs of a document (the page's, or linkedom's). */
export type RenderDocument = Pick<Document, "createElement" | "createTextNode">;

/** Options of {@link renderDom} and {@link renderSection}. */
export interface RenderDomOptions {
  /** Heading level of the report's sections (default 2). */
  level?: number;
  /** Width of the figures, in pixels (default: each spec's own). */
  width?: number;
  /** Show the report's title (default true; the pages often have their own). */
  title?: boolean;
}

function el<K extends keyof HTMLElementTagNameMap>(
  doc: RenderDocument,
  tag: K,
  className?: string,
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.setAttribute("class", className);
  for (const c of children) {
    if (c === null) continue;
    node.append(typeof c === "string" ? doc.createTextNode(c) : c);
  }
  return node;
}

function heading(doc: RenderDocument, level: number, title: Label, section: Section): HTMLElement {
  const tag = `h${Math.min(6, Math.max(1, level))}` as "h2";
  const h = el(doc, tag, undefined, title.zh, " ", el(doc, "span", "en", title.en));
  if (section.frame) h.append(" ", el(doc, "span", "frame", `[口径 frame: ${labelText(FRAME_TITLES[section.frame])}]`));
  if (section.id) h.setAttribute("id", section.id);
  return h;
}

function cell(doc: RenderDocument, c: Cell, col: Column): HTMLTableCellElement {
  const td = el(doc, "td", alignOf(col) === "right" ? "num" : undefined);
  if (isFlags(c)) { for (const f of c.flags) td.append(el(doc, "span", "badge warn flag", f)); }
  else td.textContent = cellText(c, col.kind);
  return td;
}

function tableDom(doc: RenderDocument, columns: Column[], rows: Record<string, Cell>[]): HTMLElement {
  const head = el(doc, "tr", undefined, ...columns.map((c) => el(doc, "th", undefined, labelText(c.label))));
  const body = el(doc, "tbody");
  for (const r of rows) body.append(el(doc, "tr", undefined, ...columns.map((c) => cell(doc, r[c.key] ?? null, c))));
  return el(doc, "table", "grid", el(doc, "thead", undefined, head), body);
}

function figureDom(doc: RenderDocument, plot: Plot.PlotOptions, caption: string, width?: number): HTMLElement {
  const spec = { ...plot, document: doc as unknown as PlotDocument, ...(width ? { width } : {}) };
  return el(
    doc,
    "figure",
    undefined,
    Plot.plot(spec) as unknown as Node,
    el(doc, "figcaption", "small muted", caption),
  );
}

function blockDom(doc: RenderDocument, block: Block, level: number, options: RenderDomOptions): HTMLElement {
  switch (block.kind) {
    case "paragraph":
      if (block.style === "frame") {
        return el(doc, "p", undefined, el(doc, "span", "frame", `[口径 frame: ${block.text}]`));
      }
      return el(doc, "p", block.style === "note" ? "note small muted" : undefined, block.text);
    case "list":
      return el(doc, "ul", undefined, ...block.items.map((i) => el(doc, "li", undefined, i)));
    case "code":
      return el(doc, "pre", "note", block.text);
    case "facts":
      return el(
        doc,
        "dl",
        "facts",
        ...block.items.flatMap((
          f,
        ) => [el(doc, "dt", undefined, labelText(f.label)), el(doc, "dd", undefined, f.value)]),
      );
    case "table":
      return tableDom(doc, block.columns, block.rows);
    case "figure":
      return figureDom(doc, block.plot, block.caption, options.width);
    case "details":
      return el(
        doc,
        "details",
        undefined,
        el(doc, "summary", undefined, block.summary),
        ...block.blocks.map((b) => blockDom(doc, b, level, options)),
      );
    case "section":
      return renderSection(block.section, doc, { ...options, level: level + 1 });
  }
}

/** One section (and its nested sections) as a `<section>` element. */
export function renderSection(section: Section, doc: RenderDocument, options: RenderDomOptions = {}): HTMLElement {
  const level = options.level ?? 2;
  const node = el(doc, "section", level === 2 ? "card" : undefined, heading(doc, level, section.title, section));
  if (section.id) node.setAttribute("data-section", section.id);
  for (const n of section.notes ?? []) node.append(el(doc, "p", "note small muted", n));
  for (const b of section.blocks) node.append(blockDom(doc, b, level, options));
  return node;
}

/** A whole report as a `<div class="report-view">` with its title and sections. */
export function renderDom(report: Report, doc: RenderDocument, options: RenderDomOptions = {}): HTMLElement {
  const title = options.title === false
    ? null
    : el(doc, "h2", "report-title", report.title.zh, " ", el(doc, "span", "en", report.title.en));
  return el(doc, "div", "report-view", title, ...report.sections.map((s) => renderSection(s, doc, options)));
}
