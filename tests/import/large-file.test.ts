/**
 * A meetings file larger than one chunk of PostgreSQL's staged import (staged-import.ts writes a
 * file in chunks while it is parsed): a key repeated across chunks of one file keeps the contract
 * of a repeat across files — the same content is unchanged, other content is rejected naming the
 * first row's line, a stored row given unchanged first and other content later is rejected — on
 * both stores.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { fixture, NOW, query, rejected, snapshot, writeCsv } from './helpers.js';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
  await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
});
afterEach(async () => {
  // PostgreSQL: the staged chunks are tables of their own, dropped when the command ends, accepted or not.
  if (t.store.kind === 'postgres') expect(await query(t, `SELECT relname FROM pg_class WHERE relname LIKE 'import\\_stage%'`)).toEqual([]);
  await t.cleanup();
});

/** More rows than the first chunks (16,384, then 32,768 rows) hold together. */
const N = 50_000;
const HEADER = ['id', 'org', 'type', 'held_at', 'expected', 'attended'];
const day = (i: number) => new Date(Date.UTC(1990, 0, 1) + i * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const row = (i: number, attended = '6') => [`M${i}`, i % 2 ? 'B1' : 'B2', 'committee', day(i), '7', attended];
/** N rows, then `tail` (a repeat of an earlier key) as the last line. */
const big = (name: string, tail: (string | number)[]) => writeCsv(join(t.dir, name), [HEADER, ...Array.from({ length: N }, (_, i) => row(i)), tail]);

describe('a key repeated across chunks of one large file', () => {
  it('is counted unchanged when repeated with the same content, and every other row is inserted', async () => {
    const [r] = await importFiles(t.store, [big('same.csv', row(0))], { now: NOW });
    expect(r).toMatchObject({ rows: N + 1, inserted: N, updated: 0, unchanged: 1 });
    expect(Number((await query(t, 'SELECT count(*) AS n FROM meetings'))[0]!.n)).toBe(N);
    // PostgreSQL: a large import refreshes the planner's statistics of what it changed (never analyzed: -1).
    // It also vacuums them, so the index-only scans of the reads need not visit the heap (no vacuum: relallvisible 0).
    if (t.store.kind === 'postgres') {
      const [c] = await query(t, "SELECT reltuples, relpages, relallvisible FROM pg_class WHERE relname = 'meetings'");
      expect(Number(c!.reltuples)).toBeGreaterThan(N / 2);
      expect(Number(c!.relallvisible)).toBeGreaterThan(Number(c!.relpages) / 2);
    }
    // Imported again: every row unchanged, nothing counted as an update.
    const [again] = await importFiles(t.store, [big('same.csv', row(0))], { now: NOW });
    expect(again).toMatchObject({ rows: N + 1, inserted: 0, updated: 0, unchanged: N + 1 });
  }, 60_000);

  it('is rejected with other content, naming the first row\'s line; nothing is written', async () => {
    const before = await snapshot(t);
    const f = big('other.csv', row(1, '2'));
    const e = await rejected(importFiles(t.store, [f], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ source: f, line: N + 2, key: 'id' });
    expect(e.issues[0]!.reasonZh).toContain('第 3 行已出现且内容不同');
    expect(await snapshot(t)).toEqual(before);
  }, 60_000);

  it('is rejected when already stored, given unchanged early in the file and with other content in a later chunk', async () => {
    const small = writeCsv(join(t.dir, 'stored.csv'), [HEADER, row(5)]);
    await importFiles(t.store, [small], { now: NOW });
    const f = big('later.csv', row(5, '1'));
    const e = await rejected(importFiles(t.store, [f], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ source: f, line: N + 2, key: 'id' });
    expect(e.issues[0]!.reasonZh).toContain('第 7 行已出现且内容不同');
    expect(await query(t, 'SELECT record_id, attended FROM meetings')).toEqual([{ record_id: 'M5', attended: 6 }]);
  }, 60_000);
});
