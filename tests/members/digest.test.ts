/** A secretary's digest lists absent members in one item per rule; the SMS stays a pointer. */
import { describe, expect, it } from 'vitest';
import { composeSms, composeText, type DigestItem, type DigestModel } from '../../src/alerts/index.js';
import { collapseMemberItems } from '../../src/alerts/digest-members.js';
import { absenceMessage, probationMessage } from '../../src/rules/messages.js';
import { at } from '../alerts/fixtures.js';

let seq = 0;
function item(over: Partial<DigestItem> & Pick<DigestItem, 'rule' | 'level' | 'message'>): DigestItem {
  const id = ++seq;
  return { eventId: id, alertId: id, kind: 'opened', reason: 'new', org: 'B1', period: '2026-10', dueAt: at('2026-11-01'), ...over };
}

const absent = (name: string, months: number, level: 'reminder' | 'warning') =>
  item({ rule: 'member-absence', level, message: absenceMessage({ name, months, lastMonth: null, level, warningMonths: 6 }) });

describe('member items in a digest', () => {
  it('collapse into one item per rule, most severe first, other rules untouched', () => {
    const items = [
      item({ rule: 'committee-monthly', level: 'warning', message: '2026年10月未召开支部委员会会议' }),
      absent('张三', 3, 'reminder'),
      absent('李四', 7, 'warning'),
      absent('王五', 4, 'reminder'),
      item({ rule: 'probation-due', level: 'reminder', period: '2026-12-10', message: probationMessage({ name: '赵六', joinedOn: '2025-12-10', due: '2026-12-10', phase: 'due-soon', level: 'reminder', days: 20 }) }),
    ];
    const out = collapseMemberItems(items);
    expect(out.map((i) => `${i.rule} ${i.level} ${i.members ?? 1}`)).toEqual([
      'committee-monthly warning 1',
      'member-absence warning 3',
      'probation-due reminder 1',
    ]);
    expect(out[1]!.message).toMatch(/^共3名党员长期未参加党的组织生活：李四（7个月）、张三（3个月）、王五（4个月）/);
  });

  it('render as one line in the email text, and the SMS does not list members', () => {
    const model: DigestModel = {
      recipientName: '书记', robot: false, at: at('2026-11-04T08:30'), emailCopy: true, committees: [],
      own: [{ code: 'B1', name: '一支部', items: collapseMemberItems([absent('张三', 3, 'reminder'), absent('李四', 6, 'warning')]) }],
    };
    const text = composeText(model);
    expect(text).toContain('有以下1项组织生活待办事项');
    expect(text).toContain('张三（3个月）');
    const sms = JSON.stringify(composeSms(model));
    expect(sms).not.toContain('张三');
    expect(sms).not.toContain('李四');
  });
});
