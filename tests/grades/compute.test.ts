/** Colour grades, pure: streaks of months with a warning standing, go-live, consequences. */
import { describe, expect, it } from 'vitest';
import { parsePeriod, shanghaiMidnight, type Period } from '../../src/domain/calendar.js';
import { gradesSchema } from '../../src/grades/config.js';
import { byCommittee, gradeBranches, lookbackMonths, monthsBack, type GradesInput } from '../../src/grades/compute.js';
import type { WarningSpan } from '../../src/store/types/alerts.js';

const config = gradesSchema.parse({});
const month = (label: string): Period => parsePeriod(label)!;
const at = (y: number, m: number, d: number) => shanghaiMidnight(y, m, d) + 10 * 3600_000;
const span = (from: number, to: number | null = null): WarningSpan => ({ rule: 'committee-monthly', period: '2026-01', from, to });

function input(spans: Record<string, WarningSpan[]>, over: Partial<GradesInput> = {}): GradesInput {
  return {
    branches: Object.keys(spans).map((code) => ({ code, name: `支部${code}`, parent: code.startsWith('A') ? 'C1' : 'C2' })),
    spans: new Map(Object.entries(spans)),
    month: month('2026-11'),
    config,
    goLive: null,
    now: at(2026, 12, 5),
    ...over,
  };
}

describe('colour grades', () => {
  it('defaults: yellow after 1 month with a warning, red after 3; consequences at 2 and 3 red months', () => {
    expect(config).toMatchObject({ yellow_months: 1, red_months: 3 });
    expect(config.consequences.map((c) => c.red_months)).toEqual([2, 3]);
    expect(lookbackMonths(config)).toBe(5);
    expect(monthsBack(month('2026-02'), config).map((p) => p.label)).toEqual(['2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('grades from consecutive months with a warning standing; a resolved warning ends its months', () => {
    const g = gradeBranches(
      input({
        A1: [], // never warned
        A2: [span(at(2026, 11, 3))], // warned this month
        A3: [span(at(2026, 9, 10))], // standing since September: 3 months
        A4: [span(at(2026, 7, 2))], // standing since July: 5 months → red 3 months
        A5: [span(at(2026, 8, 2), at(2026, 9, 15)), span(at(2026, 11, 1))], // gap in October breaks the streak
        B1: [span(at(2026, 6, 1), shanghaiMidnight(2026, 11, 1))], // resolved exactly at the month's start: not standing in November
      }),
    );
    const by = new Map(g.map((b) => [b.code, b]));
    expect(by.get('A1')).toMatchObject({ colour: 'green', warningMonths: 0, standing: 0, consequence: null });
    expect(by.get('A2')).toMatchObject({ colour: 'yellow', warningMonths: 1, standing: 1, redMonths: 0 });
    expect(by.get('A3')).toMatchObject({ colour: 'red', warningMonths: 3, redMonths: 1, consequence: null });
    expect(by.get('A4')).toMatchObject({ colour: 'red', warningMonths: 5, redMonths: 3, consequence: config.consequences[1]!.action });
    expect(by.get('A5')).toMatchObject({ colour: 'yellow', warningMonths: 1 });
    expect(by.get('B1')).toMatchObject({ colour: 'green', warningMonths: 0 });
    // Red first, the longest red streak first; green last.
    expect(g.map((b) => b.code)).toEqual(['A4', 'A3', 'A2', 'A5', 'A1', 'B1']);
  });

  it('two red months bring the first consequence', () => {
    const [b] = gradeBranches(input({ A1: [span(at(2026, 8, 20))] }));
    expect(b).toMatchObject({ colour: 'red', warningMonths: 4, redMonths: 2, consequence: config.consequences[0]!.action });
  });

  it('a month still running counts only what happened up to now (a warning at exactly now counts)', () => {
    const now = at(2026, 11, 10);
    const g = gradeBranches(input({ A1: [span(now)], A2: [span(now + 1)] }, { now }));
    expect(g.find((b) => b.code === 'A1')?.colour).toBe('yellow');
    expect(g.find((b) => b.code === 'A2')?.colour).toBe('green');
  });

  it('months that ended before go-live are not graded: they break a streak', () => {
    const spans = { A1: [span(at(2026, 6, 1))] };
    expect(gradeBranches(input(spans))[0]).toMatchObject({ colour: 'red', warningMonths: 5 });
    const goLive = shanghaiMidnight(2026, 10, 15);
    expect(gradeBranches(input(spans, { goLive }))[0]).toMatchObject({ colour: 'yellow', warningMonths: 2, redMonths: 0 });
  });

  it('thresholds and consequences come from config', () => {
    const strict = gradesSchema.parse({ yellow_months: 2, red_months: 2, consequences: [{ red_months: 1, action: '约谈' }] });
    const g = gradeBranches(input({ A1: [span(at(2026, 11, 2))], A2: [span(at(2026, 10, 2))] }, { config: strict }));
    expect(g.find((b) => b.code === 'A1')).toMatchObject({ colour: 'green', warningMonths: 1 });
    expect(g.find((b) => b.code === 'A2')).toMatchObject({ colour: 'red', consequence: '约谈' });
    expect(() => gradesSchema.parse({ yellow_months: 3, red_months: 2 })).toThrow(/red_months/);
  });

  it('groups per committee with counts, flagged branches and consequences', () => {
    const g = gradeBranches(input({ A1: [span(at(2026, 7, 1))], A2: [], B1: [span(at(2026, 11, 2))] }));
    const c = byCommittee(g, (code) => (code === 'C1' ? '一镇党委' : '二镇党委'));
    expect(c.map((x) => [x.code, x.name, x.counts])).toEqual([
      ['C1', '一镇党委', { red: 1, yellow: 0, green: 1 }],
      ['C2', '二镇党委', { red: 0, yellow: 1, green: 0 }],
    ]);
    expect(c[0]!.consequences.map((b) => b.code)).toEqual(['A1']);
    expect(c[1]!.flagged.map((b) => b.code)).toEqual(['B1']);
  });

  it('grades months only', () => {
    expect(() => gradeBranches(input({}, { month: month('2026-Q4') }))).toThrow(/monthly/);
  });
});
