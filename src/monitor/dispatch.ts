/**
 * Department work lists of a batch: every warned household routed by the model's routing
 * (主管 competent, 主责 responsible, 主抓 executing; src/model/routing.ts `routeHousehold`), one
 * list per department with the role, score, band, the indicators that send it there and the
 * deadline: the dispatch date plus the time limit, in calendar days, or in working days where the
 * model's `time_limit` says so (`{ "days": 15, "clock": "working", "holidays": […], "workdays": […] }`;
 * src/base/calendar.ts). The dispatch is recorded in the file. Each list is written as CSV and as
 * an `.xlsx` workbook (a `work_list` sheet with the same columns, numbers as numbers and the
 * deadline as a date, and an `about` sheet).
 */
import { z } from "zod";
import { addCalendarDays, addWorkingDays, isIsoDate } from "../base/calendar.ts";
import { toCsv } from "../base/csv.ts";
import { plainNumber } from "../base/format.ts";
import { quoteText as lit } from "../base/sql.ts";
import { InputError, type Model } from "../contract/mod.ts";
import { ROLE_NAMES, routeHousehold, type RoutingIndicator, routingOf } from "../model/mod.ts";
import { insertRows } from "./batch.ts";
import { inTransaction, type MonitorDb } from "./store.ts";
import { writeXlsx } from "../ingest/xlsx_write.ts";

const IsoDate = z.string().refine(isIsoDate, { message: "Expected a date written YYYY-MM-DD" });

/**
 * A model's `time_limit`: how long departments have for a dispatched case. `clock` `working`
 * counts Monday–Friday minus `holidays` plus make-up `workdays`; `calendar` (default) counts every day.
 */
export const TimeLimitSchema = z.strictObject({
  days: z.number().int().min(0).max(365),
  clock: z.enum(["calendar", "working"]).default("calendar"),
  holidays: z.array(IsoDate).default([]),
  workdays: z.array(IsoDate).default([]),
});
/** A parsed time limit. */
export type TimeLimit = z.infer<typeof TimeLimitSchema>;

/** The model's time limit (`time_limit`), or calendar days `fallbackDays` where it has none; an InputError if malformed. */
export function timeLimitOf(model: Model, fallbackDays: number, where: string): TimeLimit {
  const raw = (model as Record<string, unknown>).time_limit;
  if (raw === undefined) return { days: fallbackDays, clock: "calendar", holidays: [], workdays: [] };
  const parsed = TimeLimitSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(parsed.error.issues.map((issue) => ({
    file: where,
    message: `time_limit${issue.path.map((k) => `.${String(k)}`).join("")}: ${issue.message}; ` +
      `write it as { "days": 15, "clock": "working", "holidays": ["YYYY-MM-DD"], "workdays": ["YYYY-MM-DD"] }`,
  })));
}

/** The deadline of a case dispatched on `on` under a time limit. */
export function deadlineOf(on: string, limit: TimeLimit): string {
  return limit.clock === "working" ? addWorkingDays(on, limit.days, limit) : addCalendarDays(on, limit.days);
}

/** One row of a department's work list. */
export interface WorkItem {
  household_id: string;
  category: string | null;
  /** 主管, 主责, 主抓, joined by `+` where a department holds two roles. */
  role: string;
  band: string;
  status: string;
  per_capita: number | null;
  total_points: number | null;
  /** The indicators that send the case to this department (`id 名称: points`), or the household's main ones. */
  indicators: string;
  deadline: string;
}

/** What `dispatchBatch` returns: work lists keyed by department id, in department order. */
export interface Dispatch {
  batchId: string;
  dispatchedOn: string;
  deadline: string;
  lists: Map<string, WorkItem[]>;
  /** The time limit the deadline comes from. */
  timeLimit: TimeLimit;
}

/** A batch's stored model and rows, or an InputError naming the batches there are. */
export async function readBatch(mdb: MonitorDb, batchId: string): Promise<{ model: Model; asOf: string }> {
  const rows = await mdb.db.all(`SELECT model_json, as_of FROM m.batches WHERE batch_id = ${lit(batchId)}`);
  if (rows.length === 0) {
    const ids = (await mdb.db.all(`SELECT batch_id FROM m.batches ORDER BY as_of, batch_id`)).map((r) => r.batch_id);
    throw new InputError([{
      file: mdb.file,
      message: `holds no batch "${batchId}"; give one of: ${ids.length ? ids.join(", ") : "none (run warn first)"}`,
    }]);
  }
  return { model: JSON.parse(rows[0].model_json as string) as Model, asOf: rows[0].as_of as string };
}

/**
 * Routes every warned household of a batch and records the dispatch (one transaction). The
 * deadline counts `timeLimitDays` calendar days when given; otherwise the batch model's
 * `time_limit`, else 15 calendar days.
 */
export async function dispatchBatch(
  mdb: MonitorDb,
  batchId: string,
  options: { on: string; timeLimitDays?: number },
): Promise<Dispatch> {
  if (!isIsoDate(options.on)) {
    throw new InputError([{ file: "--on", message: `needs a date written YYYY-MM-DD, but found "${options.on}"` }]);
  }
  const { model } = await readBatch(mdb, batchId);
  const timeLimit = options.timeLimitDays !== undefined
    ? { days: options.timeLimitDays, clock: "calendar" as const, holidays: [], workdays: [] }
    : timeLimitOf(model, 15, `${mdb.file} (model of batch ${batchId})`);
  const deadline = deadlineOf(options.on, timeLimit);
  const routing = routingOf(model.routing);
  const weightOf = new Map(model.categories.map((c) => [c.id, c.weight ?? 1]));
  const households = await mdb.db.all(
    `SELECT household_id, category, band, status, per_capita, total_points, indicators FROM m.batch_rows
     WHERE batch_id = ${lit(batchId)} AND band IS NOT NULL ORDER BY per_capita DESC NULLS LAST, household_id`,
  );
  const hits = new Map<string, number>();
  for (
    const c of await mdb.db.all(
      `SELECT household_id, indicator, hits FROM m.contributions WHERE batch_id = ${lit(batchId)}`,
    )
  ) hits.set(`${c.household_id}\u0000${c.indicator}`, c.hits as number);
  const lists = new Map<string, WorkItem[]>();
  const recorded: unknown[][] = [];
  for (const h of households) {
    const id = h.household_id as string;
    const indicators: RoutingIndicator[] = model.indicators.map((ind) => ({
      id: ind.id,
      name: ind.name,
      name_zh: ind.name_zh,
      department: ind.department,
      hits: hits.get(`${id}\u0000${ind.id}`) ?? 0,
      weight: weightOf.get(ind.category) ?? 1,
      points: ind.points,
    }));
    const routed = routeHousehold(routing, indicators, { category: h.category as string | null });
    for (const dep of routed.departments) {
      const role = dep.roles.map((r) => ROLE_NAMES[r].zh).join("+");
      const item: WorkItem = {
        household_id: id,
        category: h.category as string | null,
        role,
        band: h.band as string,
        status: h.status as string,
        per_capita: h.per_capita as number | null,
        total_points: h.total_points as number | null,
        indicators: dep.indicators.length > 0
          ? dep.indicators.map((i) =>
            `${i.id}${i.label !== i.id ? " " + i.label : ""}: ${plainNumber(Math.round(i.points * 100) / 100)}`
          ).join("; ")
          : h.indicators as string,
        deadline,
      };
      let list = lists.get(dep.department);
      if (!list) lists.set(dep.department, list = []);
      list.push(item);
      recorded.push([batchId, id, dep.department, role, options.on, deadline]);
    }
  }
  await inTransaction(mdb, async () => {
    await mdb.db.exec(`DELETE FROM m.dispatch WHERE batch_id = ${lit(batchId)}`);
    await insertRows(mdb, "dispatch", recorded);
  });
  const sorted = new Map([...lists].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { batchId, dispatchedOn: options.on, deadline, lists: sorted, timeLimit };
}

/** The columns of a work list. */
export const WORK_LIST_COLUMNS = [
  "household_id",
  "category",
  "role",
  "band",
  "status",
  "per_capita",
  "total_points",
  "indicators",
  "deadline",
] as const;

/** One department's work list as CSV. */
export function workListCsv(items: readonly WorkItem[]): string {
  return toCsv(WORK_LIST_COLUMNS, items.map((i) => WORK_LIST_COLUMNS.map((c) => i[c])));
}

/** The file name of a department's work list: `worklist_<department>.csv` (unsafe characters as `_`; `.xlsx` with `ext`). */
export function workListFile(department: string, ext: "csv" | "xlsx" = "csv"): string {
  return `worklist_${department.replaceAll(/[^\p{L}\p{N}_-]/gu, "_")}.${ext}`;
}

/**
 * One department's work list as an `.xlsx` workbook: sheet `work_list` (the CSV's columns; scores
 * as numbers, the deadline as a date) and sheet `about` (batch, department, dates, time limit).
 */
export function workListXlsx(dispatch: Dispatch, department: string): Uint8Array {
  const items = dispatch.lists.get(department) ?? [];
  const limit = dispatch.timeLimit;
  const rows = items.map((i) => WORK_LIST_COLUMNS.map((c) => (c === "deadline" ? { date: i.deadline } : i[c])));
  return writeXlsx([
    { name: "work_list", rows: [[...WORK_LIST_COLUMNS], ...rows] },
    {
      name: "about",
      rows: [
        ["field", "value"],
        ["batch", dispatch.batchId],
        ["department", department],
        ["households", items.length],
        ["dispatched_on", { date: dispatch.dispatchedOn }],
        ["deadline", { date: dispatch.deadline }],
        ["time_limit", `${limit.days} ${limit.clock === "working" ? "working" : "calendar"} days`],
      ],
    },
  ]);
}
