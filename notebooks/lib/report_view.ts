/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/** The validation report of a load, in the page: the same counts and messages as the command line. */
import type { LoadReport } from "../../src/ingest/load.ts";
import { formatLoadReport } from "../../src/ingest/report.ts";
import { h, int, problemList } from "./ui.ts";

/** Tables with rows read / accepted / rejected, the problems, and the exact command-line text. */
export function loadReportView(report: LoadReport): HTMLElement {
  const status = report.valid
    ? h("div", { class: "ok", "data-testid": "report-status" }, "✓ 有效 Valid: no problems found.")
    : h(
      "div",
      { class: "error", "data-testid": "report-status" },
      `✗ ${report.problemCount} problem${report.problemCount === 1 ? "" : "s"} found. `,
      report.lenient
        ? "Lenient mode: the rows with problems were rejected and the rest loaded."
        : "Nothing was loaded.",
    );
  return h(
    "div",
    { class: "report" },
    status,
    h(
      "table",
      { class: "grid" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "表 Table"),
          h("th", {}, "文件 File"),
          h("th", { class: "num" }, "读取 Read"),
          h("th", { class: "num" }, "接受 Accepted"),
          h("th", { class: "num" }, "拒绝 Rejected"),
          h("th", {}, "列 Columns"),
        ),
      ),
      h(
        "tbody",
        {},
        report.tables.map((t) =>
          h(
            "tr",
            {},
            h("td", {}, t.table),
            h("td", {}, t.file),
            h("td", { class: "num" }, int(t.rowsRead)),
            h("td", { class: "num" }, int(t.accepted)),
            h("td", { class: "num" }, int(t.rejected)),
            h("td", { class: "small" }, t.columns.map((c) => `${c.name}:${c.type}`).join(", ")),
          )
        ),
      ),
    ),
    report.ignored.length > 0
      ? h("p", { class: "small muted" }, "未加载 Not loaded: ", report.ignored.join("; "))
      : null,
    report.problemCount > 0
      ? h(
        "div",
        { "data-testid": "problems" },
        h("h3", {}, "问题 Problems"),
        problemList(report.problems, report.problemCount),
      )
      : null,
    h(
      "details",
      {},
      h("summary", {}, "命令行输出 As the command line prints it (deno task validate)"),
      h("pre", { class: "cli", "data-testid": "cli-report" }, formatLoadReport(report)),
    ),
    h("p", { class: "small muted" }, `数据摘要 Data digest (sha256): ${report.digest}`),
  );
}
