/**
 * Reconcile one run's findings into alert state: open new alerts, raise levels, repeat, reopen,
 * resolve what the run judged clean — and write every change as an event, plus an outbox row
 * for each one that notifies, all in ONE transaction of the store (a transactional outbox:
 * killed at any instant, the database holds either all of a run's changes or none of them).
 * The decisions are pure (decideReconcile); the store loads and applies (Store.alerts.reconcile).
 */
import type { Config } from '../config/schema.js';
import { findingSubject, type Finding } from '../domain/types.js';
import type { AlertChanges, AlertIdentity, ReconcileLoad, Store } from '../store/port.js';
import { workCalendar } from '../domain/workdays.js';
import { decideWithFinding, decideWithoutFinding, isNoop, newAlert, NO_HISTORY as NO_FACTS, openedEvent, type Change, type LifecyclePolicy } from './lifecycle.js';
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
 * Apply `findings` (one run, evaluated as of `now` over `scope`) to the stored alerts, in ONE
 * transaction of the store (`alerts.reconcile`: load → decide → apply).
 * Idempotent: the same findings at the same `now` change nothing the second time.
 * Duplicate findings of one (org, rule, period, subject) count once (the first wins).
 * The store is asked before this returns (no await before it): callers may fire chunks in order.
 */
export function reconcile(store: Store, findings: readonly Finding[], scope: EvaluationScope, config: ReconcileConfig, now: number): Promise<ReconcileResult> {
  const policy = lifecyclePolicy(config);
  const startFrom = goLive(config);
  const scoped = scope.orgs();
  const orgs = scoped === null ? null : [...new Set([...scoped, ...findings.map((f) => f.org)])];
  const identities: AlertIdentity[] = [];
  for (const f of findings) if (!isHistory(f, startFrom)) identities.push({ org: f.org, rule: f.rule, period: f.period });
  return store.alerts.reconcile({ orgs, identities, now }, (load) => decideReconcile(load, findings, scope, policy, startFrom, now));
}

/**
 * The decisions of one reconcile run over what the store loaded (pure): every change with its
 * event and whether it notifies (an outbox row), and the counts.
 */
export function decideReconcile(
  load: ReconcileLoad,
  findings: readonly Finding[],
  scope: Pick<EvaluationScope, 'verdict'>,
  policy: LifecyclePolicy,
  startFrom: number | null,
  now: number,
): { changes: AlertChanges; result: ReconcileResult } {
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
  const changes: AlertChanges = { inserts: [], updates: [] };
  const keyOf = (a: AlertRow) => alertKey(a.org, a.rule, a.period, a.subject);
  const open = new Map(load.open.map((a) => [keyOf(a), a]));
  const others = new Map(load.others.map((a) => [keyOf(a), a]));
  // Only open warnings can escalate: the store read when their warning reached the branch.
  const factsOf = (a: AlertRow) => ({ warnedAt: load.warnedAt.get(a.id) ?? null });
  const seen = new Set<string>();
  const apply = (a: AlertRow, c: Change) => {
    if (isNoop(c)) {
      result.unchanged++;
      return;
    }
    changes.updates.push({ id: a.id, patch: c.patch, event: c.event, notify: c.event !== null && c.notify });
    if (!c.event) {
      result.unchanged++;
      return;
    }
    count(result, c.event.kind);
    if (c.notify) result.outbox++;
  };
  for (const f of findings) {
    const subject = findingSubject(f);
    const key = alertKey(f.org, f.rule, f.period, subject);
    if (seen.has(key)) continue;
    seen.add(key);
    if (isHistory(f, startFrom)) {
      // Before go-live: shown by check and reports, never an alert, never sent. An alert that
      // exists anyway (go-live moved later) is left as it is.
      result.history++;
      continue;
    }
    const existing = open.get(key);
    if (existing) {
      apply(existing, decideWithFinding(existing, f, policy, now, factsOf(existing)));
      continue;
    }
    // The identity exists but is resolved (rare: a problem that came back).
    const resolved = others.get(key);
    if (resolved) {
      apply(resolved, decideWithFinding(resolved, f, policy, now, NO_FACTS));
      continue;
    }
    changes.inserts.push({ row: newAlert(f, now), event: openedEvent(f), notify: true });
    result.opened++;
    result.outbox++;
  }
  for (const [key, a] of open) {
    if (seen.has(key)) continue;
    apply(a, decideWithoutFinding(a, scope.verdict(a.org, a.rule, a.period), now));
  }
  return { changes, result };
}

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
