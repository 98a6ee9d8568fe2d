/**
 * Exemptions (豁免) in the alert cycle and in `check`: loaded once per run with the org tree, then
 * applied per chunk (pure): an exempt finding opens no alert and sends nothing, and an open alert
 * whose finding is now exempt is resolved with the reason 已豁免. `check` and reports show exempt
 * findings as 已豁免 with the exemption's reason and approver.
 */
import { partitionExempt, type Exemption, type ExemptFinding } from '../domain/exemptions.js';
import type { Finding, RuleId } from '../domain/types.js';
import type { Store } from '../store/port.js';
import type { EvaluationScope } from './scope.js';

/** The exemptions of a run with the org tree they are matched against; null when there are none. */
export interface ExemptionIndex {
  exemptions: readonly Exemption[];
  parentOf(code: string): string | null | undefined;
}

/** Load every exemption (ended ones still cover the days they ran) and, if any, the org tree. */
export async function loadExemptions(store: Store, now: number): Promise<ExemptionIndex | null> {
  const exemptions = await store.exemptions.list({ all: true });
  if (!exemptions.length) return null;
  const parents = new Map((await store.orgs.list(now)).map((o) => [o.code, o.parent]));
  return { exemptions, parentOf: (code) => parents.get(code) };
}

/** Split a chunk's findings (pure). */
export function splitExempt<F extends Finding>(index: ExemptionIndex | null, findings: readonly F[], now: number): { standing: F[]; exempt: ExemptFinding<F>[] } {
  if (!index) return { standing: [...findings], exempt: [] };
  return partitionExempt(findings, index.exemptions, (c) => index.parentOf(c), now);
}

/** The run's scope, answering 'exempted' for the (org, rule, period) of exempt findings. */
export function exemptScope(scope: EvaluationScope, exempt: readonly ExemptFinding<Finding>[]): EvaluationScope {
  if (!exempt.length) return scope;
  const keys = new Set(exempt.map((x) => `${x.finding.org}\u0000${x.finding.rule}\u0000${x.finding.period}`));
  return {
    verdict: (org: string, rule: RuleId, period: string) => (keys.has(`${org}\u0000${rule}\u0000${period}`) ? 'exempted' : scope.verdict(org, rule, period)),
    orgs: () => scope.orgs(),
  };
}
