/**
 * Org scoping of the ingest routes: a token written `name:ingest@C01:secret` may push records of
 * the subtree of C01 only — organizations whose place in the tree (after the batch) is under C01
 * and that were not outside it before, and meetings, members, ratings, star changes and sign-ins
 * of branches under it. Anything else rejects the whole request (403) before a row is written.
 * Records naming an unknown organization or meeting are left to the importer, which rejects them
 * with its item and field (422).
 */
import type { FastifyRequest } from 'fastify';
import { orgTreeOf } from '../app/org-tree.js';
import { tableByName } from '../import/index.js';
import type { Store } from '../store/port.js';
import { ApiError } from './errors.js';

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/** The value of column `key` of `table` in a pushed row (English key, Chinese header or a synonym). */
function reader(table: string, key: string): (row: Record<string, unknown>) => string | null {
  const col = tableByName(table)?.columns.find((c) => c.key === key);
  const names = new Set([key, ...(col ? [col.zh, ...(col.aliases ?? [])] : [])].map(norm));
  return (row) => {
    for (const [k, v] of Object.entries(row)) {
      if (names.has(norm(k)) && v !== null && v !== undefined && String(v).trim() !== '') return String(v).trim();
    }
    return null;
  };
}

/** 403 unless every pushed record is inside the token's subtree (nothing to check without a scoped token). */
export async function requireIngestScope(store: Store, request: FastifyRequest, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const scope = request.tokenOrg;
  if (!scope) return;
  const tree = await orgTreeOf(store);
  const outside: { item: number; org: string }[] = [];
  if (table === 'orgs') {
    const codeOf = reader('orgs', 'code');
    const parentOf = reader('orgs', 'parent');
    const batchParent = new Map<string, string | null>();
    for (const r of rows) {
      const code = codeOf(r);
      if (code) batchParent.set(code, parentOf(r));
    }
    const parent = (c: string) => (batchParent.has(c) ? batchParent.get(c)! : (tree.byCode.get(c)?.parent ?? null));
    const underScope = (code: string) => {
      for (let c: string | null = parent(code), guard = 0; c && guard < 64; c = parent(c), guard++) if (c === scope) return true;
      return false;
    };
    rows.forEach((r, item) => {
      const code = codeOf(r);
      if (!code) return; // the importer names the missing code
      // Below the scope after this batch, and not taken from outside it (the scope itself is not theirs to move).
      if (!underScope(code) || (tree.byCode.has(code) && (!tree.within(scope, code) || code === scope))) outside.push({ item, org: code });
    });
  } else if (table === 'attendance') {
    const meetingOf = reader('attendance', 'meeting');
    const ids = [...new Set(rows.map(meetingOf).filter((x): x is string => !!x))];
    const orgOf = new Map((await Promise.all(ids.map(async (id) => [id, (await store.facts.meeting(id))?.org] as const))).filter((x): x is readonly [string, string] => !!x[1]));
    rows.forEach((r, item) => {
      const org = orgOf.get(meetingOf(r) ?? '');
      if (org && !tree.within(scope, org)) outside.push({ item, org });
    });
  } else {
    const orgOf = reader(table, 'org');
    rows.forEach((r, item) => {
      const org = orgOf(r);
      if (org && tree.byCode.has(org) && !tree.within(scope, org)) outside.push({ item, org });
    });
  }
  if (outside.length) {
    const codes = [...new Set(outside.map((o) => o.org))];
    throw new ApiError(
      403,
      'outside_scope',
      `令牌只能推送 ${scope} 及其下级组织的数据，未写入任何记录：${codes.slice(0, 5).join('、')}${codes.length > 5 ? ` 等 ${codes.length} 个` : ''} / token limited to the subtree of ${scope}; nothing was written`,
      outside.slice(0, 100).map((o) => ({ item: o.item, org: o.org, reason: 'outside the token’s organization subtree' })),
    );
  }
}
