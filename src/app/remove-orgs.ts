/**
 * Removing an org (撤销) — `orglife orgs remove` and `POST /api/v1/orgs/:code/remove`. A branch merged
 * away or a committee dissolved is marked removed, never deleted (its alerts, reports and audit stay
 * as history): from then on it is out of evaluation, reports, rankings and the console's tree, its
 * open alerts resolve as 组织已撤销, and nothing pending for it is sent. A committee that still has
 * active child orgs is refused unless the whole subtree is removed with it (`withChildren`): a
 * branch must never be left under a committee that no longer exists. Importing the code again later
 * re-activates it (the import writes the org as given: removed_at back to empty).
 */
import { resolveRemovedOrgs } from '../alerts/removed-orgs.js';
import type { ReconcileConfig } from '../alerts/reconcile.js';
import type { Store } from '../store/port.js';

/** A removal that cannot be done; the message names the field and is meant for people. */
export class OrgRemovalError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'OrgRemovalError';
  }
}

export interface OrgRemovalRequest {
  code: string;
  reason?: string | null;
  withChildren?: boolean;
}

export interface OrgRemoval {
  /** Every code marked removed (the org first, then its subtree with `withChildren`). */
  removed: string[];
  /** Open or acknowledged alerts resolved as 组织已撤销. */
  resolvedAlerts: number;
}

const MAX_REASON = 200;

/** The active descendants of `code` (not itself), from the active orgs' parents. */
function descendants(parents: ReadonlyMap<string, string | null>, code: string): string[] {
  const children = new Map<string, string[]>();
  for (const [c, p] of parents) if (p !== null) children.set(p, [...(children.get(p) ?? []), c]);
  const out: string[] = [];
  const stack = [...(children.get(code) ?? [])];
  while (stack.length) {
    const c = stack.pop()!;
    out.push(c);
    stack.push(...(children.get(c) ?? []));
  }
  return out.sort();
}

/** Validate and remove (callers check a scoped token's or user's reach first: a subtree of an org in scope is in scope). */
export async function removeOrg(
  store: Store,
  config: ReconcileConfig,
  r: OrgRemovalRequest,
  by: string,
  now: number,
): Promise<OrgRemoval> {
  const code = (r.code ?? '').trim();
  if (!code) throw new OrgRemovalError('code：请填写组织编码 / code is required', 'code');
  const org = await store.orgs.get(code, now);
  if (!org) throw new OrgRemovalError(`code：未知的组织编码 "${code}" / unknown org code`, 'code', 404);
  if (org.removedAt !== undefined) throw new OrgRemovalError(`code：组织 ${code} 已撤销 / org ${code} is removed already`, 'code', 409);
  const reason = r.reason?.trim() || null;
  if (reason && reason.length > MAX_REASON) throw new OrgRemovalError(`reason：原因最多 ${MAX_REASON} 个字 / reason is longer than ${MAX_REASON} characters`, 'reason');
  if (reason && /[\u0000-\u001f\u007f]/.test(reason)) throw new OrgRemovalError('reason：原因含有控制字符 / reason contains control characters', 'reason');
  const below = descendants(new Map((await store.orgs.list(now)).map((o) => [o.code, o.parent])), code);
  if (below.length && !r.withChildren) {
    const shown = below.slice(0, 5).join('、') + (below.length > 5 ? ` 等` : '');
    throw new OrgRemovalError(
      `withChildren：${code} 下还有 ${below.length} 个未撤销的下级组织（${shown}），请先撤销或转移它们，或选择连同下级一并撤销（--with-children）/ ${code} still has ${below.length} active child orgs (${below.slice(0, 5).join(', ')}): remove or move them first, or remove the whole subtree (--with-children)`,
      'withChildren',
      409,
    );
  }
  const codes = [code, ...below];
  const audit = codes.map((c) => ({
    actor: by,
    action: 'org-remove',
    target: `org:${c}`,
    detail: { reason, ...(c === code ? { withChildren: below.length } : { with: code }) },
    org: c,
  }));
  const removed = await store.orgs.remove(codes, reason, now, audit);
  const resolvedAlerts = await resolveRemovedOrgs(store, config, now, removed);
  return { removed, resolvedAlerts };
}
