/**
 * The merge's outputs as the 比对去重 page reads them (pure, browser-safe): `linkage/report.json`,
 * `weights.csv`, `review.csv`, `clusters.csv` and `cluster_edges.csv` parsed into typed rows,
 * and what the page computes from them — the counts at the sliders' thresholds (`countsAt`,
 * review.ts), a review pair's waterfall (`waterfallOfRow`: prior + each comparison's level weight
 * + the term-frequency adjustment, as Splink draws it), the queue between two thresholds and a
 * cluster's edges. The files hold record keys, levels and weights only — never names or values.
 */
import { parseCsv } from "../ingest/_csv_parse.ts";
import { nullStep, priorStep, type Waterfall, type WaterfallStep } from "./explain.ts";
import { type ClusterSummary, type CountsAt, countsAt, type CurveBin, probabilityOfWeight } from "./review.ts";

/** The part of `linkage/report.json` the page reads. */
export interface PageReport {
  records: { read: number; linked: number; rejected: number };
  persons: number;
  households: number;
  sources: { source_id: string; kind: string; read: number; linked: number }[];
  /** Persons in two sources, and in one alone (`b` null); absent in merges written before it. */
  source_overlaps?: { a: string; b: string | null; persons: number }[];
  linkage: {
    prior: number;
    pairs_compared: number;
    thresholds: { link_at: number; review_at: number };
    comparisons: {
      id: string;
      label: string;
      levels: { id: string; label: string; m: number; u: number; weight: number }[];
    }[];
  };
  quality?: { pairwise: { precision: number | null; recall: number | null; true_pairs: number } };
  clustering: { flagged_large?: number; flagged_sparse?: number; ambiguous_records_left_alone?: number };
}

/** A pair of `review.csv` or `cluster_edges.csv`. */
export interface PairRow {
  person_id?: string;
  left: string;
  right: string;
  weight: number;
  probability: number;
  tf_adjustment: number;
  /** Level id per comparison id ("" where the comparison is null). */
  levels: Record<string, string>;
}

/** Everything the page loads. */
export interface MergeOutputs {
  report: PageReport;
  curve: CurveBin[];
  review: PairRow[];
  clusters: ClusterSummary[];
  edges: PairRow[];
}

/** The files the page reads, by their names inside `linkage/`. */
export const PAGE_FILES = ["report.json", "weights.csv", "review.csv", "clusters.csv", "cluster_edges.csv"] as const;

function table(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ""])));
}

const num = (s: string | undefined) => (s === undefined || s === "" ? null : Number(s));

function pairRows(text: string, comparisons: readonly { id: string }[]): PairRow[] {
  return table(text).map((r) => ({
    ...(r.person_id !== undefined ? { person_id: r.person_id } : {}),
    left: `${r.source_id_l}/${r.record_id_l}`,
    right: `${r.source_id_r}/${r.record_id_r}`,
    weight: Number(r.weight),
    probability: Number(r.probability),
    tf_adjustment: Number(r.tf_adjustment || 0),
    levels: Object.fromEntries(comparisons.map((c) => [c.id, r[c.id] ?? ""])),
  }));
}

/** Parses the files (text by name, as {@link PAGE_FILES}). */
export function parseMergeOutputs(files: Readonly<Record<string, string>>): MergeOutputs {
  const missing = PAGE_FILES.filter((f) => files[f] === undefined);
  if (missing.length > 0) {
    throw new Error(`The merge folder lacks linkage/${missing.join(", linkage/")}; run deno task merge to write them`);
  }
  const report = JSON.parse(files["report.json"]) as PageReport;
  const comparisons = report.linkage.comparisons;
  return {
    report,
    curve: table(files["weights.csv"]).map((r) => ({
      from: Number(r.weight_from),
      pairs: Number(r.pairs),
      evidenced: Number(r.evidenced),
      true_evidenced: num(r.true_evidenced),
      persons: Number(r.persons_if_linked_from),
    })),
    review: pairRows(files["review.csv"], comparisons),
    clusters: table(files["clusters.csv"]).map((r) => ({
      person_id: r.person_id,
      records: Number(r.records),
      sources: Number(r.sources),
      edges: Number(r.edges),
      density: Number(r.density),
      min_weight: num(r.min_weight),
      flags: r.flags,
    })),
    edges: pairRows(files["cluster_edges.csv"], comparisons),
  };
}

/** Bits of the merge's thresholds (probabilities in report.json). */
export function thresholdBits(report: PageReport): { link: number; review: number } {
  const bits = (p: number) => Math.log2(p / (1 - p));
  return { link: bits(report.linkage.thresholds.link_at), review: bits(report.linkage.thresholds.review_at) };
}

/** The counts at the sliders' thresholds (bits), with recall against the truth's pairs where known. */
export function pageCounts(o: MergeOutputs, linkBits: number, reviewBits: number): CountsAt {
  return countsAt(o.curve, o.report.records.linked, linkBits, reviewBits, o.report.quality?.pairwise.true_pairs);
}

/** The pairs with weight in [reviewBits, linkBits) — the queue at these thresholds — strongest first. */
export function queueAt(pairs: readonly PairRow[], linkBits: number, reviewBits: number): PairRow[] {
  return pairs.filter((p) => p.weight >= reviewBits && p.weight < linkBits).sort((a, b) => b.weight - a.weight);
}

/** A pair's waterfall: the prior, each comparison's level (m, u, log2 m/u), then the term-frequency adjustment. */
export function waterfallOfRow(report: PageReport, row: PairRow): Waterfall {
  const prior = Math.log2(report.linkage.prior / (1 - report.linkage.prior));
  let total = prior;
  const steps: WaterfallStep[] = [priorStep(prior)];
  for (const c of report.linkage.comparisons) {
    const id = row.levels[c.id] ?? "";
    const level = c.levels.find((l) => l.id === id);
    if (!level) {
      steps.push(nullStep(c, total));
      continue;
    }
    total += level.weight;
    steps.push({
      comparison: c.id,
      label: c.label,
      level: level.id,
      m: level.m,
      u: level.u,
      weight: level.weight,
      tf_adjustment: 0,
      cumulative: total,
    });
  }
  total += row.tf_adjustment;
  steps.push({
    comparison: "tf",
    label: "Term frequency (how common the name or village is)",
    level: "",
    m: null,
    u: null,
    weight: 0,
    tf_adjustment: row.tf_adjustment,
    cumulative: total,
  });
  return { steps, weight: total, probability: probabilityOfWeight(total) };
}

/** A cluster's edges (from cluster_edges.csv), strongest first. */
export function clusterEdges(o: MergeOutputs, personId: string): PairRow[] {
  return o.edges.filter((e) => e.person_id === personId).sort((a, b) => b.weight - a.weight);
}
