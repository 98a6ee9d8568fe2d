/**
 * alerts.standingOf (what `orglife check` shows beside each finding): the open and acknowledged
 * alerts of the asked orgs only, and per alert when its warning first reached the branch — absent
 * until a delivery of it is sent, counted again from a reopening. On the store of the run (both).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explicitScope, planDeliveries, reconcile } from '../../src/alerts/index.js';
import type { Config } from '../../src/config/schema.js';
import type { Finding } from '../../src/domain/types.js';
import { at, cityStore, finding, sendAllPending, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

const warning: Finding = { ...finding('B3', 'committee-monthly', '2026-10', 'warning'), escalationDays: 7 };
const reminder = finding('B1', 'theme-day-monthly', '2026-11', 'reminder');

async function cycle(config: Config, found: Finding[], iso: string) {
  await reconcile(t.store, found, explicitScope([warning, reminder]), config, at(iso));
  await planDeliveries(t.store, config, ['email'], at(iso));
}

describe('alerts.standingOf', () => {
  it('gives the asked orgs’ standing alerts, and when each warning first reached the branch', async () => {
    const config = testConfig((c) => (c.alerts.repeat_after_days = []));
    await cycle(config, [warning, reminder], '2026-11-04T08:30');
    // Planned, not sent: the alerts stand, no warning delivered yet.
    const before = await t.store.alerts.standingOf(['B3', 'B1', 'B3', 'B2']);
    expect(before.alerts.map((a) => [a.org, a.rule, a.state, a.level])).toEqual(
      expect.arrayContaining([['B3', 'committee-monthly', 'open', 'warning'], ['B1', 'theme-day-monthly', 'open', 'reminder']]),
    );
    expect(before.alerts).toHaveLength(2);
    expect(before.warnedAt).toEqual(new Map());
    expect((await t.store.alerts.standingOf(['B2'])).alerts).toEqual([]);
    expect(await t.store.alerts.standingOf([])).toEqual({ alerts: [], warnedAt: new Map() });

    expect(await sendAllPending(t.store, at('2026-11-04T09:00'))).toBeGreaterThan(0);
    const b3 = (await t.store.alerts.list({ org: 'B3' }))[0]!;
    const after = await t.store.alerts.standingOf(['B3', 'B1']);
    // The warning's first delivery to its branch; a reminder is never a delivered warning.
    expect(after.warnedAt).toEqual(new Map([[b3.id, at('2026-11-04T09:00')]]));
    // Only the asked orgs: B1's reminder alone.
    const onlyB1 = await t.store.alerts.standingOf(['B1']);
    expect(onlyB1.alerts.map((a) => a.org)).toEqual(['B1']);
    expect(onlyB1.warnedAt).toEqual(new Map());

    // Resolved (B3 held its meeting): no longer standing. Back again: a reopening counts afresh.
    await cycle(config, [reminder], '2026-11-05T08:30');
    expect((await t.store.alerts.standingOf(['B3'])).alerts).toEqual([]);
    await cycle(config, [warning, reminder], '2026-11-06T08:30');
    const reopened = await t.store.alerts.standingOf(['B3']);
    expect(reopened.alerts.map((a) => [a.id, a.state])).toEqual([[b3.id, 'open']]);
    expect(reopened.warnedAt).toEqual(new Map());
    await sendAllPending(t.store, at('2026-11-06T10:00'));
    expect((await t.store.alerts.standingOf(['B3'])).warnedAt).toEqual(new Map([[b3.id, at('2026-11-06T10:00')]]));
  });
});
