/**
 * Clustering: the linked pairs' connected components, found in SQL by label propagation (each
 * record takes the smallest label of its neighbours until nothing changes, as Splink's
 * `connected_components.py`), with a cannot-link constraint: two records whose pseudonyms differ
 * and whose numbers both had a valid check digit never share a person. Such pairs are no edges;
 * a component that still joins two valid pseudonyms through other records is rebuilt by adding
 * its edges strongest first, skipping any that would join two valid pseudonyms.
 *
 * Then a stable `person_id` per cluster from the previous run's map (`assignPersonIds`).
 */
import type { Db } from "../db/mod.ts";

/** Creates `edges` (linked pairs, cannot-link pairs removed) and `clusters` (rid → label). */
export async function connectedComponents(
  db: Db,
  linkAt: number,
): Promise<{ iterations: number; cannotLinkRepaired: number }> {
  await db.exec(`create table edges as select s.rid_l as a, s.rid_r as b, s.weight from scored s
  join staged l on l.rid = s.rid_l join staged r on r.rid = s.rid_r
  where s.probability >= ${linkAt} and s.evidence
    and not coalesce(l.id_ok and r.id_ok and l.id_pseudo <> r.id_pseudo, false);
create table nbr as select a as rid, b as nb from edges union all select b, a from edges;
create table clusters as select rid, rid as c from staged`);
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
  const repaired = await repairCannotLinks(db);
  return { iterations, cannotLinkRepaired: repaired };
}

/** Components holding two valid pseudonyms: rebuilt strongest edge first; returns how many. */
async function repairCannotLinks(db: Db): Promise<number> {
  const bad = await db.all(`select c from clusters join staged using (rid) where id_ok group by c
  having count(distinct id_pseudo) > 1`);
  if (bad.length === 0) return 0;
  await db.exec(`create table bad as select c from clusters join staged using (rid) where id_ok group by c
  having count(distinct id_pseudo) > 1`);
  const members = await db.all(`select k.rid, s.id_pseudo, s.id_ok from clusters k join bad using (c)
  join staged s using (rid) order by k.rid`);
  const edges = await db.all(`select e.a, e.b, e.weight from edges e join clusters k on k.rid = e.a
  join bad using (c) order by e.weight desc, e.a, e.b`);
  const labels = constrainedComponents(
    members.map((m) => ({ rid: Number(m.rid), validId: m.id_ok === true ? String(m.id_pseudo) : null })),
    edges.map((e) => ({ a: Number(e.a), b: Number(e.b) })),
  );
  const values = [...labels].map(([rid, c]) => `(${rid}, ${c})`).join(", ");
  await db.exec(`create table fixed(rid integer, c integer); insert into fixed values ${values};
update clusters set c = fixed.c from fixed where clusters.rid = fixed.rid; drop table fixed; drop table bad`);
  return bad.length;
}

/**
 * Union–find over edges taken in the given order (strongest first), never joining two sets
 * holding different valid pseudonyms. Returns rid → label (the smallest rid of its set).
 */
export function constrainedComponents(
  nodes: readonly { rid: number; validId: string | null }[],
  edges: readonly { a: number; b: number }[],
): Map<number, number> {
  const parent = new Map<number, number>();
  const ids = new Map<number, Set<string>>();
  for (const n of nodes) {
    parent.set(n.rid, n.rid);
    ids.set(n.rid, new Set(n.validId ? [n.validId] : []));
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
  for (const { a, b } of edges) {
    if (!parent.has(a) || !parent.has(b)) continue;
    const ra = find(a), rb = find(b);
    if (ra === rb) continue;
    const ia = ids.get(ra)!, ib = ids.get(rb)!;
    // Each set holds at most one valid pseudonym: join only where they do not differ.
    if (ia.size > 0 && ib.size > 0 && [...ia][0] !== [...ib][0]) continue;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(child, root);
    ids.set(root, new Set([...ia, ...ib]));
  }
  const out = new Map<number, number>();
  for (const n of nodes) out.set(n.rid, find(n.rid));
  return out;
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
