import { describe, expect, it } from 'vitest';
import { at, branch, config, meeting, rules } from './build.js';
import { evaluateBranch, inLoadWindow, loadWindow, requestsBeyondWindow, windowFor, type MeetingFacts } from '../../src/rules/index.js';
import { DOMAINS, MEETING_TYPES } from '../../src/domain/types.js';
import { shanghaiDate } from '../../src/domain/calendar.js';

const labels = (ps: { label: string }[]) => ps.map((p) => p.label);

describe('windowFor', () => {
  const r = rules();

  it('evaluates the current and the most recent completed period', () => {
    expect(labels(windowFor('committee-monthly', r['committee-monthly'], at('2026-11-15T10:00')))).toEqual(['2026-11', '2026-10']);
    expect(labels(windowFor('assembly-quarterly', r['assembly-quarterly'], at('2026-11-15T10:00')))).toEqual(['2026-Q4', '2026-Q3']);
    expect(labels(windowFor('review-yearly', r['review-yearly'], at('2026-11-15T10:00')))).toEqual(['2026', '2025']);
    expect(labels(windowFor('minutes-missing', r['minutes-missing'], at('2026-11-02T10:00')))).toEqual(['2026-11', '2026-10']);
  });

  it('reaches one period further back while the latest completed one is in its grace time', () => {
    expect(labels(windowFor('committee-monthly', r['committee-monthly'], at('2026-11-03T23:59:59.999')))).toEqual([
      '2026-11',
      '2026-10',
      '2026-09',
    ]);
    expect(labels(windowFor('committee-monthly', r['committee-monthly'], at('2026-11-04T00:00')))).toEqual(['2026-11', '2026-10']);
  });

  it('follows the configured period kind', () => {
    const twiceAYear = rules('organ', config({ rules: { 'lecture-quarterly': { period: 'year', min_count: 2 } } }));
    expect(labels(windowFor('lecture-quarterly', twiceAYear['lecture-quarterly'], at('2026-05-01T10:00')))).toEqual(['2026', '2025']);
  });

  it('has no calendar periods for term-expiry', () => {
    expect(windowFor('term-expiry', r['term-expiry'], at('2026-05-01T10:00'))).toEqual([]);
  });
});

describe('loadWindow', () => {
  it('starts each meeting type at the earliest period any enabled rule needs', () => {
    const window = loadWindow([rules()], at('2026-11-15T10:00'));
    const dates = Object.fromEntries([...window].map(([type, w]) => [type, [shanghaiDate(w.from), shanghaiDate(w.all)]]));
    expect(dates).toEqual({
      committee: ['2026-10-01', '2026-10-01'],
      group: ['2026-10-01', '2026-10-01'],
      theme_day: ['2026-10-01', '2026-10-01'],
      assembly: ['2026-07-01', '2026-07-01'],
      // The secretary's lectures since last year (yearly rule), every lecture since last quarter.
      lecture: ['2025-01-01', '2026-07-01'],
      life_meeting: ['2025-01-01', '2025-01-01'],
      review: ['2025-01-01', '2025-01-01'],
    });
  });

  it('takes the earliest start over the configurations of all domains', () => {
    const cfg = config({ domains: { school: { rules: { 'committee-monthly': { period: 'quarter' } } } } });
    const window = loadWindow([rules('organ', cfg), rules('school', cfg)], at('2026-11-15T10:00'));
    expect(shanghaiDate(window.get('committee')!.all)).toBe('2026-07-01');
  });

  it('leaves out the types no enabled rule reads', () => {
    const off = Object.fromEntries(
      ['committee-monthly', 'group-monthly', 'theme-day-monthly', 'minutes-missing', 'attendance-low', 'lecture-quarterly'].map(
        (id) => [id, { enabled: false }],
      ),
    );
    const window = loadWindow([rules('organ', config({ rules: off }))], at('2026-11-15T10:00'));
    expect([...window.keys()].sort()).toEqual(['assembly', 'lecture', 'life_meeting', 'review']);
    expect(window.get('lecture')!.all).toBe(Infinity);
  });

  it('loads older lectures only when the secretary gave them', () => {
    const window = loadWindow([rules()], at('2026-11-15T10:00'));
    expect(inLoadWindow(window, meeting('lecture', '2025-03-01', { lecturerRole: 'secretary' }))).toBe(true);
    expect(inLoadWindow(window, meeting('lecture', '2025-03-01', { lecturerRole: 'other' }))).toBe(false);
    expect(inLoadWindow(window, meeting('lecture', '2026-08-01', { lecturerRole: 'other' }))).toBe(true);
    expect(inLoadWindow(window, meeting('lecture', '2024-12-31', { lecturerRole: 'secretary' }))).toBe(false);
  });

  it('gives the same findings from the window’s meetings as from the whole history', () => {
    // Three years of irregular meetings of every type, some flawed.
    const all: MeetingFacts[] = [];
    for (let day = 0; day < 3 * 365; day += 9) {
      const t = at('2024-01-01T10:00') + day * 86_400_000;
      const type = MEETING_TYPES[day % MEETING_TYPES.length]!;
      all.push(meeting(type, new Date(t).toISOString(), { attended: day % 4 === 0 ? 4 : 9, minutes: day % 5 === 0 ? false : true, lecturerRole: type === 'lecture' ? (day % 2 ? 'secretary' : 'other') : null }));
    }
    const cfg = config({ rules: { 'attendance-low': { enabled: true } } });
    const b = branch({ groups: 2, electedOn: '2023-01-10' });
    const seen = new Set<string>();
    for (const now of ['2025-01-02T10:00', '2025-04-03T12:00', '2025-11-30T23:00', '2026-03-01T00:00', '2026-07-15T08:00']) {
      for (const domain of DOMAINS) {
        const r = rules(domain, cfg);
        const window = loadWindow([r], at(now));
        const windowed = all.filter((m) => inLoadWindow(window, m) && m.heldAt <= at(now));
        expect(windowed.length).toBeLessThan(all.length);
        const full = evaluateBranch(b, all, r, at(now));
        expect(evaluateBranch(b, windowed, r, at(now))).toEqual(full);
        for (const f of full) seen.add(`${f.rule} ${f.level}`);
      }
    }
    // The data is irregular enough to exercise most rules at every level.
    expect(seen.size).toBeGreaterThanOrEqual(12);
  });
});

describe('requestsBeyondWindow', () => {
  const r = rules();
  const now = at('2026-11-15T10:00');

  it('keeps only requests that add a period to what the rules judge anyway', () => {
    const asked = [
      { rule: 'committee-monthly' as const, period: '2026-11' }, // current month: in the window
      { rule: 'committee-monthly' as const, period: '2026-10' }, // last completed month: in the window
      { rule: 'committee-monthly' as const, period: '2026-05' }, // older: added
      { rule: 'assembly-quarterly' as const, period: '2026-Q3' }, // last quarter: in the window
      { rule: 'review-yearly' as const, period: '2024' }, // older year: added
      { rule: 'committee-monthly' as const, period: '2026-Q2' }, // another kind than the rule has: ignored
      { rule: 'term-expiry' as const, period: '2027-03-01' }, // never a period request
      { rule: 'minutes-missing' as const, period: 'not-a-period' },
    ];
    expect(requestsBeyondWindow(asked, r, now)).toEqual([
      { rule: 'committee-monthly', period: '2026-05' },
      { rule: 'review-yearly', period: '2024' },
    ]);
  });
});
