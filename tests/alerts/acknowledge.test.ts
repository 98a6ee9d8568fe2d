import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge, explicitScope, reconcile, AlertError } from '../../src/alerts/index.js';
import type { Finding } from '../../src/domain/types.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, cityStore, finding, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

const config = testConfig((c) => Object.assign(c.alerts, { repeat_after_days: [2], max_repeats: 10 }));
const outbox = () => t.count('SELECT count(*) FROM alert_outbox');
/** Every (org, rule, period) these tests use counts as evaluated: an absent finding means "resolved". */
const scope = explicitScope(
  ['B1', 'B2'].flatMap((org) => ['committee-monthly', 'theme-day-monthly'].map((rule) => ({ org, rule, period: '2026-10' }))),
);
const run = (f: Finding[], iso: string) => reconcile(t.store, f, scope, config, at(iso));
const alert = async () => (await t.store.alerts.list({ org: 'B1' }))[0]!;

describe('acknowledging an alert with a rectification plan (限期整改)', async () => {
  const warning = [finding('B1', 'committee-monthly', '2026-10', 'warning')];
  const escalation = [finding('B1', 'committee-monthly', '2026-10', 'escalation')];

  it('stops repeats and escalation until the deadline, then reopens the alert if the problem is still there', async () => {
    await run(warning, '2026-11-04T08:30');
    const [acked] = await acknowledge(t.store, { id: (await alert()).id }, { plan: '11月15日前召开支委会并补录', by: '2026-11-20', who: '张三' }, at('2026-11-05T10:00'));
    expect(acked).toMatchObject({ state: 'acknowledged', level: 'warning', ackBy: '2026-11-20', ackWho: '张三' });
    const before = await outbox();

    // The rule escalates on the 11th; until the end of the 20th nobody is told anything.
    for (const d of ['06', '07', '09', '11', '13', '15', '17', '19', '20']) {
      await run(Number(d) >= 11 ? escalation : warning, `2026-11-${d}T08:30`);
      expect(await alert(), `on 11-${d}`).toMatchObject({ state: 'acknowledged', level: 'warning' });
    }
    expect(await outbox()).toBe(before);

    const r = await run(escalation, '2026-11-21T08:30');
    expect(r).toMatchObject({ reopened: 1, outbox: 1 });
    expect(await alert()).toMatchObject({ state: 'open', level: 'escalation' });
    expect((await t.store.alerts.history((await alert()).id)).map((e) => `${e.kind}:${e.reason}:${e.level}`)).toEqual([
      'opened:new:warning',
      'acknowledged:acknowledged:warning',
      'reopened:deadline-passed:escalation',
    ]);
    // Reopened and open again: repeats resume on the usual interval.
    expect((await run(escalation, '2026-11-22T08:30')).repeated).toBe(0);
    expect((await run(escalation, '2026-11-23T08:30')).repeated).toBe(1);
  });

  it('resolves an acknowledged alert when the record arrives before the deadline', async () => {
    await run(warning, '2026-11-04T08:30');
    await acknowledge(t.store, { id: (await alert()).id }, { plan: '补开支委会', by: '2026-11-20' }, at('2026-11-05T10:00'));
    await run([], '2026-11-10T08:30');
    expect((await alert()).state).toBe('resolved');
    expect(await run(escalation, '2026-11-21T08:30')).toMatchObject({ reopened: 1 }); // it came back: that is news again
  });

  it('caps an escalated alert at warning when it is acknowledged', async () => {
    await run(escalation, '2026-11-12T08:30');
    const [a] = await acknowledge(t.store, { id: (await alert()).id }, { plan: '补开', by: '2026-11-30' }, at('2026-11-12T09:00'));
    expect(a).toMatchObject({ state: 'acknowledged', level: 'warning' });
    expect((await t.store.alerts.history(a!.id)).at(-1)).toMatchObject({ kind: 'acknowledged', fromLevel: 'escalation', level: 'warning' });
  });

  it('acknowledges every open alert of a branch when given its code', async () => {
    const both = [...warning, finding('B1', 'theme-day-monthly', '2026-10', 'warning'), finding('B2', 'theme-day-monthly', '2026-10', 'warning')];
    await run(both, '2026-11-04T08:30');
    const done = await acknowledge(t.store, { org: 'B1' }, { plan: '本月内全部补开', by: '2026-11-30' }, at('2026-11-05T10:00'));
    expect(done.map((a) => a.rule).sort()).toEqual(['committee-monthly', 'theme-day-monthly']);
    expect((await t.store.alerts.list({ org: 'B2' }))[0]!.state).toBe('open');
  });

  it('accepts today as the deadline (the end of today)', async () => {
    await run(warning, '2026-11-04T08:30');
    expect((await acknowledge(t.store, { id: (await alert()).id }, { plan: '今天补录', by: '2026-11-05' }, at('2026-11-05T23:00')))[0]!.ackDeadline).toBe(at('2026-11-06T00:00'));
  });

  it.each([
    [{ id: 999 }, { plan: '补开', by: '2026-11-30' }, /预警编号 999 不存在.*no alert with id 999/],
    [{ org: 'NOPE' }, { plan: '补开', by: '2026-11-30' }, /未找到组织编码 NOPE.*unknown organization/],
    [{ org: 'B3' }, { plan: '补开', by: '2026-11-30' }, /B3 没有未处理的预警.*no open alerts/],
    ['first', { plan: '补开', by: '2026-11-04' }, /整改期限 2026-11-04 已过.*in the past/],
    ['first', { plan: '  ', by: '2026-11-30' }, /缺少整改计划.*plan is required/],
    ['first', { plan: '补开', by: '2026-11-31' }, /YYYY-MM-DD.*2026-11-31/],
  ] as const)('refuses %j %j with a clear bilingual error', async (target, ack, message) => {
    await run(warning, '2026-11-04T08:30');
    const tgt = target === 'first' ? { id: (await alert()).id } : target;
    await expect(acknowledge(t.store, tgt, ack, at('2026-11-05T10:00'))).rejects.toThrow(AlertError);
    await expect(acknowledge(t.store, tgt, ack, at('2026-11-05T10:00'))).rejects.toThrow(message);
    expect((await alert()).state).toBe('open');
  });

  it('refuses to acknowledge a resolved alert', async () => {
    await run(warning, '2026-11-04T08:30');
    await run([], '2026-11-05T08:30');
    const id = (await alert()).id;
    await expect(acknowledge(t.store, { id }, { plan: '补开', by: '2026-11-30' }, at('2026-11-05T10:00'))).rejects.toThrow(/已解除.*already resolved/);
  });
});

describe('the alert summary reports read', async () => {
  it('counts per branch the alerts opened in a span, how severe they became and how fast they were acknowledged', async () => {
    const f = [finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B1', 'theme-day-monthly', '2026-10', 'reminder'), finding('B2', 'committee-monthly', '2026-10', 'escalation')];
    await run(f, '2026-11-04T08:30');
    await acknowledge(t.store, { org: 'B1' }, { plan: '补开', by: '2026-11-30' }, at('2026-11-05T20:30'));
    const s = await t.store.alerts.summaryByOrg(at('2026-11-01'), at('2026-12-01'));
    expect(s.get('B1')).toEqual({ org: 'B1', opened: 2, warnings: 1, escalations: 0, acknowledged: 2, meanHoursToAck: 36, unresolved: 2 });
    expect(s.get('B2')).toMatchObject({ opened: 1, escalations: 1, acknowledged: 0, meanHoursToAck: null });
    expect((await t.store.alerts.summaryByOrg(at('2026-10-01'), at('2026-11-01'))).size).toBe(0);
  });
});
