/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/** The data page: the current dataset's validation report and headline, and opening a dataset folder. */
import "./style.css";
import { InputError, parseModel } from "../src/contract/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { type DatasetFile, loadDataset } from "../src/ingest/load.ts";
import { scoreDistributionFigure, scoreHistogram } from "../src/report/mod.ts";
import { openBrowserDb } from "./lib/engine.ts";
import { loadReportView } from "./lib/report_view.ts";
import { scoreModel } from "./lib/scoring.ts";
import {
  datasetDigest,
  fetchDefaultModel,
  openSession,
  servedIndex,
  type Session,
  SessionError,
} from "./lib/session.ts";
import { clearCache, clearStoredDataset, clearStoredModel, getStoredModel, setStoredDataset } from "./lib/store.ts";
import { fail, h, int, interval, pct, problemList, Progress, renderHeader, show } from "./lib/ui.ts";

const $ = (id: string) => document.getElementById(id)!;
renderHeader("data");

const state: { ready: boolean; session?: Session; firstChartMs?: number; picked?: unknown } = { ready: false };
(globalThis as Record<string, unknown>).__notebook = state;

function kpi(label: string, value: string, sub?: string): HTMLElement {
  return h(
    "div",
    { class: "kpi" },
    h("div", { class: "label" }, label),
    h("div", { class: "value" }, value),
    sub ? h("div", { class: "sub" }, sub) : null,
  );
}

async function showCurrent(): Promise<void> {
  const progress = new Progress($("progress"));
  const t0 = performance.now();
  try {
    const session = await openSession((s) => progress.step(s));
    state.session = session;
    $("current-label").textContent = session.origin.kind === "demo"
      ? `· 演示县 demo county (${session.origin.label})`
      : `· ${session.origin.label} (opened in this browser)`;
    $("back-to-demo").hidden = session.origin.kind === "demo";
    const scores = scoreModel(session, session.model);
    const members = session.report.tables.find((t) => t.table === "members")?.accepted ?? 0;
    const o = scores.overall;
    show(
      $("headline"),
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
    const { bins } = scoreHistogram(scores.perCapita, session.frame.categories);
    const chart = $("first-chart");
    show(
      chart,
      h("h3", {}, "人均得分分布 Per-capita scores by management category"),
      scoreDistributionFigure(bins, { bands: session.compiled.bands, width: Math.min(1000, chart.clientWidth || 900) }),
    );
    chart.hidden = false;
    state.firstChartMs = performance.now() - t0;
    show(
      $("current"),
      loadReportView(session.report),
      session.cached.tables
        ? h(
          "p",
          { class: "small muted" },
          "This report is from this browser's cache: the same files were validated here by this build before. ",
          h("button", {
            onclick: async () => {
              await clearCache();
              location.reload();
            },
          }, "清除缓存 Forget the cache and validate again"),
        )
        : null,
      h(
        "p",
        { class: "small muted" },
        "步骤耗时 Step times: ",
        session.timings.map((t) => `${t.step.replace(/^\S+ /, "")} ${t.ms.toFixed(0)} ms`).join(" · "),
      ),
    );
    if (session.modelSource === "adjusted") {
      $("current").append(
        h(
          "p",
          {},
          `Using the adjusted model ${session.modelFile} saved from the calibrate page. `,
          h("button", {
            onclick: async () => {
              await clearStoredModel();
              location.reload();
            },
          }, "改回默认模型 Use the default model"),
        ),
      );
    }
  } catch (error) {
    if (error instanceof SessionError) {
      show(
        $("current"),
        h("div", { class: "error" }, error.message),
        error.report ? loadReportView(error.report) : problemList(error.problems),
      );
      $("back-to-demo").hidden = false;
    } else fail($("error"), error);
  } finally {
    progress.done();
    state.ready = true;
  }
}

/** A picked file's path inside the dataset folder: drop the folder's own name. */
function nameInFolder(file: File & { webkitRelativePath?: string }, relative?: string): string {
  const path = relative ?? (file.webkitRelativePath || file.name);
  const parts = path.split("/").filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join("/") : parts[0];
}

async function loadPicked(picked: { file: File; path?: string }[], label: string): Promise<void> {
  const out = $("picked");
  const lenient = ($("lenient") as HTMLInputElement).checked;
  const progress = new Progress($("progress"));
  try {
    progress.step(`读取文件 Reading ${picked.length} file(s)`);
    const files: DatasetFile[] = await Promise.all(
      picked.map(async ({ file, path }) => ({
        name: path ? nameInFolder(file, path) : nameInFolder(file),
        source: { bytes: new Uint8Array(await file.arrayBuffer()) },
      })),
    );
    progress.step("启动 DuckDB Starting DuckDB");
    const db = await openBrowserDb();
    progress.step(`校验 Loading and validating ${label}`);
    const report = await loadDataset(db, files, { folder: label, lenient });
    await db.close();
    const loadable = report.valid ||
      (report.lenient && report.tables.some((t) => t.table === "households" && t.accepted > 0));
    const parts: (HTMLElement | null)[] = [h("h3", {}, `校验报告 Validation report: ${label}`), loadReportView(report)];
    state.picked = { valid: report.valid, problemCount: report.problemCount, loadable };
    if (loadable) {
      const index = await servedIndex();
      const stored = await getStoredModel();
      const { model, file } = stored
        ? { model: parseModel(stored.text, stored.file), file: stored.file }
        : await fetchDefaultModel(index);
      try {
        compileModel(model, report.schema, file);
        await setStoredDataset({
          label,
          files: files.map((f) => ({ name: f.name, bytes: (f.source as { bytes: Uint8Array }).bytes })),
          lenient,
          digest: await datasetDigest(files),
          savedAt: new Date().toISOString(),
        });
        parts.push(
          h(
            "div",
            { class: "ok", "data-testid": "stored" },
            `✓ ${label} is now the dataset of every notebook page (kept in this browser only). `,
            h("a", { href: "./calibrate.html" }, "校准 Calibrate →"),
            " ",
            h("button", { onclick: () => location.reload() }, "刷新本页 Reload this page"),
          ),
        );
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        parts.push(
          h(
            "div",
            { class: "error" },
            `The data is valid, but the model ${file} does not fit it, so the notebooks cannot score it:`,
          ),
          problemList(error.problems),
        );
      }
    }
    show(out, ...parts);
  } catch (error) {
    fail(out, error);
  } finally {
    progress.done();
  }
}

function folderLabel(files: File[]): string {
  const first = (files[0] as File & { webkitRelativePath?: string })?.webkitRelativePath;
  return first && first.includes("/") ? first.split("/")[0] : "selected files";
}

$("folder").addEventListener("change", (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  if (files.length > 0) loadPicked(files.map((file) => ({ file })), folderLabel(files));
});
$("files").addEventListener("change", (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  if (files.length > 0) loadPicked(files.map((file) => ({ file, path: `files/${file.name}` })), "selected files");
});

/** Reads every file under a dropped entry, with its path. */
async function entries(entry: FileSystemEntry, path: string, out: { file: File; path: string }[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
    out.push({ file, path: `${path}${entry.name}` });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const child of batch) await entries(child, `${path}${entry.name}/`, out);
    }
  }
}

const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const items = [...(e.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry()).filter((x): x is FileSystemEntry =>
    x !== null
  );
  const picked: { file: File; path: string }[] = [];
  for (const entry of items) await entries(entry, "", picked);
  if (picked.length === 0) return;
  const single = items.length === 1 && items[0].isDirectory;
  loadPicked(
    single ? picked : picked.map((p) => ({ ...p, path: `files/${p.path}` })),
    single ? items[0].name : "dropped files",
  );
});

$("back-to-demo").addEventListener("click", async () => {
  await clearStoredDataset();
  await clearCache();
  location.reload();
});

showCurrent();
