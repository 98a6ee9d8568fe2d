/**
 * The PostgreSQL import session's staged tables (src/store/postgres/staged-import.ts): the stage
 * lives on its own connection and is dropped when the command ends, and rows reach the target
 * through COPY's text format unchanged (tabs, backslashes, line breaks, Chinese).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { closePg, openPg, type PgDb } from '../../src/store/postgres/db.js';
import { beginPgImport } from '../../src/store/postgres/import-session.js';
import type { Meeting } from '../../src/domain/types.js';
import { createPgDatabase, type TempPgDatabase } from '../helpers/pg.js';

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

const meeting = (id: string, org: string, topic: string | null): Meeting => ({
  id, org, type: 'lecture', heldAt: 1000, expected: 10, attended: 9, minutes: true, lecturerRole: 'secretary', topic, place: 'a\\b',
});

describe('a staged table (meetings) through COPY text', () => {
  it('stores every value as given: tabs, backslashes, line breaks, Chinese and nulls', async () => {
    const topics = ['tab\there\\and\nnewline', 'cr\r\nlf \\N', '中文主题', null];
    const s = await beginPgImport(db.$client, 'test');
    try {
      const refs = await s.orgRefs();
      await s.beginFile('meetings', 'm.csv');
      const rows = topics.map((t, i) => ({ meeting: meeting(`r${i}`, i % 2 ? 'B2' : 'B1', t), orgId: refs.get(i % 2 ? 'B2' : 'B1')!.id }));
      await s.upsert('meetings', rows, rows.map((_, i) => i + 2), 5);
      expect((await s.finishTable('meetings'))?.files).toEqual([{ inserted: 4, updated: 0, unchanged: 0 }]);
      await s.commit();
    } catch (e) {
      await s.rollback();
      throw e;
    }
    const r = await db.$client.query(`SELECT m.record_id, o.code, m.topic, m.place, m.minutes FROM meetings m JOIN orgs o ON o.id = m.org_id ORDER BY 1`);
    expect(r.rows).toEqual(topics.map((topic, i) => ({ record_id: `r${i}`, code: i % 2 ? 'B2' : 'B1', topic, place: 'a\\b', minutes: 1 })));
  });
});

describe("the import session's stage on its staging connection (staged-import.ts)", () => {
  /** Stage tables, read on a connection of its own (the session holds two of the pool's: its own and the staging one). */
  const stages = async () => {
    const c = new pg.Client({ connectionString: d.url });
    await c.connect();
    try {
      return (await c.query(`SELECT relname FROM pg_class WHERE relname LIKE 'import\\_stage%' ORDER BY 1`)).rows;
    } finally {
      await c.end();
    }
  };

  it('drops the stage a killed import left (its staging backend is gone), and its own when the command ends', async () => {
    // What an import killed mid-command leaves: a stage named after a backend pid no server process has.
    await db.$client.query('CREATE UNLOGGED TABLE "import_stage_4194399_meetings" (x int)');
    await db.$client.query('CREATE UNLOGGED TABLE "import_stage_4194399_meetings_1" () INHERITS ("import_stage_4194399_meetings")');
    const s = await beginPgImport(db.$client, 'test');
    await s.beginFile('meetings', 'm.csv');
    const during = (await stages()).map((r) => r.relname as string);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^import_stage_\d+_meetings$/);
    expect(during[0]).not.toBe('import_stage_4194399_meetings');
    await s.rollback();
    expect(await stages()).toEqual([]);
  });
});
