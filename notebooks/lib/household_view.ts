/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * The household page's views, each a function of cell values: the picker (a view whose value is
 * the chosen household id), the headline, the waterfall, the dispatch chain, and the field editor
 * (a view whose value is the list of what-if edits).
 */
import type { VerifiedRow } from "../../src/evaluate/mod.ts";
import type { BandCut, Routing } from "../../src/model/mod.ts";
import {
  categoryLabel,
  departmentLabel,
  dispatchChain,
  ROLE_LABELS,
  waterfallFigure,
  waterfallSteps,
} from "../../src/report/mod.ts";
import type { HouseholdExplanation } from "../../src/score/mod.ts";
import type { WhatIfEdit } from "../../src/simulate/whatif.ts";
import type { ViewElement } from "./cells.ts";
import type { PageScores } from "./scoring.ts";
import type { Session } from "./session.ts";
import { h, int, kpi, show } from "./ui.ts";

/** A number as the explanation prints it: six significant digits, "—" for none. */
export function fmt(v: number | null): string {
  return v === null ? "—" : Number(v.toPrecision(6)).toString();
}

/** The picker: search by id or village, the highest-scoring warned households, a random one. */
export function householdPicker(session: Session, scores: PageScores, first: string): ViewElement<string> {
  const ids = session.frame.householdIds, villages = session.frame.villages;
  const root = document.getElementById("picker") as unknown as ViewElement<string>;
  root.value = first;
  const choose = (id: string) => {
    root.value = id;
    root.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const link = (i: number) =>
    h(
      "a",
      {
        href: `?id=${encodeURIComponent(ids[i])}`,
        "data-id": ids[i],
        onclick: (e: Event) => {
          e.preventDefault();
          choose(ids[i]);
        },
      },
      `${ids[i]} · ${villages[i] ?? ""} · ${scores.band[i] >= 0 ? scores.bandIds[scores.band[i]] : "—"} · ${
        scores.perCapita[i].toFixed(2)
      }`,
    );
  const search = root.querySelector<HTMLInputElement>("#search")!;
  const list = (query: string) => {
    const q = query.trim().toLowerCase();
    const picks = q === ""
      ? topWarned(scores, 12)
      : ids.flatMap((id, i) => id.toLowerCase().includes(q) || (villages[i] ?? "").toLowerCase().includes(q) ? [i] : [])
        .slice(0, 12);
    const title = q === ""
      ? "最高分预警户 Highest-scoring warned households:"
      : `${picks.length === 12 ? "First 12 matches" : `${picks.length} match(es)`}:`;
    show(
      root.querySelector("#matches")!,
      h("p", { class: "muted" }, title),
      h("div", { class: "toolbar" }, picks.map(link)),
    );
  };
  search.oninput = (e) => {
    e.stopPropagation();
    list(search.value);
  };
  search.onkeydown = (e) => {
    if (e.key === "Enter" && session.position.has(search.value.trim())) choose(search.value.trim());
  };
  root.querySelector<HTMLButtonElement>("#random")!.onclick = () => {
    const warned = topWarned(scores, Infinity);
    if (warned.length > 0) choose(ids[warned[Math.floor(Math.random() * warned.length)]]);
  };
  root.hidden = false;
  list("");
  return root;
}

/** Positions of the warned households, highest per-capita score first (at most `n`). */
export function topWarned(scores: PageScores, n: number): number[] {
  const warned: number[] = [];
  for (let i = 0; i < scores.band.length; i++) if (scores.band[i] >= 0) warned.push(i);
  return warned.sort((a, b) => scores.perCapita[b] - scores.perCapita[a]).slice(0, n);
}

/** The household's id, score and band. */
export function headlineView(ex: HouseholdExplanation, village: unknown, bands: readonly BandCut[]): HTMLElement {
  const hh = ex.household;
  return h(
    "div",
    { class: "kpis" },
    kpi("户 Household", hh.household_id, `${village ?? ""} · ${categoryLabel(hh.category)}`),
    kpi(
      "人均得分 Per-capita score",
      fmt(hh.per_capita),
      `${fmt(hh.total_points)} points ÷ ${hh.members} members`,
      "per-capita",
    ),
    kpi("预警档 Band", hh.band ?? "—", bands.map((b) => `${b.id} ≥ ${b.min}`).join(" · ")),
  );
}

/** The waterfall: each indicator's contribution ÷ members, up to the per-capita score. */
export function waterfallView(ex: HouseholdExplanation, bands: readonly BandCut[], width: number): HTMLElement {
  const steps = waterfallSteps(
    ex.indicators.map((i) => ({ id: i.id, name: i.name, name_zh: i.name_zh, points_total: i.points_total })),
    ex.household.members,
  );
  const hh = ex.household;
  return h(
    "div",
    { class: "figure", id: "waterfall" },
    h(
      "h3",
      {},
      `得分瀑布图 Score waterfall: ${fmt(hh.total_points)} points ÷ ${hh.members} members = ${fmt(hh.per_capita)} → ${
        hh.band ?? "no band 未预警"
      }`,
    ),
    waterfallFigure(steps, { bands: [...bands], width }),
    h(
      "p",
      { class: "small muted" },
      "Each bar is an indicator's contribution (hits × points × category weight, plus misses × otherwise) divided by the household size. Indicators contributing 0 are left out.",
    ),
  );
}

const step = (title: string, ...body: (Node | string | null)[]) =>
  h("div", { class: "step" }, h("h3", {}, title), ...body);

/** One verified outcome of the household, as the acceptance step lists it. */
function outcomeItem(o: VerifiedRow): HTMLElement {
  return (
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
  );
}

/** The warning's path: discovery → dispatch (the model's routing rule, src/model/routing.ts) → acceptance. */
export function chainView(ex: HouseholdExplanation, verified: readonly VerifiedRow[], routing: Routing): HTMLElement {
  const outcomes = verified.filter((r) => r.household_id === ex.household.household_id);
  const chain = dispatchChain(ex.indicators, ex.household.band, outcomes as never, {
    routing,
    category: ex.household.category,
  });
  const score = fmt(ex.household.per_capita);
  const discovery = chain.discovery.map((d) =>
    h(
      "li",
      {},
      d === "data"
        ? "部门数据比对 Departments' data, compared and scored by the model"
        : "移动端申请 An application made in the mobile app",
    )
  );
  const dispatched = chain.departments.map((d) =>
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
  );
  const accepted = outcomes.map(outcomeItem);
  const waiting = chain.warned
    ? "待核实 Awaiting acceptance and verification by the departments."
    : "No verification on record.";
  return h(
    "div",
    { class: "card", id: "chain" },
    h("h2", {}, "一人一链 The warning's path: discovery → dispatch → acceptance"),
    h(
      "div",
      { class: "chain" },
      step(
        "① 点单 Discovery",
        h("ul", {}, discovery),
        h(
          "p",
          {},
          chain.warned
            ? `Per-capita score ${score} is in band ${chain.band}: a warning is raised.`
            : `Per-capita score ${score} is below every band: no warning.`,
        ),
      ),
      h("div", { class: "arrow" }, "→"),
      step(
        "② 派单 Dispatch",
        dispatched.length === 0 ? h("p", { class: "muted" }, "Nothing is dispatched.") : h("ul", {}, dispatched),
        h(
          "p",
          { class: "small muted" },
          "主管 competent: civil affairs runs the platform and oversees every warning; 主责 responsible: the department whose fired indicators add the most points; 主抓 executing: the other departments with fired indicators of positive points.",
        ),
      ),
      h("div", { class: "arrow" }, "→"),
      step("③ 接单 Acceptance", accepted.length === 0 ? h("p", { class: "muted" }, waiting) : h("ul", {}, accepted)),
    ),
  );
}

/** The household's rows as the editor shows them. */
export interface HouseholdRows {
  hh: Record<string, unknown> | undefined;
  members: Record<string, unknown>[];
}

/**
 * The field editor: the columns the model reads, for the household and each member. A view whose
 * value is the list of edits (fields whose text differs from the loaded value).
 */
export function editorView(
  rows: HouseholdRows,
  columns: { households: string[]; members: string[] },
  schema: Session["report"]["schema"],
  fired: Map<string, string[]>,
): ViewElement<WhatIfEdit[]> {
  const edits = new Map<string, WhatIfEdit>();
  const root = h("div", {}) as unknown as ViewElement<WhatIfEdit[]>;
  Object.defineProperty(root, "value", { get: () => [...edits.values()] });
  const editor = (table: WhatIfEdit["table"], column: string, value: unknown, person?: string) => {
    const original = value === null || value === undefined ? "" : String(value);
    const input = h("input", { value: original, size: 10, "data-column": column, "data-person": person });
    input.addEventListener("input", (e) => e.stopPropagation());
    input.addEventListener("change", () => {
      const key = `${table}|${person ?? ""}|${column}`;
      if (input.value === original) edits.delete(key);
      else edits.set(key, { table, person, column, value: input.value });
      input.classList.toggle("changed", input.value !== original);
      root.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return input;
  };
  const memberCols = columns.members;
  show(
    root,
    h("h3", {}, "家庭 Household fields"),
    h(
      "table",
      { class: "grid" },
      h(
        "tbody",
        {},
        columns.households.map((c) =>
          h(
            "tr",
            {},
            h("td", {}, c),
            h("td", { class: "small muted" }, schema.households[c]),
            h("td", {}, editor("households", c, rows.hh?.[c])),
          )
        ),
      ),
    ),
    h("h3", {}, `成员 Members (${rows.members.length})`),
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
          rows.members.map((m) =>
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
  );
  return root;
}
