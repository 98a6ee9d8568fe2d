/**
 * A key given in two files of one command (issue 12): the same content is counted unchanged, other
 * content is rejected naming both files and lines — for every keyed table, on both stores (the
 * store's import session finds the earlier row; on PostgreSQL through its table of the command's keys).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles, formatIssue } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, fixture, NOW, query, rejected, snapshot, writeCsv } from './helpers.js';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
  await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
});
afterEach(async () => t.cleanup());

const file = (name: string, rows: (string | number | null)[][]) => writeCsv(join(t.dir, name), rows);

const ROSTER = ['id', 'org', 'name', 'status', 'joined_on'];
const RATINGS = ['org', 'year', 'stars'];
const CHANGES = ['id', 'org', 'effective_on', 'stars', 'channel'];

describe.each([
  {
    table: 'members',
    key: 'id',
    a: [ROSTER, ['P1', 'B1', '张三', 'full', '2010-07-01'], ['P2', 'B1', '李四', 'full', '2011-07-01']],
    same: [ROSTER, ['P2', 'B1', '李四', 'full', '2011-07-01']],
    other: [ROSTER, ['P3', 'B1', '王五', 'full', '2012-07-01'], ['P2', 'B1', '李四', 'probationary', '2011-07-01']],
    zh: '党员编号「P2」',
  },
  {
    table: 'ratings',
    key: 'stars',
    a: [RATINGS, ['B1', 2024, 4], ['B2', 2024, 3]],
    same: [RATINGS, ['B2', 2024, 3]],
    other: [RATINGS, ['B1', 2025, 5], ['B2', 2024, 5]],
    zh: '「B2」2024 年度的星级',
  },
  {
    table: 'star_changes',
    key: 'id',
    a: [CHANGES, ['X1', 'B1', '2026-03-01', 2, 'petition'], ['X2', 'B2', '2026-04-01', 3, 'inspection']],
    same: [CHANGES, ['X2', 'B2', '2026-04-01', 3, 'inspection']],
    other: [CHANGES, ['X3', 'B1', '2026-05-01', 1, 'assessment'], ['X2', 'B2', '2026-04-01', 0, 'inspection']],
    zh: '调整编号「X2」',
  },
])('$table: a key in two files of one command', ({ table, key, a, same, other, zh }) => {
  it('is counted unchanged when repeated with the same content', async () => {
    const [ra, rb] = await importFiles(t.store, [file('a.csv', a), file('same.csv', same)], { now: NOW });
    expect(ra).toMatchObject({ table, inserted: 2 });
    expect(rb).toMatchObject({ table, inserted: 0, updated: 0, unchanged: 1 });
  });

  it('is rejected with other content, naming both files and lines; nothing is written', async () => {
    const before = await snapshot(t);
    const fa = file('a.csv', a);
    const fb = file('b.csv', other);
    const e = await rejected(importFiles(t.store, [fa, fb], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ source: fb, line: 3, key });
    expect(e.issues[0]!.reasonZh).toContain(`${zh}在 ${fa} 第 3 行已出现且内容不同`);
    expect(formatIssue(e.issues[0]!)).toContain(`${fa}:3`);
    expectBilingual(e.issues);
    expect(await snapshot(t)).toEqual(before);
    expect(await query(t, `SELECT * FROM ${table}`)).toEqual([]);
  });

  it('is rejected when already stored, given unchanged in one file and with other content in a later one', async () => {
    await importFiles(t.store, [file('a.csv', a)], { now: NOW });
    const stored = await query(t, `SELECT * FROM ${table} ORDER BY 1`);
    const fs = file('same.csv', same);
    const fb = file('b.csv', other);
    const e = await rejected(importFiles(t.store, [fs, fb], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ source: fb, line: 3, key });
    expect(e.issues[0]!.reasonZh).toContain(`${zh}在 ${fs} 第 2 行已出现且内容不同`);
    expect(formatIssue(e.issues[0]!)).toContain(`${fs}:2`);
    expectBilingual(e.issues);
    expect(await query(t, `SELECT * FROM ${table} ORDER BY 1`)).toEqual(stored);
  });
});

describe('a key repeated in one file', () => {
  it('names the earlier line only (no file) for members, as before', async () => {
    const f = file('roster.csv', [ROSTER, ['P1', 'B1', '张三', 'full', '2010-07-01'], ['P1', 'B1', '张三', 'probationary', '2010-07-01']]);
    const e = await rejected(importFiles(t.store, [f], { now: NOW }));
    expect(e.issues).toMatchObject([{ source: f, line: 3, key: 'id', reasonZh: '党员编号「P1」在第 2 行已出现且内容不同' }]);
  });
});

describe('attendance: a sign-in (meeting, member) in two files of one command', () => {
  const SIGNINS = ['meeting', 'member', 'status'];
  beforeEach(async () => {
    await importFiles(t.store, [fixture('meetings.csv'), file('roster.csv', [ROSTER, ['P1', 'B1', '张三', 'full', '2010-07-01'], ['P2', 'B1', '李四', 'full', '2011-07-01']])], { now: NOW });
  });
  const a = () => file('a.csv', [SIGNINS, ['M001', 'P1', 'present'], ['M001', 'P2', 'present']]);
  const attendance = () => query(t, 'SELECT * FROM attendance ORDER BY meeting_id');

  it('is counted unchanged when repeated with the same content', async () => {
    const [ra, rb] = await importFiles(t.store, [a(), file('same.csv', [SIGNINS, ['M001', 'P2', 'present']])], { now: NOW });
    expect(ra).toMatchObject({ table: 'attendance', inserted: 2 });
    expect(rb).toMatchObject({ table: 'attendance', inserted: 0, updated: 0, unchanged: 1 });
  });

  it('is rejected with other content, naming both files and lines; nothing is written', async () => {
    const before = await snapshot(t);
    const fa = a();
    const fb = file('b.csv', [SIGNINS, ['M002', 'P1', 'present'], ['M001', 'P2', 'absent']]);
    const e = await rejected(importFiles(t.store, [fa, fb], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ source: fb, line: 3, key: 'member' });
    expect(e.issues[0]!.reasonZh).toContain(`在 ${fa} 第 3 行已出现且内容不同`);
    expect(formatIssue(e.issues[0]!)).toContain(`${fa}:3`);
    expectBilingual(e.issues);
    expect(await snapshot(t)).toEqual(before);
  });

  it('is rejected when already stored, given unchanged in one file and with other content in a later one', async () => {
    await importFiles(t.store, [a()], { now: NOW });
    const stored = await attendance();
    const fs = file('same.csv', [SIGNINS, ['M001', 'P2', 'present']]);
    const fb = file('b.csv', [SIGNINS, ['M002', 'P1', 'present'], ['M001', 'P2', 'excused']]);
    const e = await rejected(importFiles(t.store, [fs, fb], { now: NOW }));
    expect(e.issues).toMatchObject([{ source: fb, line: 3, key: 'member' }]);
    expect(e.issues[0]!.reasonZh).toContain(`在 ${fs} 第 2 行已出现且内容不同`);
    expect(await attendance()).toEqual(stored);
  });
});
