/**
 * term-expiry: the branch committee's term (elected_on + term_years) must end with an election.
 * The last day of the term is the anniversary of the election (an election on that day is on
 * time); a term elected on 29 February ends on 28 February of a common year.
 */
import { DAY_MS } from '../domain/calendar.js';
import { dateStart } from './dates.js';
import type { Finding } from '../domain/types.js';
import type { TermRuleConfig } from '../config/rules-schema.js';
import type { BranchFacts } from './types.js';
import { daysLeft, daysOverdue, lapseState } from './levels.js';
import { termMessage } from './messages.js';

/** 'YYYY-MM-DD' plus whole years, clamping 29 February to 28 February; null if `date` is malformed. */
export function addYearsToDate(date: string, years: number): string | null {
  if (dateStart(date) === null) return null;
  const shifted = `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;
  return dateStart(shifted) === null ? `${shifted.slice(0, 8)}28` : shifted;
}

/**
 * The term finding of a branch, if any: reminder from `reminder_days` before the end of the last
 * day of the term, warning once that day is over (escalation: see the alert lifecycle). Skipped when
 * the branch has no (valid) elected_on. `period` is the last day of the term, 'YYYY-MM-DD'.
 */
export function evaluateTerm(cfg: TermRuleConfig, branch: BranchFacts, now: number): Finding[] {
  if (!cfg.enabled || !branch.electedOn) return [];
  const termYears = branch.termYears ?? cfg.default_term_years;
  const lastDay = addYearsToDate(branch.electedOn, termYears);
  if (!lastDay) return [];
  const dueAt = dateStart(lastDay)! + DAY_MS;
  const state = lapseState(dueAt, now, { reminder: cfg.reminder_days, grace: 0 });
  if (!state) return [];
  const days = state.phase === 'due-soon' ? daysLeft(dueAt, now) : daysOverdue(dueAt, now);
  return [
    {
      org: branch.code,
      rule: 'term-expiry',
      level: state.level,
      period: lastDay,
      dueAt,
      escalationDays: cfg.escalation_days,
      message: termMessage({ lastDay, electedOn: branch.electedOn, termYears, level: state.level, days }),
    },
  ];
}
