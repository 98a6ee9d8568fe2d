import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgDb } from '../../src/store/postgres/db.js';
import { PgStagedUpsert, type PgUpsertSpec } from '../../src/store/postgres/staged-upsert.js';
import { createPgDatabase, type TempPgDatabase } from '../helpers/pg.js';

const MEETINGS: PgUpsertSpec = {
  table: 'meetings',
  key: ['record_id'],
  columns: ['org_id', 'type', 'held_at', 'expected', 'attended', 'minutes', 'lecturer_role', 'topic'],
  resolve: { column: 'org_id', table: 'orgs', by: 'code', take: 'id' },
};

let d: TempPgDatabase;
let db: PgDb;
beforeAll(async () => {
  d = await createPgDatabase('staged');
  db = await openPg(d.url, { max: 2 });
  await db.$client.query(
    `INSERT INTO orgs (code, name, kind, updated_at) VALUES ('B1', 'b1', 'branch', 0), ('B2', 'b2', 'branch', 0)`,
  );
});
afterAll(async () => {
  await closePg(db);
  await d.drop();
});

const m = (id: string, org: string, topic: string | null, heldAt = 1000) => [id, org, 'lecture', heldAt, 10, 9, 1, 'secretary', topic];

describe('the staged upsert (COPY into a temp table, one INSERT … ON CONFLICT per file)', () => {
  it('counts inserted, updated and unchanged per file, a later file overriding an earlier one', async () => {
    const c = await db.$client.connect();
    try {
      const s = await PgStagedUpsert.open(c, MEETINGS);
      s.beginFile();
      s.add(m('r1', 'B1', 'tab\there\\and\nnewline'), 2);
      s.add(m('r2', 'B2', null), 3);
      s.add(m('r2', 'B2', null), 4); // the same row again: unchanged
      s.beginFile();
      s.add(m('r2', 'B2', 'changed'), 2);
      s.add(m('r3', 'B1', '中文主题'), 3);
      await s.finishStaging();
      await c.query('BEGIN');
      expect(await s.apply(5)).toEqual({
        conflicts: [],
        counts: [
          { rows: 3, inserted: 2, updated: 0, unchanged: 1 },
          { rows: 2, inserted: 1, updated: 1, unchanged: 0 },
        ],
      });
      await c.query('COMMIT');
      await s.close();
    } finally {
      c.release();
    }
    const r = await db.$client.query(`SELECT m.record_id, o.code, m.topic FROM meetings m JOIN orgs o ON o.id = m.org_id ORDER BY 1`);
    expect(r.rows).toEqual([
      { record_id: 'r1', code: 'B1', topic: 'tab\there\\and\nnewline' },
      { record_id: 'r2', code: 'B2', topic: 'changed' },
      { record_id: 'r3', code: 'B1', topic: '中文主题' },
    ]);
    // The same file again: nothing changes.
    const c2 = await db.$client.connect();
    try {
      const s = await PgStagedUpsert.open(c2, MEETINGS);
      s.beginFile();
      s.add(m('r1', 'B1', 'tab\there\\and\nnewline'), 2);
      await s.finishStaging();
      await c2.query('BEGIN');
      expect((await s.apply(6)).counts).toEqual([{ rows: 1, inserted: 0, updated: 0, unchanged: 1 }]);
      await c2.query('COMMIT');
      await s.close();
    } finally {
      c2.release();
    }
  });

  it('names a key written twice in one file with different content, with the line of its first row', async () => {
    const c = await db.$client.connect();
    try {
      const s = await PgStagedUpsert.open(c, MEETINGS);
      s.beginFile();
      s.add(m('x1', 'B1', 'a'), 2);
      s.add(m('x1', 'B1', 'a'), 3);
      s.add(m('x1', 'B1', 'b'), 7);
      s.beginFile();
      s.add(m('x1', 'B1', 'c'), 2); // another file may change it
      await s.finishStaging();
      await c.query('BEGIN');
      expect(await s.apply(7)).toEqual({ counts: [], conflicts: [{ file: 0, line: 7, firstLine: 2, key: ['x1'] }] });
      await c.query('ROLLBACK');
      await s.close();
    } finally {
      c.release();
    }
  });
});
