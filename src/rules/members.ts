/**
 * Rules on members (need the roster and sign-ins; a branch without them is judged on meeting
 * totals alone): member-absence and probation-due. Definitions: ../shared/domain.md, "Members and
 * attendance". Pure: (members, the branch's first tracked meeting, config, now) → findings.
 */
import { DAY_MS, shanghaiMidnight } from '../domain/calendar.js';
import type { Finding, Level } from '../domain/types.js';
import type { MemberAbsenceConfig, ProbationConfig } from '../config/rules-schema.js';
import { dateStart } from './dates.js';
import { daysLeft, daysOverdue, lapseState } from './levels.js';
import { absenceMessage, probationMessage } from './messages.js';
import { addYearsToDate } from './term.js';

/** What the member rules need of a member (the store's RosterMember satisfies it). */
export interface MemberFacts {
  id: string;
  name: string;
  status: 'full' | 'probationary';
  joinedOn: string;
  fullOn: string | null;
  leftOn: string | null;
  /** Month numbers (year·12 + month − 1) in which the member took part, ascending. */
  months: ArrayLike<number>;
}

/** A branch's member data: its roster and the time of its first tracked meeting (null = none). */
export interface MemberData {
  members: readonly MemberFacts[];
  firstTrackedAt: number | null;
}

/** Month number of an instant in Shanghai. */
export function monthNumber(t: number): number {
  const d = new Date(t + 8 * 3600_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Start (Shanghai midnight) of a month number. */
export function monthStart(m: number): number {
  return shanghaiMidnight(Math.floor(m / 12), (m % 12) + 1);
}

/** '2026-10' of a month number. */
export function monthLabel(m: number): string {
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** Whether the member belongs to the branch at `now`: joined by then and not left (left_on after now). */
export function isCurrentMember(m: Pick<MemberFacts, 'joinedOn' | 'leftOn'>, now: number): boolean {
  const joined = dateStart(m.joinedOn);
  if (joined === null || joined > now) return false;
  if (m.leftOn === null) return true;
  const left = dateStart(m.leftOn);
  return left === null || left > now;
}

/** The last completed month counted as of `now`: a month counts once `graceDays` after its end have passed. */
export function lastCompletedMonth(now: number, graceDays: number): number {
  let m = monthNumber(now) - 1;
  while (monthStart(m + 1) + graceDays * DAY_MS > now) m--;
  return m;
}

/**
 * The last month (≤ the month of `now`) in which a member took part; if none, the month before the
 * later of the member's joining month and the month of the branch's first tracked meeting.
 */
export function lastTookPart(m: MemberFacts, firstTrackedAt: number, now: number): number {
  const cap = monthNumber(now);
  for (let i = m.months.length - 1; i >= 0; i--) if (m.months[i]! <= cap) return m.months[i]!;
  return Math.max(monthNumber(dateStart(m.joinedOn)!), monthNumber(firstTrackedAt)) - 1;
}

/** member-absence findings of one branch as of `now`. */
export function evaluateAbsence(cfg: MemberAbsenceConfig, org: string, data: MemberData, now: number): Finding[] {
  if (!cfg.enabled || data.firstTrackedAt === null || data.firstTrackedAt > now) return [];
  const lc = lastCompletedMonth(now, cfg.grace_days);
  const out: Finding[] = [];
  for (const m of data.members) {
    if (!isCurrentMember(m, now)) continue;
    const last = lastTookPart(m, data.firstTrackedAt, now);
    const k = lc - last;
    if (k < cfg.reminder_months) continue;
    // Never 'escalation' here: the alert lifecycle escalates a delivered, unacknowledged warning.
    const level: Level = k >= cfg.warning_months ? 'warning' : 'reminder';
    const took = m.months.length > 0 && m.months[0]! <= monthNumber(now);
    out.push({
      org,
      rule: 'member-absence',
      level,
      period: monthLabel(lc),
      dueAt: monthStart(lc + 1),
      escalationDays: cfg.escalation_days,
      member: m.id,
      message: absenceMessage({ name: m.name, months: k, lastMonth: took ? last : null, level, warningMonths: cfg.warning_months }),
    });
  }
  return out;
}

/** probation-due findings of one branch as of `now`. */
export function evaluateProbation(cfg: ProbationConfig, org: string, members: readonly MemberFacts[], now: number): Finding[] {
  if (!cfg.enabled) return [];
  const out: Finding[] = [];
  for (const m of members) {
    if (m.status !== 'probationary' || m.fullOn !== null || !isCurrentMember(m, now)) continue;
    const due = addYearsToDate(m.joinedOn, 1);
    if (!due) continue;
    const dueAt = dateStart(due)! + DAY_MS;
    const state = lapseState(dueAt, now, { reminder: cfg.reminder_days, grace: cfg.grace_days });
    if (!state) continue;
    const days = state.phase === 'due-soon' ? daysLeft(dueAt, now) : daysOverdue(dueAt, now);
    out.push({
      org,
      rule: 'probation-due',
      level: state.level,
      period: due,
      dueAt,
      escalationDays: cfg.escalation_days,
      member: m.id,
      message: probationMessage({ name: m.name, joinedOn: m.joinedOn, due, phase: state.phase, level: state.level, days }),
    });
  }
  return out;
}
