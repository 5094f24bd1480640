/// <reference path="./env.d.ts" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Opening a page's working set: DuckDB in a worker, the dataset (the user's, from this browser's
 * storage, or the demo county served beside the page) loaded and validated by the same code as the
 * command line, the model compiled against it, and the per-indicator hit counts read once into
 * typed arrays for the fast path. Every step reports progress and its time.
 *
 * Opening is staged ({@link openStagedSession}): a *preview* session from the build's first-view
 * summary (lib/summary.ts) draws the first figures at once, while the *live* session loads and
 * validates the data in DuckDB's worker and then replaces it. DuckDB and the loader are imported
 * lazily, so the first figures wait for neither.
 */
import { InputError, type Model, modelDigest, parseModel, type Problem, sha256Hex } from "../../src/contract/mod.ts";
import type { DatasetFile, LoadReport } from "../../src/ingest/load.ts";
import { readVerified, type VerifiedRow } from "../../src/evaluate/mod.ts";
import { type CompiledModel, compileModel } from "../../src/model/mod.ts";
import { type Hits, readHits } from "../../src/score/mod.ts";
import { buildFrame, type ScoreFrame } from "../../src/simulate/mod.ts";
import type { BrowserDb } from "./engine.ts";
import { decodeSummary, gunzipText, reportKey, rulesDigest, type Summary } from "./summary.ts";
import {
  datasetFilesOf,
  getCached,
  getStoredDataset,
  getStoredModel,
  putCached,
  type StoredDataset,
  type StoredModel,
} from "./store.ts";

/** Reports what a long step is doing. */
export type ProgressFn = (step: string) => void;

/** `./data/index.json`: what the page was served with. */
export interface ServedIndex {
  label: string;
  files: string[];
  model: string;
  digest: string;
  /** The first-view summary's file, when the build made one. */
  summary?: string;
}

/** Where the page's dataset came from. */
export interface DatasetOrigin {
  kind: "demo" | "local";
  label: string;
  lenient: boolean;
}

/** Everything a notebook page works on. */
export interface Session {
  db: BrowserDb;
  origin: DatasetOrigin;
  report: LoadReport;
  /** The default model served with the page: the baseline of comparisons and the target of "reset". */
  defaultModel: Model;
  defaultModelFile: string;
  /** The model the page opens with: the adjusted one from this browser's storage, or the default. */
  model: Model;
  modelFile: string;
  modelSource: "default" | "adjusted";
  modelSha256: string;
  compiled: CompiledModel;
  hits: Hits;
  frame: ScoreFrame;
  verified: VerifiedRow[];
  /** Household id → position in the frame (household_id order). */
  position: Map<string, number>;
  timings: { step: string; ms: number }[];
  /** Whether the tables and the hit counts came from this browser's cache. */
  cached: { tables: boolean; hits: boolean };
  /**
   * `summary`: a preview from the build's first-view summary, before this browser has validated the
   * data (its `db` waits for the live session's); `live`: loaded and validated in this browser.
   */
  stage: "summary" | "live";
  /**
   * The demo county was served as the build's Parquet copy of its folder, and this browser's
   * validation of the copy gave exactly the build's report: `report` is then the command line's
   * report on the folder's own files (so digests and file names are those of `deno task` runs).
   */
  servedCopy?: { files: string[]; report: LoadReport };
  /**
   * Where the hit counts came from when not from SQL here: `cache` (this browser's, from an earlier
   * visit) or `build` (the summary's, computed by the build from exactly the files validated here).
   */
  hitsFrom?: "cache" | "build";
  /**
   * With hit counts from the build: their check with SQL here, for the page to start once it has
   * drawn the live figures; resolves to undefined when they are the same, else to the session with
   * this browser's counts. Called more than once, it checks once.
   */
  recheck?: () => Promise<Session | undefined>;
  /**
   * What the build read with the same code from the same files, for the preview and for a live
   * session of the served copy validated here to the build's report: the audit's towns and member
   * groups (in `frame` order) and the household page's first household explained.
   */
  built?: Pick<Summary, "groups" | "household">;
}

/** The tables a loaded dataset consists of. */
const TABLES = ["households", "members", "verified"] as const;

/**
 * A validated dataset as the cache keeps it: what the pages draw from (`tablemeta:<key>`, small),
 * and the tables as Arrow IPC (`tables:<key>`, read only to restore them into DuckDB).
 */
interface CachedTables {
  report: LoadReport;
  servedCopy?: Session["servedCopy"];
  /** The verified rows read from the tables (so that a cached visit needs no query to draw). */
  verified?: VerifiedRow[];
}

/** A reason the page cannot open: invalid data or a model that does not fit the data. */
export class SessionError extends Error {
  constructor(message: string, readonly problems: Problem[], readonly report?: LoadReport) {
    super(message);
    this.name = "SessionError";
  }
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot read ${url} from the page's server (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The index of what the page was served with. */
export async function servedIndex(): Promise<ServedIndex> {
  const response = await fetch("./data/index.json");
  if (!response.ok) {
    throw new Error(`Cannot read ./data/index.json (HTTP ${response.status}); serve the built notebooks folder`);
  }
  return await response.json();
}

/** The demo dataset's files, fetched from the page's own server. */
export async function fetchDemoFiles(index: ServedIndex): Promise<DatasetFile[]> {
  return await Promise.all(
    index.files.map(async (name) => ({ name, source: { bytes: await fetchBytes(`./data/${name}`) } })),
  );
}

/** The default model served with the page. */
export async function fetchDefaultModel(index: ServedIndex): Promise<{ model: Model; file: string }> {
  const text = new TextDecoder().decode(await fetchBytes(`./${index.model}`));
  return { model: parseModel(text, index.model), file: index.model };
}

/** A digest of a dataset folder's files (names and bytes), to key the cache by. */
export async function datasetDigest(files: readonly DatasetFile[]): Promise<string> {
  const parts: string[] = [];
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    parts.push(`${f.name}\t${await sha256Hex((f.source as { bytes: Uint8Array }).bytes)}`);
  }
  return await sha256Hex(parts.join("\n"));
}

/** Dense hit columns → the sparse score frame, and id → position. */
export function frameOf(hits: Hits): { frame: ScoreFrame; position: Map<string, number> } {
  const frame = buildFrame(hits);
  return { frame, position: new Map(hits.householdIds.map((id, i) => [id, i])) };
}

/** Runs one named step of opening, reporting it and keeping its time. */
type Timed = <T>(step: string, f: () => Promise<T>) => Promise<T>;

/** Step: the validated tables, restored from this browser's cache or loaded and validated now. */
async function loadTables(
  db: BrowserDb,
  source: {
    cached?: CachedTables;
    /** The caches' key of the dataset ({@link dataKeyOf}). */
    dataKey: string;
    index: ServedIndex;
    stored?: StoredDataset;
    /** The demo county's files, fetched while DuckDB started. */
    demoFiles: Promise<DatasetFile[] | undefined>;
    /** The build's summary, whose report the validation of a served Parquet copy must give again. */
    summary: Promise<Summary | undefined>;
    origin: DatasetOrigin;
    /** Validation (main-thread work) waits for it: the preview's first figures. */
    heavyWork?: Promise<unknown>;
  },
  timed: Timed,
): Promise<{ report: LoadReport; servedCopy?: Session["servedCopy"] }> {
  const { cached, stored, origin } = source;
  const tables = cached && await getCached<Record<string, Uint8Array>>(`tables:${source.dataKey}`);
  if (cached && tables) {
    // Validated before, in this browser, by this build: restore the tables instead of validating again.
    await timed("恢复已校验数据 Restoring the validated tables from this browser's cache", async () => {
      for (const [table, ipc] of Object.entries(tables)) await db.importTable(table, ipc);
    });
    return { report: cached.report, servedCopy: cached.servedCopy };
  }
  // (A cache that lost its tables: the files are fetched now.)
  const files = stored ? datasetFilesOf(stored) : (await source.demoFiles) ??
    await timed("下载演示数据 Fetching the demo county", () => fetchDemoFiles(source.index));
  const { loadDataset } = await import("../../src/ingest/load.ts");
  await source.heavyWork;
  const validated = await timed(
    "加载并校验数据 Loading and validating the data",
    () => loadDataset(db, files, { folder: origin.label, lenient: origin.lenient }),
  );
  // The build's Parquet copy of the demo folder, validated here exactly as the build validated it:
  // the report is the command line's on the folder's own files (the build checked that both give the same tables).
  const summary = stored ? undefined : await source.summary;
  const copyOf = summary?.source && reportKey(summary.report) === reportKey(validated) ? summary.source : undefined;
  const servedCopy = copyOf && { files: files.map((f) => f.name), report: validated };
  const report = copyOf ? copyOf.report : validated;
  const loadable = report.valid ||
    (report.lenient && report.tables.some((t) => t.table === "households" && t.accepted > 0));
  if (!loadable) {
    await db.close();
    throw new SessionError(
      `The dataset ${origin.label} has ${report.problemCount} problem(s) and was not loaded`,
      report.problems,
      report,
    );
  }
  return { report, servedCopy };
}

/** Step: the model (the adjusted one stored in this browser, else the default), compiled against the data. */
function compiledModelOf(
  defaults: { model: Model; file: string },
  storedModel: StoredModel | undefined,
  report: LoadReport,
  origin: DatasetOrigin,
): Pick<Session, "model" | "modelFile" | "modelSource" | "compiled"> {
  let model = defaults.model, modelFile = defaults.file, modelSource: Session["modelSource"] = "default";
  if (storedModel) {
    try {
      model = parseModel(storedModel.text, storedModel.file);
      modelFile = storedModel.file;
      modelSource = "adjusted";
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new SessionError(`The adjusted model ${storedModel.file} is not valid`, error.problems, report);
    }
  }
  try {
    return { model, modelFile, modelSource, compiled: compileModel(model, report.schema, modelFile) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new SessionError(`The model ${modelFile} does not fit the dataset ${origin.label}`, error.problems, report);
  }
}

/** What both stages start from: the served index, the stored dataset and model, and the default model. */
interface Opening {
  index: ServedIndex;
  stored?: StoredDataset;
  origin: DatasetOrigin;
  defaults: { model: Model; file: string };
  storedModel?: StoredModel;
}

/** A session in two stages: a preview to draw at once (when one applies) and the live session. */
export interface StagedSession {
  /** From the build's first-view summary; undefined for a user's own dataset, or when the summary does not fit. */
  preview: Promise<Session | undefined>;
  /** Loaded and validated in this browser (or restored from its cache); rejects with {@link SessionError}. */
  live: Promise<Session>;
}

/**
 * Opens the page's session in two stages: the preview from the summary (no DuckDB, no loader), and
 * the live session in named steps (DuckDB, cached tables → tables → model → hit counts → verified
 * cases). Validation starts once `heavyWork` settles (the page passes its first figures), so it
 * does not compete with them for the main thread; DuckDB starts and the files download meanwhile.
 */
export function openStagedSession(progress: ProgressFn, heavyWork?: Promise<unknown>): StagedSession {
  const timings: { step: string; ms: number }[] = [];
  const timed: Timed = async (step, f) => {
    progress(step);
    const start = performance.now();
    const value = await f();
    timings.push({ step, ms: performance.now() - start });
    return value;
  };
  // DuckDB starts at once, in its worker, beside everything else.
  const engine = import("./engine.ts");
  const starting = timed("启动 DuckDB Starting DuckDB (WebAssembly)", async () => (await engine).openBrowserDb());
  const opening = (async (): Promise<Opening> => {
    const index = await timed("读取索引 Reading the page's index", servedIndex);
    const [stored, defaults, storedModel] = await Promise.all([
      getStoredDataset(),
      fetchDefaultModel(index),
      getStoredModel(),
    ]);
    const origin: DatasetOrigin = stored
      ? { kind: "local", label: stored.label, lenient: stored.lenient }
      : { kind: "demo", label: index.label, lenient: false };
    return { index, stored, origin, defaults, storedModel };
  })();
  let dbReady!: (db: BrowserDb) => void;
  const liveDb = new Promise<BrowserDb>((ok) => (dbReady = ok));
  const summary = opening.then(readSummary).catch((error) => {
    console.warn("No first-view summary:", error);
    return undefined;
  });
  // This browser's cache of the validated tables, looked up at once: with it, nothing is downloaded.
  const cachedTables = opening.then((o) => getCached<CachedTables>(`tablemeta:${dataKeyOf(o)}`));
  // The demo county downloads while DuckDB starts; its Parquet files are converted to Arrow meanwhile.
  const demoFiles = Promise.all([opening, cachedTables]).then(([o, cached]) =>
    o.stored || cached ? undefined : timed("下载演示数据 Fetching the demo county", () => fetchDemoFiles(o.index))
  );
  let gate: Promise<unknown> = Promise.resolve();
  const run = { timed, timings, heavyWork: gate, dbReady, starting, demoFiles, summary, cachedTables };
  // A cached visit with everything the figures need: the live session at once, and no preview.
  const cachedLive = Promise.all([opening, cachedTables]).then(([o, c]) =>
    c?.verified ? cachedSession(o, c, c.verified, run) : undefined
  );
  const preview = Promise.all([opening, summary, cachedLive]).then(([o, s, c]) =>
    s && !c ? previewSession(o, s, liveDb) : undefined
  ).catch(
    (error) => {
      console.warn("No preview from the first-view summary:", error);
      return undefined;
    },
  );
  // Validation waits for the preview's first figures, only when there is a preview to draw.
  run.heavyWork = gate = preview.then((p) => (p ? heavyWork : undefined));
  void Promise.all([demoFiles, engine, gate]).then(([files, e]) => {
    for (const f of files ?? []) if (f.name.endsWith(".parquet")) e.prepareParquet(bytesOf(f));
  }).catch(() => {});
  const live = Promise.all([opening, cachedLive]).then(([o, c]) => c ?? liveSession(o, run));
  // The page reports a failure when it awaits `live`; no unhandled rejection meanwhile.
  for (const p of [live, starting, demoFiles]) p.catch(() => {});
  return { preview, live };
}

/** What this browser's caches key a dataset by: the build, the data's digest, and lenient or strict. */
function dataKeyOf(o: Opening): string {
  return `${__NOTEBOOK_BUILD__}|${o.stored ? o.stored.digest : o.index.digest}|${o.origin.lenient}`;
}

/** What the build read besides the hit counts (see {@link Session.built}). */
function builtOf(summary: Summary): Session["built"] {
  return { groups: summary.groups, household: summary.household };
}

/** A fetched file's bytes. */
function bytesOf(file: DatasetFile): Uint8Array {
  return (file.source as { bytes: Uint8Array }).bytes;
}

/** The build's first-view summary of the demo county, when it has one and the page opens on the demo. */
async function readSummary(o: Opening): Promise<Summary | undefined> {
  if (o.stored || !o.index.summary) return undefined;
  const summary = decodeSummary(await gunzipText(await fetchBytes(`./${o.index.summary}`)));
  return summary.data === o.index.digest ? summary : undefined;
}

/** Opens the page's live session (see {@link openStagedSession}); throws {@link SessionError}. */
export async function openSession(progress: ProgressFn): Promise<Session> {
  return await openStagedSession(progress).live;
}

/** The preview: the summary's report, hit counts and verified rows, for the demo county and a model with the same rules. */
async function previewSession(o: Opening, summary: Summary, liveDb: Promise<BrowserDb>): Promise<Session | undefined> {
  const start = performance.now();
  // The report the pages show: the command line's on the folder's own files, when the build served a copy.
  const report = summary.source?.report ?? summary.report;
  const chosen = compiledModelOf(o.defaults, o.storedModel, report, o.origin);
  if (await rulesDigest(chosen.model) !== summary.rules) return undefined;
  return {
    db: deferredDb(liveDb),
    origin: o.origin,
    report,
    defaultModel: o.defaults.model,
    defaultModelFile: o.defaults.file,
    ...chosen,
    modelSha256: await modelDigest(chosen.model),
    hits: summary.hits,
    ...frameOf(summary.hits),
    verified: summary.verified,
    timings: [{ step: "读取预览摘要 Reading the first-view summary", ms: performance.now() - start }],
    cached: { tables: false, hits: false },
    stage: "summary",
    built: builtOf(summary),
    ...(summary.source ? { servedCopy: { files: o.index.files, report: summary.report } } : {}),
  };
}

/**
 * The preview's database: it has no tables of its own, so every query waits for the live
 * session's DuckDB. A parameter change made during the preview is re-evaluated there, on the
 * validated tables.
 */
function deferredDb(promise: Promise<BrowserDb>, owner = false): BrowserDb {
  const later = <A extends unknown[], R>(f: (db: BrowserDb, ...a: A) => Promise<R>) => async (...a: A) =>
    await f(await promise, ...a);
  return {
    engine: "wasm",
    exec: later((db, sql: string) => db.exec(sql)),
    all: later((db, sql: string) => db.all(sql)),
    columns: later((db, sql: string) => db.columns(sql)),
    registerFile: later((db, name: string, source: Parameters<BrowserDb["registerFile"]>[1]) =>
      db.registerFile(name, source)
    ),
    importParquet: later((db, table: string, source: Parameters<BrowserDb["importParquet"]>[1]) =>
      db.importParquet(table, source)
    ),
    unregisterFile: later((db, name: string) => db.unregisterFile(name)),
    copyTo: later((db, sql: string, path: string, format: Parameters<BrowserDb["copyTo"]>[2]) =>
      db.copyTo(sql, path, format)
    ),
    exportTable: later((db, table: string) => db.exportTable(table)),
    importTable: later((db, table: string, ipc: Uint8Array) => db.importTable(table, ipc)),
    // The preview's: the live session owns the database. A cached session's: it is the owner.
    close: async () => owner ? await (await promise).close() : undefined,
  };
}

/**
 * A cached visit's live session, at once: the report, hit counts and verified rows this browser
 * validated and computed before (same build, same data, same rules); the tables are restored into
 * DuckDB meanwhile, and the session's `db` waits for them. Undefined when the hit counts are not cached.
 */
async function cachedSession(
  o: Opening,
  cached: CachedTables,
  verified: VerifiedRow[],
  run: Parameters<typeof liveSession>[1],
): Promise<Session | undefined> {
  const chosen = compiledModelOf(o.defaults, o.storedModel, cached.report, o.origin);
  const hitsCacheKey = `hits:${dataKeyOf(o)}|${await rulesDigest(chosen.model)}`;
  const cachedHits = await getCached<CachedHits>(hitsCacheKey);
  if (!cachedHits) return undefined;
  const { unchecked, ...hits } = cachedHits;
  const restored = run.starting.then(async (db) => {
    const { demoFiles, summary } = run;
    const source = { cached, dataKey: dataKeyOf(o), index: o.index, demoFiles, summary, origin: o.origin };
    await loadTables(db, source, run.timed);
    run.dbReady(db);
    return db;
  });
  restored.catch(() => {}); // a failure shows where the tables are queried
  const summary = cached.servedCopy ? await run.summary : undefined;
  const session: Session = {
    db: deferredDb(restored, true),
    origin: o.origin,
    report: cached.report,
    defaultModel: o.defaults.model,
    defaultModelFile: o.defaults.file,
    ...chosen,
    modelSha256: await modelDigest(chosen.model),
    hits,
    ...frameOf(hits),
    verified,
    timings: run.timings,
    cached: { tables: true, hits: true },
    stage: "live",
    ...(cached.servedCopy ? { servedCopy: cached.servedCopy } : {}),
    ...(summary ? { built: builtOf(summary) } : {}),
    hitsFrom: unchecked ? "build" : "cache",
  };
  // The build's hit counts, cached before their check here was done: checked now.
  if (unchecked) session.recheck = recheckOf(session, restored, chosen.compiled, hits, hitsCacheKey);
  return session;
}

/** The live session: DuckDB, the tables (cached or validated now), the model, the hit counts, the verified rows. */
async function liveSession(
  o: Opening,
  run: {
    timed: Timed;
    timings: { step: string; ms: number }[];
    heavyWork: Promise<unknown>;
    dbReady: (db: BrowserDb) => void;
    starting: Promise<BrowserDb>;
    demoFiles: Promise<DatasetFile[] | undefined>;
    summary: Promise<Summary | undefined>;
    cachedTables: Promise<CachedTables | undefined>;
  },
): Promise<Session> {
  const { stored, origin, defaults, storedModel } = o;
  const { timed, timings, heavyWork } = run;
  const dataKey = dataKeyOf(o);
  const cachedTables = await run.cachedTables;
  const db = await run.starting;
  const { report, servedCopy } = await loadTables(
    db,
    {
      cached: cachedTables,
      dataKey,
      index: o.index,
      stored,
      demoFiles: run.demoFiles,
      summary: run.summary,
      origin,
      heavyWork,
    },
    timed,
  );
  run.dbReady(db); // the preview's queries run once the tables are there
  const chosen = compiledModelOf(defaults, storedModel, report, origin);
  const rules = await rulesDigest(chosen.model);
  const hitsCacheKey = `hits:${dataKey}|${rules}`;
  const cachedHits = await getCached<Hits>(hitsCacheKey);
  // The build computed the hit counts from the very files validated here (the same report) with the same rules:
  // they are used at once, as a cache filled by the build, and checked with SQL once the page has drawn.
  const summary = servedCopy ? await run.summary : undefined;
  const buildHits = !cachedHits && summary?.rules === rules ? summary.hits : undefined;
  const hits = cachedHits ?? buildHits ??
    await timed("计算指标命中 Evaluating the indicators (SQL)", () => readHits(db, chosen.compiled));
  const verified = await timed("读取核实结果 Reading verified cases", () => readVerified(db));
  const session: Session = {
    db,
    origin,
    report,
    defaultModel: defaults.model,
    defaultModelFile: defaults.file,
    ...chosen,
    modelSha256: await modelDigest(chosen.model),
    hits,
    ...frameOf(hits),
    verified,
    timings,
    cached: { tables: cachedTables !== undefined, hits: cachedHits !== undefined },
    stage: "live",
    ...(servedCopy ? { servedCopy } : {}),
    ...(summary ? { built: builtOf(summary) } : {}),
    ...(cachedHits ? { hitsFrom: "cache" as const } : buildHits ? { hitsFrom: "build" as const } : {}),
  };
  const hitsAtOpen: Hits = { ...hits, hits: [...hits.hits] };
  if (buildHits) session.recheck = recheckOf(session, Promise.resolve(db), chosen.compiled, hitsAtOpen, hitsCacheKey);
  // Fill the cache in the background, once the page is drawn: the tables, and the hit counts (the
  // build's marked unchecked until their check here is done). A failure only costs speed next time.
  if (!session.cached.tables || !session.cached.hits) {
    void (async () => {
      await new Promise((ok) => setTimeout(ok, 200));
      // (Once the check has started, it caches the checked counts itself.)
      const started = checkStarted(session.recheck);
      const cachedHits: CachedHits | undefined = !buildHits
        ? hitsAtOpen
        : started
        ? undefined
        : { ...hitsAtOpen, unchecked: true };
      await fillCache(session, cachedHits, dataKey, hitsCacheKey);
    })().catch((e) => console.warn("Could not cache the session:", e));
  }
  return session;
}

/** Hit counts as the cache keeps them: `unchecked` while the build's have not been checked here with SQL. */
type CachedHits = Hits & { unchecked?: true };

/**
 * The check of the build's hit counts with SQL here (see {@link Session.recheck}), run once; when
 * done, the cache keeps the checked counts.
 */
function recheckOf(
  session: Session,
  db: Promise<BrowserDb>,
  compiled: CompiledModel,
  hits: Hits,
  hitsCacheKey: string,
): () => Promise<Session | undefined> {
  let checking: Promise<Session | undefined> | undefined;
  const recheck = () =>
    checking ??= (async () => {
      const checked = await readHits(await db, compiled);
      void putCached(hitsCacheKey, checked, 4).catch((e) => console.warn("Could not cache the hit counts:", e));
      if (sameHitCounts(checked, hits)) return undefined;
      console.warn("The build's hit counts differ from this browser's; the figures are redrawn from this browser's.");
      return { ...session, hits: checked, ...frameOf(checked), hitsFrom: undefined, recheck: undefined };
    })();
  started.set(recheck, () => checking !== undefined);
  return recheck;
}

/** Whether each check has started (see {@link checkStarted}). */
const started = new WeakMap<() => Promise<Session | undefined>, () => boolean>();

/** Whether a session's check of the build's hit counts has started. */
function checkStarted(recheck: Session["recheck"]): boolean {
  return recheck !== undefined && (started.get(recheck)?.() ?? false);
}

/** Whether two sets of hit counts have the same households and counts. */
export function sameHitCounts(x: Hits, y: Hits): boolean {
  if (x.householdIds.length !== y.householdIds.length || x.hits.length !== y.hits.length) return false;
  if (x.householdIds.some((id, i) => id !== y.householdIds[i])) return false;
  if (x.members.some((m, i) => m !== y.members[i])) return false;
  if (x.villages.some((v, i) => v !== y.villages[i]) || x.categories.some((c, i) => c !== y.categories[i])) {
    return false;
  }
  return x.hits.every((col, k) => col.every((v, h) => v === y.hits[k][h]));
}

/** Caches the validated tables (unless restored from the cache) and the hit counts, when given. */
async function fillCache(
  session: Session,
  hits: Hits | undefined,
  dataKey: string,
  hitsCacheKey: string,
): Promise<void> {
  if (!session.cached.tables) {
    const tables: Record<string, Uint8Array> = {};
    for (const table of TABLES) tables[table] = await session.db.exportTable(table);
    await putCached(`tables:${dataKey}`, tables, 1);
    const meta: CachedTables = { report: session.report, servedCopy: session.servedCopy, verified: session.verified };
    await putCached(`tablemeta:${dataKey}`, meta, 1);
  }
  if (hits && !session.cached.hits) await putCached(hitsCacheKey, hits, 4);
}
