/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The calibrate notebook: sliders for every category weight and indicator's points, the model's
 * parameters and band cut-offs; live figures from the typed-array fast path; undo, reset, save.
 */
import "./style.css";
import { type Model, modelDigest, parseModel } from "../src/contract/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import {
  bandChangeFigure,
  bandTransitions,
  categoryLabel,
  departmentLabel,
  departmentWorkload,
  extent,
  scoreDistributionFigure,
  scoreHistogram,
  thresholdCurves,
  thresholdMetricsFigure,
  villageWarnings,
  warningsCurveFigure,
  workloadFigure,
} from "../src/report/mod.ts";
import { readHits } from "../src/score/mod.ts";
import { channelLabels, frameOf } from "./lib/session.ts";
import { openPageSession } from "./lib/page.ts";
import { type PageScores, scoreModel } from "./lib/scoring.ts";
import { setStoredModel } from "./lib/store.ts";
import { download, fail, h, int, interval, pct, problemList, renderHeader, show } from "./lib/ui.ts";

renderHeader("calibrate");
const $ = (id: string) => document.getElementById(id)!;

/** What tests and the benchmark read. */
const state: {
  ready: boolean;
  firstChartMs?: number;
  warnings?: number;
  overall?: unknown;
  ticks: { computeMs: number; renderMs: number; latencyMs: number }[];
  busy: boolean;
} = { ready: false, ticks: [], busy: false };
(globalThis as Record<string, unknown>).__notebook = state;

const t0 = performance.now();
const { session, progress } = await openPageSession(state);
progress.done();

// ---------------------------------------------------------------------------------------------
// State: the baseline (the model the page opened with) and the model being adjusted.

const baseline: Model = session.model;
let current: Model = structuredClone(baseline);
const history: string[] = [];
/** Parameter values the hit counts in memory were evaluated with. */
let hitsParameters = Object.fromEntries((baseline.parameters ?? []).map((p) => [p.id, p.value]));

const survey = channelLabels(session, "survey");
const warningFrame = channelLabels(session, "warning");
const applications = channelLabels(session, "application");
const hasSurvey = survey.labeled.some((x) => x === 1);

// Departments as `deno task audit` lists them: sorted ids, "unassigned" for indicators naming none.
const departments = [...new Set(baseline.indicators.map((i) => i.department || "unassigned"))].sort();
const departmentOf = Int32Array.from(baseline.indicators, (i) => departments.indexOf(i.department || "unassigned"));

const baseScores: PageScores = scoreModel(session, baseline);
const baseDepartments = departmentWorkload(
  session.frame,
  baseScores.packed,
  departmentOf,
  departments.length,
  baseScores.band,
);
const baseVillages = new Map(
  villageWarnings(session.frame.villages, baseScores.band).map((r) => [r.village, r.warnings]),
);
let scores: PageScores | undefined;

$("model-label").textContent = `${baseline.id} ${baseline.version}${
  session.modelSource === "adjusted" ? " (adjusted)" : ""
} · ${session.origin.label} · ${int(session.frame.size)} households`;
($("version") as HTMLInputElement).value = suggestVersion(baseline.version);

function suggestVersion(version: string): string {
  const d = new Date();
  const stamp = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, "0")}${
    String(d.getDate()).padStart(2, "0")
  }-${String(d.getHours()).padStart(2, "0")}${String(d.getMinutes()).padStart(2, "0")}`;
  return `${version.replace(/-calibrated-\d{8}-\d{4}$/, "")}-calibrated-${stamp}`;
}

// ---------------------------------------------------------------------------------------------
// Controls

type Setter = (value: number) => void;

/** A labelled slider with a number box; `onInput` on every move, `onCommit` when released. */
function slider(opts: {
  id: string;
  label: (Node | string)[];
  value: number;
  min: number;
  max: number;
  step: number;
  base: number;
  set: Setter;
  get: () => number;
  search: string;
}): HTMLElement {
  const range = h("input", {
    type: "range",
    min: opts.min,
    max: opts.max,
    step: opts.step,
    value: opts.value,
    "data-id": opts.id,
    "aria-label": opts.id,
  });
  const box = h("input", { type: "number", step: opts.step, value: opts.value, "data-id": opts.id });
  const row = h(
    "div",
    { class: "slider", "data-search": opts.search.toLowerCase() },
    h("div", { class: "name" }, ...opts.label),
    range,
    box,
  );
  const apply = (v: number, from: HTMLInputElement, event: Event) => {
    if (!Number.isFinite(v)) return;
    if (from !== range) range.value = String(v);
    if (from !== box) box.value = String(v);
    row.classList.toggle("changed", v !== opts.base);
    opts.set(v);
    schedule(event);
  };
  range.addEventListener("input", (e) => {
    beginEdit();
    apply(Number(range.value), range, e);
  });
  range.addEventListener("change", endEdit);
  box.addEventListener("input", (e) => {
    beginEdit();
    apply(Number(box.value), box, e);
  });
  box.addEventListener("change", endEdit);
  refreshers.push(() => {
    const v = opts.get();
    range.value = String(v);
    box.value = String(v);
    row.classList.toggle("changed", v !== opts.base);
  });
  return row;
}
const refreshers: (() => void)[] = [];

function rangeFor(value: number): { min: number; max: number } {
  const span = Math.max(10, Math.ceil(Math.abs(value) * 2));
  return { min: -span, max: span };
}

function buildControls(): void {
  const controls = $("controls");
  const search = h("input", {
    type: "search",
    placeholder: "搜索指标 Search indicators (id, 中文, English)…",
    id: "search",
  });
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    for (const row of controls.querySelectorAll<HTMLElement>(".slider[data-search]")) {
      row.hidden = q !== "" && !row.dataset.search!.includes(q);
    }
    for (const d of controls.querySelectorAll<HTMLDetailsElement>("details.category")) {
      const any = [...d.querySelectorAll<HTMLElement>(".slider")].some((r) => !r.hidden);
      d.hidden = q !== "" && !any;
      if (q !== "") d.open = true;
    }
  });
  const parts: HTMLElement[] = [search];

  // Bands.
  const bands = h("details", { open: true }, h("summary", {}, "预警线 Band cut-offs (per-capita score)"));
  current.bands.forEach((band, i) => {
    bands.append(slider({
      id: `band:${band.id}`,
      label: [
        h("span", { class: "id" }, band.id),
        `${band.name_zh ?? ""} `,
        h("span", { class: "en" }, band.name ?? ""),
      ],
      value: band.min,
      base: baseline.bands[i].min,
      min: Math.min(0, Math.floor(band.min - 20)),
      max: Math.ceil(band.min + 20),
      step: 0.25,
      set: (v) => (current.bands[i].min = v),
      get: () => current.bands[i].min,
      search: `${band.id} ${band.name_zh ?? ""} ${band.name ?? ""}`,
    }));
  });
  bands.append(h("div", { id: "band-error" }));
  parts.push(bands);

  // Parameters.
  if ((current.parameters ?? []).length > 0) {
    const params = h("details", {}, h("summary", {}, "参数 Parameters (re-evaluates the rules that read them)"));
    current.parameters.forEach((p, i) => {
      const readers = session.compiled.indicators.filter((ind) => ind.parameters.includes(p.id)).map((ind) => ind.id);
      const box = h("input", { type: "number", value: p.value, step: "any", "data-id": `param:${p.id}` });
      const row = h(
        "div",
        { class: "slider", "data-search": `${p.id} ${p.name_zh ?? ""} ${p.name ?? ""}`.toLowerCase() },
        h(
          "div",
          { class: "name" },
          h("span", { class: "id" }, `$${p.id}`),
          `${p.name_zh ?? ""} `,
          h("span", { class: "en" }, `${p.name ?? ""} (${p.unit ?? ""}) · read by ${readers.join(", ") || "no rule"}`),
        ),
        box,
      );
      box.addEventListener("change", (e) => {
        const v = Number(box.value);
        if (!Number.isFinite(v) || box.value === "") return;
        beginEdit();
        current.parameters[i].value = v;
        endEdit();
        row.classList.toggle("changed", v !== baseline.parameters[i].value);
        schedule(e);
      });
      refreshers.push(() => {
        box.value = String(current.parameters[i].value);
        row.classList.toggle("changed", current.parameters[i].value !== baseline.parameters[i].value);
      });
      params.append(row);
    });
    parts.push(params);
  }

  // Categories with their weight and their indicators' points.
  current.categories.forEach((category, ci) => {
    const details = h(
      "details",
      { class: "category", open: ci === 0 },
      h("summary", {}, `${category.name_zh ?? ""} ${category.name ?? category.id}`),
    );
    details.append(slider({
      id: `weight:${category.id}`,
      label: [h("strong", {}, "权重 Weight "), h("span", { class: "en" }, `category ${category.id}`)],
      value: category.weight,
      base: baseline.categories[ci].weight,
      min: 0,
      max: Math.max(3, Math.ceil(category.weight * 2)),
      step: 0.05,
      set: (v) => (current.categories[ci].weight = v),
      get: () => current.categories[ci].weight,
      search: `${category.id} ${category.name_zh ?? ""} ${category.name ?? ""} weight 权重`,
    }));
    current.indicators.forEach((ind, ii) => {
      if (ind.category !== category.id) return;
      const { min, max } = rangeFor(ind.points);
      details.append(slider({
        id: `points:${ind.id}`,
        label: [
          h("span", { class: "id" }, ind.id),
          `${ind.name_zh ?? ""} `,
          h("span", { class: "en" }, `${ind.name ?? ""}${ind.otherwise ? ` · otherwise ${ind.otherwise}` : ""}`),
        ],
        value: ind.points,
        base: baseline.indicators[ii].points,
        min,
        max,
        step: 0.5,
        set: (v) => (current.indicators[ii].points = v),
        get: () => current.indicators[ii].points,
        search: `${ind.id} ${ind.name_zh ?? ""} ${ind.name ?? ""} ${ind.department ?? ""}`,
      }));
    });
    parts.push(details);
  });
  show(controls, ...parts);
}

// ---------------------------------------------------------------------------------------------
// Undo, reset, save

function snapshot(): void {
  const s = JSON.stringify(current);
  if (history.at(-1) !== s) history.push(s);
  updateToolbar();
}

/** One undo step per gesture: the state before a slider drag (or a typed value) starts. */
let editing = false;
function beginEdit(): void {
  if (editing) return;
  snapshot();
  editing = true;
}
function endEdit(): void {
  editing = false;
}

function changeCount(): number {
  let n = 0;
  current.categories.forEach((c, i) => (n += Number(c.weight !== baseline.categories[i].weight)));
  current.indicators.forEach((c, i) => (n += Number(c.points !== baseline.indicators[i].points)));
  current.parameters.forEach((c, i) => (n += Number(c.value !== baseline.parameters[i].value)));
  current.bands.forEach((c, i) => (n += Number(c.min !== baseline.bands[i].min)));
  return n;
}

function updateToolbar(): void {
  const n = changeCount();
  ($("undo") as HTMLButtonElement).disabled = history.length === 0;
  ($("reset") as HTMLButtonElement).disabled = n === 0;
  $("changes").textContent = n === 0
    ? "未修改 No changes from the baseline"
    : `${n} 项修改 change${n === 1 ? "" : "s"} from the baseline`;
}

$("undo").addEventListener("click", (e) => {
  let previous = history.pop();
  if (previous === JSON.stringify(current)) previous = history.pop();
  if (previous === undefined) return;
  current = JSON.parse(previous);
  refreshers.forEach((r) => r());
  schedule(e);
});
$("reset").addEventListener("click", (e) => {
  snapshot();
  current = structuredClone(baseline);
  refreshers.forEach((r) => r());
  schedule(e);
});

/** The adjusted model as a file: new version, checked against the contract and the data. */
async function adjustedModelFile(): Promise<{ text: string; file: string; sha256: string }> {
  const version = ($("version") as HTMLInputElement).value.trim() || suggestVersion(baseline.version);
  const out = { ...structuredClone(current), version };
  const file = `${out.id}-${version}.json`.replace(/[^\w.\-]+/g, "_");
  const text = JSON.stringify(out, null, 2) + "\n";
  const parsed = parseModel(text, file);
  compileModel(parsed, session.report.schema, file);
  return { text, file, sha256: await modelDigest(parsed) };
}

$("save").addEventListener("click", async () => {
  try {
    const { text, file, sha256 } = await adjustedModelFile();
    download(file, text);
    show(
      $("saved"),
      h(
        "div",
        { class: "ok", "data-testid": "saved" },
        `✓ Saved ${file} · sha256 ${sha256}. Check it with `,
        h("code", {}, `deno task evaluate --data <folder> --model ${file} --out <folder>`),
      ),
    );
  } catch (error) {
    const problems = (error as { problems?: [] }).problems;
    if (problems) {
      show($("saved"), h("div", { class: "error" }, "The adjusted model is not valid:"), problemList(problems));
    } else fail($("saved"), error);
  }
});
$("use").addEventListener("click", async () => {
  try {
    const { text, file, sha256 } = await adjustedModelFile();
    await setStoredModel({ text, file, savedAt: new Date().toISOString() });
    show(
      $("saved"),
      h(
        "div",
        { class: "ok" },
        `✓ The audit and household pages now use ${file} (sha256 ${sha256.slice(0, 16)}…), kept in this browser only.`,
      ),
    );
  } catch (error) {
    fail($("saved"), error);
  }
});

// ---------------------------------------------------------------------------------------------
// Ticks: re-score, then redraw

let pending = false;
let pendingSince = 0;

function schedule(event?: Event): void {
  if (!pending) pendingSince = event?.timeStamp ?? performance.now();
  pending = true;
  requestAnimationFrame(() => void run());
}

async function run(): Promise<void> {
  if (!pending || state.busy) return;
  pending = false;
  state.busy = true;
  const since = pendingSince;
  try {
    if (!bandsInOrder()) return;
    await refreshHits();
    const a = performance.now();
    scores = scoreModel(session, current, scores);
    const b = performance.now();
    render(scores);
    const c = performance.now();
    state.ticks.push({ computeMs: b - a, renderMs: c - b, latencyMs: c - since });
    $("timing").textContent = `上次更新 Last update: re-score ${(b - a).toFixed(1)} ms (fast path, no SQL) + figures ${
      (c - b).toFixed(1)
    } ms; input → figures ${(c - since).toFixed(0)} ms.`;
    updateToolbar();
  } catch (error) {
    fail($("error"), error);
  } finally {
    state.busy = false;
    if (pending) requestAnimationFrame(() => void run());
  }
}

function bandsInOrder(): boolean {
  const bad = current.bands.findIndex((b, i) => i > 0 && !(b.min < current.bands[i - 1].min));
  const el = $("band-error");
  if (bad < 0) {
    show(el);
    return true;
  }
  show(
    el,
    h(
      "div",
      { class: "error small" },
      `Bands out of order: ${current.bands[bad].id} (${current.bands[bad].min}) must be below ${
        current.bands[bad - 1].id
      } (${current.bands[bad - 1].min}).`,
    ),
  );
  return false;
}

/** Re-evaluates, with SQL, only the rules reading a parameter whose value changed. */
async function refreshHits(): Promise<void> {
  const changed = current.parameters.filter((p) => hitsParameters[p.id] !== p.value).map((p) => p.id);
  if (changed.length === 0) return;
  const affected = session.compiled.indicators.filter((i) => i.parameters.some((p) => changed.includes(p)));
  $("timing").textContent = `重新计算 Re-evaluating ${affected.map((i) => i.id).join(", ")} (SQL)…`;
  const start = performance.now();
  if (affected.length > 0) {
    const sub: Model = { ...current, indicators: affected.map((i) => current.indicators[i.index]) };
    const compiled = compileModel(sub, session.report.schema, session.modelFile);
    const hits = await readHits(session.db, compiled);
    affected.forEach((ind, j) => (session.hits.hits[ind.index] = hits.hits[j]));
    const { frame } = frameOf(session.hits);
    session.frame = frame;
  }
  hitsParameters = Object.fromEntries(current.parameters.map((p) => [p.id, p.value]));
  console.info(
    `Re-evaluated ${affected.length} rule(s) for ${changed.join(", ")} in ${(performance.now() - start).toFixed(0)} ms`,
  );
}

function kpi(label: string, value: string, sub?: string, testid?: string): HTMLElement {
  return h(
    "div",
    { class: "kpi" },
    h("div", { class: "label" }, label),
    h("div", { class: "value", "data-testid": testid }, value),
    sub ? h("div", { class: "sub" }, sub) : null,
  );
}

function delta(now: number, before: number): string {
  const d = now - before;
  return d === 0 ? "baseline unchanged" : `baseline ${int(before)} (${d > 0 ? "+" : ""}${int(d)})`;
}

function frameFigures(perCapita: Float64Array, mask: { labeled: Uint8Array; need: Uint8Array }) {
  let lw = 0, tp = 0, pos = 0;
  for (let h = 0; h < perCapita.length; h++) {
    if (!mask.labeled[h]) continue;
    const warned = scores!.band[h] >= 0;
    if (warned) lw++;
    if (mask.need[h]) pos++;
    if (warned && mask.need[h]) tp++;
  }
  return { lw, tp, pos };
}

/** Time of each part of the last render, for the benchmark. */
const parts: Record<string, number> = {};
(state as Record<string, unknown>).parts = parts;
let lapAt = 0;
function lap(name: string): void {
  const now = performance.now();
  parts[name] = now - lapAt;
  lapAt = now;
}

function render(s: PageScores): void {
  lapAt = performance.now();
  const width = Math.max(420, ($("fig-distribution").clientWidth || 600) - 24);
  const o = s.overall;
  const perBand = s.bandIds.map((id, i) => `${id} ${int(s.band.filter((b) => b === i).length)}`).join(" · ");
  const sv = frameFigures(s.perCapita, survey);
  const wf = frameFigures(s.perCapita, warningFrame);
  const ap = frameFigures(s.perCapita, applications);
  show(
    $("kpis"),
    kpi("预警户数 Warnings", int(s.warnings), `${delta(s.warnings, baseScores.warnings)} · ${perBand}`, "warnings"),
    kpi(
      "精确率 Precision (all verified, = deno task evaluate)",
      pct(o.precision),
      `95% CI ${interval(o.precision_ci95)} · ${o.true_positives}/${o.labeled_warnings}`,
      "precision",
    ),
    kpi(
      "召回率 Recall (all verified)",
      pct(o.recall),
      `coverage ${pct(o.coverage)} · ${o.true_positives}/${o.labeled_positives}`,
    ),
    kpi("预警核实 Warning frame", wf.lw === 0 ? "—" : pct(wf.tp / wf.lw), `precision among ${wf.lw} verified warnings`),
    hasSurvey
      ? kpi(
        "样本村摸排 Survey frame",
        sv.lw === 0 ? "—" : pct(sv.tp / sv.lw),
        `precision ${sv.tp}/${sv.lw} · recall ${sv.pos === 0 ? "—" : pct(sv.tp / sv.pos)} (${sv.tp}/${sv.pos})`,
      )
      : null,
    kpi(
      "主动申请 Application frame",
      `${int(ap.pos - ap.tp)}`,
      `applicants in need the model does not warn (of ${int(ap.pos)})`,
    ),
  );
  state.warnings = s.warnings;
  state.overall = o;
  lap("kpis");

  const { bins } = scoreHistogram(s.perCapita, session.frame.categories);
  show(
    $("fig-distribution"),
    h("h3", {}, "人均得分分布 Score distribution by management category"),
    scoreDistributionFigure(bins, { bands: current.bands, width }),
  );
  lap("distribution");

  const frames = [];
  if (hasSurvey) frames.push({ name: "survey", labels: survey, recall: true });
  frames.push({ name: "warning", labels: warningFrame, recall: false });
  const lowest = current.bands.at(-1)?.min;
  // Thresholds from a little below the lowest band to the top score: where the decision is.
  const [lo, hi] = extent(s.perCapita);
  const domain: [number, number] = [Math.max(lo, Math.min((lowest ?? lo) - 10, hi - 1)), hi];
  const curves = thresholdCurves(s.perCapita, frames, { points: 120, domain });
  lap("sweep");
  show(
    $("fig-thresholds"),
    h("h3", {}, "精确率 / 召回率 vs 预警线 Precision and recall against the threshold"),
    thresholdMetricsFigure(curves, { threshold: lowest, width }),
    h(
      "p",
      { class: "small muted" },
      "Recall only from the survey frame (fully surveyed sample villages); the warning frame only knows outcomes of households that were warned. Ribbons: 95% Wilson intervals.",
    ),
  );
  show(
    $("fig-warnings"),
    h("h3", {}, "预警户数 vs 预警线 Warnings against the threshold"),
    warningsCurveFigure(curves, { threshold: lowest, width }),
  );
  lap("threshold figures");

  const cells = bandTransitions(baseScores.band, s.band, s.bandIds);
  const moved = cells.filter((c) => c.from !== c.to).reduce((a, c) => a + c.count, 0);
  show(
    $("fig-changes"),
    h("h3", {}, `谁换了档 Who changes band: ${int(moved)} households`),
    bandChangeFigure(cells, { bands: s.bandIds }),
  );
  lap("band changes");

  const counts = departmentWorkload(session.frame, s.packed, departmentOf, departments.length, s.band);
  const deptRows = departments.map((d, i) => ({
    name: departmentLabel(d),
    current: counts[i],
    baseline: baseDepartments[i],
  }));
  show(
    $("fig-departments"),
    h("h3", {}, "各部门派单 Warnings dispatched per department"),
    workloadFigure(deptRows, { width: Math.min(width, 640) }),
    h(
      "p",
      { class: "small muted" },
      "A warned household is dispatched to each department of its fired indicators with positive points (as deno task audit counts workload). Black tick: baseline.",
    ),
  );

  const villageRows = villageWarnings(session.frame.villages, s.band).map((r) => ({
    name: r.village,
    current: r.warnings,
    baseline: baseVillages.get(r.village) ?? 0,
  }));
  show(
    $("fig-villages"),
    h("h3", {}, "各村预警 Warnings per village (top 25)"),
    workloadFigure(villageRows, { width: Math.min(width, 640), limit: 25 }),
  );
  lap("departments and villages");
  renderChangers(s);
  lap("changers");
}

function renderChangers(s: PageScores): void {
  const rows: number[] = [];
  for (let i = 0; i < s.band.length; i++) if (s.band[i] !== baseScores.band[i]) rows.push(i);
  rows.sort((a, b) =>
    Math.abs(s.perCapita[b] - baseScores.perCapita[b]) - Math.abs(s.perCapita[a] - baseScores.perCapita[a])
  );
  const name = (b: number) => (b < 0 ? "—" : s.bandIds[b]);
  const f = session.frame;
  show(
    $("changers"),
    h("h3", {}, `换档名单 Households changing band (${int(rows.length)}; largest score change first, first 100)`),
    rows.length === 0 ? h("p", { class: "muted" }, "No household changes band.") : h(
      "table",
      { class: "grid" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "户 Household",
            "村 Village",
            "类别 Category",
            "基线 Baseline",
            "现 Adjusted",
            "基线得分 Score before",
            "现得分 Score now",
          ].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.slice(0, 100).map((i) =>
          h(
            "tr",
            {},
            h(
              "td",
              {},
              h("a", { href: `./household.html?id=${encodeURIComponent(f.householdIds[i])}` }, f.householdIds[i]),
            ),
            h("td", {}, f.villages[i] ?? ""),
            h("td", {}, categoryLabel(f.categories[i])),
            h("td", {}, name(baseScores.band[i])),
            h("td", {}, name(s.band[i])),
            h("td", { class: "num" }, baseScores.perCapita[i].toFixed(3)),
            h("td", { class: "num" }, s.perCapita[i].toFixed(3)),
          )
        ),
      ),
    ),
  );
}

buildControls();
$("toolbar").hidden = false;
$("layout").hidden = false;
updateToolbar();
await run0();

async function run0(): Promise<void> {
  pending = true;
  pendingSince = performance.now();
  await run();
  state.firstChartMs = performance.now() - t0;
  state.ready = true;
}
