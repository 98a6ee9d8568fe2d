/**
 * Recurring obligations (三会一课): "at least N meetings of a type per calendar period".
 * Judges each given period on its own; the caller decides which periods (see window.ts).
 */
import type { Period } from '../domain/calendar.js';
import type { Finding, FrequencyRuleId } from '../domain/types.js';
import type { FrequencyRuleConfig } from '../config/rules-schema.js';
import { countsFor, hasQuorum, type BranchFacts, type MeetingFacts } from './types.js';
import { daysLeft, daysOverdue, lapseState } from './levels.js';
import { frequencyMessage } from './messages.js';

/** How many meetings a branch owes per period: per party group for group-monthly (0 = not applicable). */
export function requiredCount(rule: FrequencyRuleId, cfg: FrequencyRuleConfig, branch: BranchFacts): number {
  if (rule === 'group-monthly') return Math.max(0, branch.groups ?? 0) * cfg.min_count;
  return cfg.min_count;
}

/**
 * Findings of one recurring obligation over the given periods.
 * `meetings` are the branch's meetings of the rule's type (any order); those after `now` are ignored.
 * A period is judged only if it has begun and the branch existed at its start (`establishedAt`,
 * epoch ms of established_on, null = always existed).
 */
export function evaluateFrequency(
  rule: FrequencyRuleId,
  cfg: FrequencyRuleConfig,
  branch: BranchFacts,
  meetings: readonly MeetingFacts[],
  periods: readonly Period[],
  now: number,
  establishedAt: number | null,
): Finding[] {
  const required = requiredCount(rule, cfg, branch);
  if (!cfg.enabled || required <= 0) return [];
  const out: Finding[] = [];
  for (const period of periods) {
    if (period.start > now) continue;
    if (establishedAt !== null && establishedAt > period.start) continue;
    const state = lapseState(period.end, now, { reminder: cfg.reminder_days, grace: cfg.grace_days });
    if (!state) continue;
    let count = 0;
    let withoutQuorum = 0;
    for (const m of meetings) {
      if (m.heldAt < period.start || m.heldAt >= period.end || m.heldAt > now) continue;
      if (countsFor(rule, m)) count++;
      else if (rule === 'assembly-quarterly' && !hasQuorum(m)) withoutQuorum++;
    }
    if (count >= required) continue;
    const days = state.phase === 'due-soon' ? daysLeft(period.end, now) : daysOverdue(period.end, now);
    out.push({
      org: branch.code,
      rule,
      level: state.level,
      period: period.label,
      dueAt: period.end,
      escalationDays: cfg.escalation_days,
      message: frequencyMessage({
        rule,
        period,
        minCount: cfg.min_count,
        groups: branch.groups ?? 0,
        required,
        count,
        withoutQuorum,
        phase: state.phase,
        level: state.level,
        days,
      }),
    });
  }
  return out;
}

