import { describe, expect, it } from 'vitest';
import { at, branch, config, findingsOf, rules, summary } from './build.js';
import { addYearsToDate, dueDate } from '../../src/rules/index.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

describe('term-expiry', () => {
  const organ = branch({ electedOn: '2023-06-15' });
  // Last day of a 3-year term elected on 2023-06-15 is 2026-06-15; it is over at 16 June 00:00.
  const over = at('2026-06-16T00:00');

  it('reminds from 180 days before the end of the term, not a millisecond earlier', () => {
    expect(findingsOf('term-expiry', organ, [], iso(over - 180 * DAY - 1))).toEqual([]);
    const [f] = findingsOf('term-expiry', organ, [], iso(over - 180 * DAY));
    expect(f).toEqual({
      org: 'B001',
      rule: 'term-expiry',
      level: 'reminder',
      period: '2026-06-15',
      dueAt: over,
      escalationDays: 30,
      message: '支部委员会任期将于2026-06-15届满（2023-06-15选举产生，任期3年），距届满还有180天，请提前做好换届准备',
    });
    expect(dueDate(f!)).toBe('2026-06-15');
  });

  it('is still a reminder on the last day of the term and a warning once it is over', () => {
    expect(summary(findingsOf('term-expiry', organ, [], iso(over - 1)))).toEqual(['term-expiry reminder 2026-06-15']);
    const [f] = findingsOf('term-expiry', organ, [], iso(over));
    expect(f!.level).toBe('warning');
    expect(f!.message).toBe('支部委员会任期已于2026-06-15届满（2023-06-15选举产生，任期3年），已超期1天未换届，请尽快组织换届选举');
  });

  it('stays a warning however long the term is over (the alert lifecycle escalates what was delivered)', () => {
    expect(findingsOf('term-expiry', organ, [], iso(over + 300 * DAY))[0]).toMatchObject({ level: 'warning', escalationDays: 30 });
  });

  it('gives rural and community branches without term_years a 5-year term, others 3 years', () => {
    const cfg = config({
      domains: {
        rural: { rules: { 'term-expiry': { default_term_years: 5 } } },
        community: { rules: { 'term-expiry': { default_term_years: 5 } } },
      },
    });
    const b = branch({ electedOn: '2022-03-01' });
    expect(findingsOf('term-expiry', b, [], '2026-12-01T10:00', rules('rural', cfg))[0]!.period).toBe('2027-03-01');
    expect(findingsOf('term-expiry', b, [], '2026-12-01T10:00', rules('community', cfg))[0]!.period).toBe('2027-03-01');
    expect(findingsOf('term-expiry', b, [], '2026-12-01T10:00', rules('school', cfg))[0]!.period).toBe('2025-03-01');
    expect(findingsOf('term-expiry', { ...b, termYears: 5 }, [], '2026-12-01T10:00', rules('school', cfg))[0]!.period).toBe('2027-03-01');
  });

  it('the shipped defaults already give rural branches 5 years', () => {
    const b = branch({ electedOn: '2022-03-01' });
    expect(findingsOf('term-expiry', b, [], '2026-12-01T10:00', rules('rural'))[0]!.period).toBe('2027-03-01');
  });

  it('is skipped for a branch without elected_on', () => {
    expect(findingsOf('term-expiry', branch({ electedOn: null }), [], '2040-01-01T10:00')).toEqual([]);
  });

  it('ends a term elected on 29 February on 28 February of a common year', () => {
    expect(addYearsToDate('2024-02-29', 3)).toBe('2027-02-28');
    expect(addYearsToDate('2024-02-29', 4)).toBe('2028-02-29');
    const [f] = findingsOf('term-expiry', branch({ electedOn: '2024-02-29' }), [], '2027-03-01T00:00');
    expect(f).toMatchObject({ level: 'warning', period: '2027-02-28' });
  });
});
