/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The 比对去重 page's drawing (notebooks/merge.ts): loading the merge's `linkage/` files (the dev
 * server's `./data/linkage/`, when `./data/index.json` lists them, or a picked folder), the
 * threshold sliders, the counts, the review queue, the waterfall and the cluster viewer. Every
 * number comes from src/merge (page_data.ts, review.ts, figures.ts); this file only draws. Text
 * goes in as text nodes (`h`), never as HTML.
 */
import * as Plot from "@observablehq/plot";
import { type MergeOutputs, PAGE_FILES, type PairRow, thresholdBits } from "../../src/merge/page_data.ts";
import type { CountsAt } from "../../src/merge/review.ts";
import { probabilityOfWeight } from "../../src/merge/review.ts";
import type { ViewElement } from "./cells.ts";
import { h, int, kpi, pct } from "./ui.ts";

/** The merge's files by name inside `linkage/`, and where they came from. */
export interface LoadedFiles {
  label: string;
  files: Record<string, string>;
}

/** The dev server's (or build's) merge files, when ./data/index.json lists its `linkage` files; else null. */
export async function serverFiles(): Promise<LoadedFiles | null> {
  const index = await fetch("./data/index.json").then((r) => (r.ok ? r.json() : null)).catch(() => null) as
    | { linkageLabel?: string; linkage?: string[] }
    | null;
  if (!index?.linkage?.includes("report.json")) return null;
  const files: Record<string, string> = {};
  for (const name of PAGE_FILES) {
    if (!index.linkage.includes(name)) continue;
    const res = await fetch(`./data/linkage/${name}`);
    if (res.ok) files[name] = await res.text();
  }
  return { label: `${index.linkageLabel ?? "data"} (served)`, files };
}

/** The folder input as a view: its value is the picked folder's `linkage/` files (null before a pick). */
export function folderPicker(input: HTMLInputElement): ViewElement<LoadedFiles | null> {
  const box = h("span", {}) as unknown as ViewElement<LoadedFiles | null>;
  box.value = null;
  input.addEventListener("change", async (e) => {
    e.stopPropagation();
    const files: Record<string, string> = {};
    let label = "picked folder";
    for (const f of Array.from(input.files ?? [])) {
      const path = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
      const m = /(?:^|\/)linkage\/([a-z_]+\.(?:csv|json))$/.exec(path);
      if (m && (PAGE_FILES as readonly string[]).includes(m[1])) {
        files[m[1]] = await f.text();
        label = path.split("/")[0] || label;
      }
    }
    box.value = { label, files };
    box.dispatchEvent(new Event("input"));
  });
  input.addEventListener("input", (e) => e.stopPropagation());
  return box;
}

/** The summary of the merge: records, persons, households, sources. */
export function summaryView(o: MergeOutputs | null): HTMLElement {
  if (!o) {
    return h(
      "p",
      { class: "muted" },
      "No merge output yet: choose the folder `deno task merge --out <folder>` wrote (the page reads its linkage/ files).",
    );
  }
  const r = o.report;
  return h(
    "div",
    {},
    h(
      "p",
      {},
      `${int(r.records.read)} records from ${r.sources.length} sources → ${int(r.persons)} persons in ${
        int(r.households)
      } households; ${int(r.linkage.pairs_compared)} pairs compared.`,
      r.quality
        ? ` Against the truth file: pairwise precision ${pct(r.quality.pairwise.precision ?? 0, 2)}, recall ${
          pct(r.quality.pairwise.recall ?? 0, 2)
        }.`
        : "",
    ),
    h(
      "table",
      { class: "grid" },
      h("tr", {}, h("th", {}, "source 来源"), h("th", {}, "kind"), h("th", { class: "num" }, "records")),
      r.sources.map((s) =>
        h("tr", {}, h("td", {}, s.source_id), h("td", {}, s.kind), h("td", { class: "num" }, int(s.read)))
      ),
    ),
    overlapTable(r),
  );
}

/** Persons per pair of sources (the diagonal: persons found in that source alone), from the report. */
function overlapTable(r: MergeOutputs["report"]): HTMLElement | string {
  if (!r.source_overlaps) return "";
  const ids = r.sources.map((s) => s.source_id);
  const cell = new Map(r.source_overlaps.map((o) => [`${o.a}\u0000${o.b ?? o.a}`, o.persons]));
  const persons = (a: string, b: string) => cell.get(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`) ?? 0;
  return h(
    "div",
    {},
    h("h3", {}, "来源重叠 Overlaps: persons in both sources (diagonal: in that source alone)"),
    h(
      "table",
      { class: "grid", id: "overlaps" },
      h("tr", {}, h("th", {}, ""), ids.map((b) => h("th", { class: "num" }, b))),
      ids.map((a) => h("tr", {}, h("th", {}, a), ids.map((b) => h("td", { class: "num" }, int(persons(a, b)))))),
    ),
  );
}

/** The two threshold sliders (bits) as one view: value `{ link, review }`. */
export function thresholdControls(o: MergeOutputs): ViewElement<{ link: number; review: number }> {
  const t = thresholdBits(o.report);
  const lo = Math.floor(Math.min(...o.curve.map((b) => b.from), -10));
  const hi = Math.ceil(Math.max(...o.curve.map((b) => b.from + 1), 20));
  const round = (x: number) => Math.round(x * 100) / 100;
  const slider = (id: string, value: number) =>
    h("input", { type: "range", id, min: lo, max: hi, step: 0.25, value: round(value) }) as HTMLInputElement;
  const link = slider("link-at", t.link), review = slider("review-at", t.review);
  const linkOut = h("output", {}), reviewOut = h("output", {});
  const box = h(
    "div",
    { class: "toolbar" },
    h("label", {}, "链接阈值 Link from ", link, " ", linkOut),
    h("label", {}, "复核阈值 Review from ", review, " ", reviewOut),
  ) as unknown as ViewElement<{ link: number; review: number }>;
  const update = () => {
    const l = Number(link.value), r = Math.min(Number(review.value), l);
    linkOut.textContent = `${l.toFixed(2)} bits (p ${pct(probabilityOfWeight(l), 1)})`;
    reviewOut.textContent = `${r.toFixed(2)} bits (p ${pct(probabilityOfWeight(r), 1)})`;
    box.value = { link: l, review: r };
  };
  update();
  link.addEventListener("input", update);
  review.addEventListener("input", update);
  return box;
}

/** The counts at the thresholds. */
export function countsView(c: CountsAt): HTMLElement {
  return h(
    "div",
    { class: "kpis" },
    kpi("链接 Links", int(c.links), undefined, "links"),
    kpi("复核 Reviews", int(c.reviews), undefined, "reviews"),
    kpi("人数 Persons", int(c.persons), undefined, "persons"),
    c.precision === null ? null : kpi("精确率 Pairwise precision", pct(c.precision, 2), undefined, "precision"),
    c.recall === null ? null : kpi("召回率 Pairwise recall", pct(c.recall, 2), undefined, "recall"),
  );
}

/** A figure from a Plot spec. */
export function figure(spec: Plot.PlotOptions): HTMLElement {
  return Plot.plot(spec) as unknown as HTMLElement;
}

const levelText = (o: MergeOutputs, p: PairRow) =>
  o.report.linkage.comparisons.map((c) => {
    const id = p.levels[c.id];
    const level = c.levels.find((l) => l.id === id);
    return level ? `${c.id} ${id} ${level.weight >= 0 ? "+" : ""}${level.weight.toFixed(1)}` : `${c.id} –`;
  }).join(" · ");

/** The review queue (first 100 pairs) as a view whose value is the selected pair. */
export function queueView(o: MergeOutputs, queue: readonly PairRow[]): ViewElement<PairRow | null> {
  const shown = queue.slice(0, 100);
  const box = h("div", {}) as unknown as ViewElement<PairRow | null>;
  box.value = shown[0] ?? null;
  const rows = shown.map((p, i) =>
    h(
      "tr",
      {
        "data-testid": "queue-row",
        class: i === 0 ? "selected" : undefined,
        onclick: (e: Event) => {
          box.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected"));
          (e.currentTarget as HTMLElement).classList.add("selected");
          box.value = p;
          box.dispatchEvent(new Event("input"));
        },
      },
      h("td", {}, p.left),
      h("td", {}, p.right),
      h("td", { class: "num" }, p.weight.toFixed(2)),
      h("td", { class: "num" }, pct(p.probability, 1)),
      h("td", { class: "small" }, levelText(o, p)),
    )
  );
  box.append(
    h(
      "p",
      { class: "small muted" },
      `${int(queue.length)} pairs between the thresholds${
        queue.length > 100 ? " (first 100)" : ""
      }; click one for its waterfall.`,
    ),
    h(
      "table",
      { class: "grid" },
      h(
        "tr",
        {},
        h("th", {}, "record 记录"),
        h("th", {}, "record 记录"),
        h("th", { class: "num" }, "weight"),
        h("th", { class: "num" }, "p"),
        h("th", {}, "levels 比较级别 (weight)"),
      ),
      rows,
    ),
  );
  return box;
}

/** The cluster list (first 50) as a view whose value is the selected person id. */
export function clusterListView(o: MergeOutputs): ViewElement<string | null> {
  const shown = o.clusters.slice(0, 50);
  const box = h("div", {}) as unknown as ViewElement<string | null>;
  box.value = shown[0]?.person_id ?? null;
  const f = o.report.clustering;
  box.append(
    h(
      "p",
      { class: "small muted" },
      `${int(o.clusters.length)} persons of two or more records; flagged large ${int(f.flagged_large ?? 0)}, sparse ${
        int(f.flagged_sparse ?? 0)
      }; ${int(f.ambiguous_records_left_alone ?? 0)} records left alone as ambiguous.`,
    ),
    h(
      "table",
      { class: "grid" },
      h(
        "tr",
        {},
        h("th", {}, "person"),
        h("th", { class: "num" }, "records"),
        h("th", { class: "num" }, "sources"),
        h("th", { class: "num" }, "density"),
        h("th", { class: "num" }, "weakest edge"),
        h("th", {}, "flags"),
      ),
      shown.map((c) =>
        h(
          "tr",
          {
            "data-testid": "cluster-row",
            onclick: () => {
              box.value = c.person_id;
              box.dispatchEvent(new Event("input"));
            },
          },
          h("td", {}, c.person_id),
          h("td", { class: "num" }, c.records),
          h("td", { class: "num" }, c.sources),
          h("td", { class: "num" }, c.density.toFixed(2)),
          h("td", { class: "num" }, c.min_weight === null ? "–" : c.min_weight.toFixed(1)),
          h("td", {}, c.flags),
        )
      ),
    ),
  );
  return box;
}

/** One cluster: its records and edges with weights. */
export function clusterView(o: MergeOutputs, personId: string | null, edges: readonly PairRow[]): HTMLElement {
  if (!personId) return h("p", { class: "muted" }, "No cluster.");
  const c = o.clusters.find((x) => x.person_id === personId);
  const records = [...new Set(edges.flatMap((e) => [e.left, e.right]))].sort();
  return h(
    "div",
    {},
    h(
      "h3",
      {},
      `${personId}: ${c?.records ?? records.length} records, ${c?.edges ?? edges.length} edges${
        c?.flags ? ` — ${c.flags}` : ""
      }`,
    ),
    h("p", { class: "small" }, records.join(" · ")),
    h(
      "table",
      { class: "grid" },
      h(
        "tr",
        {},
        h("th", {}, "record"),
        h("th", {}, "record"),
        h("th", { class: "num" }, "weight"),
        h("th", {}, "levels"),
      ),
      edges.map((e) =>
        h(
          "tr",
          {},
          h("td", {}, e.left),
          h("td", {}, e.right),
          h("td", { class: "num" }, e.weight.toFixed(2)),
          h("td", { class: "small" }, levelText(o, e)),
        )
      ),
    ),
  );
}
