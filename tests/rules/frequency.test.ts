import { describe, expect, it } from 'vitest';
import { at, branch, config, findingsOf, meeting, rules, summary } from './build.js';
import { evaluateBranch } from '../../src/rules/index.js';

const MS = 1;
const DAY = 86_400_000;

describe('committee-monthly', () => {
  it('is met by one committee meeting in the month', () => {
    const ms = [meeting('committee', '2026-10-12T10:00')];
    expect(findingsOf('committee-monthly', branch(), ms, '2026-11-20T10:00')).toEqual([]);
  });

  it('reports an unmet month as a warning after the grace time, with the overdue days', () => {
    const [f, ...rest] = findingsOf('committee-monthly', branch(), [meeting('committee', '2026-11-02T10:00')], '2026-11-05T00:00');
    expect(rest).toEqual([]);
    expect(f).toEqual({
      org: 'B001',
      rule: 'committee-monthly',
      level: 'warning',
      period: '2026-10',
      dueAt: at('2026-11-01T00:00'),
      escalationDays: 7,
      message: '2026年10月未召开支部委员会会议（每月至少1次），已逾期4天',
    });
  });

  it('reminds from reminder_days before the end of the current month, not a millisecond earlier', () => {
    const ms = [meeting('committee', '2026-09-10T10:00')];
    expect(findingsOf('committee-monthly', branch(), ms, '2026-10-24T23:59:59.999')).toEqual([]);
    const [f] = findingsOf('committee-monthly', branch(), ms, '2026-10-25T00:00');
    expect(f).toMatchObject({ level: 'reminder', period: '2026-10' });
    expect(f!.message).toBe('本月支部委员会会议尚未召开（每月至少1次），距截止还有7天');
  });

  it('stays a reminder that asks to enter late records until the last millisecond of the grace time', () => {
    const ms = [meeting('committee', '2026-09-10T10:00')];
    const end = at('2026-11-01T00:00');
    const inGrace = findingsOf('committee-monthly', branch(), ms, new Date(end + 3 * DAY - MS).toISOString());
    expect(summary(inGrace)).toEqual(['committee-monthly reminder 2026-10']);
    expect(inGrace[0]!.message).toBe('2026年10月未召开支部委员会会议（每月至少1次），已逾期3天；如已召开，请尽快补录');
    const after = findingsOf('committee-monthly', branch(), ms, new Date(end + 3 * DAY).toISOString());
    expect(summary(after)).toEqual(['committee-monthly warning 2026-10']);
  });

  it('never escalates by the calendar: however old, an unmet period is a warning (escalation is the alert lifecycle\'s, from what was delivered)', () => {
    const ms = [meeting('committee', '2026-09-10T10:00')];
    const long = at('2026-11-01T00:00') + 300 * DAY;
    const also = [{ rule: 'committee-monthly' as const, period: '2026-10' }];
    const [f] = findingsOf('committee-monthly', branch(), ms, new Date(long).toISOString(), rules(), also).filter((x) => x.period === '2026-10');
    expect(f).toMatchObject({ level: 'warning', period: '2026-10', escalationDays: 7 });
    expect(f!.message).not.toMatch(/督办/);
  });

  it('keeps the latest definite lapse in view while the newest month is still in its grace time', () => {
    const found = findingsOf('committee-monthly', branch(), [], '2026-11-02T10:00');
    expect(summary(found)).toEqual(['committee-monthly reminder 2026-10', 'committee-monthly warning 2026-09']);
  });

  it('ignores meetings recorded with a date after the evaluation time', () => {
    const ms = [meeting('committee', '2026-09-10T10:00'), meeting('committee', '2026-10-30T10:00')];
    expect(summary(findingsOf('committee-monthly', branch(), ms, '2026-10-28T10:00'))).toEqual([
      'committee-monthly reminder 2026-10',
    ]);
  });
});

describe('period boundaries in Asia/Shanghai', () => {
  it('counts a lecture at 07:30 on 1 October Shanghai time in Q4, although it is 30 September in UTC', () => {
    const ms = [meeting('lecture', '2026-10-01T07:30+08:00')];
    expect(summary(findingsOf('lecture-quarterly', branch(), ms, '2026-12-20T10:00'))).toEqual([
      'lecture-quarterly warning 2026-Q3',
    ]);
    expect(summary(findingsOf('lecture-quarterly', branch(), ms, '2026-10-08T10:00'))).toEqual(['lecture-quarterly warning 2026-Q3']);
  });

  it('reads 2026-09-30T23:30:00Z as 1 October in Shanghai', () => {
    const ms = [meeting('committee', '2026-09-30T23:30:00Z')];
    expect(summary(findingsOf('committee-monthly', branch(), ms, '2026-10-08T10:00'))).toEqual([
      'committee-monthly warning 2026-09',
    ]);
    expect(findingsOf('committee-monthly', branch(), ms, '2026-10-26T10:00').map((f) => f.period)).toEqual(['2026-09']);
  });

  it('reads a timestamp without offset as Shanghai time: 23:59 on 30 September is still September', () => {
    const ms = [meeting('committee', '2026-09-30T23:59')];
    expect(findingsOf('committee-monthly', branch(), ms, '2026-10-20T10:00')).toEqual([]);
  });

  it('counts a meeting on 29 February 2024 for February', () => {
    const ms = [meeting('committee', '2024-02-29T15:00'), meeting('committee', '2024-03-02T15:00')];
    expect(findingsOf('committee-monthly', branch(), ms, '2024-03-10T10:00')).toEqual([]);
  });

  it('opens the reminder window of a leap February on the 23rd, of a common February on the 22nd', () => {
    expect(findingsOf('committee-monthly', branch(), [meeting('committee', '2024-01-10')], '2024-02-22T23:59:59.999')).toEqual([]);
    const leap = findingsOf('committee-monthly', branch(), [meeting('committee', '2024-01-10')], '2024-02-23T00:00');
    expect(leap[0]!.message).toContain('距截止还有7天');
    expect(leap[0]!.dueAt).toBe(at('2024-03-01T00:00'));
    expect(findingsOf('committee-monthly', branch(), [meeting('committee', '2025-01-10')], '2025-02-21T23:59')).toEqual([]);
    expect(summary(findingsOf('committee-monthly', branch(), [meeting('committee', '2025-01-10')], '2025-02-22T00:00'))).toEqual([
      'committee-monthly reminder 2025-02',
    ]);
  });
});

describe('branches founded mid-period', () => {
  it('does not require the month, quarter or year in which a branch was founded after it began', () => {
    const b = branch({ establishedOn: '2026-10-15' });
    expect(findingsOf('committee-monthly', b, [], '2026-11-10T10:00')).toEqual([]);
    expect(findingsOf('lecture-quarterly', b, [], '2026-12-25T10:00')).toEqual([]);
    expect(findingsOf('life-meeting-yearly', b, [], '2026-12-25T10:00')).toEqual([]);
    expect(summary(findingsOf('committee-monthly', b, [], '2026-12-10T10:00'))).toEqual(['committee-monthly warning 2026-11']);
  });

  it('requires the month of a branch founded on its first day', () => {
    const b = branch({ establishedOn: '2026-10-01' });
    expect(summary(findingsOf('committee-monthly', b, [], '2026-11-10T10:00'))).toEqual(['committee-monthly warning 2026-10']);
  });
});

describe('group-monthly', () => {
  it('does not apply to a branch without party groups', () => {
    expect(findingsOf('group-monthly', branch({ groups: 0 }), [], '2026-11-10T10:00')).toEqual([]);
  });

  it('requires one meeting per party group and says how many are missing', () => {
    const b = branch({ groups: 3 });
    const two = [meeting('group', '2026-10-05'), meeting('group', '2026-10-06')];
    const [f] = findingsOf('group-monthly', b, two, '2026-11-10T10:00');
    expect(f!.message).toBe('2026年10月党小组会仅召开2次，尚差1次（3个党小组每月各至少1次），已逾期10天');
    expect(findingsOf('group-monthly', b, [...two, meeting('group', '2026-10-07')], '2026-11-10T10:00')).toEqual([]);
  });

  it('multiplies min_count by the number of groups', () => {
    const r = rules('organ', config({ rules: { 'group-monthly': { min_count: 2 } } }));
    const three = ['2026-10-05', '2026-10-06', '2026-10-07'].map((d) => meeting('group', d));
    const [f] = findingsOf('group-monthly', branch({ groups: 2 }), three, '2026-11-10T10:00', r);
    expect(f!.message).toContain('仅召开3次，尚差1次（2个党小组每月各至少2次）');
    expect(findingsOf('group-monthly', branch({ groups: 2 }), [...three, meeting('group', '2026-10-08')], '2026-11-10T10:00', r)).toEqual([]);
  });
});

describe('assembly-quarterly', () => {
  it('does not count an assembly where exactly half attended (5 of 10)', () => {
    const ms = [meeting('assembly', '2026-08-10', { expected: 10, attended: 5 })];
    const [f] = findingsOf('assembly-quarterly', branch(), ms, '2026-10-08T10:00');
    expect(f).toMatchObject({ level: 'warning', period: '2026-Q3' });
    expect(f!.message).toBe('2026年第三季度未召开支部党员大会（每季度至少1次且到会人数过半；另有1次到会人数未过半，不计入），已逾期8天');
  });

  it('counts an assembly where more than half attended (6 of 10)', () => {
    const ms = [meeting('assembly', '2026-08-10', { expected: 10, attended: 6 })];
    expect(findingsOf('assembly-quarterly', branch(), ms, '2026-10-20T10:00')).toEqual([]);
  });
});

describe('lectures', () => {
  it('counts any lecture for lecture-quarterly but only the secretary’s for secretary-lecture-yearly', () => {
    const ms = [meeting('lecture', '2025-05-10', { lecturerRole: 'secretary' }), meeting('lecture', '2026-05-10', { lecturerRole: 'other' })];
    expect(findingsOf('lecture-quarterly', branch(), ms, '2026-07-10T10:00')).toEqual([]);
    const [f] = findingsOf('secretary-lecture-yearly', branch(), ms, '2026-12-20T10:00');
    expect(f).toMatchObject({ level: 'reminder', period: '2026' });
    expect(f!.message).toBe('本年度书记讲党课尚未开展（每年至少1次由支部书记讲授），距截止还有12天');
    const bySecretary = [ms[0]!, meeting('lecture', '2026-05-10', { lecturerRole: 'secretary' })];
    expect(findingsOf('secretary-lecture-yearly', branch(), bySecretary, '2026-12-20T10:00')).toEqual([]);
  });

  it('follows a configured frequency: twice a year instead of quarterly', () => {
    const r = rules('organ', config({ rules: { 'lecture-quarterly': { period: 'year', min_count: 2 } } }));
    const one = [meeting('lecture', '2026-03-10')];
    const [f, ...rest] = findingsOf('lecture-quarterly', branch(), one, '2027-01-10T10:00', r);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ level: 'warning', period: '2026', dueAt: at('2027-01-01T00:00') });
    expect(f!.message).toBe('2026年度党课仅召开1次，尚差1次（每年至少2次），已逾期10天');
    expect(findingsOf('lecture-quarterly', branch(), [...one, meeting('lecture', '2026-09-10')], '2027-01-10T10:00', r)).toEqual([]);
  });
});

describe('the other recurring obligations', () => {
  it('theme-day-monthly, life-meeting-yearly and review-yearly are each met by one meeting of their type', () => {
    const now = '2027-01-10T10:00';
    expect(summary(findingsOf('theme-day-monthly', branch(), [], now))).toEqual(['theme-day-monthly warning 2026-12']);
    expect(findingsOf('theme-day-monthly', branch(), [meeting('theme_day', '2026-12-01')], now)).toEqual([]);
    expect(summary(findingsOf('life-meeting-yearly', branch(), [], now))).toEqual(['life-meeting-yearly warning 2026']);
    expect(findingsOf('life-meeting-yearly', branch(), [meeting('life_meeting', '2026-01-20')], now)).toEqual([]);
    expect(summary(findingsOf('review-yearly', branch(), [], now))).toEqual(['review-yearly warning 2026']);
    expect(findingsOf('review-yearly', branch(), [meeting('review', '2026-12-31T23:00')], now)).toEqual([]);
  });

  it('a meeting of another type does not count', () => {
    expect(summary(findingsOf('review-yearly', branch(), [meeting('life_meeting', '2026-06-01')], '2027-01-10T10:00'))).toEqual([
      'review-yearly warning 2026',
    ]);
  });
});

describe('configuration', () => {
  it('a rule disabled for one domain is still checked for the others', () => {
    const cfg = config({ domains: { school: { rules: { 'theme-day-monthly': { enabled: false } } } } });
    expect(findingsOf('theme-day-monthly', branch(), [], '2026-11-10T10:00', rules('school', cfg))).toEqual([]);
    expect(summary(findingsOf('theme-day-monthly', branch(), [], '2026-11-10T10:00', rules('organ', cfg)))).toEqual([
      'theme-day-monthly warning 2026-10',
    ]);
  });

  it('a rule disabled everywhere finds nothing', () => {
    const r = rules('organ', config({ rules: { 'committee-monthly': { enabled: false } } }));
    expect(findingsOf('committee-monthly', branch(), [], '2026-11-10T10:00', r)).toEqual([]);
  });

  it('grace_days 0 makes a lapse a warning from the first millisecond after the period', () => {
    const r = rules('organ', config({ rules: { 'committee-monthly': { grace_days: 0 } } }));
    expect(summary(findingsOf('committee-monthly', branch(), [], '2026-11-01T00:00', r))).toEqual([
      'committee-monthly warning 2026-10',
    ]);
  });
});

describe('late records and older periods', () => {
  it('a lapse resolves once the late meeting record arrives', () => {
    const before = findingsOf('committee-monthly', branch(), [], '2026-11-06T10:00');
    expect(summary(before)).toEqual(['committee-monthly warning 2026-10']);
    const late = [meeting('committee', '2026-10-31T16:00')];
    expect(findingsOf('committee-monthly', branch(), late, '2026-11-06T10:00')).toEqual([]);
  });

  it('re-evaluates an explicitly requested older period and drops it once met', () => {
    const also = [{ rule: 'committee-monthly' as const, period: '2026-07' }];
    const now = '2026-11-06T10:00';
    expect(summary(findingsOf('committee-monthly', branch(), [], now, rules(), also))).toEqual([
      'committee-monthly warning 2026-10',
      'committee-monthly warning 2026-07',
    ]);
    const july = [meeting('committee', '2026-07-20')];
    expect(summary(findingsOf('committee-monthly', branch(), july, now, rules(), also))).toEqual(['committee-monthly warning 2026-10']);
  });

  it('ignores requests for periods already in the window, unparsable labels and disabled rules', () => {
    const r = rules('organ', config({ rules: { 'review-yearly': { enabled: false } } }));
    const found = evaluateBranch(branch(), [], r, at('2026-11-06T10:00'), [
      { rule: 'committee-monthly', period: '2026-10' },
      { rule: 'committee-monthly', period: 'October' },
      { rule: 'review-yearly', period: '2024' },
      { rule: 'term-expiry', period: '2026-06-15' },
    ]);
    expect(found.filter((f) => f.rule === 'committee-monthly').map((f) => f.period)).toEqual(['2026-10']);
    expect(found.filter((f) => f.rule === 'review-yearly' || f.rule === 'term-expiry')).toEqual([]);
  });
});
