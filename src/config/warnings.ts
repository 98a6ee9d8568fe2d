/**
 * What a valid configuration may still get silently wrong: a schedule that can never fire, and a
 * holiday calendar that ends before the next 60 days do (config/holidays.yaml lists each year's
 * official arrangement; past its last year, quiet hours would treat the Spring Festival as working
 * days). `config check` prints these as warnings, the daemon logs them at start, /readyz and the
 * metrics show the calendar's coverage.
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

/** The warning when the calendar does not cover the next HOLIDAY_HORIZON_DAYS days, else null. */
export function holidayCoverageWarning(cal: { holidays: readonly string[]; workdays: readonly string[] }, now: number): string | null {
  const end = holidayCalendarEnd(cal);
  const horizon = shanghaiDate(addDays(now, HOLIDAY_HORIZON_DAYS));
  if (end !== null && end >= horizon) return null;
  const next = end ? Number(end.slice(0, 4)) + 1 : Number(horizon.slice(0, 4));
  return (
    `节假日安排${end ? `只到 ${end.slice(0, 4)} 年` : '为空'}，未覆盖未来 ${HOLIDAY_HORIZON_DAYS} 天（至 ${horizon}）：` +
    `请按国务院办公厅公布的 ${next} 年节假日安排在 config/holidays.yaml 中补充，否则免打扰时段会把节假日当作工作日 / ` +
    `the holiday calendar ${end ? `ends with ${end.slice(0, 4)}` : 'is empty'} and does not cover the next ${HOLIDAY_HORIZON_DAYS} days (to ${horizon}): ` +
    `add the State Council's ${next} arrangement to config/holidays.yaml, or quiet hours will treat holidays as working days`
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
