/**
 * Weak-branch (软弱涣散) reminders and branches removed (撤销), on the store tempStore() gives
 * (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres), through the real planner, the store's
 * claim and the daemon's composers: a combined reminder planned before a removal is sent listing
 * only the live branches (rendered at claim); one whose every branch is removed or un-designated is
 * cancelled; the next month's planning reminds no removed branch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composedOutbox } from '../../src/jobs/outbox-alerts.js';
import { planWeakReminders } from '../../src/rating/weak-reminders.js';
import { designateWeak, removeDesignation } from '../../src/rating/weak-service.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW, seedOrgs } from './seed.js';

let t: TempStore;
let d1: number;
let d2: number;
const config = shippedConfig();
const policy = { route: ['email'] as const, smsChannel: 'http_sms' as const, available: new Set(['email' as const]), smsDailyCap: config.delivery.sms_daily_cap };

beforeEach(async () => {
  t = await tempStore();
  await seedOrgs(t, [
    ['C01', '城关镇党委', 'committee', null, null, { secretary: '镇党委书记', secretaryEmail: 'town@example.cn' }],
    ['B1', '东村党支部', 'branch', 'C01', 'rural', { secretary: '张书记', secretaryEmail: 'b1@example.cn' }],
    ['B2', '西村党支部', 'branch', 'C01', 'rural', { secretary: '李书记', secretaryEmail: 'b2@example.cn' }],
  ]);
  d1 = await designateWeak(t.store, { org: 'B1', category: 'org_life', on: '2026-03-01', by: '组织部' }, NOW);
  d2 = await designateWeak(t.store, { org: 'B2', category: 'leadership', on: '2026-03-01', by: '组织部' }, NOW);
});
afterEach(async () => t.cleanup());

const plan = (month: string) =>
  t.store.rating.planReminders({ sendDay: `${month}-05`, notBefore: NOW, now: NOW, phonesOf: () => [] }, ({ open, contacts, smsCounts }) => {
    const p = planWeakReminders(open, contacts, month, config.rating, policy, smsCounts);
    return { reminders: p.reminders, sends: p.sends, result: p };
  });
const deliveryTo = async (month: string, key: string) => {
  const s = (await t.store.rating.reminderStates(month)).find((r) => r.recipientKey === key);
  return s?.deliveries[0]?.id;
};
const claim = (id: number) => composedOutbox(config).claim(t.store, id, 'w1', NOW, 60_000);

describe('weak-branch reminders of removed branches', () => {
  it('a combined reminder leaves a branch removed meanwhile out; its own reminder is cancelled; next month plans none for it', async () => {
    await plan('2026-06');
    const town = (await deliveryTo('2026-06', 'email:town@example.cn'))!;
    const own = (await deliveryTo('2026-06', 'email:b2@example.cn'))!;
    const planned = await t.store.deliveries.get(town);
    expect(planned?.carries.kind === 'reminder' && planned.carries.reminder?.text).toMatch(/东村.*\n.*西村/s);

    await t.store.orgs.remove(['B2'], null, NOW, []);
    const c = await claim(town);
    if (c.outcome !== 'send') throw new Error(`expected a send, got ${JSON.stringify(c)}`);
    expect(c.delivery.message.subject).toBe('【软弱涣散整顿提醒】东村党支部等1个党组织 2026年6月');
    expect(c.delivery.message.text).toMatch(/^城关镇党委：2026年6月仍在整顿中的软弱涣散基层党组织共 1 个：\n1\. 东村党支部（B1）/);
    expect(c.delivery.message.text).not.toMatch(/西村|B2/);
    expect(await claim(own)).toEqual({ outcome: 'done', status: 'cancelled' });
    expect(await t.store.deliveries.get(own)).toMatchObject({ status: 'cancelled', lastError: 'designation or its branch removed before sending' });

    const july = await plan('2026-07');
    expect(july.result.due).toBe(1);
    const states = await t.store.rating.reminderStates('2026-07');
    expect(states.map((s) => s.recipientKey).sort()).toEqual(['email:b1@example.cn', 'email:town@example.cn']);
    for (const s of states) expect(s.designationIds).toEqual([d1]);
  });

  it('a reminder whose every branch is removed or un-designated is cancelled at its claim', async () => {
    await plan('2026-06');
    const town = (await deliveryTo('2026-06', 'email:town@example.cn'))!;
    await t.store.orgs.remove(['B2'], null, NOW, []);
    await removeDesignation(t.store, d1, '2026-06-02', '验收合格');
    expect(await claim(town)).toEqual({ outcome: 'done', status: 'cancelled' });
    expect(d2).toBeGreaterThan(0);
  });
});
