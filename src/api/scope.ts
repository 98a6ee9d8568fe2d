/**
 * Org scoping of API tokens: a token written `name:read@C01:secret` sees and acts on the subtree
 * of C01 only (as a console user of that org would); anything outside is 403.
 */
import type { FastifyRequest } from 'fastify';
import { OrgTree } from '../app/org-tree.js';
import type { Db } from '../store/sqlite/db.js';
import { orgTreeRows, orgTreeVersion } from '../store/sqlite/console-reads.js';
import { ApiError } from './errors.js';

const trees = new WeakMap<object, { version: string; tree: OrgTree }>();

/** The org tree of this database (transitional, synchronous: the console's is orgTreeOf(store)). */
function orgTreeOf(db: Db): OrgTree {
  const version = orgTreeVersion(db);
  const hit = trees.get(db.$client);
  if (hit && hit.version === version) return hit.tree;
  const tree = new OrgTree(orgTreeRows(db));
  trees.set(db.$client, { version, tree });
  return tree;
}

/** 403 unless `code` is inside the token's subtree. */
export function requireInScope(db: Db, request: FastifyRequest, code: string): void {
  const scope = request.tokenOrg;
  if (!scope) return;
  if (!orgTreeOf(db).within(scope, code)) {
    throw new ApiError(403, 'outside_scope', `令牌只能访问 ${scope} 及其下级组织 / token limited to the subtree of ${scope}: ${code}`);
  }
}

/** Whether an org is inside the token's subtree (true without a scope). */
export function inScope(db: Db, request: FastifyRequest): (code: string) => boolean {
  const scope = request.tokenOrg;
  if (!scope) return () => true;
  const tree = orgTreeOf(db);
  return (code) => tree.within(scope, code);
}
