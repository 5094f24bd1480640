/**
 * Working days for deadlines: Monday to Friday are working days, except `holidays`; any date in
 * `workdays` (the make-up Saturdays and Sundays of 调休) is a working day. Dates are `YYYY-MM-DD`
 * (UTC calendar days, no time zone). The same rule as the simulation's working clock
 * (src/loop/clock.ts), for the dates a person reads.
 *
 * ```ts
 * import { addWorkingDays } from "./calendar.ts";
 * // Mid-Autumn 2024: Monday 16 and Tuesday 17 September off, Saturday 14 September worked.
 * const cal = { holidays: ["2024-09-16", "2024-09-17"], workdays: ["2024-09-14"] };
 * console.log(addWorkingDays("2024-09-02", 15, cal)); // 2024-09-24
 * ```
 */

/** Holidays (days off that would be working days) and make-up workdays (weekend days worked). */
export interface WorkCalendar {
  holidays?: readonly string[];
  workdays?: readonly string[];
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether text is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function toDay(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`Expected a date written YYYY-MM-DD but found "${date}"`);
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The date `days` calendar days after `date` (negative: before). */
export function addCalendarDays(date: string, days: number): string {
  return fromDay(toDay(date) + days);
}

/** Whether `date` is a working day under the calendar. */
export function isWorkingDay(date: string, calendar: WorkCalendar = {}): boolean {
  if (calendar.workdays?.includes(date)) return true;
  if (calendar.holidays?.includes(date)) return false;
  const weekday = (toDay(date) % 7 + 7 + 3) % 7; // 1970-01-01 was a Thursday: 0 = Monday
  return weekday < 5;
}

/**
 * The date of the `days`-th working day after `date` (`date` itself not counted): a case
 * dispatched on a Friday with one working day to go is due on Monday. `days` 0 gives `date`.
 */
export function addWorkingDays(date: string, days: number, calendar: WorkCalendar = {}): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Expected a whole number of days >= 0, got ${days}`);
  const off = new Set(calendar.holidays ?? []);
  const on = new Set(calendar.workdays ?? []);
  let day = toDay(date);
  for (let left = days; left > 0;) {
    day++;
    const text = fromDay(day);
    const weekday = (day % 7 + 7 + 3) % 7;
    if (on.has(text) || (weekday < 5 && !off.has(text))) left--;
  }
  return fromDay(day);
}
