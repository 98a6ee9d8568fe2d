/**
 * The findings the DEFAULT rules should report for a generated branch at the generation `now`,
 * derived from its manifest alone. Written from the domain reference (the rules as specified), independently
 * of src/rules, so the end-to-end test compares two readings of the same contract.
 */
import { DAY_MS, parseDate, parsePeriod, parseTimestamp, periodOf, previousPeriod, shanghaiMidnight, shanghaiParts, type Period } from '../domain/calendar.js';
import { FREQUENCY_RULE_IDS, type FrequencyRuleId, type Level } from '../domain/types.js';
import { RULE_DEFAULTS } from '../config/rules-schema.js';
import type { AttendanceRow, MemberRow } from './members.js';
import type { BranchManifest, ExpectedFinding, MeetingRow } from './types.js';

/** Expected findings of one branch as of `now` (epoch ms), newest rules first in no particular order. */
export function expectedFindings(b: BranchManifest, now: number): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  for (const lapse of b.lapses) {
    const period = parsePeriod(lapse.period);
    if (!period) continue;
    const level = (FREQUENCY_RULE_IDS as readonly string[]).includes(lapse.rule)
      ? frequencyLevel(lapse.rule as FrequencyRuleId, period, now)
      : recordLevel(lapse.rule as 'assembly-quorum' | 'minutes-missing', period, now);
    if (level) out.push({ org: b.code, rule: lapse.rule, level, period: lapse.period });
  }
  if (b.termLastDay) {
    const t = RULE_DEFAULTS['term-expiry'];
    const dueAt = parseDate(b.termLastDay)! + DAY_MS; // midnight after the term's last day
    const level: Level | null =
      now < dueAt - t.reminder_days * DAY_MS ? null : now < dueAt ? 'reminder'
        : 'warning';
    if (level) out.push({ org: b.code, rule: 'term-expiry', level, period: b.termLastDay });
  }
  return out;
}

/** Count expected findings by level over many branches. */
export function countByLevel(findings: Iterable<{ level: Level }>): Record<Level, number> {
  const counts: Record<Level, number> = { reminder: 0, warning: 0, escalation: 0 };
  for (const f of findings) counts[f.level]++;
  return counts;
}

/**
 * Frequency rules evaluate the current period and completed ones back to the newest whose grace is
 * over; before its end a period is a reminder inside the reminder window, after it a reminder during
 * grace, then a warning (escalation is the alert lifecycle's decision, from what was delivered).
 */
function frequencyLevel(rule: FrequencyRuleId, p: Period, now: number): Level | null {
  const c = RULE_DEFAULTS[rule];
  let oldest = periodOf(p.kind, now);
  while (oldest.end + c.grace_days * DAY_MS > now) oldest = previousPeriod(oldest);
  if (p.start < oldest.start || p.start > now) return null;
  if (now < p.end) return now >= p.end - c.reminder_days * DAY_MS ? 'reminder' : null;
  const graceEnd = p.end + c.grace_days * DAY_MS;
  if (now < graceEnd) return 'reminder';
  return 'warning';
}

/** Record rules evaluate the current and the previous period, at their configured level. */
function recordLevel(rule: 'assembly-quorum' | 'minutes-missing', p: Period, now: number): Level | null {
  const c = RULE_DEFAULTS[rule];
  const current = periodOf(p.kind, now);
  if (p.label !== current.label && p.label !== previousPeriod(current).label) return null;
  return c.level;
}

/** Shanghai month number (year·12 + month − 1) of an instant. */
function monthOf(t: number): number {
  const p = shanghaiParts(t);
  return p.year * 12 + p.month - 1;
}

/** Shanghai midnight starting month number `m`. */
function monthStartOf(m: number): number {
  return shanghaiMidnight(Math.floor(m / 12), (m % 12) + 1);
}

/** 'YYYY-MM' of a month number. */
function monthName(m: number): string {
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/**
 * Expected findings of the member rules and the sign-in check for a generated branch with a roster
 * (../shared/domain.md, "Members and attendance"), from its roster, sign-ins and meetings alone:
 * member-absence (months without taking part, after the last completed month with its grace),
 * probation-due (the probationary year ends on joined_on + 1 year), and attendance-mismatch (a
 * tracked meeting of the current or previous month reporting more attendees than present rows).
 * The generator records no minutes elements, so minutes-incomplete never applies.
 */
export function expectedMemberFindings(
  code: string,
  roster: readonly MemberRow[],
  signIns: readonly AttendanceRow[],
  meetings: readonly MeetingRow[],
  now: number,
): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  const heldAt = new Map<string, number>();
  for (const m of meetings) heldAt.set(m.id, parseTimestamp(m.held_at)!);
  const present = new Map<string, number>();
  const lastMonth = new Map<string, number>();
  let firstTracked = Infinity;
  for (const a of signIns) {
    const t = heldAt.get(a.meeting)!;
    if (t > now) continue;
    present.set(a.meeting, (present.get(a.meeting) ?? 0) + 1);
    if (t < firstTracked) firstTracked = t;
    const month = monthOf(t);
    if (month > (lastMonth.get(a.member) ?? -Infinity)) lastMonth.set(a.member, month);
  }

  // member-absence: only a branch with a tracked meeting is judged.
  const absence = RULE_DEFAULTS['member-absence'];
  if (firstTracked !== Infinity) {
    let completed = monthOf(now) - 1;
    while (monthStartOf(completed + 1) + absence.grace_days * DAY_MS > now) completed--;
    for (const r of roster) {
      const joined = parseDate(r.joined_on)!;
      if (joined > now) continue; // not a member yet
      const last = lastMonth.get(r.id) ?? Math.max(monthOf(joined), monthOf(firstTracked)) - 1;
      const k = completed - last;
      if (k >= absence.reminder_months) {
        out.push({ org: code, rule: 'member-absence', level: k >= absence.warning_months ? 'warning' : 'reminder', period: monthName(completed) });
      }
    }
  }

  // probation-due: due at the end of the day one year after joining.
  const probation = RULE_DEFAULTS['probation-due'];
  for (const r of roster) {
    if (r.status !== 'probationary' || r.full_on !== null || parseDate(r.joined_on)! > now) continue;
    const due = `${Number(r.joined_on.slice(0, 4)) + 1}${r.joined_on.slice(4)}`;
    const dueAt = parseDate(due)! + DAY_MS;
    const level: Level | null = now < dueAt - probation.reminder_days * DAY_MS ? null : now < dueAt + probation.grace_days * DAY_MS ? 'reminder' : 'warning';
    if (level) out.push({ org: code, rule: 'probation-due', level, period: due });
  }

  // attendance-mismatch over the current and the previous month.
  const current = periodOf('month', now);
  const judged = [current, previousPeriod(current)];
  for (const m of meetings) {
    const t = heldAt.get(m.id)!;
    const n = present.get(m.id);
    if (n === undefined || t > now || m.attended <= n) continue;
    const p = judged.find((x) => t >= x.start && t < x.end);
    if (p) out.push({ org: code, rule: 'attendance-mismatch', level: RULE_DEFAULTS['attendance-mismatch'].level, period: p.label });
  }
  return out;
}
