/**
 * A message held by quiet hours is rendered when it is sent: the days left or overdue are counted
 * as of the send time (issue 13 item 8), and re-counting as of the evaluation time changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { rulesFor } from '../../src/config/load.js';
import { DAY_MS, parseTimestamp } from '../../src/domain/calendar.js';
import type { Meeting } from '../../src/domain/types.js';
import { composeMessage } from '../../src/alerts/compose.js';
import { modelAt } from '../../src/alerts/digest-model.js';
import { evaluateBranch } from '../../src/rules/index.js';
import { messageAt } from '../../src/rules/messages.js';
import { generateCity, toMeeting, toOrg } from '../../src/synth/index.js';
import type { DigestModel } from '../../src/domain/digest.js';
import { shippedConfig } from '../helpers/config.js';

describe('messages rendered at send time', () => {
  it('re-counting every finding of a generated city as of its own evaluation changes no message', () => {
    const config = shippedConfig();
    let counted = 0;
    for (const iso of ['2026-11-28', '2026-12-02T09:00', '2026-10-29T10:00']) {
      const city = generateCity({ branches: 120, seed: 7, now: iso });
      const now = parseTimestamp(iso)!;
      const byOrg = new Map<string, Meeting[]>();
      for (const m of city.meetings.map(toMeeting)) {
        const list = byOrg.get(m.org);
        if (list) list.push(m);
        else byOrg.set(m.org, [m]);
      }
      for (const org of city.orgs.map(toOrg).filter((o) => o.kind === 'branch')) {
        for (const f of evaluateBranch(org, (byOrg.get(org.code) ?? []).sort((a, b) => a.heldAt - b.heldAt), rulesFor(config, org.domain), now)) {
          expect(messageAt(f.message, f.dueAt, now), `${f.org} ${f.rule} ${f.period}`).toBe(f.message);
          if (/天/.test(f.message)) counted++;
        }
      }
    }
    expect(counted).toBeGreaterThan(50);
  });

  it('counts the days as of the send time: overdue grows, days left shrink, a passed deadline says so', () => {
    const dueAt = parseTimestamp('2026-11-01')!;
    expect(messageAt('2026年10月未召开支部委员会会议（每月至少1次），已逾期3天；如已召开，请尽快补录', dueAt, dueAt + 6 * DAY_MS - 1)).toContain('已逾期6天');
    expect(messageAt('本月党小组会尚未召开（每月至少1次），距截止还有4天', dueAt, dueAt - DAY_MS - 1)).toContain('距截止还有2天');
    expect(messageAt('本月党小组会尚未召开（每月至少1次），距截止还有1天', dueAt, dueAt + 3600_000)).toContain('已到截止日期');
    expect(messageAt('支部委员会任期将于2027年3月1日届满，距届满还有9天', dueAt, dueAt - 2 * DAY_MS)).toContain('距届满还有2天');
  });

  it('a digest planned on Friday evening and sent on Monday morning says Monday\'s count', () => {
    const friday = parseTimestamp('2026-11-27T21:00')!;
    const monday = parseTimestamp('2026-11-30T08:00')!;
    const dueAt = parseTimestamp('2026-11-01')!;
    const model: DigestModel = {
      recipientName: '张三', robot: false, at: friday, emailCopy: false, committees: [],
      own: [{ code: 'B1', name: '甲村党支部', items: [{ eventId: 1, alertId: 1, kind: 'opened', reason: 'new', level: 'warning', org: 'B1', rule: 'committee-monthly', period: '2026-10', dueAt, message: '2026年10月未召开支部委员会会议（每月至少1次），已逾期27天' }] }],
    };
    const sent = composeMessage(modelAt(model, monday), 'email', 'zs@example.cn');
    expect(sent.text).toContain('已逾期30天');
    expect(sent.text).not.toContain('已逾期27天');
    expect(composeMessage(model, 'email', 'zs@example.cn').text).toContain('已逾期27天'); // the stored model is unchanged
  });
});
