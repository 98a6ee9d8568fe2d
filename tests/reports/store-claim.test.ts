/**
 * The report generation claim of the store port (store.reports.storeAndPlan), on either store: a
 * report saved before the tick (`orglife report --save --org X`) is kept, and the tick adds every
 * report still missing with its rectification items, then plans the mail of all of them once; and
 * the change token that keys the API's cache of reports computed on the fly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredReportInput, NewRectification } from '../../src/store/types/reports.js';
import { openStore } from '../../src/store/open.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { seedStore } from './seed.js';

const NOW = Date.UTC(2026, 10, 2, 1, 0);
const report = (org: string, kind: 'branch' | 'committee', data: object): StoredReportInput => ({
  org, period: '2026-10', kind, score: kind === 'branch' ? 80 : 75, grade: kind === 'branch' ? '良好' : null, stars: null, rank: null, committeeRank: null, data,
});
const item = (org: string): NewRectification => ({ org, rule: 'committee-monthly', problemPeriod: '2026-10', reportPeriod: '2026-10', title: '每月召开支委会', dueAt: NOW + 30 * 86_400_000 });

describe('storeAndPlan after a report was saved by hand', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedStore(t.store, [
      { code: 'T1', name: '甲镇党委', kind: 'committee' },
      { code: 'B1', name: '一村党支部', parent: 'T1', secretaryEmail: 'b1@example.cn' },
      { code: 'B2', name: '二村党支部', parent: 'T1', secretaryEmail: 'b2@example.cn' },
    ]);
  });
  afterEach(async () => t.cleanup());

  const claim = (built: { reports: StoredReportInput[]; rectifications: NewRectification[] } | null, now: number) =>
    t.store.reports.storeAndPlan({ period: '2026-10', built, sendDay: '2026-11-02', notBefore: now, now, phonesOf: () => [] }, (load) => ({
      sends: [],
      notes: new Map(load.todo.map((r) => [r.id, 'skipped: test'])),
      result: load.todo.map((r) => `${r.kind}:${r.org}`).sort(),
    }));

  it('keeps the saved report and stores the missing ones with their items; the mail of all is planned once', async () => {
    // `report --save --org B1` the day before the tick.
    expect(await t.store.reports.store([report('B1', 'branch', { by: 'hand' })], [item('B1')], NOW - 86_400_000)).toBe(1);
    expect(await t.store.reports.hasStored('2026-10')).toBe(true);

    const built = { reports: [report('B1', 'branch', { by: 'tick' }), report('B2', 'branch', { by: 'tick' }), report('T1', 'committee', { by: 'tick' })], rectifications: [item('B1'), item('B2')] };
    const first = await claim(built, NOW);
    expect(first).toMatchObject({ stored: true, storedReports: { branch: 1, committee: 1 }, rectificationItems: 1 });
    expect(first.result).toEqual(['branch:B1', 'branch:B2', 'committee:T1']);
    expect(await t.store.reports.stored('B1', '2026-10', 'branch')).toEqual({ by: 'hand' });
    expect(await t.store.reports.stored('B2', '2026-10', 'branch')).toEqual({ by: 'tick' });
    expect(await t.store.reports.stored('T1', '2026-10', 'committee')).toEqual({ by: 'tick' });
    expect((await t.store.reports.rectifications()).map((r) => [r.org, r.createdAt])).toEqual([
      ['B1', NOW - 86_400_000],
      ['B2', NOW],
    ]);

    // A second daemon (or a re-run) stores nothing and plans nothing again.
    const second = await claim(built, NOW + 1);
    expect(second).toMatchObject({ stored: false, storedReports: { branch: 0, committee: 0 }, rectificationItems: 0, result: [] });
    expect((await t.store.reports.mailState('B1', '2026-10', 'branch'))?.status).toBe('skipped');
  });

  it('with nothing built it only plans the pending mail', async () => {
    await t.store.reports.store([report('B2', 'branch', {})], [], NOW);
    const r = await claim(null, NOW);
    expect(r).toMatchObject({ stored: false, storedReports: { branch: 0, committee: 0 }, result: ['branch:B2'] });
  });
});

describe('reports.changeToken', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => t.cleanup());

  it('changes when another handle (or this one) commits, and stays while nothing is written', async () => {
    const other = await openStore(t.spec);
    try {
      const a = await t.store.reports.changeToken();
      await t.store.reports.history(['2026-10']);
      expect(await t.store.reports.changeToken()).toBe(a);
      await seedStore(other, [{ code: 'T9', name: '丙镇党委', kind: 'committee' }]);
      const b = await t.store.reports.changeToken();
      expect(b).not.toBe(a);
      await t.store.reports.store([], [item('T9')], NOW);
      expect(await t.store.reports.changeToken()).not.toBe(b);
    } finally {
      await other.close();
    }
  });
});
