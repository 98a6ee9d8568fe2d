import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRecords } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, NOW, rejected, snapshot, where } from './helpers.js';

const ORGS = [
  { code: 'C0', name: '市委', kind: 'committee' },
  { code: 'B1', name: '东街社区党支部', kind: '党支部', parent: 'C0', domain: '社区', members: 25, established_on: '2010-05-01' },
];

describe('importRecords (pushed JSON rows)', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(() => t.cleanup());

  it('imports rows with English keys, Chinese keys or values, numbers and booleans', async () => {
    const orgs = await importRecords(t.store, 'orgs', ORGS, 'api:test', { now: NOW });
    expect(orgs).toMatchObject({ table: 'orgs', format: 'json', rows: 2, inserted: 2, source: 'api:test' });
    const r = await importRecords(t.store, 'meetings', [
      { id: 'M1', org: 'B1', type: 'lecture', held_at: '2026-05-05T09:00:00+08:00', expected: 25, attended: 20, minutes: true, lecturer_role: 'secretary' },
      { 记录编号: 'M2', 组织编码: 'B1', 会议类型: '支委会', 召开时间: '2026-05-06 14:30', 应到人数: '5', 实到人数: '5', 有无记录: '否', extra: 1 },
    ], 'api:test', { now: NOW });
    expect(r).toMatchObject({ rows: 2, inserted: 2, ignoredColumns: ['extra'] });
    expect(await t.store.facts.meeting('M1')).toMatchObject({ minutes: true, lecturerRole: 'secretary', heldAt: Date.parse('2026-05-05T01:00:00Z') });
    expect(await t.store.facts.meeting('M2')).toMatchObject({ type: 'committee', minutes: false });
    expect(await t.store.orgs.get('B1', NOW)).toMatchObject({ kind: 'branch', domain: 'community' });
    expect((await t.store.imports.list()).map((i) => [i.file, i.table, i.inserted])).toEqual([['api:test', 'meetings', 2], ['api:test', 'orgs', 2]]);
  });

  it('is idempotent', async () => {
    await importRecords(t.store, 'orgs', ORGS, 'api', { now: NOW });
    expect(await importRecords(t.store, 'orgs', ORGS, 'api', { now: NOW + 1 })).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('rejects the whole batch naming the item index and field, and writes nothing', async () => {
    await importRecords(t.store, 'orgs', ORGS, 'api', { now: NOW });
    const before = await snapshot(t);
    const e = await rejected(() =>
      importRecords(t.store, 'meetings', [
        { id: 'M1', org: 'B1', type: 'committee', held_at: '2026-05-05 14:30', expected: 5, attended: 5 },
        { id: 'M2', org: 'C0', type: 'committee', held_at: '2026-05-05 14:30', expected: 5, attended: 5 },
        { id: 'M3', org: 'B1', type: 'committee', held_at: 1770000000000, expected: 5, attended: 6 },
        'not an object' as unknown as Record<string, unknown>,
      ], 'api'),
    );
    expect(where(e.issues)).toEqual([{ item: 1, key: 'org' }, { item: 2, key: 'held_at' }, { item: 2, key: 'attended' }, { item: 3 }]);
    expect(e.issues[1]).toMatchObject({ column: 'held_at', source: 'api' });
    expectBilingual(e.issues);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a key repeated with different content within one batch, naming the earlier item', async () => {
    const e = await rejected(() =>
      importRecords(t.store, 'orgs', [...ORGS, { ...ORGS[1]!, members: 30 }], 'api'),
    );
    expect(e.issues).toMatchObject([{ item: 2, key: 'code', reasonZh: expect.stringContaining('第 1 项') }]);
    expect(await t.store.orgs.get('B1', NOW)).toBeUndefined();
  });

  it('refuses an unknown table', async () => {
    const e = await rejected(() => importRecords(t.store, 'unknown_table', [], 'api'));
    expect(e.issues[0]!.reasonEn).toMatch(/unknown table "unknown_table".*orgs, members, meetings, attendance/);
  });
});
