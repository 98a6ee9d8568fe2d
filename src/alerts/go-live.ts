/**
 * The go-live date (alerts.start_from): lapses of periods that ended before it are history. A new
 * county imports years of records; without this its first cycle would tell every committee about
 * lapses nobody could still act on. History findings are shown by `check` and in reports, never
 * turned into alerts or messages; the first cycle after go-live mails the admins one summary.
 */
import type { Config } from '../config/schema.js';
import { parseDate } from '../domain/calendar.js';
import type { Finding } from '../domain/types.js';

/** The go-live instant (midnight starting alerts.start_from, Shanghai), or null when not set. */
export function goLive(config: Pick<Config, 'alerts'>): number | null {
  const d = config.alerts.start_from;
  return d ? parseDate(d) : null;
}

/** Whether a finding is history: its period (or term) ended at or before go-live. */
export function isHistory(f: Pick<Finding, 'dueAt'>, startFrom: number | null): boolean {
  return startFrom !== null && f.dueAt <= startFrom;
}
