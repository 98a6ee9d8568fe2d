import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePeriod } from '../../src/domain/calendar.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranchHtml, renderBranchMarkdown, renderCommitteeHtml, renderCommitteeMarkdown } from '../../src/reports/render/index.js';
import { addWeakItem, chooseDemoSite, designateWeak, setMeasures } from '../../src/rating/weak-service.js';
import { ratingListSheets } from '../../src/rating/report-xlsx.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW, seedOrgs, seedRatings } from './seed.js';

describe('the star-rating sections of the reports', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [
      ['C0', '市委', 'committee', null],
      ['C1', '城关镇党委', 'committee', 'C0'],
      ['B1', '一村', 'branch', 'C1', 'rural'],
      ['B2', '<b>二村</b>', 'branch', 'C1', 'rural'],
    ]);
    const r = (org: string, year: number, stars: number, ratedOn: string | null = null) => ({ org, year, stars, ratedOn });
    // The 2026 rating of B1 is filed in January 2027.
    await seedRatings(t, [r('B1', 2025, 5), r('B2', 2025, 4), r('B1', 2024, 3), r('B1', 2026, 5, '2027-01-20')]);
    const store = t.store;
    await store.rating.saveStarChange({ id: 'X1', org: 'B2', effectiveOn: '2026-06-15', stars: 2, channel: 'petition', reason: '<i>信访</i>属实', evidence: null }, NOW);
    const id = await designateWeak(store, { org: 'B2', category: 'org_life', on: '2026-07-01', reason: '组织生活长期不正常', by: '组织部' }, NOW);
    await setMeasures(store, id, { townshipLeader: '李镇长', firstSecretary: '王第一书记' });
    await addWeakItem(store, id, 'problem', '三会一课不落实', NOW);
    await addWeakItem(store, id, 'cadre', '赵六', NOW);
    await chooseDemoSite(store, { org: 'B1', year: 2026, level: 'city', note: null }, NOW);
  });
  afterEach(async () => t.cleanup());

  it('branch: star history, star and subsidy in effect, demonstration site, rectification; committee: distribution, weak branches, subsidy total', async () => {
    const { reports, summaries } = await buildReports(t.store, shippedConfig(), parsePeriod('2026-10')!, Date.parse('2026-11-05T01:00:00Z'));
    // Re-attached from the port's facts (ratingSectionFacts + the pure attach): the same sections.
    const b2 = reports.find((r) => r.org === 'B2')!;
    expect(b2.rating).toMatchObject({
      asOf: '2026-10-31',
      starsInEffect: 2,
      subsidyMonth: { month: '2026-10', stars: 2, yuan: 0 },
      year: { year: 2026, subsidy_yuan: 6 * 400, fund_yuan: 0 },
      weak: { townshipLeader: '李镇长', progress: { problems: 1, resolved: 0, cadres: 1, notes: 0 } },
    });
    expect(b2.rating!.history.map((h) => [h.on, h.stars, h.kind])).toEqual([['2026-01-01', 4, 'rating'], ['2026-06-15', 2, 'change']]);
    const b1 = reports.find((r) => r.org === 'B1')!;
    expect(b1.rating).toMatchObject({ starsInEffect: 5, subsidyMonth: { yuan: 500 }, year: { subsidy_yuan: 6000, fund_yuan: 10_000 }, weak: null });
    // The 2026 rating is filed in 2027: not yet in the history of an October 2026 report; the site of 2026 is.
    expect(b1.rating!.history.map((h) => h.on)).toEqual(['2025-01-01', '2026-01-01']);
    expect(b1.rating!.demoSites).toEqual([{ year: 2026, level: 'city' }]);

    const c1 = summaries.find((s) => s.org === 'C1')!;
    expect(c1.rating!.distribution.filter((d) => d.count || d.lastYear)).toEqual([
      { stars: 5, count: 1, lastYear: 0, change: 1 },
      { stars: 3, count: 0, lastYear: 1, change: -1 },
      { stars: 2, count: 1, lastYear: 0, change: 1 },
      { stars: 0, count: 0, lastYear: 1, change: -1 },
    ]);
    expect(c1.rating!.weakBranches).toEqual([{ org: 'B2', name: '<b>二村</b>', category: 'org_life', designatedOn: '2026-07-01', problems: 1, resolved: 0, cadres: 1 }]);
    expect(c1.rating!.subsidy).toEqual({ year: 2026, subsidy_yuan: 8400, fund_yuan: 10_000 });

    const html = renderBranchHtml(b2);
    expect(html).toContain('星级与激励');
    expect(html).toContain('软弱涣散整顿');
    expect(html).toContain('&lt;i&gt;信访&lt;/i&gt;属实');
    expect(html).not.toContain('<i>信访');
    expect(renderBranchMarkdown(b2)).toMatch(/镇（街）领导包抓 李镇长/);
    const ch = renderCommitteeHtml(c1);
    expect(ch).toContain('星级分布及变化');
    expect(ch).toContain('&lt;b&gt;二村&lt;/b&gt;');
    expect(ch).toMatch(/2026 年度书记补贴合计 8,400 元，五星工作经费 10,000 元/);
    expect(renderCommitteeMarkdown(c1)).toMatch(/一村（2026 年度市级）/);

    const sheets = Object.fromEntries(ratingListSheets(summaries, '2026年10月').map((x) => [x.name, x.rows]));
    expect(sheets['软弱涣散']).toEqual([['市委', 'B2', '<b>二村</b>', '组织生活不经常、不规范', '2026-07-01', 1, 0, 1], ['城关镇党委', 'B2', '<b>二村</b>', '组织生活不经常、不规范', '2026-07-01', 1, 0, 1]]);
    expect(sheets['示范点']).toContainEqual(['城关镇党委', 'B1', '一村', 2026, '市级']);
    expect(sheets['星级激励']).toContainEqual(['C1', '城关镇党委', 2026, 8400, 10_000]);
  });
});
