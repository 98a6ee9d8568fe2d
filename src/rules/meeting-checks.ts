/**
 * Checks on one meeting's details: sign-ins below the reported attendance (attendance-mismatch),
 * minutes lacking required elements (minutes-incomplete, 要素不全), a meeting shorter than its
 * type's minimum (meeting-too-short, off by default) and a meeting without video or photos
 * (evidence-missing, off by default). One finding per meeting, carrying its id in `meeting`; the
 * period is the meeting's month. Judged over the current and the previous month (plus requested
 * older months), like the record rules.
 */
import { periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import { MINUTES_ELEMENTS, type MeetingDetailFacts, type MinutesElement } from '../domain/members.js';
import type { Finding, Level, MeetingCheckRuleId } from '../domain/types.js';
import type { EvidenceConfig, MeetingCheckConfig, MinutesIncompleteConfig, RulesConfig, TooShortConfig } from '../config/rules-schema.js';
import { meetingCheckMessage } from './messages.js';

export type { MeetingDetailFacts };

/** The months judged as of `now`: the current and the previous one. */
export function meetingCheckWindow(now: number): Period[] {
  const current = periodOf('month', now);
  return [current, previousPeriod(current)];
}

/** What flags a meeting under one check: a detail for the message, or null. */
function flag(rule: MeetingCheckRuleId, rules: RulesConfig, m: MeetingDetailFacts): string | null {
  if (rule === 'attendance-mismatch') {
    return m.present !== null && m.attended > m.present ? `实到人数${m.attended}人，但签到出席仅${m.present}人` : null;
  }
  if (rule === 'minutes-incomplete') {
    if (m.minutes !== true) return null;
    if (!MINUTES_ELEMENTS.some((e) => m[e])) return null; // no element recorded at all: unknown, not flagged
    const required: readonly MinutesElement[] = (rules[rule] as MinutesIncompleteConfig).required[m.type] ?? [];
    const missing = required.filter((e) => !m[e]);
    return missing.length ? missing.join(',') : null;
  }
  if (rule === 'meeting-too-short') {
    const min = (rules[rule] as TooShortConfig).min_minutes[m.type];
    return min !== undefined && m.durationMinutes !== null && m.durationMinutes < min ? `${m.durationMinutes},${min}` : null;
  }
  const cfg = rules[rule] as EvidenceConfig;
  if (!cfg.types.includes(m.type)) return null;
  return m.video !== true && !((m.photos ?? 0) > 0) ? 'none' : null;
}

/** The configured level (escalation is the alert lifecycle's decision, never a rule's). */
function levelOf(cfg: MeetingCheckConfig): Level {
  return cfg.level;
}

/** Findings of one check over the given months; meetings after `now` are ignored. */
export function evaluateMeetingCheck(
  rule: MeetingCheckRuleId,
  rules: RulesConfig,
  org: string,
  meetings: readonly MeetingDetailFacts[],
  periods: readonly Period[],
  now: number,
): Finding[] {
  const cfg = rules[rule] as MeetingCheckConfig;
  if (!cfg.enabled) return [];
  const out: Finding[] = [];
  for (const period of periods) {
    if (period.start > now) continue;
    const level = levelOf(cfg);
    for (const m of meetings) {
      if (m.heldAt < period.start || m.heldAt >= period.end || m.heldAt > now) continue;
      const detail = flag(rule, rules, m);
      if (detail === null) continue;
      out.push({
        org,
        rule,
        level,
        period: period.label,
        dueAt: period.end,
        escalationDays: cfg.escalation_days,
        meeting: String(m.id),
        message: meetingCheckMessage(rule, m, detail, level),
      });
    }
  }
  out.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return out;
}
