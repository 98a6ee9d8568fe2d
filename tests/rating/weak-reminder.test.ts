/**
 * The monthly weak-branch reminder end to end, on the store tempStore() gives (SQLite or
 * PostgreSQL): the weak_reminder tick (injected time, daemon --once's path) plans one reminder per
 * open designation, to the branch's secretary, its committee and the township leader, and the real
 * delivery workers send it — mail to the SMTP stand-in, SMS to the HTTP gateway stand-in. A re-run
 * of the tick sends nothing twice; next month is a new reminder; a removed designation gets none.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/jobs/once.js';
import { TICK_HANDLERS } from '../../src/jobs/kinds.js';
import { addWeakItem, designateWeak, removeDesignation, setMeasures } from '../../src/rating/weak-service.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { deliveryConfig } from '../jobs/seed.js';
import { at, quietLog, testEnv } from '../jobs/setup.js';
import { NOW, seedOrgs } from './seed.js';

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
    // Designated after the reminder day of June: first reminded in July.
    await designateWeak(t.store, { org: 'B3', category: 'service', on: '2026-06-10', by: '组织部' }, NOW);
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
    const june = await once(at('2026-06-01T09:00'));
    expect(june.stats).toMatchObject({ month: '2026-06', due: 1, reminders: 1, deliveries: 4 });
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

    // July: B1 again (still open) and B3 (designated in June); B2 was removed in May.
    const july = await once(at('2026-07-01T09:00'));
    expect(july.stats).toMatchObject({ month: '2026-07', due: 2, reminders: 2 });
    const all = await smtp.waitForMessages(6);
    expect(all.slice(2).map((m) => [m.envelope.to[0], m.subject]).sort()).toEqual([
      ['b1@example.cn', '【软弱涣散整顿提醒】<b>东村</b>党支部 2026年7月'],
      ['b3@example.cn', '【软弱涣散整顿提醒】南村党支部 2026年7月'],
      ['town@example.cn', '【软弱涣散整顿提醒】<b>东村</b>党支部 2026年7月'],
      ['town@example.cn', '【软弱涣散整顿提醒】南村党支部 2026年7月'],
    ]);
    expect(all.some((m) => m.envelope.to.includes('b2@example.cn'))).toBe(false);
  });
});
