import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explicitScope, planDeliveries, reconcile } from '../../src/alerts/index.js';
import { parsePeriod } from '../../src/domain/calendar.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, cityStore, finding, orglife, sendAllPending, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

const config = testConfig();
const AVAILABLE = ['email', 'aliyun_sms'] as const;

/** Warnings in October (B1 by SMS + email, B3 by SMS + email) and an escalation in November (B1 + C1's contacts). */
async function history(): Promise<void> {
  const oct = [finding('B1', 'committee-monthly', '2026-09', 'warning'), finding('B3', 'theme-day-monthly', '2026-09', 'warning')];
  await reconcile(t.store, oct, explicitScope(oct), config, at('2026-10-09T08:30'));
  await planDeliveries(t.store, config, AVAILABLE, at('2026-10-09T08:30'));
  await sendAllPending(t.store, at('2026-10-09T08:31'));
  const nov = [finding('B1', 'committee-monthly', '2026-10', 'escalation')];
  await reconcile(t.store, nov, explicitScope(nov), config, at('2026-11-12T08:30'));
  await planDeliveries(t.store, config, AVAILABLE, at('2026-11-12T08:30'));
  await sendAllPending(t.store, at('2026-11-12T08:31'));
}

describe('notification statistics', () => {
  it('counts sent messages and carried items per period and committee, by level and channel', async () => {
    await history();
    const stats = await t.store.deliveries.stats();
    expect(stats.map((s) => [s.period, s.messages, s.items])).toEqual([['2026-10', 6, 6], ['2026-11', 6, 6]]);
    const [oct, nov] = stats;
    // October: 张三, 李四 (B1's clerk) and 周七 (B3) each get an SMS and the email.
    expect(oct!.byChannel).toEqual({ aliyun_sms: 3, email: 3 });
    expect(oct!.byLevel).toEqual({ reminder: 0, warning: 6, escalation: 0 });
    expect(oct!.committees.map((c) => [c.code, c.name, c.messages, c.itemsByLevel.warning])).toEqual([
      ['C1', '城关镇党委', 4, 4],
      ['C2', '东城街道党工委', 2, 2],
    ]);
    // November: the same two of B1 by SMS + email, and C1's secretary and clerk by email (committee route).
    expect(nov!.byChannel).toEqual({ aliyun_sms: 2, email: 4 });
    expect(nov!.committees).toEqual([
      { code: 'C1', name: '城关镇党委', messages: 6, items: 6, itemsByLevel: { reminder: 0, warning: 0, escalation: 6 } },
    ]);
  });

  it('limits the figures to one month, quarter or year when asked', async () => {
    await history();
    const q4 = parsePeriod('2026-Q4')!;
    const [s] = await t.store.deliveries.stats({ label: q4.label, start: q4.start, end: q4.end });
    expect(s).toMatchObject({ period: '2026-Q4', messages: 12, items: 12 });
    const sep = parsePeriod('2026-09')!;
    expect(await t.store.deliveries.stats({ label: sep.label, start: sep.start, end: sep.end })).toEqual([]);
  });
});

// Each CLI run starts a Node process with tsx; on a busy machine that takes seconds, so runs are few and parallel.
describe('orglife stats and orglife alerts (the real CLI)', { timeout: 300_000 }, () => {
  it('prints the statistics of a month as a Chinese table and as JSON', async () => {
    await history();
    const [text, json, bad] = await Promise.all([
      orglife(['stats', '--period', '2026-11'], t.spec),
      orglife(['stats', '--period', '2026-11', '--json'], t.spec),
      orglife(['stats', '--period', '2026-13'], t.spec),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('2026-11：共发送预警消息 6 条，涉及预警事项 6 项');
    expect(text.stdout).toContain('按渠道（消息）：阿里云短信 2，电子邮件 4');
    expect(text.stdout).toMatch(/城关镇党委（C1）\s+6\s+6\s+0\s+0\s+6/);
    expect(JSON.parse(json.stdout)).toMatchObject({ period: '2026-11', messages: 6, byLevel: { escalation: 6 } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('无效的期间');
  });

  it('lists alerts as a Chinese table or JSON lines, and acknowledges by id or branch with clear errors', async () => {
    await history();
    const id = (await t.store.alerts.list({ org: 'B3' }))[0]!.id;
    const [list, json, ...errors] = await Promise.all([
      orglife(['alerts', 'list', '--open'], t.spec),
      orglife(['alerts', 'list', '--org', 'B3', '--json'], t.spec),
      orglife(['alerts', 'ack', '9999', '--plan', '补开', '--by', '2026-11-30', '--at', '2026-11-13T10:00'], t.spec),
      orglife(['alerts', 'ack', 'B3', '--plan', '补开', '--by', '2026-11-01', '--at', '2026-11-13T10:00'], t.spec),
      orglife(['alerts', 'ack', 'B3', '--by', '2026-11-30', '--at', '2026-11-13T10:00'], t.spec),
    ]);
    expect(list.code, list.stderr).toBe(0);
    const header = list.stdout.split('\n')[0]!;
    for (const h of ['编号', '支部', '规则', '期间', '级别', '状态', '发起时间', '最近通知']) expect(header).toContain(h);
    expect(list.stdout).toMatch(/城关镇机关第一党支部（B1）\s+每月召开支委会\s+2026年10月\s+督办\s+待处理\s+2026-11-12 08:30\s+2026-11-12 08:30/);

    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ org: 'B3', rule: 'theme-day-monthly', period: '2026-09', level: 'warning', state: 'open' })]);

    expect(errors.map((e) => e.code)).toEqual([1, 1, 1]);
    expect(errors[0]!.stderr).toContain('预警编号 9999 不存在');
    expect(errors[1]!.stderr).toContain('整改期限 2026-11-01 已过');
    expect(errors[2]!.stderr).toContain('缺少整改计划');
    for (const e of errors) expect(e.stderr).not.toMatch(/\n\s+at /); // no stack traces

    const [ok, byOrg] = await Promise.all([
      orglife(['alerts', 'ack', String(id), '--plan', '11月底前补开主题党日', '--by', '2026-11-30', '--who', '周七', '--at', '2026-11-13T10:00'], t.spec),
      orglife(['alerts', 'ack', 'B1', '--plan', '补开', '--by', '2026-11-30', '--at', '2026-11-13T10:00'], t.spec),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('已认领 1 条预警，整改期限 2026-11-30');
    expect((await t.store.alerts.list({ org: 'B3' }))[0]).toMatchObject({ state: 'acknowledged', ackWho: '周七', ackPlan: '11月底前补开主题党日' });
    expect(byOrg.stdout).toContain('已认领 2 条预警');
  });

  it('shows one alert with its history', async () => {
    await history();
    const id = (await t.store.alerts.list({ org: 'B1' })).find((a) => a.period === '2026-10')!.id;
    const out = await orglife(['alerts', 'show', String(id)], t.spec);
    expect(out.stdout).toContain('2026-11-12 08:30  新预警  督办  首次发现');
  });
});
