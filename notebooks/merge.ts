/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The 比对去重 Merge notebook, as a graph of cells (lib/cells.ts): the merge's files (dev server
 * or picked folder) → parsed outputs (src/merge/page_data.ts) → the threshold sliders (a view) →
 * the counts (links, reviews, persons, precision/recall with a truth file: `pageCounts`) and the
 * distribution figure → the review queue between the thresholds (a view of the selected pair) →
 * its waterfall (`waterfallOfRow`) → the cluster list (a view) → the cluster's edges.
 */
import "./style.css";
import { waterfallSpec, weightDistributionSpec } from "../src/merge/figures.ts";
import {
  clusterEdges,
  type MergeOutputs,
  pageCounts,
  type PairRow,
  parseMergeOutputs,
  queueAt,
  waterfallOfRow,
} from "../src/merge/page_data.ts";
import type { CountsAt } from "../src/merge/review.ts";
import { notebook, view, type ViewElement } from "./lib/cells.ts";
import {
  clusterListView,
  clusterView,
  countsView,
  figure,
  folderPicker,
  type LoadedFiles,
  queueView,
  serverFiles,
  summaryView,
  thresholdControls,
} from "./lib/merge_view.ts";
import { h, renderHeader } from "./lib/ui.ts";

renderHeader("merge");
const $ = (id: string) => document.getElementById(id)!;

/** The page's cells and their values. */
interface Cells {
  server: LoadedFiles | null;
  pickerView: ViewElement<LoadedFiles | null>;
  picked: LoadedFiles | null;
  outputs: MergeOutputs | null;
  summary: HTMLElement;
  controls: ViewElement<{ link: number; review: number }>;
  thresholds: { link: number; review: number };
  counts: CountsAt;
  countsBox: HTMLElement;
  distribution: HTMLElement;
  queue: PairRow[];
  queueBox: ViewElement<PairRow | null>;
  selected: PairRow | null;
  waterfall: HTMLElement;
  clusterList: ViewElement<string | null>;
  clusterId: string | null;
  cluster: HTMLElement;
}
const page = notebook<Cells>("merge");
const { cell } = page;

cell("server", [], () => serverFiles());
cell("pickerView", [], () => folderPicker($("folder") as HTMLInputElement));
cell("picked", ["pickerView"], (v) => view(v));
cell("outputs", ["server", "picked"], (server, picked) => {
  const loaded = picked ?? server;
  $("label").textContent = loaded ? loaded.label : "";
  const outputs = loaded ? parseMergeOutputs(loaded.files) : null;
  for (const id of ["distribution-card", "review-card", "cluster-card"]) $(id).hidden = outputs === null;
  return outputs;
});
cell("summary", ["outputs"], (o) => summaryView(o), { show: "summary" });
const empty = <T>(o: MergeOutputs | null, f: (o: MergeOutputs) => T, fallback: T) => (o ? f(o) : fallback);
cell(
  "controls",
  ["outputs"],
  (o) => empty(o, thresholdControls, h("span", {}) as unknown as ViewElement<{ link: number; review: number }>),
  {
    show: "controls",
  },
);
cell("thresholds", ["controls"], (c) => view(c));
cell(
  "counts",
  ["outputs", "thresholds"],
  (o, t) =>
    empty(o, (x) => pageCounts(x, t.link, t.review), {
      links: 0,
      reviews: 0,
      persons: 0,
      precision: null,
      recall: null,
    }),
  { compute: true },
);
cell("countsBox", ["counts"], (c) => countsView(c), { show: "counts" });
cell(
  "distribution",
  ["outputs", "thresholds"],
  (o, t) => empty(o, (x) => figure(weightDistributionSpec(x.curve, t.link, t.review)), h("span", {})),
  { figure: true, show: "fig-distribution" },
);
cell(
  "queue",
  ["outputs", "thresholds"],
  (o, t) => empty(o, (x) => queueAt(x.review, t.link, t.review), [] as PairRow[]),
  {
    compute: true,
  },
);
cell(
  "queueBox",
  ["outputs", "queue"],
  (o, q) => empty(o, (x) => queueView(x, q), h("div", {}) as unknown as ViewElement<PairRow | null>),
  {
    show: "queue",
  },
);
cell("selected", ["queueBox"], (v) => view(v));
cell(
  "waterfall",
  ["outputs", "selected"],
  (o, p) =>
    o && p
      ? figure(waterfallSpec(waterfallOfRow(o.report, p)))
      : h("p", { class: "muted" }, "No pair between the thresholds."),
  { figure: true, show: "fig-waterfall" },
);
cell(
  "clusterList",
  ["outputs"],
  (o) => empty(o, clusterListView, h("div", {}) as unknown as ViewElement<string | null>),
  {
    show: "cluster-list",
  },
);
cell("clusterId", ["clusterList"], (v) => view(v));
cell(
  "cluster",
  ["outputs", "clusterId"],
  (o, id) => empty(o, (x) => clusterView(x, id, clusterEdges(x, id ?? "")), h("div", {})),
  {
    show: "cluster",
  },
);
