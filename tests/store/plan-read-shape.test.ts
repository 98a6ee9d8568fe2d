/**
 * Planning reads the unplanned outbox rows by key, never the history: with 3,000 alerts and events
 * of which 20 are unplanned, the chunk read (`outbox.unplanned(committees)`) returns exactly those 20,
 * and reads alert_events and alerts only by key for them — on PostgreSQL, the transaction's own table
 * counters (pg_stat_xact_user_tables) show no sequential read of either table and at most 20 rows
 * fetched from each (a planner without statistics once hash-joined every event of the history per
 * chunk); on SQLite, the statement's plan searches both by primary key. Runs on the store
 * tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import { unplannedByCommittee, unplannedOutboxAll, unplannedOutboxUnder } from '../../src/store/postgres/plan-chunks.js';
import { UNPLANNED_UNDER_SQL } from '../../src/store/sqlite/deliveries.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);
const ALERTS = 3000;
const UNPLANNED = 20;
const committeeOf = (b: number) => `C${(b % 3) + 1}`;

function org(code: string, parent: string | null, kind: Org['kind']): Org {
  return {
    code, name: `组织${code}`, kind, parent, domain: kind === 'branch' ? 'organ' : null, members: 10, groups: 0,
    secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01',
  };
}

let t: TempStore;
let unplanned: number[];
beforeEach(async () => {
  t = await tempStore();
  const orgs = [org('C0', null, 'committee'), ...[1, 2, 3].map((c) => org(`C${c}`, 'C0', 'committee')), ...Array.from({ length: ALERTS }, (_, b) => org(`B${b}`, committeeOf(b), 'branch'))];
  const s = await t.store.imports.begin();
  await s.beginFile('orgs');
  await s.upsert('orgs', orgs, orgs.map((_, i) => i + 2), NOW);
  await s.commit();
  const inserts = Array.from({ length: ALERTS }, (_, i) => {
    const row: Omit<AlertRow, 'id'> = {
      org: `B${i}`, rule: 'committee-monthly', period: '2026-11', subject: '', state: 'open', level: 'reminder', ruleLevel: 'reminder',
      dueAt: NOW, message: '请按时召开支委会', openedAt: NOW, updatedAt: NOW, resolvedAt: null, lastNotifiedAt: null, notifications: 0, repeats: 0,
      ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
    };
    return { row, event: { kind: 'opened' as const, level: row.level, fromLevel: null, reason: 'new' as const }, notify: true };
  });
  await t.store.alerts.reconcile({ orgs: null, identities: [], now: NOW }, () => ({ changes: { inserts, updates: [] }, result: null }));
  // The history: every outbox row but the last 20 planned by an earlier cycle.
  const sql = 'UPDATE alert_outbox SET planned_at = 1, note = \'planned\' WHERE event_id NOT IN (SELECT event_id FROM alert_outbox ORDER BY event_id DESC LIMIT 20)';
  if (t.store.kind === 'sqlite') {
    const db = new Database(t.spec);
    db.prepare(sql).run();
    unplanned = (db.prepare('SELECT event_id AS id FROM alert_outbox WHERE planned_at IS NULL ORDER BY event_id').all() as { id: number }[]).map((r) => r.id);
    db.close();
  } else {
    const c = new pg.Client({ connectionString: t.spec });
    await c.connect();
    await c.query(sql);
    unplanned = (await c.query('SELECT event_id AS id FROM alert_outbox WHERE planned_at IS NULL ORDER BY event_id')).rows.map((r) => Number(r.id));
    await c.end();
  }
  expect(unplanned).toHaveLength(UNPLANNED);
}, 60_000);
afterEach(async () => t.cleanup());

it('reads a chunk of the unplanned outbox by key, not the history', async () => {
  const counts = await t.store.outbox.unplannedByCommittee();
  expect(counts.reduce((n, c) => n + c.rows, 0)).toBe(UNPLANNED);
  expect(counts.map((c) => c.committee)).toEqual(['C1', 'C2', 'C3']);
  const all = await t.store.outbox.unplanned(['C1', 'C2', 'C3']);
  expect(all.map((e) => e.item.eventId)).toEqual(unplanned);
  expect(new Set(all.map((e) => e.alertState))).toEqual(new Set(['open']));
  const c2 = await t.store.outbox.unplanned(['C2']);
  expect(c2.length).toBeGreaterThan(0);
  expect(c2.every((e) => committeeOf(Number(e.item.org.slice(1))) === 'C2')).toBe(true);
  expect((await t.store.outbox.unplanned(undefined)).map((e) => e.item.eventId)).toEqual(unplanned);

  if (t.store.kind === 'sqlite') {
    const db = new Database(t.spec, { readonly: true });
    try {
      const text = (db.prepare(`EXPLAIN QUERY PLAN ${UNPLANNED_UNDER_SQL}`).all({ committees: '["C2"]' }) as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(text).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(text).toMatch(/SEARCH a USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(text).not.toMatch(/SCAN (e|a)\b/);
    } finally {
      db.close();
    }
  } else {
    const c = new pg.Client({ connectionString: t.spec });
    await c.connect();
    try {
      // Counters of this backend not yet reported (pg_stat_xact_*: they also hold earlier transactions' until flushed): the difference around each read.
      const counters = async () =>
        new Map(
          ((await c.query(`SELECT relname, seq_tup_read::int AS seq, coalesce(idx_tup_fetch, 0)::int AS fetched FROM pg_stat_xact_user_tables WHERE relname IN ('alert_events', 'alerts')`)).rows as {
            relname: string; seq: number; fetched: number;
          }[]).map((r) => [r.relname, r]),
        );
      for (const read of [() => unplannedOutboxUnder(c, ['C1', 'C2', 'C3']), () => unplannedOutboxAll(c), () => unplannedByCommittee(c)]) {
        await c.query('BEGIN');
        const before = await counters();
        const got = await read();
        expect(got.length).toBeGreaterThan(0);
        const after = await counters();
        await c.query('ROLLBACK');
        for (const table of ['alert_events', 'alerts']) {
          const [b, a] = [before.get(table) ?? { seq: 0, fetched: 0 }, after.get(table) ?? { seq: 0, fetched: 0 }];
          expect(a.seq - b.seq, `${table} rows read sequentially`).toBe(0);
          expect(a.fetched - b.fetched, `${table} rows fetched`).toBeLessThanOrEqual(UNPLANNED);
        }
      }
    } finally {
      await c.end();
    }
  }
}, 60_000);
