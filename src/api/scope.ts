/**
 * Org scoping of API tokens: a token written `name:read@C01:secret` sees and acts on the subtree
 * of C01 only (as a console user of that org would); anything outside is 403. The tree is the
 * console's (src/app/org-tree.ts): read through the store, rebuilt only when the orgs changed.
 */
import type { FastifyRequest } from 'fastify';
import { orgTreeOf } from '../app/org-tree.js';
import type { Store } from '../store/port.js';
import { ApiError } from './errors.js';

/** 403 unless `code` is inside the token's subtree. */
export async function requireInScope(store: Store, request: FastifyRequest, code: string): Promise<void> {
  const scope = request.tokenOrg;
  if (!scope) return;
  if (!(await orgTreeOf(store)).within(scope, code)) {
    throw new ApiError(403, 'outside_scope', `令牌只能访问 ${scope} 及其下级组织 / token limited to the subtree of ${scope}: ${code}`);
  }
}

/** Whether an org is inside the token's subtree (true without a scope). */
export async function inScope(store: Store, request: FastifyRequest): Promise<(code: string) => boolean> {
  const scope = request.tokenOrg;
  if (!scope) return () => true;
  const tree = await orgTreeOf(store);
  return (code) => tree.within(scope, code);
}
