/**
 * The merge end to end (比对去重), as named steps: read → stage → link → cluster → person ids →
 * golden records → files. `mergeSources` returns the files of the dataset folder (contract §1 and
 * §4) and the report; the caller writes them.
 */
import { join } from "node:path";
import { toCsv } from "../base/csv.ts";
import { type SourceOverlap, sourceOverlaps } from "./overlaps.ts";
import { formatProblem, InputError } from "../contract/mod.ts";
import type { Db } from "../db/mod.ts";
import { parseCsv } from "../ingest/mod.ts";
import { assignPersonIds, connectedComponents, recordKey } from "./cluster.ts";
import {
  conflictsOf,
  type FreeColumns,
  freeColumnsOf,
  goldenRecords,
  type HouseholdRow,
  type MemberRow,
  VALUE_RULES,
} from "./golden.ts";
import { explainPair, type Waterfall } from "./explain.ts";
import { doubtOf, PAIR_COLUMNS, pairCells, reviewLinkedGolden, uncertaintyRows, type Version } from "./doubt.ts";
import type { Parameters } from "./fellegi_sunter.ts";
import { link, type LinkageFigures } from "./linkage.ts";
import { type Quality, qualityOf } from "./quality.ts";
import { COMPARISONS, DEFAULT_LINKAGE, type LinkageOptions } from "./settings.ts";
import { readSources, type SourceSummary, type StagedRecord, stageSources } from "./stage.ts";

/** The merged dataset's tables are data for the toolkit to read back: values kept as they are (like anonymize), not neutralised. */
const DATASET_CSV = { formulas: "keep" } as const;

/** Options of a merge. */
export interface MergeOptions {
  /** Reject rows with problems (with reasons) instead of failing. */
  lenient?: boolean;
  /** The previous run's `linkage/records.csv` text: person ids are kept stable through it. */
  previousIds?: string;
  linkage?: Partial<LinkageOptions>;
  /** Pairs to explain as waterfalls, each record as `source_id/record_id`. */
  explain?: [string, string][];
}

/** `linkage/report.json`. */
export interface MergeReport {
  sources: (SourceSummary & { linked: number })[];
  /** Persons with records in two sources, and in one source alone (`b` null): overlaps.ts. */
  source_overlaps: SourceOverlap[];
  records: { read: number; linked: number; rejected: number };
  persons: number;
  households: number;
  /** Identity numbers set aside as someone else's (a dependant with the applicant's), and failing their check digit. */
  staging: { ids_not_theirs: number; ids_failed_check: number; village_aliases: number };
  /** Conflicts by kind (the rows are in linkage/conflicts.csv). */
  conflicts: Record<string, number>;
  person_ids: { kept: number; new: number };
  clustering: {
    iterations: number;
    components_repaired_for_cannot_link: number;
    /** Records fitting two people who cannot be one about equally well: left on their own. */
    ambiguous_records_left_alone: number;
    largest: number;
    /** Persons with more records than sources (a source lists them twice, or two people were joined). */
    more_records_than_sources: number;
    /** Clusters flagged large or sparse (linkage/clusters.csv). */
    flagged_large: number;
    flagged_sparse: number;
  };
  /** The merge if every review pair were linked (linkage/if_review_linked/, linkage/uncertainty.csv). */
  if_review_linked: { review_pairs: number; persons: number; households: number; households_touched: number };
  /** The linkage's figures (its step timings are in {@link MergeResult.timings}, not in the file). */
  linkage: Omit<LinkageFigures, "seconds">;
  quality?: Quality;
}

/** A file to write, by its path inside the output folder. */
export interface OutFile {
  name: string;
  text: string;
}

async function optionalCsv(path: string): Promise<string[][] | null> {
  try {
    return parseCsv(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Previous person ids from a `linkage/records.csv` text. */
export function previousIdsOf(text: string): Map<string, string> {
  const rows = parseCsv(text);
  const header = rows[0] ?? [];
  const [s, r, p] = ["source_id", "record_id", "person_id"].map((c) => header.indexOf(c));
  const out = new Map<string, string>();
  if (s < 0 || r < 0 || p < 0) return out;
  for (const row of rows.slice(1)) if (row[p]) out.set(recordKey(row[s], row[r]), row[p]);
  return out;
}

const MEMBER_TYPES: Record<string, [string, string, string]> = {
  person_id: ["text", "人员编号", "Stable pseudonymous person id (kept across monthly merges)."],
  household_id: ["text", "家庭编号", "The household-registration pseudonym the person's records name."],
  relation: ["text", "与户主关系", "Relation to the household head (hukou, else roster)."],
  sex: ["text", "性别", "male or female (from a valid identity number, else the most common record)."],
  age: ["number", "年龄", "Whole years at the latest extract date."],
  birth_year: ["number", "出生年份", "Year of birth."],
  records: ["number", "记录数", "Department records merged into this person."],
  sources: ["number", "来源数", "Sources the person was found in."],
};

/** What a merge returns: the files to write, the report, the explained pairs and how long each step took. */
export interface MergeResult {
  files: OutFile[];
  report: MergeReport;
  explanations: { pair: [string, string]; waterfall: Waterfall }[];
  /** Seconds per step (read, stage, link, cluster, golden) and in all; never written to a file (outputs stay byte-identical). */
  timings: { seconds: number; steps: Record<string, number>; linkage: Record<string, number> };
}

/** A stopwatch of named laps. */
function stopwatch(): { lap: (name: string) => void; steps: Record<string, number>; total: () => number } {
  const t0 = performance.now();
  let t = t0;
  const steps: Record<string, number> = {};
  return {
    steps,
    lap: (name) => {
      const now = performance.now();
      steps[name] = (now - t) / 1000;
      t = now;
    },
    total: () => (performance.now() - t0) / 1000,
  };
}

/** Reads and stages every source; throws the problems (strict) or keeps the rejected rows (lenient). */
async function readAndStage(db: Db, folder: string, options: MergeOptions, watch: ReturnType<typeof stopwatch>) {
  const aliasRows = await optionalCsv(join(folder, "village_aliases.csv"));
  const aliases = new Map((aliasRows ?? []).slice(1).filter((r) => r.length >= 2 && r[0]).map((r) => [r[0], r[1]]));
  const raws = await readSources(db, folder);
  watch.lap("read");
  const staged = stageSources(raws, { lenient: options.lenient, aliases });
  watch.lap("stage");
  if (staged.problems.length > 0) {
    throw new InputError(
      staged.problems,
      staged.problems.slice(0, 50).map(formatProblem).join("\n") +
        (staged.problems.length > 50 ? `\n… and ${staged.problems.length - 50} more problems` : ""),
    );
  }
  if (staged.sources.length === 0) {
    throw new InputError([{ file: folder, message: "No sources found: expected <folder>/<source_id>/manifest.json" }]);
  }
  return { staged, aliases };
}

/** The waterfalls of the pairs the user asked about (`source_id/record_id` keys). */
async function explainPairs(
  db: Db,
  folder: string,
  records: readonly StagedRecord[],
  params: Parameters,
  pairs: readonly [string, string][],
): Promise<MergeResult["explanations"]> {
  const explanations: MergeResult["explanations"] = [];
  const ridOf = new Map(records.map((r) => [`${r.source_id}/${r.record_id}`, r.rid]));
  for (const pair of pairs) {
    const [a, b] = pair.map((key) => {
      const rid = ridOf.get(key);
      if (rid === undefined) {
        throw new InputError([{ file: folder, value: key, message: "No staged record source_id/record_id like this" }]);
      }
      return rid;
    });
    explanations.push({ pair, waterfall: await explainPair(db, params, a, b) });
  }
  return explanations;
}

/** Clusters → persons under stable ids (kept through the previous run's records.csv). */
async function personsOf(db: Db, records: readonly StagedRecord[], previousIds: string | undefined) {
  const labels = await db.columns("select rid, c from clusters order by rid");
  const byLabel = new Map<number, StagedRecord[]>();
  labels.columns[0].forEach((rid, i) => {
    const c = Number(labels.columns[1][i]);
    let list = byLabel.get(c);
    if (!list) byLabel.set(c, list = []);
    list.push(records[Number(rid)]);
  });
  const clusters = [...byLabel.values()];
  const previous = previousIds ? previousIdsOf(previousIds) : new Map<string, string>();
  const ids = assignPersonIds(clusters.map((c) => c.map((r) => recordKey(r.source_id, r.record_id))), previous);
  const persons = new Map<string, StagedRecord[]>();
  const personOf = new Map<string, string>();
  clusters.forEach((c, i) => {
    persons.set(ids[i], c);
    for (const r of c) personOf.set(recordKey(r.source_id, r.record_id), ids[i]);
  });
  const prevPersons = new Set(previous.values());
  const kept = ids.filter((id) => prevPersons.has(id)).length;
  return { clusters, persons, personOf, ids: { kept, new: ids.length - kept } };
}

/** The truth file's person per record key, where the folder has a `truth.csv`. */
async function truthOf(folder: string): Promise<Map<string, string> | undefined> {
  const truthRows = await optionalCsv(join(folder, "truth.csv"));
  if (!truthRows) return undefined;
  const h = truthRows[0];
  const [s, r, p] = ["source_id", "record_id", "person_id"].map((c) => h.indexOf(c));
  return new Map(truthRows.slice(1).filter((x) => x.length > 2).map((x) => [recordKey(x[s], x[r]), x[p]]));
}

/** Reads, stages, links, clusters and merges the sources of `folder`. */
export async function mergeSources(db: Db, folder: string, options: MergeOptions = {}): Promise<MergeResult> {
  const watch = stopwatch();
  const linkage = { ...DEFAULT_LINKAGE, ...options.linkage };
  const { staged, aliases } = await readAndStage(db, folder, options, watch);
  const records = staged.records;
  const { figures, params } = await link(db, records, linkage);
  watch.lap("link");
  const cc = await connectedComponents(db, linkage);
  const review = await reviewCsv(db, records, params, linkage);
  const explanations = options.explain?.length ? await explainPairs(db, folder, records, params, options.explain) : [];
  watch.lap("cluster");
  const { clusters, persons, personOf, ids } = await personsOf(db, records, options.previousIds);
  const reference = staged.sources.map((s) => s.extract_date).sort().at(-1)!;
  const free = freeColumnsOf(records);
  const { members, households } = goldenRecords(persons, reference, free);
  const conflicts = conflictsOf(persons);
  watch.lap("golden");
  const truth = await truthOf(folder);
  const quality = truth ? qualityOf(personOf, truth) : undefined;
  const doubt = await doubtOf(db, { records, persons, personOf, params, options: linkage, truth });
  const alt = reviewLinkedGolden({ members, households }, doubt, reference, free);
  const version = (ps: ReadonlyMap<string, readonly StagedRecord[]>, ms: MemberRow[]): Version => {
    const personOfRid = new Map<number, string>();
    for (const [id, rs] of ps) for (const r of rs) personOfRid.set(r.rid, id);
    return {
      personOf: personOfRid,
      householdOf: new Map(ms.map((m) => [String(m.person_id), String(m.household_id)])),
    };
  };
  const uncertainty = uncertaintyRows(doubt.reviewPairs, version(persons, members), version(doubt.linked, alt.members));
  watch.lap("doubt");
  const linkedBySource = new Map<string, number>();
  for (const r of records) linkedBySource.set(r.source_id, (linkedBySource.get(r.source_id) ?? 0) + 1);
  const read = staged.sources.reduce((s, x) => s + x.read, 0);
  const { seconds: linkageSeconds, ...linkageFigures } = figures;
  const report: MergeReport = {
    sources: staged.sources.map((s) => ({ ...s, linked: linkedBySource.get(s.source_id) ?? 0 })),
    source_overlaps: sourceOverlaps(persons.values()),
    records: { read, linked: records.length, rejected: read - records.length },
    persons: persons.size,
    households: households.length,
    conflicts: Object.fromEntries(
      [...new Set(conflicts.map((c) => c.kind))].sort().map((k) => [k, conflicts.filter((c) => c.kind === k).length]),
    ),
    staging: {
      ids_not_theirs: records.filter((r) => r.id_note === "id_not_theirs").length,
      ids_failed_check: records.filter((r) => r.id_ok === false).length,
      village_aliases: aliases.size,
    },
    person_ids: ids,
    clustering: {
      iterations: cc.iterations,
      components_repaired_for_cannot_link: cc.cannotLinkRepaired,
      ambiguous_records_left_alone: cc.ambiguous,
      largest: clusters.reduce((m, c) => Math.max(m, c.length), 0),
      more_records_than_sources: clusters.filter((c) => new Set(c.map((r) => r.source_id)).size < c.length).length,
      flagged_large: doubt.flags.large,
      flagged_sparse: doubt.flags.sparse,
    },
    if_review_linked: {
      review_pairs: doubt.reviewPairs.length,
      persons: doubt.linked.size,
      households: alt.households.length,
      households_touched: uncertainty.length,
    },
    linkage: linkageFigures,
    ...(quality ? { quality } : {}),
  };
  const files = filesOf(members, households, free, records, staged.rejected, personOf, report);
  files.push({ name: "linkage/review.csv", text: review });
  files.push(...doubt.files);
  const altFiles = filesOf(alt.members, alt.households, free, records, staged.rejected, personOf, report, false)
    .filter((f) => ["dataset.json", "households.csv", "members.csv"].includes(f.name));
  for (const f of altFiles) files.push({ name: `linkage/if_review_linked/${f.name}`, text: f.text });
  files.push({
    name: "linkage/uncertainty.csv",
    text: toCsv(
      ["household_id", "review_pairs", "persons", "persons_if_linked", "households_if_linked"],
      uncertainty.map((u) => [u.household_id, u.review_pairs, u.persons, u.persons_if_linked, u.households_if_linked]),
    ),
  });
  files.push({
    name: "linkage/conflicts.csv",
    text: toCsv(
      ["person_id", "kind", "severity", "detail"],
      conflicts.map((c) => [c.person_id, c.kind, c.severity, c.detail]),
    ),
  });
  watch.lap("files");
  const timings = { seconds: watch.total(), steps: watch.steps, linkage: linkageSeconds };
  return { files, report, explanations, timings };
}

/**
 * The review queue, `linkage/review.csv`: pairs with probability from `reviewAt`, not linked (below
 * `linkAt`, or with no evidence beyond names) and the linked pairs of the records left alone as
 * ambiguous, strongest first — record keys, weight, probability, term-frequency adjustment and
 * the level of each comparison (never the compared values).
 */
async function reviewCsv(db: Db, records: readonly StagedRecord[], p: Parameters, o: LinkageOptions): Promise<string> {
  const g = COMPARISONS.map((c) => `g_${c.id}`);
  const rows = await db.all(`select rid_l, rid_r, weight, probability, ${g.join(", ")} from scored
  where (probability >= ${o.reviewAt} and not (probability >= ${o.linkAt} and evidence))
    or (probability >= ${o.linkAt} and evidence and (rid_l in (select rid from ambiguous) or rid_r in (select rid from ambiguous)))
  order by weight desc, rid_l, rid_r`);
  return toCsv(PAIR_COLUMNS, rows.map((r) => pairCells(records, p, r)));
}

/** The type of a free column from its values: number, boolean or date where every value is one, else text. */
export function freeColumnType(values: readonly (string | number | boolean | null)[]): string {
  const present = values.filter((v): v is string => typeof v === "string");
  if (present.length === 0) return "text";
  if (present.every((v) => /^-?\d+(\.\d+)?$/.test(v))) return "number";
  if (present.every((v) => v === "true" || v === "false")) return "boolean";
  if (present.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))) return "date";
  return "text";
}

function filesOf(
  members: MemberRow[],
  households: HouseholdRow[],
  free: FreeColumns,
  records: readonly StagedRecord[],
  rejected: readonly { source_id: string; record_id: string; reason: string }[],
  personOf: ReadonlyMap<string, string>,
  report: MergeReport,
  withLinkage = true,
): OutFile[] {
  const memberColumns = [...Object.keys(MEMBER_TYPES), ...Object.keys(VALUE_RULES), ...free.member];
  const freeDescription = (values: (string | number | boolean | null)[], table: string) => ({
    type: freeColumnType(values),
    description: `Carried from the sources' column of this name (${table}; see golden.ts for the rule).`,
  });
  const linkRows: string[][] = !withLinkage ? [] : [
    ...records.map((r) => [r.source_id, r.record_id, personOf.get(recordKey(r.source_id, r.record_id))!, ""]),
    ...rejected.map((r) => [r.source_id, r.record_id, "", r.reason]),
  ].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const valueTypes: Record<string, string> = {
    any: "boolean",
    count: "number",
    sum: "number",
    latest: "number",
  };
  const memberDescription = Object.fromEntries(memberColumns.map((c) => {
    const known = MEMBER_TYPES[c];
    if (known) return [c, { type: known[0], label_zh: known[1], description: known[2] }];
    if (free.member.includes(c)) return [c, freeDescription(members.map((m) => m[c]), "member")];
    const rule = VALUE_RULES[c as keyof typeof VALUE_RULES];
    const type = c === "school_stage" ? "text" : valueTypes[rule];
    return [c, {
      type,
      description: `Merged from the department records: ${
        rule === "any" ? "any record true" : rule === "latest" ? "the latest extract" : "sum across records"
      }.`,
    }];
  }));
  const dataset = {
    name: "merged-sources",
    description:
      `Merged by deno task merge from ${report.sources.length} department sources: ${report.records.linked} records → ${report.persons} persons in ${report.households} households. Names were read for matching only and are in no file.`,
    tables: {
      households: {
        household_id: { type: "text", label_zh: "家庭编号", description: "Household-registration pseudonym." },
        town: { type: "text", label_zh: "乡镇" },
        village: {
          type: "text",
          label_zh: "村（社区）",
          description: "Current village name (old names through village_aliases.csv).",
        },
        category: {
          type: "text",
          label_zh: "监测类别",
          description:
            "Highest roster category of the members: tekun > dibao > monitored > rigid_expense > near_dibao > other.",
        },
        ...Object.fromEntries(
          free.household.map((c) => [c, freeDescription(households.map((h) => h.free[c]), "household")]),
        ),
      },
      members: memberDescription,
    },
  };
  return [
    { name: "dataset.json", text: JSON.stringify(dataset, null, 2) + "\n" },
    {
      name: "households.csv",
      text: toCsv(
        ["household_id", "town", "village", "category", ...free.household],
        households.map((h) => [h.household_id, h.town, h.village, h.category, ...free.household.map((c) => h.free[c])]),
        DATASET_CSV,
      ),
    },
    {
      name: "members.csv",
      text: toCsv(memberColumns, members.map((m) => memberColumns.map((c) => m[c])), DATASET_CSV),
    },
    ...(!withLinkage ? [] : [
      { name: "linkage/records.csv", text: toCsv(["source_id", "record_id", "person_id", "reason"], linkRows) },
      { name: "linkage/report.json", text: JSON.stringify(report, null, 2) + "\n" },
    ]),
  ];
}
