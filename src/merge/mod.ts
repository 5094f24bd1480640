/**
 * Merge (比对去重): department extracts (contract §4) → one dataset (§1) of persons and
 * households, by probabilistic record linkage as Splink does it, on DuckDB. Pure planning and SQL
 * generation; the caller passes the database.
 *
 * Steps: staging (`stage.ts`: read, check, normalise names/dates/villages) → blocking (OR-ed rules,
 * `settings.ts`) → comparison vectors (ordered levels per comparison) → u from random pairs → m by
 * EM per training rule with u fixed → prior from deterministic rules → match weight with
 * term-frequency adjustments and probability per pair (`linkage.ts`, `fellegi_sunter.ts`) →
 * link where probability ≥ 0.7 *and* a level beyond names agrees (pseudonym, ID-encoded birth,
 * birth date, village, household: no link rests on a name alone) → connected components with
 * cannot-links (`cluster.ts`: two valid pseudonyms, two differently named records of one
 * household — twins, siblings —, an adults-only kind against a child's birth date, a strongly
 * negative pair; a record fitting two such people about equally is left on its own) → stable
 * person ids → golden records and conflicts (`golden.ts`, one documented rule per field; free
 * columns carried, a manifest's `household_fields` onto households) → quality against a truth
 * file (`quality.ts`) → the doubt (`doubt.ts`, `review.ts`: cluster flags, the weight curve, the
 * merge if the review pairs were linked). Any pair's weight as a waterfall: `explainPair`
 * (`explain.ts`, `--explain` on the command line); the 比对去重 page reads the outputs through
 * `page_data.ts` and draws `figures.ts`.
 *
 * Command line: `deno task merge --sources <folder> --out <dataset> [--lenient] [--id-map <f>]
 * [--link-at P]` writes `households.csv`, `members.csv`, `dataset.json`, `linkage/records.csv`
 * (every record: source_id, record_id, person_id, reason where rejected),
 * `linkage/review.csv` (pairs near the threshold: record keys, weight, probability, levels),
 * `linkage/conflicts.csv` (per person: two valid pseudonyms, sex or birth date disagreeing, two
 * households or none, with a severity), `linkage/clusters.csv` and `cluster_edges.csv` (persons
 * of two or more records, flagged `large`/`sparse`), `linkage/weights.csv` (the match-weight
 * curve), `linkage/if_review_linked/` and `linkage/uncertainty.csv` (the households a linked
 * review would change; with `--model` their bands before and after) and
 * `linkage/report.json` (records per source, persons, households, blocking-rule pair counts, EM
 * sessions, m/u/weight of every level, prior, thresholds, step timings, and with a `truth.csv`
 * beside the sources pairwise precision/recall/F1, B-cubed and the person-count error). Optional
 * `<folder>/village_aliases.csv` (`alias, village`) maps old village names. Person ids persist
 * through the previous `linkage/records.csv` (the out folder's, or `--id-map`). Names are read for
 * matching only and are written nowhere.
 *
 * On the demo sources (`deno task demo-data --sources <dir>`: 432,382 records of 145,022 persons)
 * the defaults give pairwise precision 0.9994, recall 0.9971 (F1 0.9982), B-cubed 0.9997/0.9984,
 * persons +0.25%, in about 30 s at 1.9 GB peak on 2 cores (native DuckDB).
 *
 * ```ts
 * import { openDb } from "../db/mod.ts";
 * import { matchWeight, mergeSources } from "./mod.ts";
 * // Fellegi–Sunter by hand: prior 1/1000, one comparison agreeing with m = 0.9, u = 0.01.
 * const w = matchWeight({ m: [[0.9, 0.1]], u: [[0.01, 0.99]], lambda: 0.001 }, [0]);
 * console.log(w.toFixed(3)); // log2(0.001/0.999) + log2(90)
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/roster`);
 * await Deno.writeTextFile(`${dir}/roster/manifest.json`, JSON.stringify({
 *   source_id: "roster", department: "civil_affairs", kind: "roster", extract_date: "2024-03-31",
 *   columns: { "姓名": "name", "出生日期": "birth_date" },
 * }));
 * await Deno.writeTextFile(`${dir}/roster/records.csv`,
 *   "record_id,id_pseudo,姓名,出生日期,village,household_ref,category\n" +
 *   "r1,a1,张伟,1980-01-02,东村,h1,dibao\nr2,,張偉,1980-01-02,东村,h1,dibao\nr3,b2,李芳,1990-05-06,西村,h2,other\n");
 * const db = await openDb("native");
 * const { report } = await mergeSources(db, dir);
 * await db.close();
 * await Deno.remove(dir, { recursive: true });
 * console.log(report.records.read, report.persons); // 3 records, 2 persons
 * ```
 */
export * from "./fellegi_sunter.ts";
export * from "./settings.ts";
export * from "./manifest.ts";
export * from "./normalise.ts";
export * from "./stage.ts";
export * from "./sql.ts";
export * from "./linkage.ts";
export * from "./cluster.ts";
export * from "./golden.ts";
export * from "./quality.ts";
export * from "./overlaps.ts";
export * from "./merge.ts";
export { readXlsx } from "./xlsx.ts";
export * from "./explain.ts";
export * from "./review.ts";
export * from "./doubt.ts";
