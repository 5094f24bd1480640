/**
 * Clustering: the linked pairs' connected components, found in SQL by label propagation (each
 * record takes the smallest label of its neighbours until nothing changes, as Splink's
 * `connected_components.py`), with cannot-link constraints (`cannotLinkSql`): two valid
 * pseudonyms that differ, two differently named records of one household, and pairs of strongly
 * negative weight never share a person. Such pairs are no edges; a component that still joins
 * them through other records is rebuilt by adding its edges strongest first, skipping any that
 * would join them, and a record that fits two such people about equally is left on its own.
 *
 * Then a stable `person_id` per cluster from the previous run's map (`assignPersonIds`).
 */
import type { Db } from "../db/mod.ts";

/**
 * The cannot-link pairs among the scored ones (`cannot`: a, b): two valid pseudonyms that
 * differ; two records of one household whose names differ beyond pinyin (siblings and twins,
 * never one person unless their pseudonyms agree); a record of an adults-only kind and one born
 * after its `born_by` year; and pairs whose match weight is below `strongNonMatch` (two records
 * so unlike that no third record may join them).
 */
export function cannotLinkSql(strongNonMatch: number): string {
  return `create table cannot as select s.rid_l as a, s.rid_r as b from scored s
  join staged l on l.rid = s.rid_l join staged r on r.rid = s.rid_r
  where coalesce(l.id_ok and r.id_ok and l.id_pseudo <> r.id_pseudo, false)
    or (s.g_household = 0 and s.g_name >= 2 and s.g_id <> 0)
    or coalesce(coalesce(r.birth_y, substring(r.id_birth, 1, 4)::int) > l.born_by, false)
    or coalesce(coalesce(l.birth_y, substring(l.id_birth, 1, 4)::int) > r.born_by, false)
    or s.weight < ${strongNonMatch}`;
}

/** The clustering's thresholds (from the linkage options). */
export interface ClusterOptions {
  linkAt: number;
  strongNonMatch: number;
  ambiguityBits: number;
}

/**
 * Creates `edges` (linked pairs, cannot-link pairs removed), `cannot`, `clusters` (rid → label)
 * and `ambiguous` (the records left on their own).
 */
export async function connectedComponents(
  db: Db,
  o: ClusterOptions,
): Promise<{ iterations: number; cannotLinkRepaired: number; ambiguous: number }> {
  await db.exec(`${cannotLinkSql(o.strongNonMatch)};
create table edges as select s.rid_l as a, s.rid_r as b, s.weight from scored s
  anti join cannot c on c.a = s.rid_l and c.b = s.rid_r
  where s.probability >= ${o.linkAt} and s.evidence;
create table nbr as select a as rid, b as nb from edges union all select b, a from edges;
create table clusters as select rid, rid as c from staged;
create table ambiguous(rid integer)`);
  let iterations = 0;
  for (;;) {
    iterations++;
    await db.exec(`create table clusters_next as select n.rid, least(n.c, coalesce(min(m.c), n.c)) as c
  from clusters n left join nbr e on e.rid = n.rid left join clusters m on m.rid = e.nb group by n.rid, n.c`);
    const [row] = await db.all(`select count(*)::double as changed from clusters_next x join clusters y using (rid)
  where x.c <> y.c`);
    await db.exec("drop table clusters; alter table clusters_next rename to clusters");
    if (Number(row.changed) === 0 || iterations > 200) break;
  }
  const { repaired, ambiguous } = await repairCannotLinks(db, o.ambiguityBits);
  return { iterations, cannotLinkRepaired: repaired, ambiguous };
}

/** Components holding two valid pseudonyms or a cannot-link pair: rebuilt strongest edge first. */
async function repairCannotLinks(db: Db, ambiguityBits: number): Promise<{ repaired: number; ambiguous: number }> {
  await db.exec(`create table bad as select c from clusters join staged using (rid) where id_ok group by c
  having count(distinct id_pseudo) > 1
  union select x.c from cannot k join clusters x on x.rid = k.a join clusters y on y.rid = k.b where x.c = y.c`);
  const [{ n }] = await db.all("select count(*)::double as n from bad");
  if (Number(n) === 0) {
    await db.exec("drop table bad");
    return { repaired: 0, ambiguous: 0 };
  }
  const members = await db.all(`select k.rid, s.id_pseudo, s.id_ok from clusters k join bad using (c)
  join staged s using (rid) order by k.rid`);
  const edges = await db.all(`select e.a, e.b, e.weight from edges e join clusters k on k.rid = e.a
  join bad using (c) order by e.weight desc, e.a, e.b`);
  const cannot = await db.all(`select k.a, k.b from cannot k join clusters x on x.rid = k.a join bad using (c)
  order by k.a, k.b`);
  const { labels, ambiguous } = constrainedComponents(
    members.map((m) => ({ rid: Number(m.rid), validId: m.id_ok === true ? String(m.id_pseudo) : null })),
    edges.map((e) => ({ a: Number(e.a), b: Number(e.b), weight: Number(e.weight) })),
    cannot.map((k) => [Number(k.a), Number(k.b)] as [number, number]),
    ambiguityBits,
  );
  const values = [...labels].map(([rid, c]) => `(${rid}, ${c})`).join(", ");
  await db.exec(`create table fixed(rid integer, c integer); insert into fixed values ${values};
update clusters set c = fixed.c from fixed where clusters.rid = fixed.rid; drop table fixed; drop table bad`);
  if (ambiguous.length > 0) {
    await db.exec(
      `insert into ambiguous values ${ambiguous.map((r) => `(${r})`).join(", ")}`,
    );
  }
  return { repaired: Number(n), ambiguous: ambiguous.length };
}

/** An edge of the clustering: two record rids and the pair's match weight. */
export interface Edge {
  a: number;
  b: number;
  weight: number;
}

/**
 * Union–find over edges taken strongest first, never joining two sets holding different valid
 * pseudonyms or a cannot-link pair. A record that a skipped edge would have joined about as
 * strongly (within `ambiguityBits` of its best edge) to another person is ambiguous: it fits
 * two people who cannot be one, so it is left on its own (and listed) rather than given to
 * either. Returns rid → label (the smallest rid of its set) and the ambiguous rids.
 */
export function constrainedComponents(
  nodes: readonly { rid: number; validId: string | null }[],
  edges: readonly Edge[],
  cannot: readonly (readonly [number, number])[] = [],
  ambiguityBits = 0,
): { labels: Map<number, number>; ambiguous: number[] } {
  const sorted = [...edges].sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b);
  const run = (skip: ReadonlySet<number>) => {
    const parent = new Map<number, number>();
    const ids = new Map<number, string | null>();
    const members = new Map<number, number[]>();
    const forbidden = new Map<number, Set<number>>();
    for (const n of nodes) {
      parent.set(n.rid, n.rid);
      ids.set(n.rid, n.validId);
      members.set(n.rid, [n.rid]);
      forbidden.set(n.rid, new Set());
    }
    for (const [a, b] of cannot) {
      forbidden.get(a)?.add(b);
      forbidden.get(b)?.add(a);
    }
    const find = (x: number): number => {
      let r = x;
      while (parent.get(r)! !== r) r = parent.get(r)!;
      while (parent.get(x)! !== r) {
        const next = parent.get(x)!;
        parent.set(x, r);
        x = next;
      }
      return r;
    };
    // Per record: the strongest edge it kept (joined or inside its set) and the strongest it lost.
    const kept = new Map<number, number>(), lost = new Map<number, number>();
    const note = (m: Map<number, number>, e: Edge) => {
      for (const r of [e.a, e.b]) if (!m.has(r)) m.set(r, e.weight);
    };
    for (const e of sorted) {
      if (!parent.has(e.a) || !parent.has(e.b) || skip.has(e.a) || skip.has(e.b)) continue;
      const ra = find(e.a), rb = find(e.b);
      if (ra === rb) {
        note(kept, e);
        continue;
      }
      const ia = ids.get(ra)!, ib = ids.get(rb)!;
      const fa = forbidden.get(ra)!;
      const clash = (ia !== null && ib !== null && ia !== ib) || members.get(rb)!.some((m) => fa.has(m));
      if (clash) {
        note(lost, e);
        continue;
      }
      note(kept, e);
      const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
      parent.set(child, root);
      ids.set(root, ia ?? ib);
      members.get(root)!.push(...members.get(child)!);
      for (const f of forbidden.get(child)!) forbidden.get(root)!.add(f);
    }
    const labels = new Map<number, number>();
    for (const n of nodes) labels.set(n.rid, find(n.rid));
    const suspects = [...lost].filter(([r, w]) => kept.has(r) && w >= kept.get(r)! - ambiguityBits).map(([r]) => r);
    return { labels, suspects };
  };
  const first = run(new Set());
  // A record with a valid pseudonym is never the ambiguous one: its number says who it is.
  const validOf = new Map(nodes.map((n) => [n.rid, n.validId]));
  const ambiguous = first.suspects.filter((r) => validOf.get(r) === null).sort((x, y) => x - y);
  if (ambiguous.length === 0 || ambiguityBits <= 0) return { labels: first.labels, ambiguous: [] };
  return { labels: run(new Set(ambiguous)).labels, ambiguous };
}

/** A record's key in the persisted map. */
export const recordKey = (sourceId: string, recordId: string) => `${sourceId}\u0000${recordId}`;

/**
 * Stable person ids: each cluster keeps the previous id most of its records had (ties: the
 * smaller id), larger clusters choosing first; an id goes to one cluster only. Clusters left
 * without one get new ids `P` + 8 digits, counting on from the largest previous one, in the
 * order of their smallest record key. `clusters` are lists of record keys.
 */
export function assignPersonIds(
  clusters: readonly (readonly string[])[],
  previous: ReadonlyMap<string, string>,
): string[] {
  const order = clusters.map((keys, i) => ({ i, keys, first: keys.reduce((a, b) => (a < b ? a : b), keys[0]) }));
  const byClaim = [...order].sort((x, y) => y.keys.length - x.keys.length || (x.first < y.first ? -1 : 1));
  const taken = new Set<string>();
  const out: (string | null)[] = clusters.map(() => null);
  for (const c of byClaim) {
    const votes = new Map<string, number>();
    for (const k of c.keys) {
      const id = previous.get(k);
      if (id !== undefined) votes.set(id, (votes.get(id) ?? 0) + 1);
    }
    const candidates = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const pick = candidates.find(([id]) => !taken.has(id));
    if (pick) {
      taken.add(pick[0]);
      out[c.i] = pick[0];
    }
  }
  let next = 0;
  for (const id of previous.values()) {
    const m = /^P(\d+)$/.exec(id);
    if (m) next = Math.max(next, Number(m[1]));
  }
  const fresh = order.filter((c) => out[c.i] === null).sort((x, y) => (x.first < y.first ? -1 : 1));
  for (const c of fresh) {
    let id: string;
    do id = `P${String(++next).padStart(8, "0")}`; while (taken.has(id));
    taken.add(id);
    out[c.i] = id;
  }
  return out as string[];
}
