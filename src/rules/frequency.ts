/**
 * Recurring obligations (三会一课): "at least N meetings of a type per calendar period".
 * Judges each given period on its own; the caller decides which periods (see window.ts).
 */
import type { Period } from '../domain/calendar.js';
import type { Finding, FrequencyRuleId } from '../domain/types.js';
import type { FrequencyRuleConfig } from '../config/rules-schema.js';
import { countsFor, hasQuorum, FREQUENCY_MEETING_TYPE, type BranchFacts, type MeetingFacts } from './types.js';
import { TALLY_FIELDS, type MeetingTallies } from '../domain/facts.js';
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
 * epoch ms of established_on, null = always existed). `tallies`: meetings the store counted instead
 * of listing (none of them is in `meetings`); each judged period must be a whole number of its slices.
 */
export function evaluateFrequency(
  rule: FrequencyRuleId,
  cfg: FrequencyRuleConfig,
  branch: BranchFacts,
  meetings: readonly MeetingFacts[],
  periods: readonly Period[],
  now: number,
  establishedAt: number | null,
  tallies?: MeetingTallies,
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
    if (tallies) {
      tallied(rule, tallies, period, TALLIED);
      count += TALLIED.count;
      withoutQuorum += TALLIED.withoutQuorum;
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


/**
 * What the counted meetings add to one period of a rule (written to `out`): those of its type that
 * count (as countsFor) and, for assembly-quarterly, the assemblies without quorum. Throws when a slice straddles the
 * period or a secretary-only slice lies in a period of a rule counting every lecture: the store glue
 * cut the slices wrongly, and a silent miscount would be worse.
 */
function tallied(rule: FrequencyRuleId, tallies: MeetingTallies, period: Period, out: { count: number; withoutQuorum: number }): void {
  const type = FREQUENCY_MEETING_TYPE[rule];
  const { buckets } = tallies.layout;
  const c = tallies.counts;
  let count = 0;
  let withoutQuorum = 0;
  for (let k = 0; k < buckets.length; k++) {
    const b = buckets[k]!;
    if (b.type !== type || b.end <= period.start || b.start >= period.end) continue;
    if (b.start < period.start || b.end > period.end || (b.secretaryOnly && rule !== 'secretary-lecture-yearly')) {
      throw new Error(`tally slice ${b.type} [${b.start}, ${b.end}) does not fit period ${period.label} of ${rule}`);
    }
    const n = c[k * TALLY_FIELDS]!;
    const quorate = c[k * TALLY_FIELDS + 1]!;
    if (rule === 'assembly-quarterly') {
      count += quorate;
      withoutQuorum += n - quorate;
    } else if (rule === 'secretary-lecture-yearly') count += c[k * TALLY_FIELDS + 2]!;
    else count += n;
  }
  out.count = count;
  out.withoutQuorum = withoutQuorum;
}

/** tallied's answer, reused (read at once by the caller; a check asks once per branch, rule and period). */
const TALLIED = { count: 0, withoutQuorum: 0 };
