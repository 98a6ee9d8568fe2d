/**
 * The findings the DEFAULT rules should report for a generated branch at the generation `now`,
 * derived from its manifest alone. Written from the domain reference (the rules as specified), independently
 * of src/rules, so the end-to-end test compares two readings of the same contract.
 */
import { DAY_MS, parseDate, parsePeriod, periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import { FREQUENCY_RULE_IDS, type FrequencyRuleId, type Level } from '../domain/types.js';
import { RULE_DEFAULTS } from '../config/rules-schema.js';
import type { BranchManifest, ExpectedFinding } from './types.js';

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
