/**
 * TUNING AID: `deno run -A scripts/demo_tune.ts [--data data/demo] [--prevalence 0.08] [--seed S]`
 *
 * Reads which households the default model warns on a generated county (scored by the real
 * engine), then searches the latent need model's parameters so that, among warned households,
 * precision and the assistance mix approach the pilot's (59%; 117/111/63/99/14), with the overall
 * need prevalence held at `--prevalence`. It never looks at individual households' outcomes: it
 * moves the need model's shared intercepts (`need.offset`, `need.burdenSlope`, each kind's
 * `base`), prints the values found, and they are copied by hand into src/synth/params.ts and
 * data/README.md. Also prints how many households each lower band edge would warn.
 */
import { parseModel } from "../src/contract/mod.ts";
import { openDb } from "../src/db/mod.ts";
import { assertLoadable, loadDataset, readDatasetFolder } from "../src/ingest/mod.ts";
import { compileModel } from "../src/model/mod.ts";
import { type ScoredRow, scoreHouseholds } from "../src/score/mod.ts";
import { Rng } from "../src/base/random.ts";
import { type County, generateCounty, latentNeed, PARAMS } from "../src/synth/mod.ts";

const TARGET_MIX: Record<string, number> = {
  education: 117,
  medical: 111,
  employment: 63,
  temporary: 99,
  charity: 14,
  basic_living: 6,
};
const PRECISION_TARGET = 0.59;
const KEYS = {
  education: "education",
  medical: "medical",
  employment: "employment",
  temporary: "temporary",
  charity: "charity",
  basic_living: "basicLiving",
} as const;

const logit = (p: number) => Math.log(p / (1 - p));

/** Scores the data folder with the model through the engine. */
async function scoreFolder(data: string, modelFile: string): Promise<ScoredRow[]> {
  const model = parseModel(await Deno.readTextFile(modelFile), modelFile);
  const db = await openDb("native");
  try {
    const report = await loadDataset(db, await readDatasetFolder(data), { folder: data });
    assertLoadable(report);
    return await scoreHouseholds(db, compileModel(model, report.schema, modelFile));
  } finally {
    await db.close();
  }
}

/** Precision among the warned, need prevalence and the mix of kinds among the warned in need. */
function measure(county: County, warned: ReadonlySet<string>, seed: number) {
  const rng = new Rng(seed, "need");
  let tp = 0, needAll = 0;
  const mix: Record<string, number> = {};
  for (const h of county.households) {
    const r = latentNeed(h, PARAMS, rng);
    if (r.need) needAll++;
    if (warned.has(h.household_id) && r.need) {
      tp++;
      mix[r.type] = (mix[r.type] ?? 0) + 1;
    }
  }
  return { tp, precision: tp / warned.size, prevalence: needAll / county.households.length, mix };
}

/** Moves the need model's intercepts (in PARAMS, in place) towards the targets; prints progress. */
function tune(county: County, warned: ReadonlySet<string>, seed: number, prevalenceTarget: number): void {
  const n = PARAMS.need;
  const tsum = Object.values(TARGET_MIX).reduce((a, b) => a + b, 0);
  const slope0 = n.burdenSlope;
  let scale = 1;
  for (let it = 0; it < 60; it++) {
    n.burdenSlope = slope0 * scale;
    const { tp, precision, prevalence, mix } = measure(county, warned, seed);
    if (it % 10 === 0 || it === 59) {
      console.log(
        `it ${it}: precision ${precision.toFixed(3)} prevalence ${(100 * prevalence).toFixed(1)}% mix ` +
          Object.entries(mix).map(([k, v]) => `${k} ${v}`).join(", ") +
          ` | offset ${n.offset.toFixed(2)} burdenSlope ${n.burdenSlope.toFixed(2)} ` +
          Object.entries(KEYS).map(([k, key]) => `${k} ${n[key].base.toFixed(2)}`).join(", "),
      );
    }
    for (const [k, key] of Object.entries(KEYS)) {
      const share = (mix[k] ?? 0.5) / Math.max(1, tp);
      n[key].base += 0.5 * Math.log((TARGET_MIX[k] / tsum) / share);
    }
    n.offset += 0.5 * (logit(prevalenceTarget) - logit(prevalence));
    scale *= Math.exp(0.3 * (logit(PRECISION_TARGET) - logit(Math.min(0.99, Math.max(0.01, precision)))));
  }
}

if (import.meta.main) {
  const arg = (name: string, fallback: string) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Deno.args[i + 1] : fallback;
  };
  const data = arg("data", "data/demo");
  const seed = Number(arg("seed", "20240601"));
  const scored = await scoreFolder(data, arg("model", "models/county-default.json"));
  const warned = new Set(scored.filter((r) => r.band !== null).map((r) => r.household_id));
  const size = scored.length;
  console.log(`${data}: ${size} households, ${warned.size} warned (${(100 * warned.size / size).toFixed(2)}%)`);
  const pcs = scored.map((r) => r.per_capita ?? -Infinity);
  console.log(
    "households at or above a lower band edge: " +
      [12, 12.5, 12.6, 12.7, 12.8, 12.9, 13, 13.5, 14, 14.5, 15, 16, 17, 18].map((c) =>
        `${c}:${pcs.filter((x) => x >= c).length}`
      ).join(" "),
  );
  const county = generateCounty(PARAMS, seed, size);
  const first = scored.map((r) => r.household_id).sort()[0];
  if (county.households.length !== size || county.households[0].household_id !== first) {
    throw new Error("The county regenerated here does not match the data folder; pass the same --seed and size");
  }
  tune(county, warned, seed, Number(arg("prevalence", "0.08")));
}
