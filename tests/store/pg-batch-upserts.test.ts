/**
 * The PostgreSQL adapter's set-based assessment and negative-list upserts (src/store/postgres/reports.ts):
 * one statement per round for a whole batch, outcomes in input order exactly as a row-by-row writer
 * (and SQLite's import session) gives them — a key repeated in the batch sees its earlier write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgDb } from '../../src/store/postgres/db.js';
import { upsertAssessments, upsertVetoes } from '../../src/store/postgres/reports.js';
import { createPgDatabase, type TempPgDatabase } from '../helpers/pg.js';

let d: TempPgDatabase;
let db: PgDb;
beforeAll(async () => {
  d = await createPgDatabase('batchups');
  db = await openPg(d.url, { max: 2 });
});
afterAll(async () => {
  await closePg(db);
  await d.drop();
});

const a = (org: string, indicator: string, score: number) => ({ org, indicator, period: '2026-Q3', score });

describe('set-based upserts of assessments and vetoes', () => {
  it('gives each row its outcome in input order, a repeated key after its earlier write, across chunks', async () => {
    const q = db.$client;
    expect(await upsertAssessments(q, [a('B1', 'i1', 80), a('B1', 'i2', 70), a('B1', 'i1', 85), a('B1', 'i1', 85)], 1)).toEqual(['inserted', 'inserted', 'updated', 'unchanged']);
    expect(await upsertAssessments(q, [a('B1', 'i2', 70), a('B1', 'i2', 71.5)], 2)).toEqual(['unchanged', 'updated']);
    const stored = await q.query('SELECT indicator, score, imported_at FROM assessments ORDER BY indicator');
    expect(stored.rows.map((r) => [r.indicator, Number(r.score), Number(r.imported_at)])).toEqual([['i1', 85, 1], ['i2', 71.5, 2]]);
    // More rows than one statement carries (5,000): every one inserted once.
    const many = Array.from({ length: 6001 }, (_, i) => a(`O${i}`, 'i1', i));
    const outcomes = await upsertAssessments(q, many, 3);
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(6001);

    const v = (org: string, item: string) => ({ org, period: '2026', item });
    expect(await upsertVetoes(q, [v('B1', 'x'), v('B1', 'x'), v('B1', 'y')], 1)).toEqual(['inserted', 'unchanged', 'inserted']);
    expect(await upsertVetoes(q, [v('B1', 'y'), v('B2', 'y')], 2)).toEqual(['unchanged', 'inserted']);
    expect(Number((await q.query('SELECT count(*) AS n FROM vetoes')).rows[0].n)).toBe(3);
  });
});
