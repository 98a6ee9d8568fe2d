import { describe, expect, it } from 'vitest';
import {
  composeHtml,
  composeMessage,
  composeRobotText,
  composeSms,
  composeSubject,
  composeText,
  type DigestItem,
  type DigestModel,
} from '../../src/alerts/index.js';
import { at } from './fixtures.js';

let seq = 100;
function item(over: Partial<DigestItem> & Pick<DigestItem, 'rule' | 'period' | 'level' | 'org'>): DigestItem {
  const id = ++seq;
  const due = { '2026-10': at('2026-11-01'), '2026-Q3': at('2026-10-01'), '2026-11': at('2026-12-01') }[over.period] ?? at('2027-01-01');
  return { eventId: id, alertId: id, kind: 'opened', reason: 'new', dueAt: due, message: `${over.period} 未完成`, ...over };
}

const own: DigestModel = {
  recipientName: '张三',
  robot: false,
  at: at('2026-11-04T08:30'),
  emailCopy: true,
  committees: [],
  own: [
    {
      code: 'B1',
      name: '城关镇机关第一党支部',
      items: [
        item({ org: 'B1', rule: 'committee-monthly', period: '2026-10', level: 'warning', message: '2026年10月未召开支部委员会会议' }),
        item({ org: 'B1', rule: 'theme-day-monthly', period: '2026-11', level: 'reminder', kind: 'repeat', reason: 'repeat-due', repeat: 1 }),
        item({ org: 'B1', rule: 'minutes-missing', period: '2026-10', level: 'reminder', message: '10月12日的会议（主题：<script>alert(1)</script>）没有会议记录' }),
      ],
    },
  ],
};

const committeeDigest: DigestModel = {
  recipientName: '王书记',
  robot: false,
  at: at('2026-11-12T08:30'),
  emailCopy: false,
  own: [],
  committees: [
    {
      code: 'C1',
      name: '城关镇党委',
      branches: [
        { code: 'B1', name: '城关镇机关第一党支部', items: [item({ org: 'B1', rule: 'committee-monthly', period: '2026-10', level: 'escalation' })] },
        {
          code: 'B2',
          name: '城关镇机关第二党支部 & <b>二支部</b>',
          items: [
            item({ org: 'B2', rule: 'assembly-quarterly', period: '2026-Q3', level: 'escalation', kind: 'reopened', reason: 'deadline-passed' }),
            item({ org: 'B2', rule: 'term-expiry', period: '2026-09-30', level: 'escalation', dueAt: at('2026-10-01') }),
          ],
        },
      ],
    },
  ],
};

describe('composing a branch digest', () => {
  it('names the branch, the number of items and the severe levels in the subject', () => {
    expect(composeSubject(own)).toBe('【组织生活预警】城关镇机关第一党支部有3项待办（预警1项）');
  });

  it('lists every item in the text with level, rule, period, due date, what happened and what to do', () => {
    const text = composeText(own);
    expect(text.split('\n').slice(0, 8)).toEqual([
      '张三同志：',
      '',
      '截至2026-11-04 08:30，城关镇机关第一党支部（B1）有以下3项组织生活待办事项：',
      '',
      '1. 【预警】每月召开支委会（2026年10月，截止2026-10-31）',
      '   情况：2026年10月未召开支部委员会会议',
      '   请您：请尽快召开支部委员会会议，并及时录入会议记录；已召开的请补录。',
      `   预警编号：${own.own[0]!.items[0]!.alertId}`,
    ]);
    expect(text).toContain('2. 【提醒】每月开展主题党日（2026年11月，截止2026-11-30）（第2次提醒）');
    expect(text).toContain('3. 【提醒】会议应有记录（2026年10月，截止2026-10-31）');
    expect(text).toContain('限期整改');
    expect(text.trimEnd().endsWith('本消息由组织生活工作预警系统自动发送，请勿直接回复。')).toBe(true);
  });

  it('escapes names and topics from imports in the HTML part', () => {
    const html = composeHtml(own);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<td>预警</td><td>每月召开支委会</td><td>2026年10月</td><td>2026-10-31</td>');
    expect(composeHtml(committeeDigest)).toContain('城关镇机关第二党支部 &amp; &lt;b&gt;二支部&lt;/b&gt;');
  });

  it('keeps SMS template variables within 35 characters and points to the email', () => {
    const { sms, text } = composeSms(own);
    expect(sms).toEqual({ template: 'warning', params: { name: '城关镇机关第一党支部', count: '3', level: '预警', deadline: '2026-10-31' } });
    expect(text).toBe('【组织生活预警】城关镇机关第一党支部有3项组织生活待办（预警1项），最早截止2026-10-31，详见邮件。');
    const long = { ...own, own: [{ ...own.own[0]!, name: '中共某某县某某镇某某村某某经济合作社某某某某某某某某某某联合党支部委员会' }] };
    for (const v of Object.values(composeSms(long).sms.params)) expect(Array.from(v).length).toBeLessThanOrEqual(35);
  });

  it('does not promise an email to someone who gets none', () => {
    expect(composeSms({ ...own, emailCopy: false }).text).toContain('请及时处理');
  });

  it('names several branches of one person in the subject', () => {
    const two = { ...own, own: [...own.own, { code: 'B2', name: '第二党支部', items: [item({ org: 'B2', rule: 'review-yearly', period: '2025', level: 'warning' })] }] };
    expect(composeSubject(two)).toBe('【组织生活预警】城关镇机关第一党支部等2个支部有4项待办（预警2项）');
  });
});

describe('composing a committee escalation digest', () => {
  it('lists the lagging branches of the committee', () => {
    expect(composeSubject(committeeDigest)).toBe('【组织生活预警】城关镇党委下辖2个支部需督促整改（督办3项）');
    const text = composeText(committeeDigest);
    expect(text).toContain(
      '【督办】截至2026-11-12 08:30，城关镇党委下辖以下2个支部组织生活工作滞后，预警送达后逾期仍未整改。请贵党委督促以下支部限期整改，及时补开、补录相关会议活动，并向上级党组织报送整改计划和完成时限：',
    );
    expect(text).toContain('1）城关镇机关第一党支部（B1）：1项（督办1项）');
    expect(text).toContain('2）城关镇机关第二党支部 & <b>二支部</b>（B2）：2项（督办2项）');
    // The committee is asked to supervise; the secretary's action text is not repeated to it.
    expect(text).not.toContain('请您：');
    expect(text).toContain('督办自动解除');
    const html = composeHtml(committeeDigest);
    expect(html).not.toContain('<th>请您</th>');
    expect(html).toContain('请贵党委督促以下支部限期整改');
    expect(text).toContain('【督办】每季度召开支部党员大会（2026年第三季度，截止2026-09-30）（整改期限已过）');
    expect(text).toContain('【督办】支部委员会按期换届（任期至2026-09-30，截止2026-09-30）');
    expect(composeSms(committeeDigest).sms).toMatchObject({ template: 'escalation', params: { name: '城关镇党委下辖支部', count: '3' } });
  });

  it('writes a compact list for group chat robots, without a personal greeting', () => {
    const robot = composeRobotText({ ...committeeDigest, robot: true, recipientName: null });
    expect(robot.split('\n')).toEqual([
      '截至2026-11-12 08:30：',
      '城关镇党委下辖2个支部需督促整改：',
      '- 城关镇机关第一党支部（B1）：1项（督办1项）',
      '  - 【督办】每月召开支委会 2026年10月（截止2026-10-31）',
      '- 城关镇机关第二党支部 & <b>二支部</b>（B2）：2项（督办2项）',
      '  - 【督办】每季度召开支部党员大会 2026年第三季度（截止2026-09-30）',
      '  - 【督办】支部委员会按期换届 任期至2026-09-30（截止2026-09-30）',
    ]);
  });

  it('mentions the committee part after a person’s own items', () => {
    const both = { ...own, committees: committeeDigest.committees };
    expect(composeSubject(both)).toBe('【组织生活预警】城关镇机关第一党支部有3项待办（预警1项）；另有城关镇党委下辖2个支部需督促整改（督办3项）');
  });

  it('fills an outgoing message per channel: email with HTML, SMS with template content, robots with text only', () => {
    expect(Object.keys(composeMessage(own, 'email', 'a@b.cn')).sort()).toEqual(['html', 'subject', 'text', 'to']);
    expect(composeMessage(own, 'sms', '13800000001').sms?.template).toBe('warning');
    expect(composeMessage(own, 'wecom', 'county')).not.toHaveProperty('html');
  });
});
