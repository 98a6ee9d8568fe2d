/** member-absence and probation-due on literal data, at their boundaries. */
import { describe, expect, it } from 'vitest';
import { evaluateBranch, type MemberData, type MemberFacts } from '../../src/rules/index.js';
import { at, branch, config, rules } from '../rules/build.js';

/** Month numbers of 'YYYY-MM' labels. */
function months(...labels: string[]): number[] {
  return labels.map((l) => Number(l.slice(0, 4)) * 12 + Number(l.slice(5, 7)) - 1);
}

function member(over: Partial<MemberFacts> = {}): MemberFacts {
  return { id: 'P001', name: '张三', status: 'full', joinedOn: '2010-07-01', fullOn: '2011-07-01', leftOn: null, months: [], ...over };
}

function run(members: MemberFacts[], now: string, firstTracked: string | null = '2025-01-10T09:00', r = rules()) {
  const data: MemberData = { members, firstTrackedAt: firstTracked === null ? null : at(firstTracked) };
  return evaluateBranch(branch(), [], r, at(now), undefined, { members: data }).filter((f) => f.rule === 'member-absence' || f.rule === 'probation-due');
}

const brief = (fs: ReturnType<typeof run>) => fs.map((f) => `${f.rule} ${f.level} ${f.period} ${f.member}`);

describe('member-absence', () => {
  it('reminds at exactly 3 whole months without taking part, counted only once the grace days are over', () => {
    const m = member({ months: months('2026-03', '2026-05') });
    // May was the last month; June, July, August = 3. August counts from 4 September (grace 3 days).
    expect(run([m], '2026-09-03T23:59')).toEqual([]);
    const f = run([m], '2026-09-04T00:00');
    expect(brief(f)).toEqual(['member-absence reminder 2026-08 P001']);
    expect(f[0]!.message).toContain('张三');
    expect(f[0]!.message).toContain('3个月');
    expect(f[0]!.message).toContain('2026年5月');
  });

  it('warns at exactly 6 months, and stays a warning (escalation is the alert lifecycle\'s)', () => {
    const m = member({ months: months('2026-02') });
    expect(brief(run([m], '2026-09-03T12:00'))).toEqual(['member-absence reminder 2026-07 P001']); // 5 months
    const w = run([m], '2026-09-04T00:00');
    expect(brief(w)).toEqual(['member-absence warning 2026-08 P001']);
    expect(w[0]!.message).toContain('6个月');
    expect(w[0]!.message).toContain('党章第九条');
    expect(brief(run([m], '2026-10-03T23:59'))).toEqual(['member-absence warning 2026-08 P001']);
    expect(brief(run([m], '2026-10-04T00:00'))).toEqual(['member-absence warning 2026-09 P001']);
  });

  it('counts from the joining month for a member who joined mid-window and never took part', () => {
    const m = member({ joinedOn: '2026-06-15', status: 'probationary', fullOn: null });
    // L = May (the month before joining): June, July, August = 3.
    expect(run([m], '2026-09-03T00:00').filter((f) => f.rule === 'member-absence')).toEqual([]);
    const f = run([m], '2026-09-04T00:00').filter((f) => f.rule === 'member-absence');
    expect(brief(f)).toEqual(['member-absence reminder 2026-08 P001']);
    expect(f[0]!.message).toContain('自开始签到以来未参加');
  });

  it('counts from the first tracked meeting when sign-ins started after the member joined', () => {
    const m = member();
    expect(brief(run([m], '2026-09-04T00:00', '2026-04-02T09:00'))).toEqual(['member-absence reminder 2026-08 P001']); // Apr–Aug = 5
    expect(brief(run([m], '2026-09-04T00:00', '2026-07-02T09:00'))).toEqual([]); // Jul–Aug = 2
  });

  it('skips a member who left before the check time, but not one who leaves after it', () => {
    const gone = member({ id: 'P002', leftOn: '2026-08-20', months: months('2026-02') });
    const leaving = member({ id: 'P003', leftOn: '2026-09-10', months: months('2026-02') });
    expect(brief(run([gone, leaving], '2026-09-04T00:00'))).toEqual(['member-absence warning 2026-08 P003']);
  });

  it('a month with any participation (present or excused) stops the count; this month counts too', () => {
    expect(run([member({ months: months('2026-07') })], '2026-09-04T00:00')).toEqual([]);
    expect(run([member({ months: months('2026-09') })], '2026-09-20T00:00')).toEqual([]);
    // Participation after the check time does not hide an absence before it.
    expect(brief(run([member({ months: months('2026-02', '2026-12') })], '2026-09-04T00:00'))).toEqual(['member-absence warning 2026-08 P001']);
  });

  it('judges nothing for a branch without sign-in data, or one whose sign-ins begin later', () => {
    expect(run([member()], '2026-09-04T00:00', null)).toEqual([]);
    expect(run([member()], '2026-09-04T00:00', '2026-10-01T09:00')).toEqual([]);
  });

  it('follows the configured months per domain, and can be switched off', () => {
    const cfg = config({ domains: { rural: { rules: { 'member-absence': { reminder_months: 2, warning_months: 4 } } } } });
    const m = member({ months: months('2026-04') });
    expect(brief(run([m], '2026-09-04T00:00', undefined, rules('rural', cfg)))).toEqual(['member-absence warning 2026-08 P001']);
    expect(brief(run([m], '2026-09-04T00:00', undefined, rules('organ', cfg)))).toEqual(['member-absence reminder 2026-08 P001']);
    const off = config({ rules: { 'member-absence': { enabled: false } } });
    expect(run([m], '2026-09-04T00:00', undefined, rules('organ', off))).toEqual([]);
  });
});

describe('probation-due', () => {
  const p = member({ id: 'Y001', name: '李四', status: 'probationary', joinedOn: '2025-10-15', fullOn: null, months: months('2026-08') });

  it('reminds from 30 days before the year ends, warns once the due date plus grace has passed', () => {
    expect(run([p], '2026-09-15T23:59')).toEqual([]);
    const r = run([p], '2026-09-16T00:00');
    expect(brief(r)).toEqual(['probation-due reminder 2026-10-15 Y001']);
    expect(r[0]!.message).toContain('李四');
    expect(r[0]!.message).toContain('2026-10-15');
    expect(brief(run([p], '2026-10-18T23:59'))).toEqual(['probation-due reminder 2026-10-15 Y001']); // in grace
    expect(brief(run([p], '2026-10-19T00:00'))).toEqual(['probation-due warning 2026-10-15 Y001']);
    expect(brief(run([p], '2026-11-18T00:00'))).toEqual(['probation-due warning 2026-10-15 Y001']);
  });

  it('is satisfied by a full_on date or a full status, and skips a member who left', () => {
    expect(run([{ ...p, fullOn: '2026-10-15', status: 'full' }], '2026-10-20T00:00')).toEqual([]);
    expect(run([{ ...p, status: 'full' }], '2026-10-20T00:00')).toEqual([]);
    expect(run([{ ...p, leftOn: '2026-09-01' }], '2026-10-20T00:00')).toEqual([]);
  });
});
