/**
 * A batch job's claim on SQLite (claimManyTx: STALE_MANY_SQL, CLAIM_MANY_SQL) finds its deliveries by
 * their ids, not by walking the (status, not_before) index over every pending delivery: with 100,000
 * SMS pending, that walk made each claim of 16 read them all (the dispatch bench: 4,200 → 5,500 msg/s
 * at 20,000 SMS). EXPLAIN QUERY PLAN of the adapter's own statements on a store with a few thousand
 * pending deliveries, analyzed or not. An adapter test: it runs on a SQLite file whichever store the
 * suite runs on.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { CLAIM_MANY_SQL, STALE_MANY_SQL } from '../../src/store/sqlite/delivery-ops.js';

const dir = mkdtempSync(join(tmpdir(), 'orglife-claim-plan-'));
const file = join(dir, 'orglife.db');

describe('SQLite batch claim statements', () => {
  let db: Database.Database;
  beforeAll(async () => {
    const store = await openStore(file); // the schema, migrated as the daemon would
    await store.close();
    db = new Database(file);
    const digest = db
      .prepare(`INSERT INTO alert_digests (key, recipient_key, contacts, route, level, model, created_at) VALUES ('g', 'r', '{}', '["sms"]', 'reminder', '{}', 0)`)
      .run().lastInsertRowid;
    const insert = db.prepare(
      `INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
       VALUES (?, ${Number(digest)}, 'http_sms', 'sms', ?, 'pending', 0, '2026-11-02', 0)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= 5000; i++) insert.run(`k${i}`, `139${String(i).padStart(8, '0')}`);
    })();
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ids: '[1,2,3]', owner: 'w', now: 1, until: 2 }) as { detail: string }[]).map((r) => r.detail).join('\n');

  for (const analyzed of [false, true]) {
    it(`reads the listed rows by primary key${analyzed ? ' (after ANALYZE)' : ''}`, () => {
      if (analyzed) db.exec('ANALYZE');
      for (const sql of [CLAIM_MANY_SQL, STALE_MANY_SQL]) {
        const p = plan(sql);
        expect(p).toMatch(/SEARCH deliveries USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(p).not.toMatch(/deliveries_status_due/);
      }
    });
  }
});
