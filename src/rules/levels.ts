/**
 * How late is late: the level of an unmet obligation from its due instant and "now" alone
 * (healthchecks-style: state derived from stored facts and the clock, nothing remembered).
 */
import { DAY_MS } from '../domain/calendar.js';
import type { Level } from '../domain/types.js';

/** Where an unmet obligation stands relative to its due instant. */
export type Phase = 'due-soon' | 'in-grace' | 'overdue';

export interface LapseState {
  level: Level;
  phase: Phase;
}

/**
 * Level of an obligation that is unmet as of `now`, or null when it is not yet worth a word.
 * - before `dueAt`: a reminder from `reminderDays` before it;
 * - from `dueAt` for `graceDays`: still a reminder (records arrive late);
 * - then a warning. The rules never say "escalation": whether a warning becomes 督办 depends on the
 *   alert's own history (was the warning delivered, was it acknowledged), which the alert lifecycle
 *   decides (src/alerts/lifecycle.ts), not the calendar.
 * Bounds are inclusive at the start: at exactly dueAt + grace it is a warning.
 */
export function lapseState(dueAt: number, now: number, days: { reminder: number; grace: number }): LapseState | null {
  if (now < dueAt) return now >= dueAt - days.reminder * DAY_MS ? DUE_SOON : null;
  const graceEnd = dueAt + days.grace * DAY_MS;
  if (now < graceEnd) return IN_GRACE;
  return OVERDUE;
}

// The three states, shared (frozen: a check asks once per branch, rule and period).
const DUE_SOON: LapseState = Object.freeze({ level: 'reminder', phase: 'due-soon' });
const IN_GRACE: LapseState = Object.freeze({ level: 'reminder', phase: 'in-grace' });
const OVERDUE: LapseState = Object.freeze({ level: 'warning', phase: 'overdue' });

/** Whole days until `dueAt`, a started day counting as one (at least 1). */
export function daysLeft(dueAt: number, now: number): number {
  return Math.max(1, Math.ceil((dueAt - now) / DAY_MS));
}

/** Whole days since `dueAt`, a started day counting as one (at least 1). */
export function daysOverdue(dueAt: number, now: number): number {
  return Math.max(1, Math.ceil((now - dueAt) / DAY_MS));
}
