import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import * as sqliteSchema from '../../src/store/sqlite/schema.js';
import { copyDatabase, schemaDifferences, schemaTables } from '../../src/store/copy.js';
import { closeDb, openDb } from '../../src/store/sqlite/db.js';
import { createPgDatabase, type TempPgDatabase } from '../helpers/pg.js';
import { tempDb, type TempDb } from '../helpers/db.js';

/** Three rows in every table of the schema, with awkward text (tab, newline, backslash, Chinese) and a null per nullable column. */
function fillEveryTable(path: string): void {
  const db = openDb(path);
  try {
    for (const t of Object.values(sqliteSchema)) {
      if (!is(t, SQLiteTable)) continue;
      const c = getTableConfig(t);
      for (let i = 1; i <= 3; i++) {
        const values = c.columns.map((col) => {
          if (!col.notNull && i === 2 && col.name !== 'digest_id') return null;
          if (c.name === 'deliveries' && (col.name === 'report_id' || col.name === 'reminder_id')) return null; // one source only (check constraint)
          if (col.columnType === 'SQLiteBoolean') return i % 2;
          if (col.columnType === 'SQLiteReal') return i + 0.25;
          if (col.columnType === 'SQLiteInteger') return col.name.endsWith('_at') || col.name === 'at' ? 1_764_000_000_000 + i : i;
          return `${c.name}.${col.name} ${i}\t中文\\ "q"\nline`;
        });
        db.$client.prepare(`INSERT INTO "${c.name}" (${c.columns.map((x) => `"${x.name}"`).join(', ')}) VALUES (${values.map(() => '?').join(', ')})`).run(values);
      }
    }
  } finally {
    closeDb(db);
  }
}

function dump(path: string): Record<string, unknown[]> {
  const db = openDb(path);
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of schemaTables()) {
      out[t.name] = db.$client.prepare(`SELECT * FROM "${t.name}" ORDER BY ${t.key.map((k) => `"${k}"`).join(', ')}`).all();
    }
    return out;
  } finally {
    closeDb(db);
  }
}

let a: TempDb;
let b: TempDb;
let pgdb: TempPgDatabase;
beforeAll(async () => {
  a = tempDb();
  b = tempDb();
  closeDb(a.db);
  closeDb(b.db);
  pgdb = await createPgDatabase('copy');
});
afterAll(async () => {
  a.cleanup();
  b.cleanup();
  await pgdb.drop();
});

describe('orglife db copy (SQLite ⇄ PostgreSQL)', () => {
  it('the two schemas have the same tables and columns', () => {
    // A table added to src/store/sqlite/schema/ needs its twin in src/store/postgres/schema/ (see
    // scripts/pg-schema-from-sqlite.mjs) and a migration: npm run db:generate:pg.
    expect(schemaDifferences()).toEqual([]);
  });

  it('moves every table to PostgreSQL and back unchanged, verified by row counts; refuses a non-empty target unless told', async () => {
    fillEveryTable(a.path);
    const there = await copyDatabase(a.path, pgdb.url);
    expect(there.tables.length).toBe(schemaTables().length);
    for (const t of there.tables) expect(t, t.table).toEqual({ table: t.table, source: 3, target: 3 });

    await expect(copyDatabase(a.path, pgdb.url)).rejects.toThrow(/目标数据库不是空的.*--replace/);
    await copyDatabase(a.path, pgdb.url, { replace: true });

    // Identity sequences were moved past the copied ids: the next insert gets a fresh id.
    const { openPg, closePg } = await import('../../src/store/postgres/db.js');
    const p = await openPg(pgdb.url, { max: 1 });
    const next = await p.$client.query(`INSERT INTO cycle_runs (kind, trigger, as_of, started_at, status) VALUES ('x', 'once', 0, 0, 'done') RETURNING id`);
    expect(next.rows[0].id).toBe(4);
    await p.$client.query('DELETE FROM cycle_runs WHERE id = 4');
    // A bulk load: every copied table vacuumed and analyzed (statistics, visibility map for index-only scans).
    const stats = await p.$client.query(`SELECT relname, last_vacuum IS NOT NULL AS v, last_analyze IS NOT NULL AS a FROM pg_stat_user_tables`);
    const byName = new Map(stats.rows.map((r: { relname: string; v: boolean; a: boolean }) => [r.relname, r.v && r.a]));
    for (const t of schemaTables()) expect(byName.get(t.name), t.name).toBe(true);
    await closePg(p);

    const back = await copyDatabase(pgdb.url, b.path);
    expect(back.tables.every((t) => t.source === 3 && t.target === 3)).toBe(true);
    expect(dump(b.path)).toEqual(dump(a.path));
  });
});
