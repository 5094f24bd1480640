/**
 * The merge's doubt as files, from the database tables the linkage and clustering left
 * (`scored`, `edges`, `cannot`, `staged`) and the persons found:
 *
 * - `linkage/clusters.csv`: every person of two or more records with its edges, density, weakest
 *   edge and `large`/`sparse` flags (`clusterSummaries`), least dense first;
 * - `linkage/cluster_edges.csv`: the edges inside the flagged clusters and the 200 least dense
 *   ones, with each comparison's level and the term-frequency adjustment (the page's cluster
 *   viewer and waterfall);
 * - `linkage/weights.csv`: the match-weight curve (`weightCurve`) the page's sliders recount;
 * - `linkage/if_review_linked/` (households.csv, members.csv, dataset.json): the dataset if every
 *   review pair were linked, and `linkage/uncertainty.csv`: per household touched by a review
 *   pair, its persons now and if linked (the command line adds the bands with `--model`).
 */
import { toCsv } from "../base/csv.ts";
import { plainNumber } from "../base/format.ts";
import type { Db } from "../db/mod.ts";
import { recordKey } from "./cluster.ts";
import type { Parameters } from "./fellegi_sunter.ts";
import { clusterSummaries, type ClusterSummary, type CurvePair, reviewLinked, weightCurve } from "./review.ts";
import { COMPARISONS, type LinkageOptions } from "./settings.ts";
import type { StagedRecord } from "./stage.ts";
import { type FreeColumns, goldenRecords, type HouseholdRow, type MemberRow } from "./golden.ts";

/**
 * The golden records if the review pairs were linked, recomputed only where they change: the
 * joined persons and every person of a household they touch (now or then), spliced into the
 * merge's rows — the same rows `goldenRecords` gives on all persons, in less time.
 */
export function reviewLinkedGolden(
  now: { members: readonly MemberRow[]; households: readonly HouseholdRow[] },
  doubt: Pick<Doubt, "linked" | "changed" | "absorbed">,
  referenceDate: string,
  free: FreeColumns,
): { members: MemberRow[]; households: HouseholdRow[] } {
  const householdOf = new Map(now.members.map((m) => [String(m.person_id), String(m.household_id)]));
  const byHousehold = new Map<string, string[]>();
  for (const [p, h] of householdOf) {
    if (!byHousehold.has(h)) byHousehold.set(h, []);
    byHousehold.get(h)!.push(p);
  }
  const subset = new Set(doubt.changed);
  const touched = new Set([...doubt.absorbed].map((p) => householdOf.get(p)!));
  let part: { members: MemberRow[]; households: HouseholdRow[] };
  for (;;) {
    for (const h of touched) for (const p of byHousehold.get(h) ?? []) if (!doubt.absorbed.has(p)) subset.add(p);
    part = goldenRecords(new Map([...subset].map((p) => [p, doubt.linked.get(p)!])), referenceDate, free);
    const more = part.households.map((h) => h.household_id).filter((h) => !touched.has(h) && byHousehold.has(h));
    if (more.length === 0) break;
    for (const h of more) touched.add(h);
  }
  const byId = <T>(get: (x: T) => string) => (x: T, y: T) => (get(x) < get(y) ? -1 : get(x) > get(y) ? 1 : 0);
  const members = [
    ...now.members.filter((m) => !subset.has(String(m.person_id)) && !doubt.absorbed.has(String(m.person_id))),
    ...part.members,
  ].sort(byId((m) => String(m.person_id)));
  const households = [...now.households.filter((h) => !touched.has(h.household_id)), ...part.households]
    .sort(byId((h) => h.household_id));
  return { members, households };
}

/** The term-frequency part of a pair's weight: its weight less the prior and its levels' weights. */
export function tfAdjustment(p: Parameters, gamma: readonly number[], weight: number): number {
  let w = Math.log2(p.lambda / (1 - p.lambda));
  gamma.forEach((g, k) => {
    if (g >= 0) w += Math.log2(p.m[k][g] / p.u[k][g]);
  });
  return weight - w;
}

const G = COMPARISONS.map((c) => `g_${c.id}`);

/** The columns of a query as arrays (empty arrays when it has no rows). */
async function columnsOf(db: Db, sql: string, n: number): Promise<unknown[][]> {
  const res = await db.columns(sql);
  return Array.from({ length: n }, (_, k) => (res.columns[k] as unknown[] | undefined) ?? []);
}

/** A pair row's columns: both records' keys, weight, probability, tf adjustment and each comparison's level. */
export const PAIR_COLUMNS = [
  "source_id_l",
  "record_id_l",
  "source_id_r",
  "record_id_r",
  "weight",
  "probability",
  "tf_adjustment",
  ...COMPARISONS.map((c) => c.id),
];

/** A pair's CSV cells (levels by id, never the compared values). */
export function pairCells(
  records: readonly StagedRecord[],
  p: Parameters,
  row: Record<string, unknown>,
): (string | number)[] {
  const gamma = G.map((g) => Number(row[g]));
  const [a, b] = [records[Number(row.rid_l)], records[Number(row.rid_r)]];
  const weight = Number(row.weight);
  return [
    a.source_id,
    a.record_id,
    b.source_id,
    b.record_id,
    plainNumber(weight),
    plainNumber(Number(row.probability)),
    plainNumber(tfAdjustment(p, gamma, weight)),
    ...gamma.map((g, k) => (g < 0 ? "" : COMPARISONS[k].levels[g].id)),
  ];
}

/** Inputs of the doubt files. */
export interface DoubtInput {
  records: readonly StagedRecord[];
  /** The persons found: id → records. */
  persons: ReadonlyMap<string, readonly StagedRecord[]>;
  personOf: ReadonlyMap<string, string>;
  params: Parameters;
  options: LinkageOptions;
  /** Truth person per record key, where the sources have a truth file. */
  truth?: ReadonlyMap<string, string>;
}

/** What the doubt step returns: its files and figures for the report, and the clusters if review pairs were linked. */
export interface Doubt {
  files: { name: string; text: string }[];
  summaries: ClusterSummary[];
  flags: { large: number; sparse: number };
  /** Persons if every review pair were linked, as record lists under stable ids. */
  linked: Map<string, StagedRecord[]>;
  /** The ids of `linked` persons joined from two or more persons, and the persons they absorbed. */
  changed: Set<string>;
  absorbed: Set<string>;
  reviewPairs: [number, number][];
}

/** Builds the doubt files (see the module comment). */
export async function doubtOf(db: Db, input: DoubtInput): Promise<Doubt> {
  const { records, persons, params } = input;
  const ridsOf = (rs: readonly StagedRecord[]) => rs.map((r) => r.rid);
  const edgeCols = { columns: await columnsOf(db, "select a, b, weight from edges order by a, b", 3) };
  const edges = edgeCols.columns[0].map((a, i) => ({
    a: Number(a),
    b: Number(edgeCols.columns[1][i]),
    weight: Number(edgeCols.columns[2][i]),
  }));
  const clusterInputs = [...persons].map(([person_id, rs]) => ({
    person_id,
    rids: ridsOf(rs),
    sources: new Set(rs.map((r) => r.source_id)).size,
  }));
  const summaries = clusterSummaries(clusterInputs, edges);
  const flagged = new Set(
    summaries.filter((s, i) => s.flags !== "" || i < 200).map((s) => s.person_id),
  );
  const personOfRid = new Map<number, string>();
  for (const [id, rs] of persons) for (const r of rs) personOfRid.set(r.rid, id);
  const flaggedRids = [...flagged].flatMap((p) => ridsOf(persons.get(p)!));
  await db.exec(`create or replace temp table flagged_rids(rid integer)`);
  if (flaggedRids.length > 0) {
    await db.exec(`insert into flagged_rids values ${flaggedRids.map((r) => `(${r})`).join(", ")}`);
  }
  const edgeRows = (await db.all(`select s.rid_l, s.rid_r, s.weight, s.probability, ${G.join(", ")}
    from edges e join scored s on s.rid_l = e.a and s.rid_r = e.b
    where e.a in (select rid from flagged_rids) order by s.rid_l, s.rid_r`))
    .filter((r) => {
      const p = personOfRid.get(Number(r.rid_l));
      return p !== undefined && p === personOfRid.get(Number(r.rid_r)) && flagged.has(p);
    });
  const clusterEdges = toCsv(
    ["person_id", ...PAIR_COLUMNS],
    edgeRows.map((r) => [personOfRid.get(Number(r.rid_l))!, ...pairCells(records, params, r)])
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
  );
  // The weight curve.
  const scored = { columns: await columnsOf(db, "select rid_l, rid_r, weight, evidence from scored", 4) };
  const truthOf = input.truth
    ? records.map((r) => input.truth!.get(recordKey(r.source_id, r.record_id)) ?? null)
    : null;
  const pairs: CurvePair[] = scored.columns[0].map((a, i) => {
    const [l, r] = [Number(a), Number(scored.columns[1][i])];
    return {
      a: l,
      b: r,
      weight: Number(scored.columns[2][i]),
      evidence: scored.columns[3][i] === true,
      same: truthOf ? truthOf[l] !== null && truthOf[l] === truthOf[r] : null,
    };
  });
  const cannotCols = { columns: await columnsOf(db, "select a, b from cannot order by a, b", 2) };
  const cannot = cannotCols.columns[0].map((a, i) => [Number(a), Number(cannotCols.columns[1][i])] as [number, number]);
  const validIds = records.map((r) => (r.id_ok === true ? r.id_pseudo : null));
  const curve = weightCurve(records.length, validIds, pairs, cannot);
  const weights = toCsv(
    ["weight_from", "pairs", "evidenced", "true_evidenced", "persons_if_linked_from"],
    curve.map((b) => [b.from, b.pairs, b.evidenced, b.true_evidenced, b.persons]),
  );
  // If every review pair were linked.
  const o = input.options;
  const review = {
    columns: await columnsOf(
      db,
      `select s.rid_l, s.rid_r from scored s
    anti join cannot c on c.a = s.rid_l and c.b = s.rid_r
    where (s.probability >= ${o.reviewAt} and not (s.probability >= ${o.linkAt} and s.evidence))
      or (s.probability >= ${o.linkAt} and s.evidence
        and (s.rid_l in (select rid from ambiguous) or s.rid_r in (select rid from ambiguous)))
    order by s.weight desc, s.rid_l, s.rid_r`,
      2,
    ),
  };
  const reviewPairs = review.columns[0].map((a, i) => [Number(a), Number(review.columns[1][i])] as [number, number]);
  const ids = [...persons.keys()];
  const clusters = ids.map((id) => ridsOf(persons.get(id)!));
  const joined = reviewLinked(clusters, new Map(validIds.map((v, i) => [i, v])), reviewPairs);
  // Each joined cluster keeps the id most of its records had (ties: the smaller), as assignPersonIds would.
  const linked = new Map<string, StagedRecord[]>();
  const changed = new Set<string>(), absorbed = new Set<string>();
  for (const c of joined) {
    const votes = new Map<string, number>();
    for (const rid of c) votes.set(personOfRid.get(rid)!, (votes.get(personOfRid.get(rid)!) ?? 0) + 1);
    const id = [...votes].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0][0];
    linked.set(id, c.map((rid) => records[rid]));
    if (votes.size > 1) {
      changed.add(id);
      for (const old of votes.keys()) absorbed.add(old);
    }
  }
  return {
    files: [
      {
        name: "linkage/clusters.csv",
        text: toCsv(
          ["person_id", "records", "sources", "edges", "density", "min_weight", "flags"],
          summaries.map((s) => [
            s.person_id,
            s.records,
            s.sources,
            s.edges,
            plainNumber(s.density),
            s.min_weight === null ? null : plainNumber(s.min_weight),
            s.flags,
          ]),
        ),
      },
      { name: "linkage/cluster_edges.csv", text: clusterEdges },
      { name: "linkage/weights.csv", text: weights },
    ],
    summaries,
    flags: {
      large: summaries.filter((s) => s.flags.includes("large")).length,
      sparse: summaries.filter((s) => s.flags.includes("sparse")).length,
    },
    linked,
    changed,
    absorbed,
    reviewPairs,
  };
}

/** One version of the persons: record rid → person id, person id → household id. */
export interface Version {
  personOf: ReadonlyMap<number, string>;
  householdOf: ReadonlyMap<string, string>;
}

/** A `linkage/uncertainty.csv` row (before the command line adds the bands). */
export interface UncertaintyRow {
  household_id: string;
  review_pairs: number;
  persons: number;
  /** Persons of the households its records would be in if every review pair were linked. */
  persons_if_linked: number;
  /** Those households' ids, `;`-separated. */
  households_if_linked: string;
}

/** Each household touched by a review pair (a record of it in one), with its persons now and if linked. */
export function uncertaintyRows(
  pairs: readonly (readonly [number, number])[],
  now: Version,
  linked: Version,
): UncertaintyRow[] {
  const group = (v: Version) => {
    const persons = new Map<string, Set<string>>();
    const rids = new Map<string, number[]>();
    for (const [rid, p] of v.personOf) {
      const h = v.householdOf.get(p)!;
      if (!persons.has(h)) persons.set(h, new Set());
      persons.get(h)!.add(p);
      if (!rids.has(h)) rids.set(h, []);
      rids.get(h)!.push(rid);
    }
    return { persons, rids };
  };
  const n = group(now), l = group(linked);
  const touched = new Map<string, number>();
  for (const [a, b] of pairs) {
    for (const h of new Set([a, b].map((r) => now.householdOf.get(now.personOf.get(r)!)!))) {
      touched.set(h, (touched.get(h) ?? 0) + 1);
    }
  }
  return [...touched].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([h, count]) => {
    const homes = [...new Set(n.rids.get(h)!.map((r) => linked.householdOf.get(linked.personOf.get(r)!)!))].sort();
    return {
      household_id: h,
      review_pairs: count,
      persons: n.persons.get(h)?.size ?? 0,
      persons_if_linked: homes.reduce((s, x) => s + (l.persons.get(x)?.size ?? 0), 0),
      households_if_linked: homes.join(";"),
    };
  });
}
