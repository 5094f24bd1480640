/**
 * `deno run -A scripts/demo_model_report.ts [--data data/demo] [--model models/county-default.json]`
 *
 * How the model behaves on a dataset, computed by the real engine (src/model, src/score): for each
 * indicator the share of households it fires for, the mean per-capita points each category adds,
 * and per-capita scores and warnings by management category and household size. Prints Markdown
 * (the tables in data/README.md come from this).
 */
import { type Model, parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { assertLoadable, loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { type CompiledModel, compileModel } from "../src/model/mod.ts";
import { type Hits, readHits, type ScoredRow, scoreHouseholds } from "../src/score/mod.ts";

/** How a model behaves on a dataset. */
export interface ModelReport {
  households: number;
  indicators: { id: string; category: string; level: string; points: number; households: number; share: number }[];
  categories: { id: string; meanPerCapita: number; meanAbsolute: number; share: number; households: number }[];
  byCategory: { category: string; households: number; mean: number; median: number; p99: number; warned: number }[];
  warnedBySize: Record<string, number>;
}

/** The share of households each indicator fires for. */
function indicatorsOf(compiled: CompiledModel, hits: Hits): ModelReport["indicators"] {
  const n = hits.householdIds.length;
  return compiled.coefficients.map((c, i) => {
    let count = 0;
    for (const h of hits.hits[i]) if (h > 0) count++;
    return { id: c.id, category: c.category, level: c.level, points: c.points, households: count, share: count / n };
  });
}

/**
 * Per-capita points each category adds: the mean over households (signed), and the mean of its
 * absolute value (how much it moves scores, whatever the sign).
 */
function categoriesOf(model: Model, compiled: CompiledModel, hits: Hits): ModelReport["categories"] {
  const n = hits.householdIds.length;
  const signed = new Map<string, number>();
  const absolute = new Map<string, number>();
  const perHousehold = new Map<string, Float64Array>();
  compiled.coefficients.forEach((c, i) => {
    const acc = perHousehold.get(c.category) ?? new Float64Array(n);
    for (let h = 0; h < n; h++) {
      const hitN = hits.hits[i][h];
      const trials = c.level === "member" ? hits.members[h] : 1;
      acc[h] += (hitN * c.weightedPoints + (trials - hitN) * c.weightedOtherwise) / hits.members[h];
    }
    perHousehold.set(c.category, acc);
  });
  for (const [cat, acc] of perHousehold) {
    signed.set(cat, acc.reduce((a, b) => a + b, 0) / n);
    absolute.set(cat, acc.reduce((a, b) => a + Math.abs(b), 0) / n);
  }
  const totalAbs = [...absolute.values()].reduce((a, b) => a + b, 0);
  return model.categories.map((c) => ({
    id: c.id,
    meanPerCapita: signed.get(c.id) ?? 0,
    meanAbsolute: absolute.get(c.id) ?? 0,
    share: (absolute.get(c.id) ?? 0) / totalAbs,
    households: perHousehold.get(c.id)?.filter((x) => x !== 0).length ?? 0,
  }));
}

/** Per-capita scores and warnings by management category, and warnings by household size. */
function byCategoryOf(scored: readonly ScoredRow[]): Pick<ModelReport, "byCategory" | "warnedBySize"> {
  const groups = Map.groupBy(scored, (r) => r.category ?? "");
  const byCategory = [...groups.entries()].map(([category, rows]) => {
    const v = rows.map((r) => r.per_capita ?? 0).sort((a, b) => a - b);
    return {
      category,
      households: rows.length,
      mean: v.reduce((a, b) => a + b, 0) / v.length,
      median: v[Math.floor(v.length / 2)],
      p99: v[Math.min(v.length - 1, Math.floor(v.length * 0.99))],
      warned: rows.filter((r) => r.band !== null).length,
    };
  }).sort((a, b) => b.mean - a.mean);
  const warnedBySize: Record<string, number> = {};
  for (const r of scored) {
    if (r.band === null) continue;
    const size = r.members >= 5 ? "5+" : String(r.members);
    warnedBySize[size] = (warnedBySize[size] ?? 0) + 1;
  }
  return { byCategory, warnedBySize };
}

/** Scores `data` with `model` through the engine and summarises it. */
export async function modelReport(data: string, modelFile: string): Promise<ModelReport> {
  const model = parseModel(await Deno.readTextFile(modelFile), modelFile);
  const db = await openDb("native");
  try {
    const report = await loadDataset(db, await readDatasetFolder(data), { folder: data });
    assertLoadable(report);
    const compiled = compileModel(model, report.schema, modelFile);
    const hits = await readHits(db, compiled);
    const scored = await scoreHouseholds(db, compiled);
    return {
      households: hits.householdIds.length,
      indicators: indicatorsOf(compiled, hits),
      categories: categoriesOf(model, compiled, hits),
      ...byCategoryOf(scored),
    };
  } finally {
    await db.close();
  }
}

/** The report as Markdown tables. */
export function reportMarkdown(r: ModelReport): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const lines = [
    `Households: ${r.households}`,
    "",
    "| management category | households | mean per-capita | median | 99th percentile | warned |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...r.byCategory.map((c) =>
      `| ${c.category} | ${c.households} | ${f(c.mean)} | ${f(c.median)} | ${f(c.p99)} | ${c.warned} |`
    ),
    "",
    "Warned households by size: " +
    Object.entries(r.warnedBySize).sort().map(([k, v]) => `${k} person(s) ${v}`).join(", "),
    "",
    "| model category | households it changes | mean per-capita points (signed) | mean absolute per-capita points | share of absolute points |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...r.categories.map((c) =>
      `| ${c.id} | ${c.households} | ${f(c.meanPerCapita, 3)} | ${f(c.meanAbsolute, 3)} | ${f(100 * c.share, 1)}% |`
    ),
    "",
    "| indicator | category | level | points | households where it fires | share |",
    "| --- | --- | --- | ---: | ---: | ---: |",
    ...r.indicators.map((i) =>
      `| ${i.id} | ${i.category} | ${i.level} | ${i.points} | ${i.households} | ${f(100 * i.share, 2)}% |`
    ),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  const arg = (name: string, fallback: string) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Deno.args[i + 1] : fallback;
  };
  const r = await modelReport(arg("data", "data/demo"), arg("model", "models/county-default.json"));
  console.log(reportMarkdown(r));
}
