/**
 * Seeding the rating tests on either store (tempStore): orgs and vetoes through the port's import
 * session; filed ratings (no import table on the port yet) straight into the table of the store.
 */
import pg from 'pg';
import type { Org } from '../../src/domain/types.js';
import { sqliteHandle } from '../../src/store/sqlite/index.js';
import type { TempStore } from '../helpers/store.js';
import type { RatingFact } from '../../src/rating/types.js';

export const NOW = Date.UTC(2026, 10, 20, 2, 0);

const BASE = {
  members: 20, groups: 0, secretary: null, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
  electedOn: null, termYears: null, establishedOn: '2000-01-01', domain: null,
} satisfies Partial<Org>;

/** Orgs as [code, name, kind, parent, domain?, more?]. */
export async function seedOrgs(t: TempStore, list: [string, string, 'committee' | 'branch', string | null, Org['domain']?, Partial<Org>?][], vetoes: { org: string; period: string; item: string }[] = []): Promise<void> {
  const s = await t.store.imports.begin();
  await s.beginFile('orgs');
  const orgs: Org[] = list.map(([code, name, kind, parent, domain, more]) => ({ ...BASE, code, name, kind, parent, domain: domain ?? null, ...(kind === 'committee' ? { members: null } : {}), ...more }));
  await s.upsert('orgs', orgs, orgs.map((_, i) => i + 2), NOW);
  if (vetoes.length) {
    await s.beginFile('vetoes');
    await s.upsert('vetoes', vetoes, vetoes.map((_, i) => i + 2), NOW);
  }
  await s.commit();
}

/** Filed ratings, written into the ratings table of the test's store. */
export async function seedRatings(t: TempStore, list: RatingFact[]): Promise<void> {
  if (t.store.kind === 'sqlite') {
    const ins = sqliteHandle(t.store)!.$client.prepare('INSERT INTO ratings (org, year, stars, rated_on, imported_at) VALUES (?, ?, ?, ?, ?)');
    for (const r of list) ins.run(r.org, r.year, r.stars, r.ratedOn, NOW);
    return;
  }
  const c = new pg.Client({ connectionString: t.spec });
  await c.connect();
  try {
    for (const r of list) await c.query('INSERT INTO ratings (org, year, stars, rated_on, imported_at) VALUES ($1, $2, $3, $4, $5)', [r.org, r.year, r.stars, r.ratedOn, NOW]);
  } finally {
    await c.end();
  }
}
