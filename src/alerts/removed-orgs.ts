/**
 * Orgs marked removed (撤销, `orglife orgs remove`): they are out of evaluation, so nothing would
 * ever judge their open alerts again. This sweep resolves every open or acknowledged alert of a
 * removed org with the reason 组织已撤销 (org-removed) through the ordinary reconcile transaction
 * (events written, nothing notified); its unplanned outbox rows then plan nothing (their alerts are
 * no longer open) and its pending messages are cancelled when a worker claims them. Run by
 * `orgs remove` at once and by every evaluate tick (idempotent: nothing left open, nothing written).
 */
import type { Store } from '../store/port.js';
import { reconcile, type ReconcileConfig } from './reconcile.js';
import type { EvaluationScope } from './scope.js';

/** A scope covering exactly the removed orgs: any alert of theirs is judged 'org-removed'. */
export function removedScope(codes: readonly string[]): EvaluationScope {
  const set = new Set(codes);
  return { orgs: () => [...set], verdict: (org) => (set.has(org) ? 'org-removed' : null) };
}

/** Resolve the open alerts of removed orgs (`codes`, or every removed org); returns how many were resolved. */
export async function resolveRemovedOrgs(store: Store, config: ReconcileConfig, now: number, codes?: readonly string[]): Promise<number> {
  const removed = codes ?? (await store.orgs.removed()).map((o) => o.code);
  if (!removed.length) return 0;
  const r = await reconcile(store, [], removedScope(removed), config, now);
  return r.resolved;
}
