/**
 * Which periods each rule evaluates as of a given instant, and from when the meetings must be
 * loaded to evaluate them. Shared by the rules (what to judge) and the store glue (what to read),
 * so the two can never disagree.
 */
import { DAY_MS, periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import {
  FREQUENCY_RULE_IDS,
  MEETING_TYPES,
  RECORD_RULE_IDS,
  type FrequencyRuleId,
  type MeetingType,
  type RecordRuleId,
  type RuleId,
} from '../domain/types.js';
import type { FrequencyRuleConfig, RecordRuleConfig, RulesConfig } from '../config/rules-schema.js';
import { FREQUENCY_MEETING_TYPE } from './types.js';

/** Safety bound on how many completed periods a huge grace time can pull into the window. */
const MAX_COMPLETED_PERIODS = 36;

/** Whether a rule id names a recurring obligation. */
export function isFrequencyRule(id: RuleId): id is FrequencyRuleId {
  return (FREQUENCY_RULE_IDS as readonly string[]).includes(id);
}

/** Whether a rule id names a check on single records. */
export function isRecordRule(id: RuleId): id is RecordRuleId {
  return (RECORD_RULE_IDS as readonly string[]).includes(id);
}

/**
 * Periods a rule evaluates as of `now`, newest first.
 * - Recurring obligations: the current period, then completed periods back to and including the
 *   most recent one whose grace time is over. So the latest definite lapse stays visible while the
 *   newest completed period is still in its grace time (on 2 Nov, grace 3 days: Nov, Oct and Sep).
 * - Record rules: the current and the previous period.
 * - term-expiry: none (it judges the current term, not calendar periods).
 */
export function windowFor(ruleId: RuleId, ruleConfig: RulesConfig[RuleId], now: number): Period[] {
  if (isFrequencyRule(ruleId)) {
    const cfg = ruleConfig as FrequencyRuleConfig;
    const current = periodOf(cfg.period, now);
    const out = [current];
    let p = previousPeriod(current);
    for (let n = 0; n < MAX_COMPLETED_PERIODS; n++) {
      out.push(p);
      if (p.end + cfg.grace_days * DAY_MS <= now) break;
      p = previousPeriod(p);
    }
    return out;
  }
  if (isRecordRule(ruleId)) {
    const current = periodOf((ruleConfig as RecordRuleConfig).period, now);
    return [current, previousPeriod(current)];
  }
  return [];
}

/** Meeting types a rule reads. */
export function meetingTypesOf(ruleId: RuleId): readonly MeetingType[] {
  if (isFrequencyRule(ruleId)) return [FREQUENCY_MEETING_TYPE[ruleId]];
  if (ruleId === 'assembly-quorum') return ['assembly'];
  if (ruleId === 'minutes-missing' || ruleId === 'attendance-low') return MEETING_TYPES;
  return [];
}

/**
 * For each meeting type, the earliest instant any enabled rule of any of the given effective
 * configurations (one per domain) needs meetings from, as of `now`. Types no rule reads are absent.
 * The store glue loads exactly `since ≤ held_at ≤ now` per type.
 */
export function loadWindow(configs: readonly RulesConfig[], now: number): Map<MeetingType, number> {
  const since = new Map<MeetingType, number>();
  for (const rules of configs) {
    for (const id of Object.keys(rules) as RuleId[]) {
      const cfg = rules[id];
      if (!cfg.enabled) continue;
      const periods = windowFor(id, cfg, now);
      if (!periods.length) continue;
      const start = periods[periods.length - 1]!.start;
      for (const type of meetingTypesOf(id)) {
        const cur = since.get(type);
        if (cur === undefined || start < cur) since.set(type, start);
      }
    }
  }
  return since;
}
