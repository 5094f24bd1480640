/** `events.csv` (contract §5): one row per event, replication by replication, in time order. */
import { csvCell, csvLine, toCsv } from "../base/csv.ts";
import { plainNumber } from "../base/format.ts";
import type { Clock } from "./clock.ts";
import { type AssistanceTable, EVENT_NAMES, type ReplicationResult } from "./flow.ts";

/** The columns of `events.csv`. */
export const EVENT_COLUMNS = ["replication", "case_id", "household_id", "channel", "department", "event", "day"];

/** The rows of one replication as CSV lines (no header), each ending in "\n". */
export function eventLines(result: ReplicationResult, departmentIds: readonly string[], clock: Clock): string {
  const dep = departmentIds.map((d) => csvCell(d));
  const prefix = result.cases.map((c) =>
    `${result.replication},${csvCell(c.id)},${csvCell(c.householdId)},${c.channel},`
  );
  const { caseIndex, department, code, time } = result.log;
  const parts: string[] = [];
  for (let e = 0; e < code.length; e++) {
    const d = department[e];
    parts.push(
      `${prefix[caseIndex[e]]}${d >= 0 ? dep[d] : ""},${EVENT_NAMES[code[e]]},${plainNumber(clock.toDay(time[e]))}\n`,
    );
  }
  return parts.join("");
}

/** The whole `events.csv`: header and every replication. */
export function eventsCsv(
  results: readonly ReplicationResult[],
  departmentIds: readonly string[],
  clock: Clock,
): string {
  return csvLine(EVENT_COLUMNS) + "\n" + results.map((r) => eventLines(r, departmentIds, clock)).join("");
}

/** The columns of `assistance.csv`. */
export const ASSISTANCE_COLUMNS = [
  "replication",
  "case_id",
  "household_id",
  "channel",
  "assistance",
  "amount_yuan",
  "day",
];

/** `assistance.csv`: one row per assistance delivered by the horizon, by replication and time. */
export function assistanceCsv(results: readonly ReplicationResult[], table: AssistanceTable, clock: Clock): string {
  const rows: unknown[][] = [];
  for (const r of results) {
    const delivered = r.cases.map((c, i) => ({ c, i })).filter(({ c }) =>
      c.assistance >= 0 && !Number.isNaN(c.assisted)
    );
    delivered.sort((a, b) => a.c.assisted - b.c.assisted || a.i - b.i);
    for (const { c } of delivered) {
      rows.push([
        r.replication,
        c.id,
        c.householdId,
        c.channel,
        table.types[c.assistance],
        plainNumber(c.amount),
        plainNumber(clock.toDay(c.assisted)),
      ]);
    }
  }
  return toCsv(ASSISTANCE_COLUMNS, rows);
}
