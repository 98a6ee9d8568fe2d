import { describe, expect, it } from 'vitest';
import { ratingSchema, type RatingConfig } from '../../src/rating/config.js';
import { computeSubsidies } from '../../src/rating/subsidies.js';
import type { RatingBranch, RatingFact, StarChangeFact } from '../../src/rating/types.js';
import { shippedConfig } from '../helpers/config.js';

const cfg: RatingConfig = ratingSchema.parse({});
const branch = (code: string, domain: RatingBranch['domain'], parent = 'C1'): RatingBranch => ({
  code, name: `${code}支部`, parent, parentName: `${parent}党委`, domain, secretary: '张三',
});
const r = (org: string, year: number, stars: number, ratedOn: string | null = null): RatingFact => ({ org, year, stars, ratedOn });
const c = (id: string, org: string, effectiveOn: string, stars: number): StarChangeFact => ({
  id, org, effectiveOn, stars, channel: 'inspection', reason: '巡察发现问题', evidence: null,
});
const group = <T extends { org: string }>(rows: T[]) => {
  const m = new Map<string, T[]>();
  for (const x of rows) m.set(x.org, [...(m.get(x.org) ?? []), x]);
  return m;
};

describe('subsidies and the five-star fund', () => {
  it('defaults: rural only, 500/400/300 a month, fund 10,000; the shipped config agrees', () => {
    expect(cfg.incentives).toEqual({ rural: { subsidy: { '1': 0, '2': 0, '3': 300, '4': 400, '5': 500 }, five_star_fund: 10_000 } });
    expect(shippedConfig().rating).toEqual(cfg);
  });

  it('a five-star rural branch all year: 12 × 500 and the fund once', () => {
    const res = computeSubsidies([branch('B1', 'rural')], group([r('B1', 2025, 5)]), new Map(), 2026, cfg);
    expect(res.branches[0]).toMatchObject({ org: 'B1', months: 12, subsidy_yuan: 6000, fund_yuan: 10_000 });
  });

  it('a June demotion from five to three: 6 × 500 + 6 × 300, and no fund (below five on 31 December)', () => {
    const res = computeSubsidies([branch('B1', 'rural')], group([r('B1', 2025, 5)]), group([c('X', 'B1', '2026-06-15', 3)]), 2026, cfg);
    expect(res.branches[0]!.monthlyYuan).toEqual([500, 500, 500, 500, 500, 500, 300, 300, 300, 300, 300, 300]);
    expect(res.branches[0]).toMatchObject({ subsidy_yuan: 4800, fund_yuan: 0 });
  });

  it('no prorating: a change on the 2nd leaves that month alone; a change on the 1st takes it', () => {
    const on2nd = computeSubsidies([branch('B1', 'rural')], group([r('B1', 2025, 4)]), group([c('X', 'B1', '2026-03-02', 0)]), 2026, cfg);
    expect(on2nd.branches[0]!.monthlyYuan).toEqual([400, 400, 400, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const on1st = computeSubsidies([branch('B1', 'rural')], group([r('B1', 2025, 4)]), group([c('X', 'B1', '2026-03-01', 0)]), 2026, cfg);
    expect(on1st.branches[0]!.subsidy_yuan).toBe(800);
  });

  it('star removed (0) and restored: months follow the star in effect; two stars pay nothing', () => {
    const res = computeSubsidies(
      [branch('B1', 'rural')],
      group([r('B1', 2025, 5)]),
      group([c('X', 'B1', '2026-02-20', 0), c('Y', 'B1', '2026-09-05', 5)]),
      2026,
      cfg,
    );
    expect(res.branches[0]!.starsByMonth).toEqual([5, 5, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5]);
    expect(res.branches[0]).toMatchObject({ months: 5, subsidy_yuan: 2500, fund_yuan: 10_000 });
    const two = computeSubsidies([branch('B2', 'rural')], group([r('B2', 2025, 2)]), new Map(), 2026, cfg);
    expect(two.branches[0]).toMatchObject({ months: 0, subsidy_yuan: 0, fund_yuan: 0 });
  });

  it('a rating filed during the year counts from its rated_on; its fund falls in that year', () => {
    const res = computeSubsidies([branch('B1', 'rural')], group([r('B1', 2025, 3), r('B1', 2026, 5, '2026-11-20')]), new Map(), 2026, cfg);
    expect(res.branches[0]!.starsByMonth).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5]);
    expect(res.branches[0]).toMatchObject({ subsidy_yuan: 11 * 300 + 500, fund_yuan: 10_000 });
    // Nothing for 2027 from that rating: its effective date was in 2026.
    expect(computeSubsidies([branch('B1', 'rural')], group([r('B1', 2026, 5, '2026-11-20')]), new Map(), 2027, cfg).branches[0]!.fund_yuan).toBe(0);
  });

  it('domains without incentives pay nothing; configured domains pay their own amounts', () => {
    const custom: RatingConfig = ratingSchema.parse({ incentives: { community: { subsidy: { 5: 800, 4: 600 }, five_star_fund: 20_000 } } });
    const branches = [branch('B1', 'community'), branch('B2', 'school'), branch('B3', 'rural', 'C2')];
    const ratings = group([r('B1', 2025, 5), r('B2', 2025, 5), r('B3', 2025, 5)]);
    const res = computeSubsidies(branches, ratings, new Map(), 2026, custom);
    expect(res.branches.map((b) => [b.org, b.subsidy_yuan, b.fund_yuan])).toEqual([
      ['B1', 9600, 20_000],
      ['B2', 0, 0],
      ['B3', 0, 0], // the custom config lists community only
    ]);
    expect(res.committees).toEqual([
      { committee: 'C1', committeeName: 'C1党委', branches: 2, paidBranches: 1, subsidy_yuan: 9600, fund_yuan: 20_000 },
      { committee: 'C2', committeeName: 'C2党委', branches: 1, paidBranches: 0, subsidy_yuan: 0, fund_yuan: 0 },
    ]);
    expect(res.city).toEqual({ branches: 3, paidBranches: 1, subsidy_yuan: 9600, fund_yuan: 20_000 });
  });

  it('an unrated branch gets nothing', () => {
    const res = computeSubsidies([branch('B9', 'rural')], new Map(), new Map(), 2026, cfg);
    expect(res.branches[0]).toMatchObject({ starsByMonth: Array(12).fill(0), subsidy_yuan: 0, fund_yuan: 0 });
  });
});
