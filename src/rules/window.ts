/**
 * Which periods each rule evaluates as of a given instant, and from when the meetings must be
 * loaded to evaluate them. Shared by the rules (what to judge) and the store glue (what to read),
 * so the two can never disagree.
 */
import { DAY_MS, periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import {
  FREQUENCY_RULE_IDS,
  MEETING_CHECK_RULE_IDS,
  MEMBER_RULE_IDS,
  MEETING_TYPES,
  type MeetingCheckRuleId,
  type MemberRuleId,
  RECORD_RULE_IDS,
  type FrequencyRuleId,
  type MeetingType,
  type RecordRuleId,
  type RuleId,
} from '../domain/types.js';
import type { FrequencyRuleConfig, RecordRuleConfig, RulesConfig } from '../config/rules-schema.js';
import { FREQUENCY_MEETING_TYPE, type MeetingFacts } from './types.js';
import type { TallyBucket, TallyLayout, TypeWindow } from '../domain/facts.js';

export type { TallyBucket, TallyLayout, TypeWindow } from '../domain/facts.js';
import { meetingCheckWindow } from './meeting-checks.js';

/** Safety bound on how many completed periods a huge grace time can pull into the window. */
const MAX_COMPLETED_PERIODS = 36;

/** Whether a rule id names a recurring obligation. */
export function isFrequencyRule(id: RuleId): id is FrequencyRuleId {
  return (FREQUENCY_RULE_IDS as readonly string[]).includes(id);
}

/** Whether a rule id names a check on one meeting's details (attendance-mismatch, …). */
export function isMeetingCheckRule(id: RuleId): id is MeetingCheckRuleId {
  return (MEETING_CHECK_RULE_IDS as readonly string[]).includes(id);
}

/** Whether a rule id names a rule on members (its alerts are judged on the member's current state). */
export function isMemberRule(id: RuleId): id is MemberRuleId {
  return (MEMBER_RULE_IDS as readonly string[]).includes(id);
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
  if (isMeetingCheckRule(ruleId)) return meetingCheckWindow(now);
  return [];
}

/** Which meetings a rule reads: of a type, all of them or only lectures given by the secretary. */
export interface MeetingRead {
  type: MeetingType;
  secretaryOnly: boolean;
}

/** The meetings a rule reads (secretary-lecture-yearly looks at nothing but the secretary's lectures). */
export function meetingReadsOf(ruleId: RuleId): readonly MeetingRead[] {
  if (ruleId === 'secretary-lecture-yearly') return [{ type: 'lecture', secretaryOnly: true }];
  if (isFrequencyRule(ruleId)) return [{ type: FREQUENCY_MEETING_TYPE[ruleId], secretaryOnly: false }];
  if (ruleId === 'assembly-quorum') return [{ type: 'assembly', secretaryOnly: false }];
  if (ruleId === 'minutes-missing' || ruleId === 'attendance-low') return MEETING_TYPES.map((type) => ({ type, secretaryOnly: false }));
  return [];
}

/**
 * For each meeting type, what the enabled rules of the given effective configurations (one per
 * domain) read as of `now`. Types no rule reads are absent. The store glue loads exactly the
 * meetings `inLoadWindow` accepts (and held_at ≤ now).
 */
export function loadWindow(configs: readonly RulesConfig[], now: number): Map<MeetingType, TypeWindow> {
  const out = new Map<MeetingType, TypeWindow>();
  for (const rules of configs) {
    for (const id of Object.keys(rules) as RuleId[]) {
      const cfg = rules[id];
      if (!cfg.enabled) continue;
      const periods = windowFor(id, cfg, now);
      if (!periods.length) continue;
      const start = periods[periods.length - 1]!.start;
      for (const read of meetingReadsOf(id)) {
        const w = out.get(read.type) ?? { from: Infinity, all: Infinity };
        w.from = Math.min(w.from, start);
        if (!read.secretaryOnly) w.all = Math.min(w.all, start);
        out.set(read.type, w);
      }
    }
  }
  return out;
}

/** Whether a meeting falls inside the load window (ignoring the upper bound `now`). */
export function inLoadWindow(window: ReadonlyMap<MeetingType, TypeWindow>, m: Pick<MeetingFacts, 'type' | 'heldAt' | 'lecturerRole'>): boolean {
  const w = window.get(m.type);
  if (!w || m.heldAt < w.from) return false;
  return m.heldAt >= w.all || m.lecturerRole === 'secretary';
}

/**
 * The slices in which the store may count meetings instead of listing them (see TallyLayout), as of
 * `now`, for the given effective configurations (one per domain): per meeting type, the load window
 * [from, now] cut where only the secretary's lectures stop (`all`) and at every start and end of
 * every period a recurring obligation on that type evaluates (the record rules need no counts: the
 * meetings they could flag are listed, wherever they fall). Null
 * when attendance-low is enabled anywhere (it may flag any meeting: the store then lists all).
 */
export function tallyLayout(configs: readonly RulesConfig[], now: number): TallyLayout | null {
  if (configs.some((r) => r['attendance-low'].enabled)) return null;
  const window = loadWindow(configs, now);
  const cuts = new Map<MeetingType, Set<number>>();
  for (const rules of configs) {
    for (const id of Object.keys(rules) as RuleId[]) {
      const cfg = rules[id];
      if (!cfg.enabled || !isFrequencyRule(id)) continue;
      const periods = windowFor(id, cfg, now);
      for (const read of meetingReadsOf(id)) {
        let set = cuts.get(read.type);
        if (!set) cuts.set(read.type, (set = new Set()));
        for (const p of periods) set.add(p.start).add(p.end);
      }
    }
  }
  const buckets: TallyBucket[] = [];
  const end = now + 1; // meetings after now are never read
  for (const type of MEETING_TYPES) {
    const w = window.get(type);
    if (!w) continue;
    const at = [...(cuts.get(type) ?? []), w.from, w.all, end].filter((t) => t >= w.from && t <= end).sort((a, b) => a - b);
    for (let i = 0; i + 1 < at.length; i++) {
      if (at[i + 1] === at[i]) continue;
      buckets.push({ type, start: at[i]!, end: at[i + 1]!, secretaryOnly: at[i + 1]! <= w.all });
    }
  }
  return {
    buckets,
    list: {
      minutesMissing: configs.some((r) => r['minutes-missing'].enabled),
      noQuorum: configs.some((r) => r['assembly-quorum'].enabled),
    },
  };
}
