/**
 * The report view-model: what a report says, as a typed tree, before any HTML or DOM. A report has
 * sections (a bilingual title, notes, blocks); a block is a paragraph, a list, key figures, a
 * table (column specs and rows of values), a figure (an Observable Plot spec: a plain options
 * object, never DOM), a collapsed group of blocks, or a nested section. The builders
 * (`auditReport`, `calibrationReport`, `comparisonReport`) are pure functions of the results the
 * commands compute; `renderHtml` (src/report/html.ts) writes one as a self-contained HTML string
 * and `renderDom` (notebooks/lib/render.ts) builds it as DOM in the pages. Values are data: the
 * renderers escape (HTML) or set `textContent` (DOM); nothing in the tree is markup.
 */
import type * as Plot from "@observablehq/plot";
import { formatPercent } from "../base/format.ts";
import type { FrameName } from "../evaluate/frames.ts";
import { COLUMN_LABELS, type ColumnKey, type Label } from "./labels.ts";

export type { Label } from "./labels.ts";

/** How a column's values are shown: numbers and percentages right-aligned, flags as badges. */
export type ColumnKind = "number" | "percent" | "interval" | "text" | "flag";

/** One column of a table. */
export interface Column {
  /** The key of the column's value in each row. */
  key: string;
  label: Label;
  kind: ColumnKind;
  /** Default: right for number, percent and interval; left otherwise. */
  align?: "left" | "right";
}

/** A proportion with its interval, e.g. "59.4% [55.6%–63.1%]", and optional text after it. */
export interface IntervalValue {
  value: number | null;
  ci95: [number, number] | null | undefined;
  /** Shown after the interval (e.g. the bootstrap interval). */
  suffix?: string;
}

/** Badges: each a short flag text. */
export interface FlagsValue {
  flags: string[];
}

/**
 * A table cell: null ("—"), text, a number (a percentage in a `percent` column), an interval, or
 * flags.
 */
export type Cell = null | string | number | IntervalValue | FlagsValue;

/** One row: the cell of each column, by key. */
export type Row = Record<string, Cell>;

/** A paragraph; `note` paragraphs are set off, `frame` paragraphs name the frame of what follows. */
export interface ParagraphBlock {
  kind: "paragraph";
  text: string;
  style?: "plain" | "note" | "frame";
}

/** A bulleted list of plain texts. */
export interface ListBlock {
  kind: "list";
  items: string[];
}

/** Preformatted text (e.g. a JSON object). */
export interface CodeBlock {
  kind: "code";
  text: string;
}

/** One key figure: a label and its value as text. */
export interface Fact {
  label: Label;
  value: string;
}

/** Key figures, as a list of label → value. */
export interface FactsBlock {
  kind: "facts";
  items: Fact[];
}

/** A table: column specs and rows. */
export interface TableBlock {
  kind: "table";
  columns: Column[];
  rows: Row[];
}

/** A figure: Plot options (without `document`; the renderer supplies it) and a caption. */
export interface FigureBlock {
  kind: "figure";
  plot: Plot.PlotOptions;
  caption: string;
}

/** Blocks shown collapsed under a summary line. */
export interface DetailsBlock {
  kind: "details";
  summary: string;
  blocks: Block[];
}

/** A section inside a section (one heading level down). */
export interface SectionBlock {
  kind: "section";
  section: Section;
}

/** Any block. */
export type Block =
  | ParagraphBlock
  | ListBlock
  | CodeBlock
  | FactsBlock
  | TableBlock
  | FigureBlock
  | DetailsBlock
  | SectionBlock;

/** A section: a bilingual title, the frame it is about (if one), notes, then its blocks. */
export interface Section {
  /** Anchor id (letters, digits, `-`). */
  id?: string;
  title: Label;
  /** Shown next to the title as "[口径 frame: …]". */
  frame?: FrameName;
  /** Notes shown under the title. */
  notes?: string[];
  blocks: Block[];
}

/** A whole report. */
export interface Report {
  title: Label;
  sections: Section[];
}

// ---------------------------------------------------------------- small constructors

/** A column by key from the shared column labels, or with its own key and label. */
export function column(key: ColumnKey, kind: ColumnKind, options: { key?: string; label?: Label } = {}): Column {
  return { key: options.key ?? key, label: options.label ?? COLUMN_LABELS[key], kind };
}

/** A table block. */
export function table(columns: Column[], rows: Row[]): TableBlock {
  return { kind: "table", columns, rows };
}

/** A paragraph block. */
export function paragraph(text: string, style: ParagraphBlock["style"] = "plain"): ParagraphBlock {
  return { kind: "paragraph", text, style };
}

/** A key figures block. */
export function facts(items: [zh: string, en: string, value: string][]): FactsBlock {
  return { kind: "facts", items: items.map(([zh, en, value]) => ({ label: { zh, en }, value })) };
}

/** A figure block. */
export function figure(plot: Plot.PlotOptions, caption: string): FigureBlock {
  return { kind: "figure", plot, caption };
}

/** A nested section block. */
export function subsection(section: Section): SectionBlock {
  return { kind: "section", section };
}

/** True for an interval cell. */
export function isInterval(cell: Cell): cell is IntervalValue {
  return cell !== null && typeof cell === "object" && "ci95" in cell;
}

/** True for a flags cell. */
export function isFlags(cell: Cell): cell is FlagsValue {
  return cell !== null && typeof cell === "object" && "flags" in cell;
}

/** A proportion as a percentage with one decimal; "—" for null (the one formatter, src/base). */
export function pct(value: number | null | undefined): string {
  return formatPercent(value);
}

/** An interval of proportions as "[a–b]"; "" for null. */
export function ci(value: readonly [number, number] | null | undefined): string {
  return value ? `[${pct(value[0])}–${pct(value[1])}]` : "";
}

/** A number with up to `digits` decimals (trailing zeros dropped); "—" for null. */
export function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}

/** A signed difference of proportions in percentage points; "—" for null. */
export function pp(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${value > 0 ? "+" : ""}${(100 * value).toFixed(1)} pp`;
}

/** The text of a cell as the renderers show it (flags joined by " · "). */
export function cellText(cell: Cell, kind: ColumnKind): string {
  if (cell === null) return "—";
  if (typeof cell === "string") return cell;
  if (typeof cell === "number") return kind === "percent" ? pct(cell) : String(cell);
  if (isInterval(cell)) {
    return cell.value === null ? "—" : `${pct(cell.value)} ${ci(cell.ci95)}${cell.suffix ?? ""}`.trimEnd();
  }
  return cell.flags.join(" · ");
}

/** The alignment of a column. */
export function alignOf(c: Column): "left" | "right" {
  return c.align ?? (c.kind === "number" || c.kind === "percent" || c.kind === "interval" ? "right" : "left");
}
