/**
 * What a valid configuration may still get silently wrong: a schedule that can never fire, and a
 * holiday calendar that ends before the next 60 days do (config/holidays.yaml lists each year's
 * official arrangement; past its last year, quiet hours would treat the Spring Festival as working
 * days). `config check` prints these as warnings, the daemon logs them at start (and the calendar's
 * at every evaluation), `orglife check` prints the calendar's, /readyz, the console's 总览 and the
 * metrics show its coverage.
 */
import { addDays, shanghaiDate } from '../domain/calendar.js';
import { cronCanFire } from './cron.js';

/** Days ahead the holiday calendar must cover. */
export const HOLIDAY_HORIZON_DAYS = 60;

/** A warning about a key path (file and line filled in by the loader when it knows them). */
export interface ConfigWarning {
  path: string;
  message: string;
}

/** The last day the calendar covers: 31 December of the latest year it lists a date of (null: none). */
export function holidayCalendarEnd(cal: { holidays: readonly string[]; workdays: readonly string[] }): string | null {
  let year = 0;
  for (const d of [...cal.holidays, ...cal.workdays]) year = Math.max(year, Number(d.slice(0, 4)));
  return year ? `${year}-12-31` : null;
}

/** Where the holiday calendar falls short at `now` (null: it covers the next HOLIDAY_HORIZON_DAYS days). */
export interface HolidayGap {
  /** The last day it covers (null: it lists no date). */
  end: string | null;
  /** Today + HOLIDAY_HORIZON_DAYS, the day it must reach. */
  horizon: string;
  /** The first year it does not cover (the one to add). */
  year: number;
  /** Whether today is already past its end: working days are counted with no holiday at all now. */
  now: boolean;
}

/** How the calendar falls short of the next HOLIDAY_HORIZON_DAYS days at `now`, or null when it does not. */
export function holidayGap(cal: { holidays: readonly string[]; workdays: readonly string[] }, now: number): HolidayGap | null {
  const end = holidayCalendarEnd(cal);
  const horizon = shanghaiDate(addDays(now, HOLIDAY_HORIZON_DAYS));
  if (end !== null && end >= horizon) return null;
  const today = shanghaiDate(now);
  return { end, horizon, year: end ? Number(end.slice(0, 4)) + 1 : Number(today.slice(0, 4)), now: end === null || end < today };
}

/** The short Chinese notice of a gap (the console's 总览): 节假日日历未覆盖 2027 年，请更新 config/holidays.yaml … */
export function holidayNotice(gap: HolidayGap): string {
  const since = gap.now ? `自 ${gap.year}-01-01 起已按无节假日计算` : `更新之前，${gap.year} 年将按无节假日计算`;
  return (
    `节假日日历未覆盖 ${gap.year} 年，请更新 config/holidays.yaml：按国务院办公厅公布的 ${gap.year} 年放假安排补充节假日与调休上班日。` +
    `${since}，免打扰时段会把节假日当作工作日照常发送。`
  );
}

/**
 * The warning when the calendar does not cover the next HOLIDAY_HORIZON_DAYS days, else null
 * (`config check`, the daemon's log at start and at every evaluation, `orglife check`, /readyz).
 */
export function holidayCoverageWarning(cal: { holidays: readonly string[]; workdays: readonly string[] }, now: number): string | null {
  const gap = holidayGap(cal, now);
  if (!gap) return null;
  const { end, horizon, year } = gap;
  return (
    `节假日日历未覆盖 ${year} 年（config/holidays.yaml ${end ? `只到 ${end.slice(0, 4)} 年` : '为空'}，未覆盖未来 ${HOLIDAY_HORIZON_DAYS} 天，至 ${horizon}）：` +
    `请按国务院办公厅公布的 ${year} 年节假日安排更新 config/holidays.yaml；${gap.now ? `自 ${year}-01-01 起已` : `在此之前 ${year} 年将`}按无节假日计算，免打扰时段会把节假日当作工作日 / ` +
    `the holiday calendar ${end ? `ends with ${end.slice(0, 4)}` : 'is empty'} and does not cover the next ${HOLIDAY_HORIZON_DAYS} days (to ${horizon}): ` +
    `add the State Council's ${year} arrangement to config/holidays.yaml; ${gap.now ? `since ${year}-01-01` : `until then, ${year}`} counts no public holiday and quiet hours treat holidays as working days`
  );
}

/** Warnings of a valid configuration at `now`. */
export function configWarnings(config: { schedules: Record<string, string>; calendar: { holidays: string[]; workdays: string[] } }, now: number): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  for (const [key, expr] of Object.entries(config.schedules)) {
    if (!cronCanFire(expr)) {
      out.push({ path: `schedules.${key}`, message: `"${expr}" 永远不会触发（所选月份没有这一天）/ "${expr}" can never fire (no chosen month has that day)` });
    }
  }
  const holidays = holidayCoverageWarning(config.calendar, now);
  if (holidays) out.push({ path: 'calendar.holidays', message: holidays });
  return out;
}
