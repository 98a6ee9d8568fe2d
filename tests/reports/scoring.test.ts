import { describe, expect, it } from 'vitest';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import { branchFacts } from '../../src/reports/compute-facts.js';
import { computeBranchReports } from '../../src/reports/compute.js';
import { gradeOf } from '../../src/reports/compute-score.js';
import type { BranchRaw } from '../../src/reports/compute-facts.js';
import type { HistoryPoint } from '../../src/reports/types.js';
import { shippedConfig } from '../helpers/config.js';
import { branch, fullOctober, meeting, raw } from './literal.js';

const OCT = parsePeriod('2026-10')!;
const NOW = parseTimestamp('2026-11-02T09:00')!;

function reports(raws: BranchRaw[], config = shippedConfig(), history = new Map<string, HistoryPoint[]>()) {
  const facts = raws.map((r) => branchFacts(r, OCT, config, NOW));
  return new Map(computeBranchReports(facts, history, OCT, config, NOW).map((r) => [r.org, r]));
}

describe('scoring a month on literal data', () => {
  it('gives a branch that met every obligation on time full record scores, 优秀 and five stars', () => {
    const r = reports([raw(branch('A'), fullOctober('A'))]).get('A')!;
    expect(r.stats.required).toBe(2);
    expect(r.stats.met).toBe(2);
    expect(r.score).toBe(100);
    expect(r.grade).toBe('优秀');
    expect(r.stars).toBe(5);
    expect(r.problems).toEqual([]);
  });

  it('scores a branch with no records low, lists each missed obligation with its rule id and suggestion', () => {
    const r = reports([raw(branch('A'), fullOctober('A')), raw(branch('Z'), [])]).get('Z')!;
    expect(r.stats.met).toBe(0);
    expect(r.categories.find((c) => c.id === 'org_life')!.score).toBe(0);
    expect(r.problems.map((p) => p.rule)).toEqual(['committee-monthly', 'theme-day-monthly']);
    expect(r.problems[0]!.evidence).toEqual(['该期间无此类会议记录']);
    expect(r.problems[0]!.suggestion).toContain('支部委员会应每月至少召开一次');
    expect(r.rank).toBe(2);
    expect(r.score! < 60).toBe(true);
    expect(r.stars).toBe(1);
  });

  it('does not rate a branch founded after the period began, and leaves it out of the ranking', () => {
    const all = reports([raw(branch('A'), fullOctober('A')), raw(branch('NEW', { establishedOn: '2026-10-15' }), [])]);
    const r = all.get('NEW')!;
    expect(r.score).toBeNull();
    expect(r.grade).toBeNull();
    expect(r.stars).toBeNull();
    expect(r.rank).toBeNull();
    expect(all.get('A')!.rankOf).toBe(1);
    expect(r.notes.join()).toContain('不评定');
  });

  it('gives tied branches the same rank and skips the next one (1, 1, 3)', () => {
    const all = reports([
      raw(branch('A'), fullOctober('A')),
      raw(branch('B'), fullOctober('B')),
      raw(branch('C'), [meeting('C-c', 'committee', '2026-10-05T10:00')]),
    ]);
    expect([all.get('A')!.rank, all.get('B')!.rank, all.get('C')!.rank]).toEqual([1, 1, 3]);
    expect(all.get('C')!.rankOf).toBe(3);
  });

  it('ranks within the same domain city-wide and within the parent committee separately', () => {
    const all = reports([
      raw(branch('A', { parent: 'T1' }), fullOctober('A')),
      raw(branch('B', { parent: 'T2' }), [meeting('B-c', 'committee', '2026-10-05T10:00')]),
      raw(branch('S', { parent: 'T2', domain: 'school' }), []),
    ]);
    expect(all.get('B')!.rank).toBe(2);
    expect(all.get('B')!.rankOf).toBe(2);
    expect(all.get('B')!.committeeRank).toBe(1);
    expect(all.get('S')!.rank).toBe(1);
    expect(all.get('S')!.rankOf).toBe(1);
    expect(all.get('S')!.committeeRank).toBe(2);
  });

  it('caps a vetoed branch at four stars and 良好 without changing its score', () => {
    const r = reports([raw(branch('V'), fullOctober('V'), { vetoes: [{ org: 'V', period: '2026', item: '发生违纪违法案件' }] })]).get('V')!;
    expect(r.score).toBe(100);
    expect(r.vetoed).toBe(true);
    expect(r.stars).toBe(4);
    expect(r.starsBeforeVeto).toBe(5);
    expect(r.grade).toBe('良好');
    expect(r.problems.map((p) => p.rule)).toEqual(['veto']);
    expect(r.notes.join()).toContain('一票否决');
  });

  it('ignores a veto of another period', () => {
    const r = reports([raw(branch('V'), fullOctober('V'), { vetoes: [{ org: 'V', period: '2026-09', item: 'x' }] })]).get('V')!;
    expect(r.vetoed).toBe(false);
    expect(r.stars).toBe(5);
  });

  it('maps imported indicators to their categories and reweights indicators that were not imported', () => {
    const assessments = [
      { org: 'A', indicator: '组织生活成效', period: '2026', score: 50 },
      { org: 'A', indicator: '自定义指标', period: '2026-10', score: 99 },
    ];
    const r = reports([raw(branch('A'), fullOctober('A'), { assessments })]).get('A')!;
    const orgLife = r.categories.find((c) => c.id === 'org_life')!;
    // Records: obligations 30, quorum n/a, timeliness 20 → 100; imported 40 → 50: (50·100 + 40·50) / 90.
    expect(orgLife.score).toBe(77.8);
    expect(orgLife.indicators.find((i) => i.id === '组织生活成效')!.score).toBe(50);
    expect(r.notes.join()).toContain('自定义指标');
    expect(r.categories.find((c) => c.id === 'support')!.score).toBe(100);
  });

  it('counts missing imported indicators as zero when missing_data is zero', () => {
    const config = shippedConfig();
    config.reports.missing_data = 'zero';
    const r = reports([raw(branch('A'), fullOctober('A'))], config).get('A')!;
    // support: minutes 60 × 100 + 基础保障成效 40 × 0 → 60
    expect(r.categories.find((c) => c.id === 'support')!.score).toBe(60);
    expect(r.score! < 90).toBe(true);
  });

  it('applies per-domain category weights', () => {
    const config = shippedConfig();
    config.reports.domains = { school: { weights: { mechanism: 0, leadership: 0, members: 0, support: 0 } } };
    const meetings = [meeting('S-c', 'committee', '2026-10-05T10:00', { minutes: false })];
    const all = reports([raw(branch('R'), meetings), raw(branch('S', { domain: 'school' }), meetings)], config);
    // Only the organizational-life category counts for the school branch.
    const s = all.get('S')!;
    expect(s.score).toBe(s.categories.find((c) => c.id === 'org_life')!.score);
    expect(all.get('R')!.score).not.toBe(s.score);
  });

  it('reports how late in the month obligations were met', () => {
    const late = [meeting('L-c', 'committee', '2026-10-30T10:00'), meeting('L-t', 'theme_day', '2026-10-05T10:00')];
    const r = reports([raw(branch('L'), late)]).get('L')!;
    expect(r.stats.timeliness).toMatchObject({ met: 2, onTime: 1 });
    expect(r.categories.find((c) => c.id === 'org_life')!.indicators.find((i) => i.id === 'timeliness')!.score).toBe(50);
  });

  it('counts attendance, minutes and quorum from the records', () => {
    const ms = [
      meeting('Q-c', 'committee', '2026-10-05T10:00', { expected: 5, attended: 4, minutes: false }),
      meeting('Q-t', 'theme_day', '2026-10-06T10:00', { expected: 20, attended: 16, minutes: null }),
      meeting('Q-a', 'assembly', '2026-10-07T10:00', { expected: 20, attended: 10 }),
    ];
    const r = reports([raw(branch('Q'), ms)]).get('Q')!;
    expect(r.stats.attendance).toEqual({ expected: 45, attended: 30, rate: 0.6667 });
    expect(r.stats.minutes).toEqual({ yes: 1, no: 1, unknown: 1, completeness: 0.5 });
    expect(r.stats.assemblies).toEqual({ held: 1, quorate: 0 });
    const rules = r.problems.map((p) => p.rule);
    expect(rules).toContain('minutes-missing');
    const minutes = r.problems.find((p) => p.rule === 'minutes-missing')!;
    expect(minutes.evidence[0]).toContain('记录 Q-c');
  });

  it('shows the change since the previous period and the trend', () => {
    const history = new Map<string, HistoryPoint[]>([
      ['A', [{ period: '2026-09', score: 80, stars: 4, rank: 2, committeeRank: 2 }, { period: '2026-07', score: 70, stars: 3, rank: 3, committeeRank: 3 }]],
    ]);
    const r = reports([raw(branch('A'), fullOctober('A')), raw(branch('B'), [])], shippedConfig(), history).get('A')!;
    expect(r.previous?.period).toBe('2026-09');
    expect(r.change).toEqual({ score: 20, rank: 1, committeeRank: 1, stars: 1 });
    expect(r.trend.map((t) => t.score)).toEqual([null, null, 70, null, 80, 100]);
  });

  it('uses the configured bands at their boundaries', () => {
    const c = shippedConfig();
    expect(gradeOf(90, false, c)).toMatchObject({ grade: '优秀', stars: 5 });
    expect(gradeOf(89.9, false, c)).toMatchObject({ grade: '良好', stars: 4 });
    expect(gradeOf(60, false, c)).toMatchObject({ grade: '较差', stars: 2 });
    expect(gradeOf(59.9, false, c)).toMatchObject({ grade: '差', stars: 1 });
    expect(gradeOf(75, true, c)).toMatchObject({ grade: '一般', stars: 3 });
  });

  it('lists an overdue rectification item as a problem and lowers the rectification score', () => {
    const items = [
      { id: 1, org: 'A', rule: 'committee-monthly', problemPeriod: '2026-08', reportPeriod: '2026-08', title: '每月召开支委会', dueAt: parseTimestamp('2026-10-03')!, status: 'open' as const, closedAt: null },
    ];
    const r = reports([raw(branch('A'), fullOctober('A'), { items })]).get('A')!;
    expect(r.stats.rectifications).toMatchObject({ due: 1, overdue: 1 });
    expect(r.problems[0]!.rule).toBe('rectification-overdue');
    expect(r.categories.find((c) => c.id === 'mechanism')!.indicators.find((i) => i.id === 'rectification')!.score).toBe(0);
  });

  it('sets the rectification deadline the configured number of days after the report', () => {
    const r = reports([raw(branch('Z'), [])]).get('Z')!;
    expect(r.rectification.deadline).toBe('2026-12-02');
  });
});

describe('a month that ends a quarter', () => {
  it('judges the quarter in its report with the meetings of the whole quarter', () => {
    const config = shippedConfig();
    const sep = parsePeriod('2026-09')!;
    const ms = [
      meeting('A-a', 'assembly', '2026-07-10T09:00', { expected: 20, attended: 15 }),
      meeting('A-l', 'lecture', '2026-08-10T09:00'),
      meeting('A-c', 'committee', '2026-09-05T09:00'),
      meeting('A-t', 'theme_day', '2026-09-05T14:00'),
    ];
    const f = branchFacts(raw(branch('A'), ms), sep, config, parseTimestamp('2026-10-02T09:00')!);
    expect(f.stats.obligations.map((o) => `${o.rule} ${o.period} ${o.met}`)).toEqual([
      'committee-monthly 2026-09 true',
      'theme-day-monthly 2026-09 true',
      'assembly-quarterly 2026-Q3 true',
      'lecture-quarterly 2026-Q3 true',
    ]);
    expect(f.findings).toEqual([]);
    // The month's own figures count only September's meetings.
    expect(f.stats.meetings).toBe(2);
  });
});
