/** When deliveries may go out: quiet hours and working days (delivery.quiet_hours, the holiday calendar). */
import type { Config } from '../config/schema.js';
import { nextAllowedTime, workCalendar } from '../domain/workdays.js';

/** When deliveries planned at `now` may go out (quiet hours, working days). */
export function sendTime(config: Pick<Config, 'delivery' | 'calendar'>, now: number): number {
  return nextAllowedTime(now, config.delivery.quiet_hours, workCalendar(config.calendar));
}
