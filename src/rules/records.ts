/**
 * Checks on single records: an assembly without quorum, a meeting without minutes, low attendance.
 * Flagged meetings are grouped by the rule's configured period: one finding per org, rule and
 * period, listing every flagged meeting.
 */
import type { Period } from '../domain/calendar.js';
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
 * Level of a record finding: the configured level. A configured warning may become an escalation
 * through the alert lifecycle (after it was delivered and left unacknowledged); a reminder never does.
 */
export function recordLevel(cfg: RecordRuleConfig): Level {
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
    const level = recordLevel(cfg);
    out.push({
      org: branch.code,
      rule,
      level,
      period: period.label,
      dueAt: period.end,
      escalationDays: cfg.escalation_days,
      message: recordMessage(rule, period, flagged, level, (cfg as Partial<AttendanceRuleConfig>).threshold),
      meetingIds: flagged.map((m) => String(m.id)),
    });
  }
  return out;
}
