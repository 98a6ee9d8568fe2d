/**
 * Working days and quiet hours in Asia/Shanghai. A day is a working day when it is Monday–Friday
 * and not a public holiday, or when it is a make-up working day (调休上班) even though it falls on
 * a weekend. The calendar comes from config (`calendar:`; config/holidays.yaml ships the official
 * State Council dates). Pure: no clock, no I/O.
 */
import { DAY_MS, shanghaiDate, shanghaiMidnight, shanghaiParts } from './calendar.js';

/** The holiday calendar as sets of 'YYYY-MM-DD' dates. */
export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

/** Send window: from `start` to `end` (HH:MM, Shanghai), optionally on working days only. */
export interface QuietHours {
  start: string;
  end: string;
  working_days_only: boolean;
}

/** Build the calendar from config `calendar:` ({holidays, workdays} lists of dates). */
export function workCalendar(cfg: { holidays: readonly string[]; workdays: readonly string[] }): WorkCalendar {
  return { holidays: new Set(cfg.holidays), workdays: new Set(cfg.workdays) };
}

/** Whether the Shanghai date 'YYYY-MM-DD' is a working day. A make-up workday wins over everything. */
export function isWorkingDay(cal: WorkCalendar, date: string): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Minutes after midnight of 'HH:MM'. */
function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Whether messages may be sent at instant `t`. */
export function isAllowedTime(t: number, quiet: QuietHours, cal: WorkCalendar): boolean {
  const p = shanghaiParts(t);
  if (quiet.working_days_only && !isWorkingDay(cal, shanghaiDate(t))) return false;
  const minute = p.hour * 60 + p.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  // start == end means no daily window (any time of day); start > end is a window across midnight.
  if (start === end) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The earliest instant ≥ t at which messages may be sent: t itself when allowed, else the start of
 * the next allowed window (for example 20:30 on the eve of a week of holidays → 08:00 on the first
 * working day after them). Searches at most two years ahead, then gives up and returns t, so a
 * calendar that blocks everything can never hang the planner.
 */
export function nextAllowedTime(t: number, quiet: QuietHours, cal: WorkCalendar): number {
  if (isAllowedTime(t, quiet, cal)) return t;
  const start = minutesOf(quiet.start);
  const { year, month, day } = shanghaiParts(t);
  let midnight = shanghaiMidnight(year, month, day);
  for (let n = 0; n <= 731; n++, midnight += DAY_MS) {
    const candidate = midnight + start * 60_000;
    if (candidate >= t && isAllowedTime(candidate, quiet, cal)) return candidate;
  }
  return t;
}

/** How a number of days is counted: working days of the calendar, or every calendar day. */
export type DayCount = 'working_days' | 'calendar_days';

/**
 * The Shanghai date `n` days after `date` ('YYYY-MM-DD'), counting working days (the n-th working
 * day after it) or calendar days. n = 0 is `date` itself. Searches at most ten years of days, so a
 * calendar without working days cannot hang a caller.
 */
export function addDays(cal: WorkCalendar, date: string, n: number, count: DayCount): string {
  const start = Date.parse(`${date}T00:00:00Z`);
  if (count === 'calendar_days' || n <= 0) return new Date(start + Math.max(0, n) * DAY_MS).toISOString().slice(0, 10);
  let left = n;
  for (let t = start + DAY_MS, i = 0; i < 3660; t += DAY_MS, i++) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (isWorkingDay(cal, d) && --left === 0) return d;
  }
  return new Date(start + n * DAY_MS).toISOString().slice(0, 10);
}
