/** Who is sent a stored report on which channel (pure planning), and the SMS pointer's text. */
import { describe, expect, it } from 'vitest';
import type { OrgContacts } from '../../src/alerts/plan.js';
import { planReportMails, reportMessage, type ReportMailPolicy, type ReportToPlan } from '../../src/reports/mail.js';
import type { CommitteeSummary } from '../../src/reports/types.js';

const org = (code: string, over: Partial<OrgContacts> = {}): OrgContacts => ({
  code, name: `${code}党支部`, kind: 'branch', parent: 'T1', secretary: null, secretaryPhone: null, secretaryEmail: null,
  clerk: null, clerkPhone: null, clerkEmail: null, ...over,
});
const policy = (over: Partial<ReportMailPolicy> = {}): ReportMailPolicy => ({
  route: ['email'], smsChannel: 'aliyun_sms', available: new Set(['email', 'aliyun_sms']), send: { branches: true, committees: true }, smsDailyCap: 3, ...over,
});
const report = (id: number, code: string, kind: ReportToPlan['kind'] = 'branch'): ReportToPlan => ({ id, org: code, kind });
const orgs = (...list: OrgContacts[]) => new Map(list.map((o) => [o.code, o]));

describe('planning report mail', () => {
  it('sends one email per address when the secretary and the Party-affairs worker share it', () => {
    const plan = planReportMails([report(1, 'B1')], orgs(org('B1', { secretaryEmail: 'Same@x.cn', clerkEmail: ' same@x.cn ' })), policy(), new Map());
    expect(plan.sends.map((s) => [s.channel, s.recipient, s.dedupKey])).toEqual([['email', 'same@x.cn', 'report:1:email:same@x.cn']]);
    expect(plan.notes.get(1)).toBe('planned: 1');
  });

  it('says why a report goes to nobody: disabled kind, no address, no usable channel', () => {
    const plan = planReportMails(
      [report(1, 'T1', 'committee'), report(2, 'B2'), report(3, 'B3'), report(4, 'GONE')],
      orgs(org('T1', { kind: 'committee', secretaryEmail: 't1@x.cn' }), org('B2'), org('B3', { secretaryPhone: '13800000003' })),
      policy({ send: { branches: true, committees: false } }),
      new Map(),
    );
    expect(plan.sends).toEqual([]);
    expect(plan.notes.get(1)).toContain('reports.email.committees');
    expect(plan.notes.get(2)).toContain('no address');
    expect(plan.notes.get(3)).toContain('no usable channel');
    expect(plan.notes.get(4)).toContain('no address');
  });

  it('leaves out SMS over the daily cap (the email carries the report) and counts the SMS it plans', () => {
    const counts = new Map([['13800000001', 3]]);
    const plan = planReportMails(
      [report(1, 'B1'), report(2, 'B2')],
      orgs(org('B1', { secretaryPhone: '138-0000-0001', secretaryEmail: 'b1@x.cn' }), org('B2', { secretaryPhone: '13800000002' })),
      policy({ route: ['sms', 'email'] }),
      counts,
    );
    expect(plan.sends.map((s) => `${s.reportId}:${s.channel}:${s.recipient}`)).toEqual(['1:email:b1@x.cn', '2:aliyun_sms:13800000002']);
    expect(plan.sends[1]!.route).toEqual(['sms']);
    expect(counts.get('13800000002')).toBe(1);
  });

  it('skips a channel without a running notifier', () => {
    const plan = planReportMails([report(1, 'B1')], orgs(org('B1', { secretaryPhone: '13800000001', secretaryEmail: 'b1@x.cn' })), policy({ route: ['sms', 'email'], available: new Set(['email']) }), new Map());
    expect(plan.sends.map((s) => s.channel)).toEqual(['email']);
  });
});

describe('the SMS pointer of a report', () => {
  it("carries a committee summary's name, period and average score in the report template", () => {
    const s = { kind: 'committee', org: 'T1', name: '甲镇党委', periodName: '2026年10月', branchCount: 3, averageScore: 81.25 } as CommitteeSummary;
    const m = reportMessage(s, 'sms', '13800000001');
    expect(m.sms).toEqual({ template: 'report', params: { name: '甲镇党委（3个支部）', period: '2026年10月', score: '81.3', grade: '平均分' } });
    expect(m.text).toBe('【组织生活体检汇总】甲镇党委 2026年10月：3 个支部，平均 81.3 分。详见邮件。');
    expect(reportMessage(s, 'sms', '13800000001', false).text).not.toContain('详见邮件');
  });
});
