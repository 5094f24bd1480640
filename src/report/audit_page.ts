/**
 * The HTML shell of the audit, calibration and comparison reports: one self-contained file (inline
 * CSS, inline SVG, no script, no external asset), headings in Chinese and English, and a header
 * stating the model's sha256, the data digest, the frames and the method. Text is escaped; numbers
 * are printed by the formatters below.
 */

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );
}

/** A proportion as a percentage with one decimal; "—" for null. */
export function pct(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : `${(100 * value).toFixed(1)}%`;
}

/** An interval of proportions as "[a–b]"; "" for null. */
export function ci(value: [number, number] | null | undefined): string {
  return value ? `[${pct(value[0])}–${pct(value[1])}]` : "";
}

/** A number with up to `digits` decimals (trailing zeros dropped); "—" for null. */
export function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}

/** A signed difference of proportions in percentage points. */
export function pp(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const s = (100 * value).toFixed(1);
  return `${value > 0 ? "+" : ""}${s} pp`;
}

/** A heading in Chinese and English. */
export function heading(level: 2 | 3 | 4, zh: string, en: string, id?: string): string {
  return `<h${level}${id ? ` id="${esc(id)}"` : ""}>${esc(zh)} <span class="en">${esc(en)}</span></h${level}>`;
}

/** A table cell: raw HTML (already escaped) or text. */
export type Cell = string | number | null | { html: string; className?: string };

/** A table with a header row; cells are escaped unless given as `{ html }`. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: { className?: string } = {},
): string {
  const cell = (c: Cell, tag: "td" | "th") => {
    if (c !== null && typeof c === "object") {
      return `<${tag}${c.className ? ` class="${esc(c.className)}"` : ""}>${c.html}</${tag}>`;
    }
    return `<${tag}${typeof c === "number" ? ' class="n"' : ""}>${esc(c === null ? "—" : c)}</${tag}>`;
  };
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => cell(c, "td")).join("")}</tr>`).join("\n");
  return `<table${
    options.className ? ` class="${esc(options.className)}"` : ""
  }><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/** A flag badge. */
export function badge(text: string, kind: "warn" | "info" = "warn"): string {
  return `<span class="badge ${kind}">${esc(text)}</span>`;
}

/** A definition list of label → value (values escaped). */
export function facts(items: readonly [string, string][]): string {
  return `<dl class="facts">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>`;
}

const CSS = `
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
`;

/** The whole page. */
export function page(title: { zh: string; en: string }, header: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title.zh)} ${esc(title.en)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${esc(title.zh)} <span class="en">${esc(title.en)}</span></h1>
${header}
${body}
</main>
</body>
</html>
`;
}
