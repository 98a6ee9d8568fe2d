/**
 * Findings as the alert store sees them (for `check` and reports): each finding of a chunk gets
 * its FindingState (new / told / escalated / acknowledged / history), and its level becomes the
 * level in force (an alert the lifecycle escalated is 督办 here too). Reads only.
 */
import type { Config } from '../config/schema.js';
import type { Finding } from '../domain/types.js';
import { findingState, type FindingState } from '../alerts/finding-state.js';
import { goLive } from '../alerts/go-live.js';
import { splitExempt, type ExemptionIndex } from '../alerts/exemptions.js';
import { lifecyclePolicy } from '../alerts/reconcile.js';
import { alertKey } from '../alerts/types.js';
import { findingSubject } from '../domain/types.js';
import type { Store } from '../store/port.js';

/** A finding with its standing in the alert store. */
export type ShownFinding = Finding & { shown?: FindingState };

/** What annotation needs of the config. */
export type StatesConfig = Pick<Config, 'alerts' | 'calendar'>;

/** Attach each finding's state (in place) for the findings of the given orgs. */
export async function annotateFindings(
  store: Store,
  config: StatesConfig,
  findings: readonly ShownFinding[],
  exemptions: { index: ExemptionIndex | null; now: number } = { index: null, now: 0 },
): Promise<void> {
  if (!findings.length) return;
  const policy = lifecyclePolicy(config);
  const startFrom = goLive(config);
  const orgs = [...new Set(findings.map((f) => f.org))];
  const standing = await store.alerts.standingOf(orgs);
  const alerts = new Map(standing.alerts.map((a) => [alertKey(a.org, a.rule, a.period, a.subject), a]));
  const exempt = exemptions.index ? new Map(splitExempt(exemptions.index, findings, exemptions.now).exempt.map((x) => [x.finding, x.exemption])) : undefined;
  for (const f of findings) {
    // No stored alert for these orgs (a city before its first tick): no key to build per finding.
    const alert = alerts.size ? alerts.get(alertKey(f.org, f.rule, f.period, findingSubject(f))) : undefined;
    // The delivered-warning time counts only for an open warning (its escalation clock).
    const warnedAt = alert && alert.state === 'open' && alert.level === 'warning' ? (standing.warnedAt.get(alert.id) ?? null) : null;
    const shown = findingState(f, alert, warnedAt, policy, startFrom, exempt?.get(f) ?? null);
    f.shown = shown;
    f.level = shown.level;
  }
}
