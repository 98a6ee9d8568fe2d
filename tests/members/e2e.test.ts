/**
 * A town with a roster and sign-ins, end to end: import → check → daemon --once, the secretary's
 * mail received by the SMTP test server with the absent members in one item, the SMS a pointer.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { runCheck } from '../../src/evaluation/check.js';
import { runOnce } from '../../src/jobs/once.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { deliveryConfig } from '../jobs/seed.js';
import { at, quietLog, testEnv } from '../jobs/setup.js';
import { NOW, writeCsv } from '../import/helpers.js';

let tdb: TempStore;
let prefix: string;
let smtp: SmtpStandin;
let sms: HttpStandin;
beforeEach(async () => {
  tdb = await tempStore();
  prefix = uniquePrefix('members-e2e');
  smtp = await startSmtpServer();
  sms = await startHttpStandin();
});
afterEach(async () => {
  await cleanupPrefix(SHARED_REDIS_URL, prefix);
  await Promise.all([smtp.close(), sms.close()]);
  await tdb.cleanup();
});

it('imports a roster and sign-ins, checks them, and mails the secretary one item listing the absent members', async () => {
  const f = (n: string) => join(tdb.dir, n);
  const months = ['03', '04', '05', '06', '07', '08', '09', '10'];
  await importFiles(tdb.store, [
    writeCsv(f('orgs.csv'), [
      ['组织编码', '组织名称', '组织类别', '上级组织编码', '领域', '党员人数', '成立日期', '书记姓名', '书记手机', '书记邮箱'],
      ['C0', '城关镇党委', '党委', null, null, null, null, '周书记', null, 'c0@example.cn'],
      ['B1', '东街社区党支部', '党支部', 'C0', '社区', 4, '2010-01-01', '王书记', '13800000001', 'b1@example.cn'],
    ]),
    writeCsv(f('roster.csv'), [
      ['党员编号', '组织编码', '姓名', '党员类别', '入党日期', '手机'],
      ['P1', 'B1', '张三', '正式党员', '2010-07-01', '13911112222'],
      ['P2', 'B1', '李四', '正式党员', '2011-07-01', '13933334444'],
      ['P3', 'B1', '王五', '正式党员', '2012-07-01', null],
      ['P4', 'B1', '赵六', '正式党员', '2013-07-01', null],
    ], 'gbk'),
    writeCsv(f('meetings.csv'), [
      ['记录编号', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数', '有无记录'],
      ...months.flatMap((m) => [
        [`C${m}`, 'B1', '支委会', `2026-${m}-03 09:00`, 3, 1, '是'],
        [`T${m}`, 'B1', '主题党日', `2026-${m}-10 09:00`, 4, 1, '是'],
      ]),
      ['A2', 'B1', '党员大会', '2026-04-20 09:00', 4, 3, '是'],
      ['A3', 'B1', '党员大会', '2026-08-20 09:00', 4, 3, '是'],
      ['L3', 'B1', '党课', '2026-09-15 09:00', 4, 3, '是'],
    ]),
    writeCsv(f('signins.csv'), [
      ['记录编号', '党员编号', '签到状态'],
      ...months.flatMap((m) => [[`C${m}`, 'P1', '出席'], [`T${m}`, 'P1', '出席']]),
    ]),
  ], { now: NOW });

  const asOf = at('2026-11-02T08:30');
  const absent = (await runCheck(tdb.store, deliveryConfig('http://127.0.0.1:1/unused'), asOf)).filter((x) => x.rule === 'member-absence');
  // Sign-ins begin in March: P2–P4 never took part, March–September = 7 months (October completes on 4 November).
  expect(absent.map((x) => `${x.member} ${x.level} ${x.period}`)).toEqual(['P2 warning 2026-09', 'P3 warning 2026-09', 'P4 warning 2026-09']);

  const report = await runOnce({
    config: deliveryConfig(`${sms.url}/sms/send`),
    env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url }),
    db: tdb.store,
    at: asOf,
    log: quietLog,
    waitTimeoutMs: 20_000,
  });
  expect(report).toMatchObject({ failed: 0, unfinished: 0 });
  const mails = await smtp.waitForMessages(1);
  const mine = mails.find((m) => m.envelope.to[0] === 'b1@example.cn')!;
  expect(mine).toBeDefined();
  const lines = mine.text.split('\n').filter((l) => l.includes('长期未参加党的组织生活'));
  expect(lines).toHaveLength(1); // one item for three members
  expect(lines[0]).toMatch(/共3名党员.*李四（7个月）.*王五（7个月）.*赵六（7个月）/);
  expect(mine.text + mine.html).not.toMatch(/1391111|1393333|2222|4444/);
  const pointer = JSON.stringify(sms.requestsTo('http_sms').map((r) => r.json));
  expect(pointer).not.toMatch(/李四|王五|赵六/);
});
