/**
 * Report notices to chat robots: with wecom / dingtalk in routing.report, the monthly report tick
 * (real `daemon --once`: real Redis, SMTP and HTTP stand-ins for the robot webhooks) posts a short
 * notice — score, grade, a console link under http.public_url — to the robots of the committee
 * concerned, while the people still get the full report by email; each notice is planned once
 * (a second run adds nothing) and each robot's own per-minute limit holds.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { runOnce } from '../../src/jobs/once.js';
import { shippedConfig } from '../helpers/config.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { at, quietLog, testEnv } from '../jobs/setup.js';

const CITY = join(import.meta.dirname, '../fixtures/reports/city');

let smtp: SmtpStandin;
let standin: HttpStandin;
let t: TempStore;
let prefix: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
  standin = await startHttpStandin();
});
afterAll(async () => {
  await smtp.close();
  await standin.close();
});
beforeEach(async () => {
  smtp.messages.length = 0;
  standin.reset();
  prefix = uniquePrefix('report-robots');
  t = await tempStore();
  await importFiles(t.store, ['orgs.csv', 'meetings.csv'].map((f) => join(CITY, f)), { now: at('2026-11-01T10:00') });
});
afterEach(async () => {
  await cleanupPrefix(SHARED_REDIS_URL, prefix);
  await t.cleanup();
});

function robotConfig() {
  const config = shippedConfig();
  config.routing.report = ['email', 'wecom', 'dingtalk'];
  config.http.public_url = 'https://orglife.example.cn';
  config.channels.wecom.enabled = true;
  config.channels.wecom.msgtype = 'text';
  config.channels.wecom.base_url = `${standin.url}/cgi-bin/webhook/send`;
  config.reports.robot_notices = 'all';
  // The township's group robot may post 2 messages a minute: its own limit, not the channel's.
  config.channels.wecom.robots = { town: { key_env: 'WECOM_KEY_TOWN', committees: ['T1'], per_minute: 2 } };
  config.channels.dingtalk.enabled = true;
  config.channels.dingtalk.msgtype = 'text';
  config.channels.dingtalk.base_url = `${standin.url}/robot/send`;
  config.channels.dingtalk.robots = { city: { access_token_env: 'DT_TOKEN', secret_env: 'DT_SECRET', committees: ['CITY', 'T1'] } };
  return config;
}

/** The November report tick (October's reports) through a real `daemon --once` with the robot stand-ins' secrets. */
function monthlyReports(config: ReturnType<typeof robotConfig>) {
  return runOnce({
    config,
    env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url, extra: { WECOM_KEY_TOWN: 'k-town', DT_TOKEN: 'tok', DT_SECRET: 'SECsecret' } }),
    db: t.spec,
    at: at('2026-11-02T09:00'),
    kind: 'report_monthly',
    log: quietLog,
    waitTimeoutMs: 6_000,
  });
}

describe('report notices to chat robots', () => {
  it('by default announces only committee summaries to the robots (one post a period per group), branch reports go by mail alone', async () => {
    const config = robotConfig();
    config.reports.robot_notices = 'summaries';
    await monthlyReports(config);
    const robots = (await t.store.deliveries.list()).filter((d) => d.channel === 'wecom' || d.channel === 'dingtalk');
    // T1's summary to both of T1's robots; CITY's summary to the city robot: three, none for a branch report.
    expect(robots.map((d) => `${d.channel}:${d.recipient}`).sort()).toEqual(['dingtalk:city', 'dingtalk:city', 'wecom:town']);
    const posted = [...standin.requestsTo('dingtalk'), ...standin.requestsTo('wecom')].map((r) => r.json.text.content as string);
    expect(posted).toHaveLength(3);
    expect(posted.every((c) => c.startsWith('【组织生活体检汇总】'))).toBe(true);
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['b1@example.com', 'b1clerk@example.com', 'b2@example.com', 't1@example.com']);
  }, 120_000);

  it('posts a short notice with score, grade and link to the committee robots, mails the full report, plans once, keeps each robot\'s limit', async () => {
    const config = robotConfig();
    const once = () => monthlyReports(config);
    const first = await once();
    const ds = await t.store.deliveries.list();
    const robots = ds.filter((d) => d.channel === 'wecom' || d.channel === 'dingtalk');
    // T1's three branch reports and its summary reach both of T1's robots; CITY's summary the city robot only.
    expect(robots.filter((d) => d.channel === 'wecom').map((d) => d.recipient)).toEqual(['town', 'town', 'town', 'town']);
    expect(robots.filter((d) => d.channel === 'dingtalk')).toHaveLength(5);
    // The people still get the full report by email.
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['b1@example.com', 'b1clerk@example.com', 'b2@example.com', 't1@example.com']);

    // DingTalk (20 a minute) took all five; the township's WeCom robot only its 2, the rest wait for its window.
    const dt = standin.requestsTo('dingtalk');
    expect(dt).toHaveLength(5);
    expect(dt.every((r) => r.query.access_token === 'tok' && r.query.sign)).toBe(true);
    const wc = standin.requestsTo('wecom');
    expect(wc).toHaveLength(2);
    expect(first.unfinished).toBe(2);
    const b1 = dt.map((r) => r.json.text.content as string).find((c) => c.includes('一村党支部'))!;
    expect(b1).toMatch(/^【组织生活体检报告】一村党支部 2026年10月：[\d.]+分，\S+，预估\d星\n得分 [\d.]+，等级 \S+，预估 \d 星\n/);
    expect(b1).toContain('完整报告已通过邮件发送给书记和党务干部。');
    expect(b1).toContain('查看：https://orglife.example.cn/console/reports/B1/2026-10');
    const summary = dt.map((r) => r.json.text.content as string).find((c) => c.includes('【组织生活体检汇总】甲镇党委'))!;
    expect(summary).toMatch(/3 个支部，平均 [\d.]+ 分；需重点关注 \d+ 个/);
    expect(wc.every((r) => r.query.key === 'k-town' && r.json.msgtype === 'text')).toBe(true);
    // No report HTML in a chat message.
    for (const r of [...dt, ...wc]) expect(JSON.stringify(r.json)).not.toContain('<html');

    // Run again: nothing new is planned, nothing is posted twice.
    const second = await once();
    expect(second.stats).toMatchObject({ deliveries: 0 });
    expect((await t.store.deliveries.list()).length).toBe(ds.length);
    expect(standin.requestsTo('dingtalk')).toHaveLength(5);
    expect(standin.requestsTo('wecom')).toHaveLength(2);
  }, 120_000);
});
