/** When deliveries may go out: quiet hours and working days (delivery.quiet_hours, the holiday calendar). */
import type { Config } from '../config/schema.js';
import { nextAllowedTime, workCalendar } from '../domain/workdays.js';

/**
 * When deliveries planned at `now` may go out (quiet hours, working days). `sendFrom` is when the
 * planning actually runs (the tick job's clock reading, passed in): a tick that runs late — a missed
 * tick caught up the next day — sends from then, so its send day, and with it the per-phone daily
 * SMS cap, is the day the messages really go out, not the day the tick was scheduled for.
 */
export function sendTime(config: Pick<Config, 'delivery' | 'calendar'>, now: number, sendFrom = now): number {
  return nextAllowedTime(Math.max(now, sendFrom), config.delivery.quiet_hours, workCalendar(config.calendar));
}
