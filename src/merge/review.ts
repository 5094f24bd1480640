/**
 * What the merge says about its own doubt, as pure functions the command line and the 比对去重
 * page share:
 *
 * - `clusterSummaries`: per person of two or more records, its edges, density (edges among its
 *   records / possible pairs) and weakest edge, flagged `large` (more records than the sources it
 *   was found in: a source lists it twice, or two people were joined) or `sparse` (three or more
 *   records held together by less than half of the possible edges: a chain, where one weak link
 *   may join two people).
 * - `weightCurve`: the scored pairs in bins of match weight, with the pairs that carry evidence
 *   beyond names, the true pairs (with a truth file) and the persons found when every evidenced
 *   pair from the bin's lower edge up links (union–find, strongest first, never joining two valid
 *   pseudonyms or a cannot-link pair; the ambiguity rule is not applied here, so at the default
 *   threshold the count may differ from the merge's by the ambiguous records).
 * - `countsAt`: links, reviews, persons (and pairwise precision/recall with truth) at any
 *   pair of thresholds, read off the curve — what the page's sliders recount.
 * - `reviewLinked`: the clusters if every review pair were linked (cannot-links kept).
 */

/** One person's cluster: its records' rids and valid pseudonyms, for the summaries. */
export interface ClusterInput {
  person_id: string;
  rids: readonly number[];
  sources: number;
}

/** A cluster's summary row (`linkage/clusters.csv`). */
export interface ClusterSummary {
  person_id: string;
  records: number;
  sources: number;
  edges: number;
  /** Edges / possible pairs, 1 for a pair. */
  density: number;
  /** The weakest edge inside the cluster (bits), null when none. */
  min_weight: number | null;
  /** `large`, `sparse`, both (`large;sparse`) or empty. */
  flags: string;
}

/** Summaries of the clusters of two or more records, least dense first then largest, then person id. */
export function clusterSummaries(
  clusters: readonly ClusterInput[],
  edges: readonly { a: number; b: number; weight: number }[],
): ClusterSummary[] {
  const clusterOf = new Map<number, number>();
  clusters.forEach((c, i) => c.rids.forEach((r) => clusterOf.set(r, i)));
  const count = clusters.map(() => 0);
  const weakest: (number | null)[] = clusters.map(() => null);
  for (const e of edges) {
    const i = clusterOf.get(e.a);
    if (i === undefined || clusterOf.get(e.b) !== i) continue;
    count[i]++;
    weakest[i] = weakest[i] === null ? e.weight : Math.min(weakest[i]!, e.weight);
  }
  const out: ClusterSummary[] = [];
  clusters.forEach((c, i) => {
    const n = c.rids.length;
    if (n < 2) return;
    const density = count[i] / ((n * (n - 1)) / 2);
    const flags = [n > c.sources ? "large" : "", n >= 3 && density < 0.5 ? "sparse" : ""].filter(Boolean);
    out.push({
      person_id: c.person_id,
      records: n,
      sources: c.sources,
      edges: count[i],
      density,
      min_weight: weakest[i],
      flags: flags.join(";"),
    });
  });
  return out.sort((x, y) =>
    x.density - y.density || y.records - x.records ||
    (x.person_id < y.person_id ? -1 : x.person_id > y.person_id ? 1 : 0)
  );
}

/** A scored pair as the curve needs it. */
export interface CurvePair {
  a: number;
  b: number;
  weight: number;
  evidence: boolean;
  /** Both records belong to one person by the truth file (null: no truth). */
  same: boolean | null;
}

/** One bin of the weight curve (`linkage/weights.csv`). */
export interface CurveBin {
  /** Lower edge of the bin (bits, inclusive); the bin runs to the next bin's lower edge. */
  from: number;
  pairs: number;
  evidenced: number;
  /** Evidenced pairs that are true pairs (null without truth). */
  true_evidenced: number | null;
  /** Persons when every evidenced pair from `from` up links. */
  persons: number;
}

/** The curve: bins of `step` bits from the weakest scored pair up, persons by constrained union–find. */
export function weightCurve(
  records: number,
  validIds: readonly (string | null)[],
  pairs: readonly CurvePair[],
  cannot: readonly (readonly [number, number])[],
  step = 1,
): CurveBin[] {
  if (pairs.length === 0) return [];
  const binOf = (w: number) => Math.floor(w / step);
  const sorted = [...pairs].sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b);
  const forbidden = new Map<number, Set<number>>();
  for (const [a, b] of cannot) {
    if (!forbidden.has(a)) forbidden.set(a, new Set());
    if (!forbidden.has(b)) forbidden.set(b, new Set());
    forbidden.get(a)!.add(b);
    forbidden.get(b)!.add(a);
  }
  const parent = Array.from({ length: records }, (_, i) => i);
  const ids: (string | null)[] = [...validIds];
  const members: number[][] = parent.map((i) => [i]);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  let persons = records;
  const bins = new Map<number, CurveBin>();
  for (const p of sorted) {
    const k = binOf(p.weight);
    let bin = bins.get(k);
    if (!bin) bins.set(k, bin = { from: k * step, pairs: 0, evidenced: 0, true_evidenced: null, persons: 0 });
    bin.pairs++;
    if (p.same !== null) bin.true_evidenced ??= 0;
    if (!p.evidence) {
      bin.persons = persons;
      continue;
    }
    bin.evidenced++;
    if (p.same !== null) bin.true_evidenced = (bin.true_evidenced ?? 0) + (p.same ? 1 : 0);
    const ra = find(p.a), rb = find(p.b);
    if (ra !== rb) {
      const clash = (ids[ra] !== null && ids[rb] !== null && ids[ra] !== ids[rb]) ||
        members[rb].some((m) => members[ra].some((x) => forbidden.get(x)?.has(m)));
      if (!clash) {
        const [root, child] = members[ra].length >= members[rb].length ? [ra, rb] : [rb, ra];
        parent[child] = root;
        ids[root] = ids[root] ?? ids[child];
        members[root].push(...members[child]);
        members[child] = [];
        persons--;
      }
    }
    bin.persons = persons;
  }
  return [...bins.values()].sort((x, y) => x.from - y.from);
}

/** Counts at a link threshold and a review threshold (bits; review ≤ link). */
export interface CountsAt {
  links: number;
  reviews: number;
  persons: number;
  /** Pairwise precision and recall of the links (null without truth). */
  precision: number | null;
  recall: number | null;
}

/**
 * Links (evidenced pairs of the bins from `linkAt` up), reviews (the bins from `reviewAt` below
 * `linkAt`, and the unevidenced pairs above it) and persons at the thresholds (bits, snapped to
 * the bins' lower edges), read off the curve. `records` is the number of records (persons when
 * nothing links); `truePairs` the number of true pairs (for recall).
 */
export function countsAt(
  curve: readonly CurveBin[],
  records: number,
  linkAt: number,
  reviewAt: number,
  truePairs?: number,
): CountsAt {
  let links = 0, reviews = 0, trueLinks = 0, hasTruth = false;
  let persons = records;
  for (const b of curve) {
    if (b.from >= linkAt) {
      links += b.evidenced;
      reviews += b.pairs - b.evidenced;
      if (b.true_evidenced !== null) {
        hasTruth = true;
        trueLinks += b.true_evidenced;
      }
    } else if (b.from >= reviewAt) reviews += b.pairs;
  }
  const lowest = curve.find((b) => b.from >= linkAt);
  if (lowest) persons = lowest.persons;
  const precision = hasTruth && links > 0 ? trueLinks / links : null;
  const recall = hasTruth && truePairs ? trueLinks / truePairs : null;
  return { links, reviews, persons, precision, recall };
}

/** Bits of a match probability (log2 odds), and back. */
export const weightOfProbability = (p: number): number => Math.log2(p / (1 - p));
/** The match probability of a weight in bits. */
export const probabilityOfWeight = (w: number): number => 1 / (1 + Math.pow(2, -w));

/**
 * The clusters if every review pair were linked: clusters (lists of rids) joined through the
 * pairs, never two holding different valid pseudonyms. Returns the new clusters, in the order of
 * their first old cluster.
 */
export function reviewLinked(
  clusters: readonly (readonly number[])[],
  validIds: ReadonlyMap<number, string | null>,
  pairs: readonly (readonly [number, number])[],
): number[][] {
  const clusterOf = new Map<number, number>();
  clusters.forEach((c, i) => c.forEach((r) => clusterOf.set(r, i)));
  const parent = clusters.map((_, i) => i);
  const ids = clusters.map((c) => c.map((r) => validIds.get(r) ?? null).find((x) => x !== null) ?? null);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const [a, b] of pairs) {
    const ca = clusterOf.get(a), cb = clusterOf.get(b);
    if (ca === undefined || cb === undefined) continue;
    const ra = find(ca), rb = find(cb);
    if (ra === rb || (ids[ra] !== null && ids[rb] !== null && ids[ra] !== ids[rb])) continue;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent[child] = root;
    ids[root] = ids[root] ?? ids[child];
  }
  const groups = new Map<number, number[]>();
  clusters.forEach((c, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(...c);
    else groups.set(r, [...c]);
  });
  return [...groups.values()];
}
