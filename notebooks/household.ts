/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The household notebook: one household's score as a waterfall of contributions ÷ members, its
 * members and fields with what-if edits re-scored at once, and the dispatch chain of its warning.
 */
import "./style.css";
import type { ColumnType } from "../src/contract/mod.ts";
import { quoteIdent, quoteText } from "../src/db/types.ts";
import {
  categoryLabel,
  departmentLabel,
  dispatchChain,
  ROLE_LABELS,
  waterfallFigure,
  waterfallSteps,
} from "../src/report/mod.ts";
import { explainHousehold, type HouseholdExplanation } from "../src/score/mod.ts";
import { openPageSession } from "./lib/page.ts";
import { scoreModel } from "./lib/scoring.ts";
import { fail, h, int, renderHeader, show } from "./lib/ui.ts";

renderHeader("household");
const $ = (id: string) => document.getElementById(id)!;
const state: {
  ready: boolean;
  firstChartMs?: number;
  household?: string;
  perCapita?: number | null;
  band?: string | null;
} = { ready: false };
(globalThis as Record<string, unknown>).__notebook = state;

const t0 = performance.now();
const { session, progress } = await openPageSession(state);
progress.done();
const scores = scoreModel(session, session.model);
const ids = session.frame.householdIds;

// ---------------------------------------------------------------------------------------------
// Picking a household

function householdLink(i: number): HTMLElement {
  const band = scores.band[i] >= 0 ? scores.bandIds[scores.band[i]] : "—";
  return h("a", {
    href: `?id=${encodeURIComponent(ids[i])}`,
    "data-id": ids[i],
    onclick: (e: Event) => {
      e.preventDefault();
      void open(ids[i]);
    },
  }, `${ids[i]} · ${session.frame.villages[i] ?? ""} · ${band} · ${scores.perCapita[i].toFixed(2)}`);
}

function listMatches(query: string): void {
  const q = query.trim().toLowerCase();
  let picks: number[] = [];
  if (q === "") {
    picks = [...Array(ids.length).keys()].filter((i) => scores.band[i] >= 0).sort((a, b) =>
      scores.perCapita[b] - scores.perCapita[a]
    ).slice(0, 12);
  } else {
    for (let i = 0; i < ids.length && picks.length < 12; i++) {
      if (ids[i].toLowerCase().includes(q) || (session.frame.villages[i] ?? "").toLowerCase().includes(q)) {
        picks.push(i);
      }
    }
  }
  show(
    $("matches"),
    h(
      "p",
      { class: "muted" },
      q === ""
        ? "最高分预警户 Highest-scoring warned households:"
        : `${picks.length === 12 ? "First 12 matches" : `${picks.length} match(es)`}:`,
    ),
    h("div", { class: "toolbar" }, picks.map(householdLink)),
  );
}

$("search").addEventListener("input", (e) => listMatches((e.target as HTMLInputElement).value));
$("search").addEventListener("keydown", (e) => {
  const value = ((e.target as HTMLInputElement).value ?? "").trim();
  if ((e as KeyboardEvent).key === "Enter" && session.position.has(value)) void open(value);
});
$("random").addEventListener("click", () => {
  const warned = [...Array(ids.length).keys()].filter((i) => scores.band[i] >= 0);
  if (warned.length > 0) void open(ids[warned[Math.floor(Math.random() * warned.length)]]);
});

// ---------------------------------------------------------------------------------------------
// One household

const household = $("household");

/** The household's own rows, for the field editor. */
async function rowsOf(id: string) {
  const hh = await session.db.all(`SELECT * FROM households WHERE household_id = ${quoteText(id)}`);
  const members = await session.db.all(
    `SELECT * FROM members WHERE household_id = ${quoteText(id)} ORDER BY person_id`,
  );
  return { hh: hh[0], members };
}

/** A value typed into an editor, as a SQL literal of the column's type. */
function literal(type: ColumnType, text: string): string {
  const t = text.trim();
  if (t === "") return "NULL";
  switch (type) {
    case "number":
      if (!Number.isFinite(Number(t))) throw new TypeError(`Expected a number but found "${t}"`);
      return `CAST(${quoteText(String(Number(t)))} AS DOUBLE)`;
    case "boolean":
      if (!/^(true|false|1|0)$/i.test(t)) throw new TypeError(`Expected true or false but found "${t}"`);
      return /^(true|1)$/i.test(t) ? "true" : "false";
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) throw new TypeError(`Expected a date YYYY-MM-DD but found "${t}"`);
      return `DATE ${quoteText(t)}`;
    default:
      return quoteText(t);
  }
}

/** The columns the model reads, per table (what is worth editing). */
function modelColumns(table: "households" | "members"): string[] {
  const cols = new Set<string>();
  for (const ind of session.compiled.indicators) {
    for (const c of ind.columns) if (c.startsWith(`${table}.`)) cols.add(c.slice(table.length + 1));
  }
  return [...cols].filter((c) => c in session.report.schema[table]).sort();
}

/** Re-scores the household with edited fields, in a scratch schema (the loaded tables are untouched). */
async function whatIf(
  id: string,
  edits: { table: "households" | "members"; person?: string; column: string; value: string }[],
): Promise<HouseholdExplanation | null> {
  const db = session.db;
  await db.exec(`CREATE SCHEMA IF NOT EXISTS whatif`);
  await db.exec(
    `CREATE OR REPLACE TABLE whatif.households AS SELECT * FROM main.households WHERE household_id = ${quoteText(id)}`,
  );
  await db.exec(
    `CREATE OR REPLACE TABLE whatif.members AS SELECT * FROM main.members WHERE household_id = ${quoteText(id)}`,
  );
  for (const e of edits) {
    const type = session.report.schema[e.table][e.column];
    const where = e.table === "members" ? ` WHERE person_id = ${quoteText(e.person!)}` : "";
    await db.exec(`UPDATE whatif.${e.table} SET ${quoteIdent(e.column)} = ${literal(type, e.value)}${where}`);
  }
  await db.exec(`SET search_path = 'whatif'`);
  try {
    return await explainHousehold(db, session.compiled, id);
  } finally {
    await db.exec(`RESET search_path`);
  }
}

function fmt(v: number | null): string {
  return v === null ? "—" : Number(v.toPrecision(6)).toString();
}

function waterfallOf(ex: HouseholdExplanation): HTMLElement {
  const steps = waterfallSteps(
    ex.indicators.map((i) => ({ id: i.id, name: i.name, name_zh: i.name_zh, points_total: i.points_total })),
    ex.household.members,
  );
  const width = Math.max(520, Math.min(1000, household.clientWidth - 40));
  return h(
    "div",
    { class: "figure", id: "waterfall" },
    h(
      "h3",
      {},
      `得分瀑布图 Score waterfall: ${fmt(ex.household.total_points)} points ÷ ${ex.household.members} members = ${
        fmt(ex.household.per_capita)
      } → ${ex.household.band ?? "no band 未预警"}`,
    ),
    waterfallFigure(steps, { bands: session.compiled.bands, width }),
    h(
      "p",
      { class: "small muted" },
      "Each bar is an indicator's contribution (hits × points × category weight, plus misses × otherwise) divided by the household size. Indicators contributing 0 are left out.",
    ),
  );
}

function chainOf(ex: HouseholdExplanation): HTMLElement {
  const outcomes = session.verified.filter((r) => r.household_id === ex.household.household_id);
  const chain = dispatchChain(ex.indicators, ex.household.band, outcomes as never);
  const step = (title: string, ...body: (Node | string | null)[]) =>
    h("div", { class: "step" }, h("h3", {}, title), ...body);
  const arrow = () => h("div", { class: "arrow" }, "→");
  return h(
    "div",
    { class: "card", id: "chain" },
    h("h2", {}, "一人一链 The warning's path: discovery → dispatch → acceptance"),
    h(
      "div",
      { class: "chain" },
      step(
        "① 点单 Discovery",
        h(
          "ul",
          {},
          chain.discovery.map((d) =>
            h(
              "li",
              {},
              d === "data"
                ? "部门数据比对 Departments' data, compared and scored by the model"
                : "移动端申请 An application made in the mobile app",
            )
          ),
        ),
        h(
          "p",
          {},
          chain.warned
            ? `Per-capita score ${fmt(ex.household.per_capita)} is in band ${chain.band}: a warning is raised.`
            : `Per-capita score ${fmt(ex.household.per_capita)} is below every band: no warning.`,
        ),
      ),
      arrow(),
      step(
        "② 派单 Dispatch",
        chain.departments.length === 0 ? h("p", { class: "muted" }, "Nothing is dispatched.") : h(
          "ul",
          {},
          chain.departments.map((d) =>
            h(
              "li",
              {},
              h("strong", {}, departmentLabel(d.department)),
              ` — ${d.roles.map((r) => ROLE_LABELS[r]).join(", ")}`,
              d.indicators.length > 0
                ? h(
                  "div",
                  { class: "small muted" },
                  d.indicators.map((i) => `${i.id} ${i.label} (+${fmt(i.points)})`).join("; "),
                )
                : null,
            )
          ),
        ),
        h(
          "p",
          { class: "small muted" },
          "主管 competent: civil affairs runs the platform and oversees every warning; 主责 responsible: the department whose fired indicators add the most points; 主抓 executing: the other departments with fired indicators of positive points.",
        ),
      ),
      arrow(),
      step(
        "③ 接单 Acceptance",
        outcomes.length === 0
          ? h(
            "p",
            { class: "muted" },
            chain.warned
              ? "待核实 Awaiting acceptance and verification by the departments."
              : "No verification on record.",
          )
          : h(
            "ul",
            {},
            outcomes.map((o) =>
              h(
                "li",
                {},
                `${o.batch} · ${o.channel}: `,
                o.need
                  ? h(
                    "strong",
                    {},
                    `需要救助 in need${o.assistance ? ` — ${o.assistance}` : ""}${
                      o.amount_yuan ? `, ${int(o.amount_yuan)} yuan` : ""
                    }`,
                  )
                  : "核实后无需救助 verified: no need",
                (o as { verified_on?: string }).verified_on ? ` (${(o as { verified_on?: string }).verified_on})` : "",
              )
            ),
          ),
      ),
    ),
  );
}

async function open(id: string): Promise<void> {
  const start = performance.now();
  try {
    history.replaceState(null, "", `?id=${encodeURIComponent(id)}`);
    ($("search") as HTMLInputElement).value = id;
    const ex = await explainHousehold(session.db, session.compiled, id);
    if (!ex) {
      show(household, h("div", { class: "error" }, `No household "${id}" in ${session.origin.label}.`));
      return;
    }
    const { hh, members } = await rowsOf(id);
    const edits = new Map<
      string,
      { table: "households" | "members"; person?: string; column: string; value: string }
    >();
    const result = h("div", { id: "result" }, waterfallOf(ex), chainOf(ex));
    const status = h("div", { class: "small muted" });
    const rescore = async () => {
      try {
        const t = performance.now();
        const next = await whatIf(id, [...edits.values()]);
        if (!next) return;
        show(result, waterfallOf(next), chainOf(next));
        state.perCapita = next.household.per_capita;
        state.band = next.household.band;
        show(
          status,
          edits.size === 0
            ? ""
            : `What-if: ${edits.size} edit(s) → per-capita ${fmt(next.household.per_capita)} (was ${
              fmt(ex.household.per_capita)
            }), band ${next.household.band ?? "none"} (was ${ex.household.band ?? "none"}); re-scored with SQL in ${
              (performance.now() - t).toFixed(0)
            } ms.`,
        );
      } catch (error) {
        show(status, h("span", { class: "flag" }, String((error as Error).message)));
      }
    };
    const editor = (table: "households" | "members", column: string, value: unknown, person?: string) => {
      const input = h("input", {
        value: value === null || value === undefined ? "" : String(value),
        size: 10,
        "data-column": column,
        "data-person": person,
      });
      input.addEventListener("change", () => {
        const key = `${table}|${person ?? ""}|${column}`;
        const original = value === null || value === undefined ? "" : String(value);
        if (input.value === original) edits.delete(key);
        else edits.set(key, { table, person, column, value: input.value });
        input.classList.toggle("changed", input.value !== original);
        void rescore();
      });
      return input;
    };
    const hhCols = modelColumns("households").filter((c) => c !== "household_id");
    const memberCols = modelColumns("members").filter((c) => c !== "person_id" && c !== "household_id");
    const fired = new Map(ex.members.map((m) => [m.person_id, m.fired]));
    show(
      household,
      h(
        "div",
        { class: "kpis" },
        h(
          "div",
          { class: "kpi" },
          h("div", { class: "label" }, "户 Household"),
          h("div", { class: "value" }, id),
          h("div", { class: "sub" }, `${hh?.village ?? ""} · ${categoryLabel(ex.household.category)}`),
        ),
        h(
          "div",
          { class: "kpi" },
          h("div", { class: "label" }, "人均得分 Per-capita score"),
          h("div", { class: "value", "data-testid": "per-capita" }, fmt(ex.household.per_capita)),
          h("div", { class: "sub" }, `${fmt(ex.household.total_points)} points ÷ ${ex.household.members} members`),
        ),
        h(
          "div",
          { class: "kpi" },
          h("div", { class: "label" }, "预警档 Band"),
          h("div", { class: "value" }, ex.household.band ?? "—"),
          h("div", { class: "sub" }, session.compiled.bands.map((b) => `${b.id} ≥ ${b.min}`).join(" · ")),
        ),
      ),
      result,
      h(
        "details",
        { class: "card", open: true },
        h("summary", {}, "假如 What-if: edit the fields the model reads (the loaded data is not changed)"),
        status,
        h("h3", {}, "家庭 Household fields"),
        h(
          "table",
          { class: "grid" },
          h(
            "tbody",
            {},
            hhCols.map((c) =>
              h(
                "tr",
                {},
                h("td", {}, c),
                h("td", { class: "small muted" }, session.report.schema.households[c]),
                h("td", {}, editor("households", c, hh?.[c])),
              )
            ),
          ),
        ),
        h("h3", {}, `成员 Members (${members.length})`),
        h(
          "div",
          { style: "overflow:auto" },
          h(
            "table",
            { class: "grid" },
            h(
              "thead",
              {},
              h("tr", {}, h("th", {}, "person_id"), h("th", {}, "命中 Fired"), memberCols.map((c) => h("th", {}, c))),
            ),
            h(
              "tbody",
              {},
              members.map((m) =>
                h(
                  "tr",
                  {},
                  h("td", {}, String(m.person_id)),
                  h("td", { class: "small" }, (fired.get(String(m.person_id)) ?? []).join(" ")),
                  memberCols.map((c) => h("td", {}, editor("members", c, m[c], String(m.person_id)))),
                )
              ),
            ),
          ),
        ),
      ),
    );
    state.household = id;
    state.perCapita = ex.household.per_capita;
    state.band = ex.household.band;
    state.firstChartMs ??= performance.now() - t0;
    console.info(`Explained ${id} in ${(performance.now() - start).toFixed(0)} ms`);
  } catch (error) {
    fail(household, error);
  }
}

$("picker").hidden = false;
listMatches("");
const requested = new URLSearchParams(location.search).get("id");
const first = requested && session.position.has(requested) ? requested : ids[
  [...Array(ids.length).keys()].filter((i) => scores.band[i] >= 0).sort((a, b) =>
    scores.perCapita[b] - scores.perCapita[a]
  )[0] ?? 0
];
if (first) await open(first);
state.ready = true;
