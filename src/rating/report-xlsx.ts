/**
 * The star-rating lists of a period's committee summaries as one workbook (rating.xlsx beside
 * ranking.xlsx): star distribution and change per committee, five-star candidates, weak branches,
 * demonstration sites and subsidy totals. Pure: summaries in, sheets out.
 */
import type { CommitteeSummary } from '../reports/types.js';
import { WEAK_CATEGORIES, type WeakCategory } from './weak.js';
import type { Sheet } from './xlsx.js';

const LEVEL = { city: '市级', prefecture: '地市级' } as const;

/** What the lists read of a summary (the CLI keeps only this much of each once it is written). */
export type RatingListSource = Pick<CommitteeSummary, 'org' | 'name' | 'rating'>;

export function ratingListSheets(summaries: readonly RatingListSource[], periodName: string): Sheet[] {
  const with_ = summaries.filter((s) => s.rating);
  const stars = [5, 4, 3, 2, 1, 0];
  return [
    {
      name: '星级分布',
      title: `${periodName} 各党委星级分布及较上年同期变化`,
      headers: ['党组织编码', '党组织', ...stars.flatMap((s) => [`${s || '无'}星`, '较上年'])],
      widths: [14, 24],
      rows: with_.map((s) => [s.org, s.name, ...stars.flatMap((n) => { const d = s.rating!.distribution.find((x) => x.stars === n)!; return [d.count, d.change]; })]),
    },
    {
      name: '五星候选',
      title: `${periodName} 五星候选党支部`,
      headers: ['党组织', '组织编码', '支部名称', '来源'],
      widths: [24, 14, 28, 12],
      rows: with_.flatMap((s) => s.rating!.fiveStarCandidates.map((c) => [s.name, c.org, c.name, c.source === 'campaign' ? '评星定级拟定' : '系统测算'])),
    },
    {
      name: '软弱涣散',
      title: `${periodName} 软弱涣散党支部`,
      headers: ['党组织', '组织编码', '支部名称', '类别', '确定日期', '问题数', '已解决', '后备干部'],
      widths: [24, 14, 28, 24, 12],
      rows: with_.flatMap((s) => s.rating!.weakBranches.map((w) => [s.name, w.org, w.name, WEAK_CATEGORIES[w.category as WeakCategory] ?? w.category, w.designatedOn, w.problems, w.resolved, w.cadres])),
    },
    {
      name: '示范点',
      title: `${periodName} 示范点`,
      headers: ['党组织', '组织编码', '支部名称', '年度', '级别'],
      widths: [24, 14, 28, 8, 8],
      rows: with_.flatMap((s) => s.rating!.demoSites.map((d) => [s.name, d.org, d.name, d.year, LEVEL[d.level]])),
    },
    {
      name: '星级激励',
      title: `${periodName} 所在年度书记补贴及五星工作经费（元）`,
      headers: ['党组织编码', '党组织', '年度', '书记补贴', '五星工作经费'],
      widths: [14, 24, 8, 12, 12],
      rows: with_.map((s) => [s.org, s.name, s.rating!.subsidy.year, s.rating!.subsidy.subsidy_yuan, s.rating!.subsidy.fund_yuan]),
    },
  ];
}
