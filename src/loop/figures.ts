/**
 * The loop's figures as Plot options over the series of `series.ts`. `deno task loop`'s HTML
 * report and the 闭环 Loop page draw the same options (the page with the browser's document, the
 * report through `src/report`).
 */
import * as Plot from "@observablehq/plot";
import { departmentLabel } from "../report/labels.ts";
import type { BandPoint, delayRows, fundsRows, queueSeries, ShareRow, yuanRows } from "./series.ts";
import {
  CASE_LANE,
  type CaseStep,
  type CaseTrace,
  type LaneDeadline,
  type LaneSpan,
  type SwimlaneView,
} from "./swimlane.ts";

const BLUE = "#4e79a7", ORANGE = "#f28e2b";

/** Tasks waiting per department by day (mean line, 5–95% band), one facet row per department. */
export function queuePlot(series: ReturnType<typeof queueSeries>, unit: string, width = 760): Plot.PlotOptions {
  const departments = new Set(series.map((r) => r.department)).size;
  return {
    width,
    height: 50 + 60 * departments,
    marginRight: 170,
    x: { label: `${unit} →` },
    y: { label: "waiting", grid: true },
    fy: { label: null, padding: 0.15 },
    marks: [
      Plot.areaY(series, { x: "day", y1: "low", y2: "high", fy: "department", fill: BLUE, fillOpacity: 0.25 }),
      Plot.lineY(series, { x: "day", y: "mean", fy: "department", stroke: BLUE }),
    ],
  };
}

/** Cases open by day (the backlog): mean line, 5–95% band. */
export function backlogPlot(series: readonly BandPoint[], unit: string, width = 760): Plot.PlotOptions {
  return {
    width,
    height: 220,
    x: { label: `${unit} →` },
    y: { label: "open cases 未结案件", grid: true },
    marks: [
      Plot.areaY(series, { x: "day", y1: "low", y2: "high", fill: BLUE, fillOpacity: 0.25 }),
      Plot.lineY(series, { x: "day", y: "mean", stroke: BLUE }),
      Plot.ruleY([0]),
    ],
  };
}

/** Share cleared within the limit per group (one bar each, coloured by kind of group), with 95% intervals. */
export function clearedPlot(rows: readonly ShareRow[], width = 760): Plot.PlotOptions {
  const label = (r: ShareRow) => `${r.facet} · ${r.group}`;
  return {
    width,
    height: 50 + 17 * rows.length,
    marginLeft: 230,
    x: { percent: true, label: "cleared within the limit 限时内销号 (%) →", grid: true },
    y: { domain: rows.map(label), label: null },
    color: { legend: false },
    marks: [
      Plot.barX(rows, { x: "mean", y: label, fill: "facet", fillOpacity: 0.7 }),
      Plot.ruleY(rows, { x1: "low", x2: "high", y: label, stroke: "#333" }),
      Plot.ruleX([0]),
    ],
  };
}

/** The time-to-assistance distribution: share of deliveries per day bin, with 95% intervals. */
export function delayPlot(rows: ReturnType<typeof delayRows>, unit: string, width = 760): Plot.PlotOptions {
  return {
    width,
    height: 220,
    x: { label: `${unit} from the case's creation to its assistance →` },
    y: { label: "share of deliveries", percent: true, grid: true },
    marks: [
      Plot.rectY(rows, { x1: "from", x2: "to", y: "mean", fill: BLUE, fillOpacity: 0.6, inset: 0.5 }),
      Plot.ruleX(rows, { x: (d: { from: number; to: number }) => (d.from + d.to) / 2, y1: "low", y2: "high" }),
      Plot.ruleY([0]),
    ],
  };
}

/** Person-times by type: the simulated warning channel (with interval) beside the pilot's figure. */
export function fundsPlot(rows: ReturnType<typeof fundsRows>, width = 760): Plot.PlotOptions {
  return {
    width,
    height: 60 + 36 * new Set(rows.map((r) => r.type)).size,
    marginLeft: 100,
    marginRight: 110,
    x: { label: "person-times a year 人次 →", grid: true },
    y: { label: null },
    fy: { label: null },
    color: { domain: ["simulated 模拟", "pilot 试点"], range: [BLUE, ORANGE] },
    marks: [
      Plot.barX(rows, { x: "person_times", y: "source", fy: "type", fill: "source" }),
      Plot.ruleY(rows, { x1: "low", x2: "high", y: "source", fy: "type", stroke: "#333" }),
      Plot.text(rows, {
        x: "person_times",
        y: "source",
        fy: "type",
        text: (d: { person_times: number }) => d.person_times.toFixed(0),
        dx: 4,
        textAnchor: "start",
      }),
    ],
  };
}

/** Yuan a year by type (warning channel, with interval) and the total beside the pilot's 1,192,000. */
export function yuanPlot(rows: ReturnType<typeof yuanRows>, width = 760): Plot.PlotOptions {
  const label = (r: { type: string; source: string }) => `${r.type} · ${r.source}`;
  return {
    width,
    height: 50 + 22 * rows.length,
    marginLeft: 190,
    marginRight: 90,
    x: { label: "yuan a year 元 →", grid: true, tickFormat: "~s" },
    y: { domain: rows.map(label), label: null },
    color: { domain: ["simulated 模拟", "pilot 试点"], range: [BLUE, ORANGE] },
    marks: [
      Plot.barX(rows, { x: "yuan", y: label, fill: "source" }),
      Plot.ruleY(rows, { x1: "low", x2: "high", y: label, stroke: "#333" }),
      Plot.text(rows, {
        x: "yuan",
        y: label,
        text: (d: { yuan: number }) => Math.round(d.yuan).toLocaleString("en-US"),
        dx: 4,
        textAnchor: "start",
      }),
    ],
  };
}

/** The swimlane of one case at one step: waiting (light) and working (dark) spans per lane, deadlines, the current event. */
export function swimlanePlot(view: SwimlaneView, trace: CaseTrace, width = 760): Plot.PlotOptions {
  const last = trace.steps.length > 0 ? trace.steps[trace.steps.length - 1].day : trace.created;
  const label = (lane: string) => (lane === CASE_LANE ? "案件 case" : departmentLabel(lane));
  return {
    width,
    height: 60 + 34 * view.lanes.length,
    marginLeft: 170,
    x: { domain: [trace.created, Math.max(trace.due, last) + 1], label: "day 天 →", grid: true },
    y: { domain: view.lanes.map(label), label: null },
    color: { domain: ["waiting", "working"], range: ["#bab0ac", "#4e79a7"] },
    marks: [
      Plot.barX(view.spans, {
        x1: "from",
        x2: "to",
        y: (d: LaneSpan) => label(d.lane),
        fill: "kind",
        inset: 4,
      }),
      Plot.tickX(view.deadlines, {
        x: "day",
        y: (d: LaneDeadline) => label(d.lane),
        stroke: (d: LaneDeadline) => (d.kind === "due" ? "#e15759" : "#f28e2b"),
        strokeWidth: 2,
      }),
      Plot.dot([view.current], {
        x: "day",
        y: () => label(view.currentLane),
        r: 6,
        fill: "#e15759",
        stroke: "white",
      }),
      Plot.text([view.current], {
        x: "day",
        y: () => label(view.currentLane),
        text: (d: CaseStep) => d.event,
        dy: -12,
        fontWeight: "bold",
      }),
    ],
  };
}
