/**
 * The ranking's version check (console.reportsVersion, asked every few seconds) reads the index
 * reports_period_generated (period, kind, generated_at) only, not the report rows of the period:
 * EXPLAIN of the adapter's own statement on the store tempStore() gives (SQLite, or PostgreSQL
 * with ORGLIFE_TEST_STORE=postgres), over a few thousand stored reports.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { REPORTS_VERSION_SQL as PG_SQL } from '../../src/store/postgres/console-reads.js';
import { REPORTS_VERSION_SQL as SQLITE_SQL } from '../../src/store/sqlite/console-reads.js';
import type { StoredReportInput } from '../../src/store/types/reports.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);
let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

it('answers from the (period, kind, generated_at) index alone', async () => {
  const reports: StoredReportInput[] = [];
  for (let m = 1; m <= 24; m++) {
    for (let b = 0; b < 200; b++) {
      reports.push({ org: `B${b}`, period: `20${25 + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}`, kind: 'branch', score: 90, grade: '好', stars: 4, rank: b + 1, committeeRank: null, data: { filler: 'x'.repeat(400) } });
    }
  }
  await t.store.reports.store(reports, [], NOW);
  expect(await t.store.console.reportsVersion('2026-03')).toBe(`200:${NOW}`);
  if (t.store.kind === 'sqlite') {
    const db = new Database(t.spec, { readonly: true });
    try {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_SQL}`).all('2026-03') as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(plan).toMatch(/SEARCH reports USING COVERING INDEX reports_period_generated \(period=\? AND kind=\?\)/);
    } finally {
      db.close();
    }
  } else {
    const c = new pg.Client({ connectionString: t.spec });
    await c.connect();
    try {
      await c.query('ANALYZE reports');
      await c.query('VACUUM reports'); // the visibility map, so an index-only scan need not visit the heap
      const plan = (await c.query(`EXPLAIN ${PG_SQL}`, ['2026-03'])).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Only Scan using reports_period_generated on reports/);
    } finally {
      await c.end();
    }
  }
});
