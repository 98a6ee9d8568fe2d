import { describe, expect, it } from 'vitest';
import { at, branch, config, findingsOf, meeting, rules, summary } from './build.js';

const DAY = 86_400_000;

describe('assembly-quorum', () => {
  it('flags an assembly where exactly half attended (5 of 10) as a warning of its own', () => {
    const ms = [meeting('assembly', '2026-10-12T15:00', { id: 'A1', expected: 10, attended: 5 })];
    const [f, ...rest] = findingsOf('assembly-quorum', branch(), ms, '2026-10-20T10:00');
    expect(rest).toEqual([]);
    expect(f).toEqual({
      org: 'B001',
      rule: 'assembly-quorum',
      level: 'warning',
      period: '2026-Q4',
      dueAt: at('2027-01-01T00:00'),
      escalationDays: 7,
      message: '2026年第四季度有1次支部党员大会到会人数未过半（10月12日应到10人、实到5人），会议无效，不计入党员大会次数',
      meetingIds: ['A1'],
    });
  });

  it('does not flag an assembly where 6 of 10 attended', () => {
    const ms = [meeting('assembly', '2026-10-12T15:00', { expected: 10, attended: 6 })];
    expect(findingsOf('assembly-quorum', branch(), ms, '2026-10-20T10:00')).toEqual([]);
  });

  it('lists every assembly without quorum of a quarter in one finding', () => {
    const ms = [
      meeting('assembly', '2026-11-02', { id: 'A2', expected: 30, attended: 10 }),
      meeting('assembly', '2026-10-12', { id: 'A1', expected: 10, attended: 4 }),
      meeting('assembly', '2026-12-01', { id: 'A3', expected: 10, attended: 8 }),
    ];
    const found = findingsOf('assembly-quorum', branch(), ms, '2026-12-20T10:00');
    expect(found.map((f) => f.meetingIds)).toEqual([['A1', 'A2']]);
  });

  it('stays a warning after its quarter (escalation is decided by the alert lifecycle) and carries escalation_days', () => {
    const ms = [meeting('assembly', '2026-08-12', { expected: 10, attended: 5 })];
    const later = at('2026-10-01T00:00') + 70 * DAY;
    const [f] = findingsOf('assembly-quorum', branch(), ms, new Date(later).toISOString());
    expect(f).toMatchObject({ level: 'warning', escalationDays: 7 });
    expect(f!.message).not.toMatch(/督办/);
  });
});

describe('minutes-missing', () => {
  it('flags a meeting recorded without minutes, which still counts as held', () => {
    const ms = [meeting('committee', '2026-10-09T09:00', { id: 'C1', minutes: false })];
    const found = findingsOf('minutes-missing', branch(), ms, '2026-10-20T10:00');
    expect(found).toEqual([
      {
        org: 'B001',
        rule: 'minutes-missing',
        level: 'reminder',
        period: '2026-10',
        dueAt: at('2026-11-01T00:00'),
        escalationDays: 7,
        message: '2026年10月有1次会议无会议记录（10月9日支部委员会会议），请补齐会议记录',
        meetingIds: ['C1'],
      },
    ]);
    expect(findingsOf('committee-monthly', branch(), ms, '2026-11-20T10:00').map((f) => f.period)).not.toContain('2026-10');
  });

  it('does not flag a meeting whose minutes are unknown', () => {
    const ms = [meeting('committee', '2026-10-09', { minutes: null })];
    expect(findingsOf('minutes-missing', branch(), ms, '2026-10-20T10:00')).toEqual([]);
  });

  it('lists three meetings by name and the rest as 等', () => {
    const ms = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'].map((d) => meeting('theme_day', d, { minutes: false }));
    const [f] = findingsOf('minutes-missing', branch(), ms, '2026-10-20T10:00');
    expect(f!.message).toBe('2026年10月有4次会议无会议记录（10月1日主题党日；10月2日主题党日；10月3日主题党日等），请补齐会议记录');
    expect(f!.meetingIds).toHaveLength(4);
  });

  it('a configured reminder never escalates, however old', () => {
    const ms = [meeting('committee', '2026-09-09', { minutes: false })];
    expect(summary(findingsOf('minutes-missing', branch(), ms, '2026-10-30T10:00'))).toEqual(['minutes-missing reminder 2026-09']);
  });

  it('groups by the configured period', () => {
    const r = rules('organ', config({ rules: { 'minutes-missing': { period: 'quarter' } } }));
    const ms = [meeting('committee', '2026-10-09', { minutes: false }), meeting('group', '2026-11-09', { minutes: false })];
    expect(findingsOf('minutes-missing', branch(), ms, '2026-11-20T10:00', r).map((f) => [f.period, f.meetingIds!.length])).toEqual([
      ['2026-Q4', 2],
    ]);
  });
});

describe('attendance-low', () => {
  const ms = [
    meeting('theme_day', '2026-10-09', { id: 'T1', expected: 10, attended: 7 }),
    meeting('theme_day', '2026-10-19', { id: 'T2', expected: 10, attended: 8 }),
    meeting('theme_day', '2026-10-20', { id: 'T3', expected: 0, attended: 0 }),
  ];

  it('is off by default', () => {
    expect(findingsOf('attendance-low', branch(), ms, '2026-10-25T10:00')).toEqual([]);
  });

  it('flags meetings below the threshold, not those exactly at it, nor those with nobody expected', () => {
    const r = rules('organ', config({ rules: { 'attendance-low': { enabled: true, threshold: 0.8, level: 'warning' } } }));
    const found = findingsOf('attendance-low', branch(), ms, '2026-10-25T10:00', r);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'warning', period: '2026-10', meetingIds: ['T1'] });
    expect(found[0]!.message).toBe('2026年10月有1次会议参会率低于80%（10月9日主题党日应到10人、实到7人（70%））');
  });
});
