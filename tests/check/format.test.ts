import { describe, expect, it } from 'vitest';
import { displayWidth, findingJsonLines, findingLine, renderCheckText, summaryLine } from '../../src/evaluation/format.js';
import type { Finding } from '../../src/domain/types.js';
import { parseTimestamp } from '../../src/domain/calendar.js';

const quorum: Finding = {
  org: 'B"1',
  rule: 'assembly-quorum',
  level: 'warning',
  period: '2026-Q4',
  dueAt: parseTimestamp('2027-01-01')!,
  message: '有1次支部党员大会到会人数未过半\n（"引号"）',
  meetingIds: ['M\\1'],
};
const term: Finding = { org: 'B"1', rule: 'term-expiry', level: 'reminder', period: '2027-03-01', dueAt: parseTimestamp('2027-03-02')!, message: '任期将届满' };

describe('check output', () => {
  it('writes JSON lines byte for byte as JSON.stringify of the line objects, escapes included', () => {
    const branch = { name: '东街"第一"党支部', parent: null };
    const expected = [quorum, term].map((f) => JSON.stringify(findingLine(f, branch, null)) + '\n').join('');
    expect(findingJsonLines([quorum, term], branch, null)).toBe(expected);
    expect(JSON.parse(expected.split('\n')[0]!)).toMatchObject({ due: '2026-12-31', levelName: '预警', meetingIds: ['M\\1'] });
  });

  it('counts Chinese characters as two columns', () => {
    expect(displayWidth('督办')).toBe(4);
    expect(displayWidth('2026-Q4')).toBe(7);
    expect(displayWidth('截止 2026-12-31')).toBe(15);
  });

  it('says when nothing is wrong', () => {
    expect(summaryLine(0, 12, { reminder: 0, warning: 0, escalation: 0 })).toBe('共检查 12 个支部，均未发现问题。');
    const text = renderCheckText([], 12, parseTimestamp('2026-11-28T08:30')!);
    expect(text).toBe('组织生活检查结果（截至 2026-11-28 08:30，北京时间）\n\n共检查 12 个支部，均未发现问题。\n');
  });

  it('lists the most severe findings of a branch first and lines up the columns', () => {
    const text = renderCheckText(
      [{ code: 'B1', name: '第一支部', committee: 'C1', committeeName: '第一党委', findings: [term, { ...quorum, org: 'B1', level: 'escalation' }] }],
      3,
      parseTimestamp('2026-11-28T08:30')!,
    );
    const rows = text.split('\n').filter((l) => l.startsWith('    '));
    expect(rows[0]).toMatch(/^ {4}督办 {6}党员大会到会人数过半 {4}2026-Q4 {5}截止 2026-12-31 {2}/);
    expect(rows[1]).toMatch(/^ {4}提醒 {6}支部委员会按期换届 {6}2027-03-01 {2}截止 2027-03-01 {2}任期将届满$/);
    expect(text).toContain('共 1 个支部存在问题：提醒 1 条，预警 0 条，督办 1 条（共检查 3 个支部）');
  });
});
