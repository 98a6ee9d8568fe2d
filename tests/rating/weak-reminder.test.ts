/**
 * The monthly weak-branch reminder end to end, on the store tempStore() gives (SQLite or
 * PostgreSQL): the weak_reminder tick (injected time, daemon --once's path) plans the month's
 * reminders to the branch's secretary, its committee and the township leader — ONE message per
 * person and month, so the committee and a leader responsible for several branches get one
 * combined message listing them — and the real delivery workers send them: mail to the SMTP
 * stand-in, SMS to the HTTP gateway stand-in. A re-run of the tick sends nothing twice; next month
 * is a new reminder; a removed designation gets none; `deliveries.stats()` counts the reminders.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/jobs/once.js';
import { TICK_HANDLERS } from '../../src/jobs/kinds.js';
import { addWeakItem, designateWeak, removeDesignation, setMeasures } from '../../src/rating/weak-service.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { statsText } from '../../src/alerts/format.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { deliveryConfig } from '../jobs/seed.js';
import { at, quietLog, testEnv } from '../jobs/setup.js';
import { orglife } from './cli.js';
import { NOW, seedOrgs } from './seed.js';
import { reminderSendState } from '../../src/rating/weak-reminders.js';

describe('the monthly weak-branch reminder (weak_reminder tick → delivery log → providers)', { timeout: 120_000 }, () => {
  let t: TempStore;
  let prefix: string;
  let smtp: SmtpStandin;
  let sms: HttpStandin;
  let b1: number;

  const config = () => {
    const c = deliveryConfig('');
    c.channels.http_sms.url = `${sms.url}/sms/send`;
    c.routing.report = ['sms', 'email'];
    return c;
  };
  const once = (asOf: number) =>
    runOnce({ config: config(), env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url }), db: t.store, at: asOf, kind: 'weak_reminder', log: quietLog, waitTimeoutMs: 30_000 });

  beforeEach(async () => {
    t = await tempStore();
    prefix = uniquePrefix('weakrem');
    smtp = await startSmtpServer();
    sms = await startHttpStandin();
    await seedOrgs(t, [
      ['C01', '城关镇党委', 'committee', null, null, { secretary: '镇党委书记', secretaryEmail: 'town@example.cn' }],
      ['B1', '<b>东村</b>党支部', 'branch', 'C01', 'rural', { secretary: '张书记', secretaryPhone: '13800000001', secretaryEmail: 'b1@example.cn' }],
      ['B2', '西村党支部', 'branch', 'C01', 'rural', { secretary: '李书记', secretaryEmail: 'b2@example.cn' }],
      ['B3', '南村党支部', 'branch', 'C01', 'rural', { secretary: '王书记', secretaryEmail: 'b3@example.cn' }],
    ]);
    b1 = await designateWeak(t.store, { org: 'B1', category: 'org_life', on: '2026-03-01', reason: '组织生活长期不正常', by: '组织部' }, NOW);
    await setMeasures(t.store, b1, { townshipLeader: '刘镇长', townshipLeaderPhone: '13900000009', firstSecretary: '赵第一书记' });
    await addWeakItem(t.store, b1, 'problem', '三会一课不落实', NOW);
    const b2 = await designateWeak(t.store, { org: 'B2', category: 'leadership', on: '2026-03-01', by: '组织部' }, NOW);
    await removeDesignation(t.store, b2, '2026-05-20', '验收合格');
    // Designated after the reminder day of June: first reminded in July; the same township leader is responsible.
    const b3 = await designateWeak(t.store, { org: 'B3', category: 'service', on: '2026-06-10', by: '组织部' }, NOW);
    await setMeasures(t.store, b3, { townshipLeader: '刘镇长', townshipLeaderPhone: '139 0000 0009' });
  });
  afterEach(async () => {
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([smtp.close(), sms.close()]);
    await t.cleanup();
  });

  it('is a schedule kind with a handler', () => {
    expect(config().schedules.weak_reminder).toBe('0 9 1 * *');
    expect(TICK_HANDLERS.weak_reminder).toBeTypeOf('function');
  });

  it('reminds the secretary, the committee and the township leader once a month, in Chinese; a re-run sends nothing twice', async () => {
    // Before the tick: the month's reminder is listed as pending, not yet planned.
    const before = (await orglife(t.spec, ['rating', 'weak', 'reminders', '--month', '2026-06', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(before).toEqual([expect.objectContaining({ planned: false, org: 'B1', state: 'pending', stateZh: '待发送', phone: '139****0009' })]);
    const june = await once(at('2026-06-01T09:00'));
    // One reminder per person: B1's secretary (SMS + email copy), the committee (email), the leader (SMS).
    expect(june.stats).toMatchObject({ month: '2026-06', due: 1, reminders: 3, deliveries: 4 });
    expect(june).toMatchObject({ sent: 4, failed: 0 });
    const mails = await smtp.waitForMessages(2);
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual(['b1@example.cn', 'town@example.cn']);
    for (const m of mails) {
      expect(m.subject).toBe('【软弱涣散整顿提醒】<b>东村</b>党支部 2026年6月');
      expect(m.text).toMatch(/<b>东村<\/b>党支部（B1）党支部书记、城关镇党委、包抓领导刘镇长同志：该支部自 2026-03-01 被确定为软弱涣散基层党组织（组织生活不经常、不规范），2026年6月仍在整顿中/);
      expect(m.text).toMatch(/问题清单 1 项，已解决 0 项.*尚未落实：市级领导联系、市直部门结对/);
    }
    const texts = sms.requestsTo('http_sms').map((r) => [r.json.phone, r.json.text ?? r.json.params]);
    expect(texts.map((x) => x[0]).sort()).toEqual(['13800000001', '13900000009']);
    expect(JSON.stringify(texts)).toMatch(/东村/);

    const again = await once(at('2026-06-01T09:30'));
    expect(again.stats).toMatchObject({ due: 1, reminders: 0, deliveries: 0 });
    expect(again.sent).toBe(0);
    expect(smtp.messages).toHaveLength(2);
    expect(sms.requestsTo('http_sms')).toHaveLength(2);
    const june1 = (await t.store.deliveries.list()).filter((d) => d.status === 'sent');
    expect(june1).toHaveLength(4);
    // Reminders count in the delivery figures, apart from warnings and reports.
    const [juneStats] = await t.store.deliveries.stats();
    expect(juneStats).toMatchObject({ period: '2026-06', messages: 0, reminders: { messages: 4, byChannel: { email: 2, http_sms: 2 } }, reports: { messages: 0 } });
    expect(statsText([juneStats!])).toContain('整顿提醒（另计）：共发送 4 条');

    // July: B1 again (still open) and B3 (designated in June); B2 was removed in May. The committee
    // and the township leader responsible for both get ONE message listing both.
    const july = await once(at('2026-07-01T09:00'));
    expect(july.stats).toMatchObject({ month: '2026-07', due: 2, reminders: 4, deliveries: 5 });
    const all = await smtp.waitForMessages(5);
    expect(all.slice(2).map((m) => [m.envelope.to[0], m.subject]).sort()).toEqual([
      ['b1@example.cn', '【软弱涣散整顿提醒】<b>东村</b>党支部 2026年7月'],
      ['b3@example.cn', '【软弱涣散整顿提醒】南村党支部 2026年7月'],
      ['town@example.cn', '【软弱涣散整顿提醒】<b>东村</b>党支部等2个党组织 2026年7月'],
    ]);
    const combined = all.find((m) => m.envelope.to[0] === 'town@example.cn' && m.subject.includes('7月'))!;
    expect(combined.text).toMatch(/^城关镇党委：2026年7月仍在整顿中的软弱涣散基层党组织共 2 个：/);
    expect(combined.text).toMatch(/1\. <b>东村<\/b>党支部（B1）：自 2026-03-01 被确定.*问题清单 1 项，已解决 0 项/);
    expect(combined.text).toMatch(/2\. 南村党支部（B3）：自 2026-06-10 被确定为软弱涣散基层党组织（凝聚服务群众能力弱）/);
    const julySms = sms.requestsTo('http_sms').slice(2);
    expect(julySms.map((r) => r.json.phone).sort()).toEqual(['13800000001', '13900000009']);
    const leaderSms = JSON.stringify(julySms.find((r) => r.json.phone === '13900000009'));
    expect(leaderSms).toMatch(/等2个/);
    expect(leaderSms).toMatch(/包抓领导刘镇长同志：2026年7月仍在整顿中的软弱涣散基层党组织共 2 个/);
    const states = await t.store.rating.reminderStates('2026-07');
    expect(states.map((r) => [r.recipientKey, r.designationIds.length]).sort()).toEqual([
      ['email:b3@example.cn', 1],
      ['email:town@example.cn', 2],
      ['phone:13800000001', 1],
      ['phone:13900000009', 2],
    ]);
    expect(states.every((r) => r.deliveries.every((d) => d.status === 'sent' && d.sentAt !== null))).toBe(true);
    // `orglife rating weak reminders` shows each stored reminder's state from its delivery rows, phones masked.
    const cli = await orglife(t.spec, ['rating', 'weak', 'reminders', '--month', '2026-07']);
    expect(cli.stdout).toMatch(/139\*\*\*\*0009\t已发送 2026-07-01 09:\d\d\t<b>东村<\/b>党支部（B1）、南村党支部（B3）/);
    expect(cli.stdout).not.toMatch(/13900000009|待发送/);
    const listed = (await orglife(t.spec, ['rating', 'weak', 'reminders', '--month', '2026-07', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(listed).toHaveLength(4);
    expect(listed.find((r) => r.recipient === 'town@example.cn')).toMatchObject({ planned: true, orgs: ['B1', 'B3'], state: 'sent', stateZh: '已发送', sentAt: expect.stringMatching(/^2026-07-01T01:/), deliveries: [{ channel: 'email', status: 'sent' }] });
    expect(JSON.stringify(listed)).not.toContain('13900000009');
    // A second tick of July (another daemon, or a restart) sends nothing more.
    const julyAgain = await once(at('2026-07-01T09:05'));
    expect(julyAgain.stats).toMatchObject({ due: 2, reminders: 0, deliveries: 0 });
    expect(smtp.messages).toHaveLength(5);
    expect(sms.requestsTo('http_sms')).toHaveLength(4);
    expect(all.some((m) => m.envelope.to.includes('b2@example.cn'))).toBe(false);
  });
});

describe('a stored reminder’s state from its deliveries', () => {
  const d = (status: 'pending' | 'sent' | 'failed' | 'cancelled', sentAt: number | null = null, lastError: string | null = null) => ({ id: 1, channel: 'email' as const, logical: 'email' as const, recipient: 'a@b.cn', status, sentAt, lastError, fallbackOf: null });
  it('is sent once any delivery was sent, pending while one waits, failed when all failed or were cancelled', () => {
    expect(reminderSendState({ deliveries: [d('failed', null, 'bad number'), d('sent', 20), d('sent', 10)] })).toEqual({ state: 'sent', sentAt: 10, error: null });
    expect(reminderSendState({ deliveries: [d('failed', null, 'bad number'), d('pending')] })).toEqual({ state: 'pending', sentAt: null, error: null });
    expect(reminderSendState({ deliveries: [d('failed', null, 'bad number'), d('cancelled', null, 'designation removed before sending')] })).toEqual({ state: 'failed', sentAt: null, error: 'designation removed before sending' });
    expect(reminderSendState({ deliveries: [] })).toEqual({ state: 'failed', sentAt: null, error: 'no delivery' });
  });
});
