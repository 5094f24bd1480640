/**
 * How well the merge found the persons, where a truth file says who each record is:
 * pairwise precision, recall and F1 (pairs of records put in one person, against pairs that are
 * one person), B-cubed precision and recall, and the person-count error. Counted on the staged
 * (not rejected) records that the truth file names.
 */

/** The quality figures of a merge against the truth. */
export interface Quality {
  records: number;
  persons_true: number;
  persons_found: number;
  /** (found − true) / true. */
  person_count_error: number;
  pairwise: {
    precision: number | null;
    recall: number | null;
    f1: number | null;
    true_pairs: number;
    found_pairs: number;
  };
  bcubed: { precision: number; recall: number };
}

const pairsOf = (n: number) => (n * (n - 1)) / 2;

/** Quality of `found` (record key → person id) against `truth` (record key → true person), on the keys of both. */
export function qualityOf(found: ReadonlyMap<string, string>, truth: ReadonlyMap<string, string>): Quality {
  const foundSize = new Map<string, number>();
  const trueSize = new Map<string, number>();
  const both = new Map<string, number>();
  let records = 0;
  for (const [key, p] of found) {
    const t = truth.get(key);
    if (t === undefined) continue;
    records++;
    foundSize.set(p, (foundSize.get(p) ?? 0) + 1);
    trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
    const cell = `${p}\u0000${t}`;
    both.set(cell, (both.get(cell) ?? 0) + 1);
  }
  let tp = 0, foundPairs = 0, truePairs = 0;
  for (const n of both.values()) tp += pairsOf(n);
  for (const n of foundSize.values()) foundPairs += pairsOf(n);
  for (const n of trueSize.values()) truePairs += pairsOf(n);
  // B-cubed: per record, |its found cluster ∩ its true cluster| / |found| (precision), / |true| (recall).
  let bp = 0, br = 0;
  for (const [cell, n] of both) {
    const [p, t] = cell.split("\u0000");
    bp += (n * n) / foundSize.get(p)!;
    br += (n * n) / trueSize.get(t)!;
  }
  const precision = foundPairs > 0 ? tp / foundPairs : null;
  const recall = truePairs > 0 ? tp / truePairs : null;
  return {
    records,
    persons_true: trueSize.size,
    persons_found: foundSize.size,
    person_count_error: trueSize.size > 0 ? (foundSize.size - trueSize.size) / trueSize.size : 0,
    pairwise: {
      precision,
      recall,
      f1: precision !== null && recall !== null && precision + recall > 0
        ? (2 * precision * recall) / (precision + recall)
        : null,
      true_pairs: truePairs,
      found_pairs: foundPairs,
    },
    bcubed: { precision: records ? bp / records : 1, recall: records ? br / records : 1 },
  };
}
