/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The household notebook, as a graph of cells (lib/cells.ts): session → the picked household
 * (a view) → its explanation (SQL, as `deno task explain`) and rows → the field editor (a view
 * whose value is the what-if edits) → the what-if re-score (src/simulate/whatif.ts) → the
 * waterfall and the dispatch chain.
 */
import "./style.css";
import type { HouseholdExplanation } from "../src/score/mod.ts";
import { explainHousehold } from "../src/score/mod.ts";
import { type Routing, routingOf } from "../src/model/mod.ts";
import { explainWhatIf, householdRows, modelColumns, type WhatIfEdit } from "../src/simulate/whatif.ts";
import { notebook, view, type ViewElement } from "./lib/cells.ts";
import {
  chainView,
  editorView,
  fmt,
  headlineView,
  householdPicker,
  type HouseholdRows,
  topWarned,
  waterfallView,
} from "./lib/household_view.ts";
import { stagedPageSession } from "./lib/page.ts";
import { type PageScores, scoreModel } from "./lib/scoring.ts";
import type { Session } from "./lib/session.ts";
import { h, renderHeader } from "./lib/ui.ts";

renderHeader("household");
const $ = (id: string) => document.getElementById(id)!;

/** A what-if re-score: the explanation with the edits applied, or why the edits cannot be scored. */
interface WhatIf {
  ex: HouseholdExplanation;
  edits: number;
  ms: number;
  error?: string;
}

/** The page's cells and their values. */
interface Cells {
  session: Session;
  scores: PageScores;
  routing: Routing;
  picker: ViewElement<string>;
  householdId: string;
  explanation: HouseholdExplanation;
  rows: HouseholdRows;
  headline: HTMLElement;
  editor: ViewElement<WhatIfEdit[]>;
  edits: WhatIfEdit[];
  whatIf: WhatIf;
  perCapita: number | null;
  band: string | null;
  waterfall: HTMLElement;
  chain: HTMLElement;
  status: HTMLElement;
}
// Ready (for tests and the benchmark) once the figures are the live session's, validated in this browser.
const page = notebook<Cells>("household", {
  readyWhen: { cell: "session", when: (s) => (s as Session).stage === "live" },
});
const { cell } = page;

// First the build's preview (on the demo county), then the session validated in this browser.
cell("session", [], async function* () {
  yield* stagedPageSession(page.hook, page.drawn);
});

/**
 * The build's explanation of this household, when the build explained it with this model from the
 * same files (the preview, and a live session of the served copy validated here to the build's report).
 */
function built(session: Session, id: string) {
  const h = session.built?.household;
  return h && h.id === id && h.model === session.modelSha256 ? h : undefined;
}
cell("scores", ["session"], (session) => scoreModel(session, session.model));
cell("routing", ["session"], (session) => routingOf(session.model.routing));

// The household: asked for in the address (?id=…), else the highest-scoring warned one.
cell("picker", ["session", "scores"], (session, scores) => {
  const requested = new URLSearchParams(location.search).get("id");
  const first = requested && session.position.has(requested)
    ? requested
    : session.frame.householdIds[topWarned(scores, 1)[0] ?? 0];
  return householdPicker(session, scores, first);
});
cell("householdId", ["picker"], (picker) => view(picker));
cell("explanation", ["session", "householdId"], async (session, id) => {
  history.replaceState(null, "", `?id=${encodeURIComponent(id)}`);
  ($("search") as HTMLInputElement).value = id;
  const ex = built(session, id)?.explanation ?? await explainHousehold(session.db, session.compiled, id);
  if (!ex) throw new RangeError(`No household "${id}" in ${session.origin.label}.`);
  return ex;
});
cell("rows", ["session", "householdId"], (session, id) => built(session, id)?.rows ?? householdRows(session.db, id));
cell("headline", ["session", "explanation", "rows"], (session, ex, rows) => {
  $("whatif").hidden = false;
  return headlineView(ex, rows.hh?.village, session.compiled.bands);
}, { show: "headline", figure: true });

// What-if: the editor's edits re-scored with the same SQL, in a scratch schema.
cell("editor", ["session", "rows", "explanation"], (session, rows, ex) => {
  const schema = session.report.schema;
  const columns = {
    households: modelColumns(session.compiled, schema, "households").filter((c) => c !== "household_id"),
    members: modelColumns(session.compiled, schema, "members").filter((c) => c !== "person_id" && c !== "household_id"),
  };
  return editorView(rows, columns, schema, new Map(ex.members.map((m) => [m.person_id, m.fired])));
}, { show: "editor" });
cell("edits", ["editor"], (editor) => view(editor));
cell("whatIf", ["session", "householdId", "explanation", "edits"], async function (session, id, ex, edits) {
  if (edits.length === 0) return { ex, edits: 0, ms: 0 };
  const start = performance.now();
  try {
    const next = await explainWhatIf(session.db, session.compiled, session.report.schema, id, edits);
    return { ex: next ?? ex, edits: edits.length, ms: performance.now() - start };
  } catch (error) {
    // An edit that is not a value of its column's type: keep the last score, say why.
    const last = this?.ex.household.household_id === id ? this.ex : ex;
    return { ex: last, edits: edits.length, ms: 0, error: String((error as Error).message ?? error) };
  }
}, { compute: true });
cell("perCapita", ["whatIf"], (w) => w.ex.household.per_capita);
cell("band", ["whatIf"], (w) => w.ex.household.band);

cell("waterfall", ["session", "whatIf"], (session, w) => {
  const width = Math.max(520, Math.min(1000, $("household").clientWidth - 40));
  return waterfallView(w.ex, session.compiled.bands, width);
}, { show: "waterfall-box", figure: true });
cell("chain", ["session", "routing", "whatIf"], (session, routing, w) => chainView(w.ex, session.verified, routing), {
  show: "chain-box",
  figure: true,
});
cell("status", ["explanation", "whatIf"], (ex, w) => {
  if (w.error) return h("span", { class: "flag" }, w.error);
  if (w.edits === 0) return h("span", {});
  const [now, was] = [w.ex.household, ex.household];
  return h(
    "span",
    {},
    `What-if: ${w.edits} edit(s) → per-capita ${fmt(now.per_capita)} (was ${fmt(was.per_capita)}), band ${
      now.band ?? "none"
    } (was ${was.band ?? "none"}); re-scored with SQL in ${w.ms.toFixed(0)} ms.`,
  );
}, { show: "status" });
