/**
 * How the sources overlap: for every two sources, the persons with records in both, and for each
 * source the persons found in it alone (the page's "records per source and their overlaps"). Pure.
 */

/** Persons with records in both `a` and `b` (a < b), or in `a` alone (`b` null). */
export interface SourceOverlap {
  a: string;
  b: string | null;
  persons: number;
}

/**
 * The overlaps of the sources, from the persons' records: each person counts once for each pair of
 * the distinct sources it has records in, and once under `b: null` when it has records in one source
 * only. Rows are sorted by `a`, then `b` (the single-source row first); pairs with no person are left out.
 */
export function sourceOverlaps(persons: Iterable<readonly { source_id: string }[]>): SourceOverlap[] {
  const counts = new Map<string, SourceOverlap>();
  const add = (a: string, b: string | null) => {
    const key = b === null ? `${a}\u0000` : `${a}\u0000${b}`;
    const row = counts.get(key);
    if (row) row.persons++;
    else counts.set(key, { a, b, persons: 1 });
  };
  for (const records of persons) {
    const sources = [...new Set(records.map((r) => r.source_id))].sort();
    if (sources.length === 1) add(sources[0], null);
    for (let i = 0; i < sources.length; i++) {
      for (let j = i + 1; j < sources.length; j++) add(sources[i], sources[j]);
    }
  }
  return [...counts.values()].sort((x, y) =>
    x.a !== y.a ? (x.a < y.a ? -1 : 1) : x.b === y.b ? 0 : x.b === null ? -1 : y.b === null ? 1 : x.b < y.b ? -1 : 1
  );
}
