import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import { buildReports, ReportError } from '../../src/reports/gather.js';
import { saveReports } from '../../src/reports/generate.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { goodMonths, seedStore } from './seed.js';

const Q3 = parsePeriod('2026-Q3')!;
const Q3_MONTHS = ['2026-07', '2026-08', '2026-09'];

describe('reports built from the store', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedStore(
      t.store,
      [
        { code: 'CITY', name: '市委', kind: 'committee' },
        { code: 'T1', name: '甲镇党委', kind: 'committee', parent: 'CITY' },
        { code: 'T2', name: '乙镇党委', kind: 'committee', parent: 'CITY' },
        { code: 'B1', name: '一村党支部', parent: 'T1' },
        { code: 'B2', name: '二村党支部', parent: 'T1' },
        { code: 'B3', name: '三村党支部', parent: 'T2' },
        { code: 'B4', name: '新社区党支部', parent: 'T2', domain: 'community', establishedOn: '2026-11-01' },
      ],
      [...goodMonths('B1', ['2026-04', '2026-05', '2026-06', ...Q3_MONTHS]), ...goodMonths('B2', Q3_MONTHS), ...goodMonths('B3', ['2026-07'])],
    );
  });
  afterEach(async () => t.cleanup());
  const openItems = async (org: string) => (await t.store.reports.rectifications({ org })).filter((i) => i.status === 'open');

  const at = (s: string) => parseTimestamp(s)!;

  it('reads meetings of the whole quarter in bulk and ranks city-wide and within committees', async () => {
    const { reports, summaries } = await buildReports(t.store, shippedConfig(), Q3, at('2026-10-02T09:00'));
    const by = new Map(reports.map((r) => [r.org, r]));
    expect([...by.keys()].sort()).toEqual(['B1', 'B2', 'B3']); // B4 was founded after Q3
    expect(by.get('B1')!.stats.met).toBe(by.get('B1')!.stats.required);
    expect([by.get('B1')!.rank, by.get('B2')!.rank, by.get('B3')!.rank]).toEqual([1, 1, 3]);
    expect(by.get('B3')!.committeeRank).toBe(1);
    expect(summaries.map((s) => s.org).sort()).toEqual(['CITY', 'T1', 'T2']);
    expect(summaries.find((s) => s.org === 'CITY')!.branchCount).toBe(3);
  });

  it('computes the previous period when it was never stored, to show rank and score changes', async () => {
    const r = (await buildReports(t.store, shippedConfig(), Q3, at('2026-10-02T09:00'))).reports.find((x) => x.org === 'B2')!;
    expect(r.previous).toMatchObject({ period: '2026-Q2', rank: 2 });
    expect(r.change.rank).toBe(1);
    expect(r.change.score! > 0).toBe(true);
  });

  it('uses stored reports of earlier periods for the change and the trend', async () => {
    const config = shippedConfig();
    const q2 = await buildReports(t.store, config, parsePeriod('2026-Q2')!, at('2026-07-02T09:00'));
    await saveReports(t.store, q2.reports, q2.summaries, at('2026-07-02T09:00'));
    const r = (await buildReports(t.store, config, Q3, at('2026-10-02T09:00'))).reports.find((x) => x.org === 'B1')!;
    const stored = q2.reports.find((x) => x.org === 'B1')!;
    expect(r.previous).toMatchObject({ period: '2026-Q2', score: stored.score, rank: stored.rank });
    expect(r.trend.at(-2)).toEqual({ period: '2026-Q2', score: stored.score });
  });

  it('computes the previous period of the branches whose report of it was not stored (one saved by hand)', async () => {
    const config = shippedConfig();
    const q2 = await buildReports(t.store, config, parsePeriod('2026-Q2')!, at('2026-07-02T09:00'));
    const b1 = { ...q2.reports.find((x) => x.org === 'B1')!, score: 12.3 }; // marked: the stored headline wins
    await saveReports(t.store, [b1], [], at('2026-07-02T09:00'));
    const by = new Map((await buildReports(t.store, config, Q3, at('2026-10-02T09:00'))).reports.map((r) => [r.org, r]));
    expect(by.get('B1')!.previous).toMatchObject({ period: '2026-Q2', score: 12.3 });
    expect(by.get('B2')!.previous).toMatchObject({ period: '2026-Q2', rank: 2 });
    expect(by.get('B2')!.change.rank).toBe(1);
  });

  it('scores imported assessments and caps a vetoed branch at four stars', async () => {
    await seedStore(t.store, [], [], {
      assessments: [
        { org: 'B1', indicator: '组织生活成效', period: '2026-Q3', score: 40 },
        { org: 'B2', indicator: '组织生活成效', period: '2026', score: 100 },
      ],
      vetoes: [{ org: 'B2', period: '2026-08', item: '发生安全责任事故' }],
    });
    const by = new Map((await buildReports(t.store, shippedConfig(), Q3, at('2026-10-02T09:00'))).reports.map((r) => [r.org, r]));
    const imported = (org: string) => by.get(org)!.categories.find((c) => c.id === 'org_life')!.indicators.find((i) => i.id === '组织生活成效')!.score;
    expect(imported('B1')).toBe(40);
    expect(imported('B2')).toBe(100);
    expect(by.get('B2')!.score! > by.get('B1')!.score!).toBe(true);
    expect(by.get('B2')!.vetoed).toBe(true);
    expect(by.get('B2')!.stars).toBe(4);
    expect(by.get('B2')!.problems[0]).toMatchObject({ rule: 'veto', message: '列入负面清单：发生安全责任事故' });
  });

  it('refuses a period that has not ended', async () => {
    await expect(buildReports(t.store, shippedConfig(), parsePeriod('2026-10')!, at('2026-10-20T09:00'))).rejects.toThrow(ReportError);
  });

  it('tracks rectification items: created once with the first deadline, overdue in the next report until closed', async () => {
    const config = shippedConfig();
    const first = await buildReports(t.store, config, Q3, at('2026-10-02T09:00'));
    expect(await saveReports(t.store, first.reports, first.summaries, at('2026-10-02T09:00'))).toBeGreaterThan(0);
    expect(await saveReports(t.store, first.reports, first.summaries, at('2026-10-05T09:00'))).toBe(0);
    const items = await openItems('B3');
    expect(items.length).toBe(first.reports.find((r) => r.org === 'B3')!.problems.length);
    expect(new Set(items.map((i) => i.dueAt))).toEqual(new Set([parseTimestamp('2026-11-02')!]));

    const nov = (await buildReports(t.store, config, parsePeriod('2026-11')!, at('2026-12-02T09:00'))).reports.find((r) => r.org === 'B3')!;
    expect(nov.stats.rectifications.overdue).toBe(items.length);
    expect(nov.problems.filter((p) => p.rule === 'rectification-overdue')).toHaveLength(items.length);

    for (const i of items) expect(await t.store.reports.closeRectification(i.id, '已整改', at('2026-11-20T09:00'))).toBe(true);
    const after = (await buildReports(t.store, config, parsePeriod('2026-11')!, at('2026-12-02T09:00'))).reports.find((r) => r.org === 'B3')!;
    expect(after.problems.filter((p) => p.rule === 'rectification-overdue')).toEqual([]);
  });
});
