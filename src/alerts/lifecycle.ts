/**
 * The alert lifecycle as pure decisions: given the stored alert (if any), this run's finding (if
 * any), the facts of the alert's own history (when its warning reached the branch) and the clock,
 * what changes, which event records it and whether the branch is told.
 * healthchecks-style: notifications follow state changes, plus deliberate, configured repeats.
 *
 * Escalation (督办) is decided here and only here: a warning becomes an escalation when it has been
 * DELIVERED to the branch (a sent message to its secretary or Party-affairs worker) and then stayed
 * open and unacknowledged for the rule's `escalation_days` (working or calendar days). The rules
 * never escalate by the calendar, so a lapse nobody was told about is never escalated.
 */
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDate } from '../domain/calendar.js';
import { findingSubject, LEVEL_RANK, RECORD_RULE_IDS, type Finding, type Level } from '../domain/types.js';
import { addDays, type DayCount, type WorkCalendar } from '../domain/workdays.js';
import type { AlertRow, NewEvent } from './types.js';

/** What reconcile needs of `alerts:` config. */
export interface LifecyclePolicy {
  /**
   * Gaps (Shanghai calendar days since the last notification) before the 1st, 2nd, … repeat; the
   * last gap is reused; empty = never repeat (alerts.repeat_after_days).
   */
  repeatAfterDays: readonly number[];
  /** At most this many repeats at the current level (the count restarts when the level rises or the alert reopens). */
  maxRepeats: Record<Level, number>;
  /** How a rule's escalation_days are counted (alerts.escalation_count). */
  escalationCount: DayCount;
  /** The holiday calendar working days are counted on. */
  calendar: WorkCalendar;
}

/** What the store knows of an alert's past that the decisions need (reconcile loads it). */
export interface AlertHistoryFacts {
  /**
   * When a message carrying this alert at warning level (or above) was first sent to the branch
   * (secretary or Party-affairs worker) since the alert last opened or reopened; null = not yet
   * (not planned, held by quiet hours, failed, or no contact).
   */
  warnedAt: number | null;
}

/** No history: nothing delivered yet. */
export const NO_HISTORY: AlertHistoryFacts = { warnedAt: null };

/**
 * The Shanghai date ('YYYY-MM-DD') from which a warning delivered at `warnedAt` escalates if still
 * open and unacknowledged: `days` working (or calendar) days after the day it was delivered.
 */
export function escalationDate(warnedAt: number, days: number, policy: Pick<LifecyclePolicy, 'escalationCount' | 'calendar'>): string {
  return addDays(policy.calendar, shanghaiDate(warnedAt), days, policy.escalationCount);
}

/** Whether a warning delivered at `warnedAt` is due for escalation at `now`. */
export function escalationDue(warnedAt: number, days: number, policy: Pick<LifecyclePolicy, 'escalationCount' | 'calendar'>, now: number): boolean {
  return shanghaiDate(now) >= escalationDate(warnedAt, days, policy);
}

/**
 * The level an open alert should have this run: the rule's level, except that a warning delivered
 * and left open for escalation_days is an escalation — and stays one while it is open (a finding
 * of a warning again does not lower it).
 */
export function openLevel(a: Pick<AlertRow, 'level'>, f: Finding, policy: LifecyclePolicy, facts: AlertHistoryFacts, now: number): Level {
  if (f.level !== 'warning') return f.level;
  if (a.level === 'escalation') return 'escalation';
  if (facts.warnedAt !== null && f.escalationDays !== undefined && escalationDue(facts.warnedAt, f.escalationDays, policy, now)) {
    return 'escalation';
  }
  return 'warning';
}

/** Why an alert without a finding this run may be resolved; null = its period was not evaluated. */
export type ScopeVerdict = 'evaluated' | 'rule-disabled' | 'period-changed' | 'exempted' | 'org-removed' | null;

/** One decided change: the columns to write, the event recording it, whether to notify. */
export interface Change {
  patch: Partial<AlertRow>;
  event: NewEvent | null;
  notify: boolean;
}

const NONE: Change = { patch: {}, event: null, notify: false };

/** The most an acknowledged alert may reach before its deadline: a rectification plan stops escalation. */
const ACK_CAP: Level = 'warning';

const RECORD_RULES: ReadonlySet<string> = new Set(RECORD_RULE_IDS);

function minLevel(a: Level, b: Level): Level {
  return LEVEL_RANK[a] <= LEVEL_RANK[b] ? a : b;
}

/** Shanghai calendar day number of an instant (days since 1970-01-01 in Shanghai). */
function shanghaiDay(t: number): number {
  return Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Fields a finding refreshes silently (message wording, due instant, the rule's own level). */
function refresh(a: AlertRow, f: Finding): Partial<AlertRow> {
  const p: Partial<AlertRow> = {};
  if (a.message !== f.message) p.message = f.message;
  if (a.dueAt !== f.dueAt) p.dueAt = f.dueAt;
  if (a.ruleLevel !== f.level) p.ruleLevel = f.level;
  return p;
}

/** Columns of a notification written now. */
function notified(a: Pick<AlertRow, 'notifications'>, now: number, repeats: number): Partial<AlertRow> {
  return { lastNotifiedAt: now, notifications: a.notifications + 1, repeats };
}

/** The columns of a brand-new alert for finding `f`. */
export function newAlert(f: Finding, now: number): Omit<AlertRow, 'id'> {
  return {
    org: f.org,
    rule: f.rule,
    period: f.period,
    subject: findingSubject(f),
    state: 'open',
    level: f.level,
    ruleLevel: f.level,
    dueAt: f.dueAt,
    message: f.message,
    openedAt: now,
    updatedAt: now,
    resolvedAt: null,
    lastNotifiedAt: now,
    notifications: 1,
    repeats: 0,
    ackPlan: null,
    ackBy: null,
    ackDeadline: null,
    ackWho: null,
    ackAt: null,
  };
}

/** The event of a brand-new alert. */
export function openedEvent(f: Finding): NewEvent {
  return { kind: 'opened', level: f.level, fromLevel: null, reason: 'new' };
}

/** Whether an open alert is due for a repeat notification at `now`. */
export function repeatDue(a: AlertRow, policy: LifecyclePolicy, now: number): boolean {
  const gaps = policy.repeatAfterDays;
  if (a.state !== 'open' || !gaps.length || a.repeats >= policy.maxRepeats[a.level]) return false;
  if (a.lastNotifiedAt === null) return true;
  // Repeats slow down: the n-th repeat waits the n-th gap (the last one is reused).
  const gap = gaps[Math.min(a.repeats, gaps.length - 1)]!;
  // Calendar days, not 24h spans: a daily tick a few seconds earlier than last time still counts.
  return shanghaiDay(now) - shanghaiDay(a.lastNotifiedAt) >= gap;
}

/** Decide what a finding this run means for a stored alert (open, acknowledged or resolved). */
export function decideWithFinding(
  a: AlertRow,
  f: Finding,
  policy: LifecyclePolicy,
  now: number,
  facts: AlertHistoryFacts = NO_HISTORY,
): Change {
  const fresh = refresh(a, f);
  if (a.state === 'resolved') {
    return {
      patch: { ...fresh, state: 'open', level: f.level, resolvedAt: null, ...notified(a, now, 0) },
      event: { kind: 'reopened', level: f.level, fromLevel: a.level, reason: 'reappeared' },
      notify: true,
    };
  }
  if (a.state === 'acknowledged') {
    if (a.ackDeadline !== null && now >= a.ackDeadline) {
      return {
        patch: { ...fresh, state: 'open', level: f.level, ...notified(a, now, 0) },
        event: { kind: 'reopened', level: f.level, fromLevel: a.level, reason: 'deadline-passed', detail: { by: a.ackBy } },
        notify: true,
      };
    }
    // Until the deadline the branch is working on it: the level may follow the rule up to the cap,
    // but nobody is told again (no repeats, no escalation to the committee).
    const capped = minLevel(f.level, ACK_CAP);
    if (capped !== a.level) {
      const raised = LEVEL_RANK[capped] > LEVEL_RANK[a.level];
      return {
        patch: { ...fresh, level: capped },
        event: { kind: raised ? 'raised' : 'lowered', level: capped, fromLevel: a.level, reason: raised ? 'level-raised' : 'level-lowered' },
        notify: false,
      };
    }
    return { patch: fresh, event: null, notify: false };
  }
  const level = openLevel(a, f, policy, facts, now);
  if (LEVEL_RANK[level] > LEVEL_RANK[a.level]) {
    const escalated = level === 'escalation' && f.level === 'warning';
    return {
      patch: { ...fresh, level, ...notified(a, now, 0) },
      event: escalated
        ? { kind: 'raised', level, fromLevel: a.level, reason: 'escalated', detail: { warnedAt: facts.warnedAt, days: f.escalationDays, count: policy.escalationCount } }
        : { kind: 'raised', level, fromLevel: a.level, reason: 'level-raised' },
      notify: true,
    };
  }
  if (LEVEL_RANK[level] < LEVEL_RANK[a.level]) {
    return {
      patch: { ...fresh, level },
      event: { kind: 'lowered', level, fromLevel: a.level, reason: 'level-lowered' },
      notify: false,
    };
  }
  if (repeatDue(a, policy, now)) {
    return {
      patch: { ...fresh, ...notified(a, now, a.repeats + 1) },
      event: { kind: 'repeat', level: a.level, fromLevel: null, reason: 'repeat-due', detail: { repeat: a.repeats + 1 } },
      notify: true,
    };
  }
  return { patch: fresh, event: null, notify: false };
}

/** Decide what the absence of a finding means for an open or acknowledged alert. */
export function decideWithoutFinding(a: AlertRow, verdict: ScopeVerdict, now: number): Change {
  if (a.state === 'resolved' || verdict === null) return NONE;
  const reason =
    verdict === 'exempted' || verdict === 'org-removed'
      ? verdict
      : verdict === 'rule-disabled'
      ? 'rule-disabled'
      : verdict === 'period-changed'
        ? 'period-changed'
        : RECORD_RULES.has(a.rule)
        ? 'record-corrected'
        : now < a.dueAt
          ? 'met-on-time'
          : 'late-record';
  return {
    patch: { state: 'resolved', resolvedAt: now },
    event: { kind: 'resolved', level: a.level, fromLevel: null, reason },
    notify: false,
  };
}

/** Whether a change writes anything. */
export function isNoop(c: Change): boolean {
  return c.event === null && Object.keys(c.patch).length === 0;
}
