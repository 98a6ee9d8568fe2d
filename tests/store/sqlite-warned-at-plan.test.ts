/**
 * The warned-at read of reconcile on SQLite (WARNED_AT_SQL, src/store/sqlite/alerts.ts) goes from
 * the listed alerts to their digest items to those digests' deliveries, never walking the sent
 * deliveries: that walk grows with the whole delivery history (a later day at 20,000 branches:
 * 9.0 ms per chunk of 400 alerts instead of 1.8 ms, and more every day the daemon runs). EXPLAIN
 * QUERY PLAN of the adapter's own statement on a store with a few thousand sent deliveries,
 * analyzed or not, and its answer. An adapter test: it runs on a SQLite file whichever store the
 * suite runs on.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { WARNED_AT_SQL } from '../../src/store/sqlite/alerts.js';

const dir = mkdtempSync(join(tmpdir(), 'orglife-warned-plan-'));
const file = join(dir, 'orglife.db');
const N = 4000;

describe('SQLite warned-at statement', () => {
  let db: Database.Database;
  beforeAll(async () => {
    const store = await openStore(file); // the schema, migrated as the daemon would
    await store.close();
    db = new Database(file);
    const digest = db.prepare(
      `INSERT INTO alert_digests (id, key, recipient_key, contacts, route, level, model, created_at) VALUES (?, ?, 'r', '{}', '["sms"]', 'warning', '{}', 0)`,
    );
    const item = db.prepare(`INSERT INTO alert_digest_items (digest_id, event_id, alert_id, org, committee, level, role) VALUES (?, ?, ?, 'B1', 'C1', ?, ?)`);
    const event = db.prepare(`INSERT INTO alert_events (id, alert_id, kind, level, at, reason) VALUES (?, ?, 'opened', 'warning', 0, 'new')`);
    const delivery = db.prepare(
      `INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at, sent_at)
       VALUES (?, ?, 'http_sms', 'sms', '13900000000', 'sent', 0, '2026-11-02', 0, ?)`,
    );
    db.transaction(() => {
      // Alert k: opened by event k, carried by digest k (a warning to the secretary), sent at 1000 + k;
      // every third is a reminder (never a warning) and every fifth went to the committee only.
      for (let k = 1; k <= N; k++) {
        event.run(k, k);
        digest.run(k, `g${k}`);
        item.run(k, k, k, k % 3 === 0 ? 'reminder' : 'warning', k % 5 === 0 ? 'committee' : 'secretary');
        delivery.run(`d${k}`, k, 1000 + k);
      }
    })();
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = () => (db.prepare(`EXPLAIN QUERY PLAN ${WARNED_AT_SQL}`).all('[1,2,3]') as { detail: string }[]).map((r) => r.detail).join('\n');

  for (const analyzed of [false, true]) {
    it(`goes alert → items → deliveries, never over the sent deliveries${analyzed ? ' (after ANALYZE)' : ''}`, () => {
      if (analyzed) db.exec('ANALYZE');
      const p = plan();
      expect(p).toMatch(/SEARCH i USING INDEX alert_digest_items_alert \(alert_id=\?\)/);
      expect(p).toMatch(/SEARCH d USING INDEX deliveries_digest \(digest_id=\?\)/);
      expect(p).not.toMatch(/deliveries_status_due/);
      expect(p.indexOf('alert_digest_items_alert')).toBeLessThan(p.indexOf('deliveries_digest'));
    });
  }

  it('answers the first warning sent per listed alert since it opened', () => {
    const asked = [1, 2, 3, 5, 7, 4000, N + 1];
    const rows = db.prepare(WARNED_AT_SQL).all(JSON.stringify(asked)) as { alertId: number; warnedAt: number }[];
    // 3 is a reminder, 5 went to the committee, N + 1 does not exist; 4000 is both a multiple of 5 and not of 3.
    expect(new Map(rows.map((r) => [r.alertId, r.warnedAt]))).toEqual(
      new Map([
        [1, 1001],
        [2, 1002],
        [7, 1007],
      ]),
    );
  });
});
