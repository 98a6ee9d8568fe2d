/**
 * Walks of the org tree, one level per statement. A recursive CTE (WITH RECURSIVE … JOIN orgs) is
 * planned with a guessed work-table size of 10,000 rows, so PostgreSQL hash-joins the whole orgs
 * table at every level: 3 × 160 ms at 250,000 branches to find the parents of 1,000 of them. A level
 * at a time, the array of the level's codes is known to the planner and each level is an index lookup
 * (orgs_code going up, orgs_parent going down): a few milliseconds for the same walk.
 */
import { arrays, type Q } from './q.js';

/** `codes` and the codes of every org above them; the walk up stops at a removed org (the codes themselves are kept whatever they are). */
export async function codesAndAncestors(q: Q, codes: readonly string[]): Promise<string[]> {
  const seen = new Set(codes);
  let level = [...seen];
  while (level.length) {
    const parents = await arrays<[string]>(q, 'SELECT DISTINCT parent FROM orgs WHERE code = ANY($1::text[]) AND removed_at IS NULL AND parent IS NOT NULL', [level]);
    level = [];
    for (const [c] of parents) {
      if (seen.has(c)) continue;
      seen.add(c);
      level.push(c);
    }
  }
  return [...seen];
}

/** Ids of the branches not removed at or below any of `codes` (the walk down goes through removed orgs too), ascending. */
export async function branchIdsBelow(q: Q, codes: readonly string[]): Promise<number[]> {
  if (!codes.length) return [];
  const seen = new Set<string>();
  const ids: number[] = [];
  let level: string[] = [];
  const take = (found: Array<[number, string, string, boolean]>) => {
    for (const [id, code, kind, live] of found) {
      if (seen.has(code)) continue;
      seen.add(code);
      level.push(code);
      if (kind === 'branch' && live) ids.push(id);
    }
  };
  take(await arrays<[number, string, string, boolean]>(q, 'SELECT id, code, kind, removed_at IS NULL FROM orgs WHERE code = ANY($1::text[])', [codes]));
  while (level.length) {
    const parents = level;
    level = [];
    take(await arrays<[number, string, string, boolean]>(q, 'SELECT id, code, kind, removed_at IS NULL FROM orgs WHERE parent = ANY($1::text[])', [parents]));
  }
  return ids.sort((a, b) => a - b);
}
