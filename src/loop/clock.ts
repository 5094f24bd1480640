/**
 * Clocks: how simulation time maps to the calendar. Under the `calendar` clock one unit of time is
 * one calendar day, from day 0 = `start_date`. Under the `working` clock time runs in working days
 * only (Monday–Friday, minus `holidays`, plus make-up `workdays`, the Chinese 调休 Saturdays and
 * Sundays): service times, waits, arrival rates and time limits are all in working days, nothing
 * happens on a rest day, and an event at working time t is printed on calendar day
 * `workday[floor(t)] + (t − floor(t))`.
 */

/** A clock: simulation time ↔ calendar days since `start_date`. */
export interface Clock {
  kind: "calendar" | "working";
  /** The horizon in simulation time. */
  horizon: number;
  /** Simulation time → calendar day (since start_date). */
  toDay(time: number): number;
  /** Calendar day (since start_date) → simulation time: the start of the first working moment at or after it. */
  fromDay(day: number): number;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (UTC). */
export function epochDay(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The calendar clock: time is days. */
export function calendarClock(horizonDays: number): Clock {
  return { kind: "calendar", horizon: horizonDays, toDay: (t) => t, fromDay: (d) => d };
}

/**
 * The working clock from `startDate` over `horizonDays` calendar days: working days are Monday to
 * Friday not in `holidays`, and any day in `workdays`.
 */
export function workingClock(
  startDate: string,
  horizonDays: number,
  holidays: readonly string[] = [],
  workdays: readonly string[] = [],
): Clock {
  const start = epochDay(startDate);
  const off = new Set(holidays.map((d) => epochDay(d) - start));
  const on = new Set(workdays.map((d) => epochDay(d) - start));
  const days: number[] = []; // calendar offsets of working days, ascending
  const span = Math.ceil(horizonDays);
  for (let d = 0; d < span; d++) {
    const weekday = (((start + d) % 7) + 7 + 3) % 7; // 1970-01-01 was a Thursday: 0 = Monday
    const working = on.has(d) || (weekday < 5 && !off.has(d));
    if (working) days.push(d);
  }
  const toDay = (t: number): number => {
    const k = Math.floor(t);
    if (k < days.length) return days[k] + (t - k);
    // Past the horizon's last working day: continue on calendar days after it (only the horizon itself lands here).
    return (days.length > 0 ? days[days.length - 1] + 1 : span) + (t - days.length);
  };
  const fromDay = (day: number): number => {
    // Number of working days that start before `day` (binary search), plus the part of a working day already begun.
    let lo = 0, hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid] < day) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k >= 0 && day < days[k] + 1) return k + (day - days[k]);
    return lo;
  };
  return { kind: "working", horizon: days.length, toDay, fromDay };
}
