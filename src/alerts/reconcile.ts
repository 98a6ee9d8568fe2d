/**
 * Reconcile one run's findings into alert state: open new alerts, raise levels, repeat, reopen,
 * resolve what the run judged clean — and write every change as an event, plus an outbox row
 * for each one that notifies, all in ONE synchronous SQLite transaction (a transactional outbox:
 * killed at any instant, the database holds either all of a run's changes or none of them).
 */
import type { Config } from '../config/schema.js';
import { findingSubject, type Finding } from '../domain/types.js';
import type { Db } from '../store/sqlite/db.js';
import { alertWriter, inTransaction, loadOpenAlerts } from '../store/sqlite/alerts.js';
import { warningsDeliveredAt } from '../store/alert-history.js';
import { workCalendar } from '../domain/workdays.js';
import { decideWithFinding, decideWithoutFinding, isNoop, newAlert, openedEvent, type Change, type LifecyclePolicy } from './lifecycle.js';
import { goLive, isHistory } from './go-live.js';
import type { EvaluationScope } from './scope.js';
import { alertKey, type AlertRow } from './types.js';

/** What a reconcile run changed. */
export interface ReconcileResult {
  findings: number;
  opened: number;
  raised: number;
  lowered: number;
  repeated: number;
  reopened: number;
  resolved: number;
  /** Findings that changed nothing. */
  unchanged: number;
  /** Outbox rows written (notification intents). */
  outbox: number;
  /** Findings of periods that ended before alerts.start_from (history: no alert, never sent). */
  history: number;
}

/** The config sections reconcile reads. */
export type ReconcileConfig = Pick<Config, 'alerts' | 'calendar'>;

/** The lifecycle policy of a config. */
export function lifecyclePolicy(config: ReconcileConfig): LifecyclePolicy {
  return {
    repeatAfterDays: config.alerts.repeat_after_days,
    maxRepeats: perLevel(config.alerts.max_repeats),
    escalationCount: config.alerts.escalation_count,
    calendar: workCalendar(config.calendar),
  };
}

/**
 * Apply `findings` (one run, evaluated as of `now` over `scope`) to the stored alerts.
 * Idempotent: the same findings at the same `now` change nothing the second time.
 * Duplicate findings of one (org, rule, period, subject) count once (the first wins).
 */
export function reconcile(db: Db, findings: readonly Finding[], scope: EvaluationScope, config: ReconcileConfig, now: number): ReconcileResult {
  const policy = lifecyclePolicy(config);
  const startFrom = goLive(config);
  const result: ReconcileResult = {
    findings: findings.length,
    opened: 0,
    raised: 0,
    lowered: 0,
    repeated: 0,
    reopened: 0,
    resolved: 0,
    unchanged: 0,
    outbox: 0,
    history: 0,
  };
  inTransaction(db, () => {
    // Read inside the transaction: an acknowledgement committed meanwhile is seen, never overwritten.
    const scoped = scope.orgs();
    const orgs = scoped === null ? null : [...new Set([...scoped, ...findings.map((f) => f.org)])];
    const open = loadOpenAlerts(db, (a) => alertKey(a.org, a.rule, a.period, a.subject), orgs);
    // Only open warnings can escalate: read when their warning reached the branch, in one query.
    const warned = warningsDeliveredAt(db, [...open.values()].filter((a) => a.state === 'open' && a.level === 'warning').map((a) => a.id));
    const factsOf = (a: AlertRow) => ({ warnedAt: warned.get(a.id) ?? null });
    const w = alertWriter(db);
    const seen = new Set<string>();
    const apply = (a: AlertRow, c: Change) => {
      if (isNoop(c)) {
        result.unchanged++;
        return;
      }
      if (Object.keys(c.patch).length || c.event) w.update(a.id, c.patch, now);
      if (!c.event) {
        result.unchanged++;
        return;
      }
      const eventId = w.event(a.id, c.event, now);
      count(result, c.event.kind);
      if (c.notify) {
        w.outbox(eventId, a.id, now);
        result.outbox++;
      }
    };
    for (const f of findings) {
      const subject = findingSubject(f);
      const key = alertKey(f.org, f.rule, f.period, subject);
      if (seen.has(key)) continue;
      seen.add(key);
      const existing = open.get(key);
      if (isHistory(f, startFrom)) {
        // Before go-live: shown by check and reports, never an alert, never sent. An alert that
        // exists anyway (go-live moved later) is left as it is.
        result.history++;
        continue;
      }
      if (existing) {
        apply(existing, decideWithFinding(existing, f, policy, now, factsOf(existing)));
        continue;
      }
      const row = newAlert(f, now);
      const id = w.insert(row);
      if (id !== null) {
        const eventId = w.event(id, openedEvent(f), now);
        w.outbox(eventId, id, now);
        result.opened++;
        result.outbox++;
        continue;
      }
      // The identity exists but is resolved (rare: a problem that came back); read it by key.
      const resolved = w.byKey(f.org, f.rule, f.period, subject)!;
      apply(resolved, decideWithFinding(resolved, f, policy, now, NO_FACTS));
    }
    for (const [key, a] of open) {
      if (seen.has(key)) continue;
      apply(a, decideWithoutFinding(a, scope.verdict(a.org, a.rule, a.period), now));
    }
  });
  return result;
}

const NO_FACTS = { warnedAt: null };

/** alerts.max_repeats as a per-level map (one number means every level). */
function perLevel(m: number | { reminder: number; warning: number; escalation: number }): { reminder: number; warning: number; escalation: number } {
  return typeof m === 'number' ? { reminder: m, warning: m, escalation: m } : m;
}

function count(r: ReconcileResult, kind: string): void {
  if (kind === 'raised') r.raised++;
  else if (kind === 'lowered') r.lowered++;
  else if (kind === 'repeat') r.repeated++;
  else if (kind === 'reopened') r.reopened++;
  else if (kind === 'resolved') r.resolved++;
  else if (kind === 'opened') r.opened++;
}
