/**
 * Checks on single records: an assembly without quorum, a meeting without minutes, low attendance.
 * Flagged meetings are grouped by the rule's configured period: one finding per org, rule and
 * period, listing every flagged meeting.
 */
import { DAY_MS, type Period } from '../domain/calendar.js';
import type { Finding, Level, RecordRuleId } from '../domain/types.js';
import type { AttendanceRuleConfig, RecordRuleConfig } from '../config/rules-schema.js';
import { hasQuorum, type BranchFacts, type MeetingFacts } from './types.js';
import { recordMessage } from './messages.js';

/** Whether a meeting is flagged by a record rule. */
export function isFlagged(rule: RecordRuleId, cfg: RecordRuleConfig, m: MeetingFacts): boolean {
  if (rule === 'assembly-quorum') return m.type === 'assembly' && !hasQuorum(m);
  if (rule === 'minutes-missing') return m.minutes === false;
  // attendance-low: nobody expected means no rate to judge.
  return m.expected > 0 && m.attended / m.expected < (cfg as AttendanceRuleConfig).threshold;
}

/**
 * Level of a record finding: the configured level; a configured warning becomes an escalation
 * once `escalation_days` have passed since the end of its period. A reminder never escalates.
 */
export function recordLevel(cfg: RecordRuleConfig, period: Period, now: number): Level {
  if (cfg.level === 'warning' && now >= period.end + cfg.escalation_days * DAY_MS) return 'escalation';
  return cfg.level;
}

/**
 * Findings of one record rule over the given periods. `meetings` are all the branch's meetings the
 * rule reads (any order); those after `now` are ignored.
 */
export function evaluateRecords(
  rule: RecordRuleId,
  cfg: RecordRuleConfig,
  branch: BranchFacts,
  meetings: readonly MeetingFacts[],
  periods: readonly Period[],
  now: number,
): Finding[] {
  if (!cfg.enabled) return [];
  const out: Finding[] = [];
  for (const period of periods) {
    if (period.start > now) continue;
    const flagged: MeetingFacts[] = [];
    for (const m of meetings) {
      if (m.heldAt >= period.start && m.heldAt < period.end && m.heldAt <= now && isFlagged(rule, cfg, m)) flagged.push(m);
    }
    if (!flagged.length) continue;
    flagged.sort((a, b) => a.heldAt - b.heldAt);
    const level = recordLevel(cfg, period, now);
    out.push({
      org: branch.code,
      rule,
      level,
      period: period.label,
      dueAt: period.end,
      message: recordMessage(rule, period, flagged, level, (cfg as Partial<AttendanceRuleConfig>).threshold),
      meetingIds: flagged.map((m) => String(m.id)),
    });
  }
  return out;
}
