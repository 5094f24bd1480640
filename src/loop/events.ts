/** `events.csv` (contract §5): one row per event, replication by replication, in time order. */
import { csvCell, csvLine } from "../base/csv.ts";
import { plainNumber } from "../base/format.ts";
import type { Clock } from "./clock.ts";
import { EVENT_NAMES, type ReplicationResult } from "./flow.ts";

/** The columns of `events.csv`. */
export const EVENT_COLUMNS = ["replication", "case_id", "household_id", "channel", "department", "event", "day"];

/** The rows of one replication as CSV lines (no header), each ending in "\n". */
export function eventLines(result: ReplicationResult, departmentIds: readonly string[], clock: Clock): string {
  const dep = departmentIds.map(csvCell);
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
