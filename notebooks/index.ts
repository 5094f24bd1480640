/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The data page, as a graph of cells (lib/cells.ts): the current dataset (opened as every page
 * opens it) → its headline, first chart and validation report; and the dataset picker (a view)
 * → the picked folder validated in the page with the command line's rules → stored for every page.
 */
import "./style.css";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { loadDataset } from "../src/ingest/load.ts";
import { compileModel } from "../src/model/mod.ts";
import { scoreDistributionFigure, scoreHistogram } from "../src/report/mod.ts";
import { notebook, view, type ViewElement } from "./lib/cells.ts";
import { openBrowserDb } from "./lib/engine.ts";
import { datasetFilesOfPicked, datasetPicker, type PickedDataset } from "./lib/picker.ts";
import { loadReportView } from "./lib/report_view.ts";
import { type PageScores, scoreModel } from "./lib/scoring.ts";
import {
  datasetDigest,
  fetchDefaultModel,
  openSession,
  servedIndex,
  type Session,
  SessionError,
} from "./lib/session.ts";
import { clearCache, clearStoredDataset, clearStoredModel, getStoredModel, setStoredDataset } from "./lib/store.ts";
import { fail, h, int, interval, kpi, pct, problemList, Progress, renderHeader } from "./lib/ui.ts";

const $ = (id: string) => document.getElementById(id)!;
renderHeader("data");

/** The current dataset: opened, or why not. */
type Opened = { session: Session; error?: undefined } | { session?: undefined; error: SessionError };

/** The page's cells and their values. */
interface Cells {
  opened: Opened;
  scores: PageScores | null;
  headline: HTMLElement;
  firstChart: HTMLElement;
  current: HTMLElement;
  picker: ViewElement<PickedDataset | null>;
  picked: PickedDataset | null;
  pickedReport: HTMLElement;
}
const page = notebook<Cells>("data");
const { cell } = page;

cell("opened", [], async () => {
  const progress = new Progress($("progress"));
  try {
    const session = await openSession((s) => progress.step(s));
    $("current-label").textContent = session.origin.kind === "demo"
      ? `· 演示县 demo county (${session.origin.label})`
      : `· ${session.origin.label} (opened in this browser)`;
    $("back-to-demo").hidden = session.origin.kind === "demo";
    return { session };
  } catch (error) {
    if (!(error instanceof SessionError)) throw error;
    $("back-to-demo").hidden = false;
    return { error };
  } finally {
    progress.done();
  }
});
cell("scores", ["opened"], ({ session }) => session ? scoreModel(session, session.model) : null);

cell("headline", ["opened", "scores"], ({ session }, scores) => {
  if (!session || !scores) return h("div", {});
  const members = session.report.tables.find((t) => t.table === "members")?.accepted ?? 0;
  const o = scores.overall;
  return h(
    "div",
    { class: "kpis" },
    kpi("户 Households", int(session.frame.size)),
    kpi("人 Members", int(members)),
    kpi("核实记录 Verified rows", int(session.verified.length)),
    kpi(
      `预警 Warnings (${session.model.id} ${session.model.version})`,
      int(scores.warnings),
      session.modelSource === "adjusted" ? "adjusted model" : "default model",
    ),
    kpi(
      "精确率 Precision",
      pct(o.precision),
      `95% CI ${interval(o.precision_ci95)} · ${o.true_positives}/${o.labeled_warnings}`,
    ),
    kpi("召回率 Recall", pct(o.recall), `all verified rows · coverage ${pct(o.coverage)}`),
  );
}, { show: "headline" });

cell("firstChart", ["opened", "scores"], ({ session }, scores) => {
  const chart = $("first-chart");
  if (!session || !scores) return h("div", {});
  chart.hidden = false;
  const { bins } = scoreHistogram(scores.perCapita, session.frame.categories);
  return h(
    "div",
    {},
    h("h3", {}, "人均得分分布 Per-capita scores by management category"),
    scoreDistributionFigure(bins, { bands: session.compiled.bands, width: Math.min(1000, chart.clientWidth || 900) }),
  );
}, { show: "first-chart", figure: true });

/** A button that forgets something stored in this browser, then reloads. */
const forget = (label: string, clear: () => Promise<unknown>) =>
  h("button", {
    onclick: async () => {
      await clear();
      location.reload();
    },
  }, label);

cell("current", ["opened"], ({ session, error }) => {
  if (!session) {
    return h(
      "div",
      {},
      h("div", { class: "error" }, error.message),
      error.report ? loadReportView(error.report) : problemList(error.problems),
    );
  }
  return h(
    "div",
    {},
    loadReportView(session.report),
    session.cached.tables
      ? h(
        "p",
        { class: "small muted" },
        "This report is from this browser's cache: the same files were validated here by this build before. ",
        forget("清除缓存 Forget the cache and validate again", clearCache),
      )
      : null,
    h(
      "p",
      { class: "small muted" },
      "步骤耗时 Step times: ",
      session.timings.map((t) => `${t.step.replace(/^\S+ /, "")} ${t.ms.toFixed(0)} ms`).join(" · "),
    ),
    session.modelSource === "adjusted"
      ? h(
        "p",
        {},
        `Using the adjusted model ${session.modelFile} saved from the calibrate page. `,
        forget("改回默认模型 Use the default model", clearStoredModel),
      )
      : null,
  );
}, { show: "current" });

// Opening a dataset folder: validated in this page, then (when the model fits it) stored for every page.
cell("picker", [], () => datasetPicker());
cell("picked", ["picker"], (picker) => view(picker));
cell("pickedReport", ["picked"], async (picked) => {
  if (!picked) return h("div", {});
  const progress = new Progress($("progress"));
  try {
    return await validatePicked(picked, (s) => progress.step(s));
  } catch (error) {
    const box = h("div", {});
    fail(box, error);
    return box;
  } finally {
    progress.done();
  }
}, { show: "picked" });

async function validatePicked(picked: PickedDataset, step: (s: string) => void): Promise<HTMLElement> {
  const { label, lenient } = picked;
  step(`读取文件 Reading ${picked.files.length} file(s)`);
  const files = await datasetFilesOfPicked(picked);
  step("启动 DuckDB Starting DuckDB");
  const db = await openBrowserDb();
  step(`校验 Loading and validating ${label}`);
  const report = await loadDataset(db, files, { folder: label, lenient });
  await db.close();
  const loadable = report.valid ||
    (report.lenient && report.tables.some((t) => t.table === "households" && t.accepted > 0));
  const out = h("div", {}, h("h3", {}, `校验报告 Validation report: ${label}`), loadReportView(report));
  if (!loadable) return out;
  const stored = await getStoredModel();
  const { model, file } = stored
    ? { model: parseModel(stored.text, stored.file), file: stored.file }
    : await fetchDefaultModel(await servedIndex());
  try {
    compileModel(model, report.schema, file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.append(
      h(
        "div",
        { class: "error" },
        `The data is valid, but the model ${file} does not fit it, so the notebooks cannot score it:`,
      ),
      problemList(error.problems),
    );
    return out;
  }
  await setStoredDataset({
    label,
    files: files.map((f) => ({ name: f.name, bytes: (f.source as { bytes: Uint8Array }).bytes })),
    lenient,
    digest: await datasetDigest(files),
    savedAt: new Date().toISOString(),
  });
  out.append(h(
    "div",
    { class: "ok", "data-testid": "stored" },
    `✓ ${label} is now the dataset of every notebook page (kept in this browser only). `,
    h("a", { href: "./calibrate.html" }, "校准 Calibrate →"),
    " ",
    h("button", { onclick: () => location.reload() }, "刷新本页 Reload this page"),
  ));
  return out;
}

$("back-to-demo").addEventListener("click", async () => {
  await clearStoredDataset();
  await clearCache();
  location.reload();
});
