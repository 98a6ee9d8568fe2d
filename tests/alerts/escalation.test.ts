import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge, explicitScope, planDeliveries, reconcile } from '../../src/alerts/index.js';
import { escalationDate } from '../../src/alerts/lifecycle.js';
import { lifecyclePolicy } from '../../src/alerts/reconcile.js';
import type { Config } from '../../src/config/schema.js';
import type { Finding } from '../../src/domain/types.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, cityStore, finding, sendAllPending, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

/** A warning of B3 (周七) as the rule gives it: October's committee meeting, escalation_days 7. */
const warning: Finding = { ...finding('B3', 'committee-monthly', '2026-10', 'warning'), escalationDays: 7 };
const only = [warning];

/** One daily cycle at `iso`: reconcile, then plan (email only: no SMS provider in these tests). */
async function cycle(config: Config, iso: string) {
  const r = await reconcile(t.store, only, explicitScope(only), config, at(iso));
  await planDeliveries(t.store, config, ['email'], at(iso));
  return r;
}

/** Mark every pending delivery sent at `iso` (what the worker records after the provider's answer). */
function sendAll(iso: string): Promise<number> {
  return sendAllPending(t.store, at(iso));
}

const alertOfB3 = async () => (await t.store.alerts.list({ org: 'B3' }))[0]!;

/** The days (of `days`) on which a cycle escalated the alert. */
async function escalatedOn(config: Config, days: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of days) if ((await cycle(config, `${d}T08:30`)).raised) out.push(d);
  return out;
}

const NOVEMBER = Array.from({ length: 26 }, (_, i) => `2026-11-${String(i + 5).padStart(2, '0')}`);

describe('escalation follows the alert’s own history', () => {
  it('never escalates a warning that was never delivered, however long it stays open', async () => {
    const config = testConfig((c) => (c.alerts.repeat_after_days = []));
    await cycle(config, '2026-11-04T08:30'); // planned, but nothing is ever sent
    expect(await escalatedOn(config, NOVEMBER)).toEqual([]);
    expect(await alertOfB3()).toMatchObject({ state: 'open', level: 'warning' });
  });

  it('escalates escalation_days WORKING days after the day the warning reached the branch', async () => {
    const config = testConfig((c) => (c.alerts.repeat_after_days = []));
    await cycle(config, '2026-11-04T08:30');
    expect(await sendAll('2026-11-04T09:00')).toBe(1); // Wednesday
    // 7 working days after Wed 4 Nov: 5, 6, 9, 10, 11, 12, 13 → Friday 13 November.
    expect(await escalatedOn(config, NOVEMBER)).toEqual(['2026-11-13']);
    const a = await alertOfB3();
    expect(a).toMatchObject({ state: 'open', level: 'escalation' });
    const last = (await t.store.alerts.history(a.id)).at(-1)!;
    expect(last).toMatchObject({ kind: 'raised', reason: 'escalated', level: 'escalation', fromLevel: 'warning' });
    expect(last.detail).toMatchObject({ warnedAt: at('2026-11-04T09:00'), days: 7, count: 'working_days' });
    // The escalation is announced (outbox), and goes to the parent committee C2 as well.
    const roles = await t.rows<{ role: string }>(`SELECT DISTINCT role FROM alert_digest_items WHERE level = 'escalation' ORDER BY role`);
    expect(roles.map((r) => r.role)).toEqual(['committee', 'secretary']);
  });

  it('counts calendar days when configured, and skips holidays of the calendar when counting working days', async () => {
    const calendarDays = testConfig((c) => Object.assign(c.alerts, { repeat_after_days: [], escalation_count: 'calendar_days' }));
    await cycle(calendarDays, '2026-11-04T08:30');
    await sendAll('2026-11-04T09:00');
    expect(await escalatedOn(calendarDays, NOVEMBER)).toEqual(['2026-11-11']);

    const policy = lifecyclePolicy(testConfig((c) => c.calendar.holidays.push('2026-11-09', '2026-11-10')));
    expect(escalationDate(at('2026-11-04T09:00'), 7, policy)).toBe('2026-11-17');
    expect(escalationDate(at('2026-11-04T09:00'), 0, policy)).toBe('2026-11-04');
  });

  it('does not count a message still held (pending) or sent only to the committee', async () => {
    const config = testConfig((c) => (c.alerts.repeat_after_days = []));
    await cycle(config, '2026-11-04T08:30');
    // The branch's own message never went out; a committee-only send must not start the clock.
    await t.exec(`UPDATE alert_digest_items SET role = 'committee'`);
    await sendAll('2026-11-04T09:00');
    expect(await escalatedOn(config, NOVEMBER)).toEqual([]);
  });

  it('never escalates an acknowledged warning before its deadline; after a missed deadline the clock starts again', async () => {
    const config = testConfig((c) => (c.alerts.repeat_after_days = []));
    await cycle(config, '2026-11-04T08:30');
    await sendAll('2026-11-04T09:00');
    await acknowledge(t.store, { id: (await alertOfB3()).id }, { plan: '11月20日前召开支委会', by: '2026-11-20', who: '周七' }, at('2026-11-06T10:00'));
    expect(await escalatedOn(config, NOVEMBER.filter((d) => d <= '2026-11-20'))).toEqual([]);
    expect(await alertOfB3()).toMatchObject({ state: 'acknowledged', level: 'warning' });
    // 21 Nov: the deadline passed → reopened (a new warning); the first delivery was before the reopening.
    expect(await cycle(config, '2026-11-21T08:30')).toMatchObject({ reopened: 1 });
    expect(await escalatedOn(config, ['2026-11-23', '2026-11-24', '2026-11-30'])).toEqual([]);
    await sendAll('2026-11-23T08:00'); // Monday: the reopened warning is delivered
    expect(await escalatedOn(config, ['2026-12-01', '2026-12-02'])).toEqual(['2026-12-02']);
  });

  it('stays an escalation while open, even though the rule keeps saying "warning"', async () => {
    const config = testConfig((c) => (c.alerts.repeat_after_days = []));
    await cycle(config, '2026-11-04T08:30');
    await sendAll('2026-11-04T09:00');
    await escalatedOn(config, NOVEMBER);
    const r = await cycle(config, '2026-12-01T08:30');
    expect(r).toMatchObject({ lowered: 0, raised: 0 });
    expect((await alertOfB3()).level).toBe('escalation');
  });
});

describe('alerts.start_from (go-live)', () => {
  it('keeps lapses of periods that ended before go-live out of the alerts: counted as history, never sent', async () => {
    const config = testConfig((c) => (c.alerts.start_from = '2026-11-01'));
    const old = { ...finding('B1', 'committee-monthly', '2026-10', 'warning'), escalationDays: 7 };
    const older = { ...finding('B1', 'lecture-quarterly', '2026-Q3', 'warning'), escalationDays: 7 };
    const current = { ...finding('B1', 'committee-monthly', '2026-11', 'reminder'), escalationDays: 7 };
    const f = [old, older, current];
    const r = await reconcile(t.store, f, explicitScope(f), config, at('2026-11-25T08:30'));
    expect(r).toMatchObject({ opened: 1, history: 2, outbox: 1 });
    expect((await t.store.alerts.list({ org: 'B1' })).map((a) => a.period)).toEqual(['2026-11']);
  });
});
