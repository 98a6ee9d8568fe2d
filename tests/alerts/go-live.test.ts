import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeMessage, explicitScope, planDeliveries, reconcile } from '../../src/alerts/index.js';
import { BacklogCounter } from '../../src/alerts/backlog.js';
import { planBacklogSummary } from '../../src/alerts/planner.js';
import type { DigestModel } from '../../src/alerts/digest-model.js';
import { annotateFindings, type ShownFinding } from '../../src/evaluation/alert-states.js';
import type { Config } from '../../src/config/schema.js';
import { shanghaiDate } from '../../src/domain/calendar.js';
import { sendTime } from '../../src/delivery/schedule.js';
import { physicalChannel } from '../../src/notifiers/config.js';
import type { Finding } from '../../src/domain/types.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, cityStore, finding, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

const w = (f: Finding): Finding => ({ ...f, escalationDays: 7 });
/** B1 and B3 with lapses of periods that ended before 1 December (go-live), and one current reminder. */
const findings = (): Finding[] => [
  w(finding('B1', 'committee-monthly', '2026-10', 'warning')),
  w(finding('B1', 'lecture-quarterly', '2026-Q3', 'warning')),
  w(finding('B3', 'committee-monthly', '2026-10', 'warning')),
  w(finding('B3', 'committee-monthly', '2026-12', 'reminder')),
];
const BRANCHES = { B1: { code: 'B1', parent: 'C1' }, B3: { code: 'B3', parent: 'C2' } } as const;

const goLive = (edit: (c: Config) => void = () => undefined) =>
  testConfig((c) => {
    c.alerts.start_from = '2026-12-01';
    c.alerts.admins = [{ name: '组织部管理员', email: 'admin@zzb.gov.cn' }];
    edit(c);
  });

/** One cycle's worth of go-live work at `iso`: reconcile, plan the alerts, plan the backlog summary. */
async function cycle(config: Config, iso: string): Promise<{ reconciled: Awaited<ReturnType<typeof reconcile>>; backlog: number }> {
  const f = findings();
  const reconciled = await reconcile(t.store, f, explicitScope(f), config, at(iso));
  await planDeliveries(t.store, config, ['email'], at(iso));
  const counter = new BacklogCounter(config);
  for (const code of ['B1', 'B3'] as const) counter.add(BRANCHES[code], f.filter((x) => x.org === code));
  return { reconciled, backlog: await planBacklogSummary(t.store, config, ['email'], counter, at(iso)) };
}

describe('the first cycle after go-live', () => {
  it('sends the admins ONE backlog summary and nothing about history to branches or committees; later cycles add nothing', async () => {
    const config = goLive();
    const first = await cycle(config, '2026-12-23T08:30');
    expect(first.reconciled).toMatchObject({ history: 3, opened: 1 });
    expect(first.backlog).toBe(1);
    // Only the current reminder reached the branch; every delivery to a person of a branch is about it.
    const items = await t.rows<{ org: string; level: string; role: string }>('SELECT org, level, role FROM alert_digest_items');
    expect(items).toEqual([{ org: 'B3', level: 'reminder', role: 'secretary' }]);
    for (const iso of ['2026-12-24T08:30', '2026-12-25T08:30']) expect((await cycle(config, iso)).backlog).toBe(0);
    const mails = await t.rows<{ recipient: string; model: string }>(
      `SELECT d.recipient, g.model FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id WHERE g.recipient_key LIKE 'backlog:%'`,
    );
    expect(mails.map((m) => m.recipient)).toEqual(['admin@zzb.gov.cn']);
    const msg = composeMessage(JSON.parse(mails[0]!.model) as DigestModel, 'email', 'admin@zzb.gov.cn');
    expect(msg.subject).toBe('【组织生活预警】系统上线前历史问题汇总：2个支部共3项（不向支部和上级党委发送）');
    expect(msg.text).toContain('每月召开支委会 2项');
    expect(msg.text).toContain('每季度上党课 1项');
    expect(msg.text).toContain('城关镇党委（C1）：1个支部 2项');
    expect(msg.text).not.toMatch(/committee-monthly|lecture-quarterly/);
  });

  it('keeps to the daily SMS cap: an admin reached by SMS alone gets none past it', async () => {
    const phone = '13800000001';
    const config = goLive((c) => {
      c.alerts.admins = [{ name: '组织部管理员', phone }];
      c.delivery.sms_daily_cap = 1;
    });
    const sms = physicalChannel(config.channels, 'sms');
    const now = at('2026-12-23T08:30');
    const sendDay = shanghaiDate(sendTime(config, now));
    const summaryTo = async () => {
      const counter = new BacklogCounter(config);
      for (const code of ['B1', 'B3'] as const) counter.add(BRANCHES[code], findings().filter((x) => x.org === code));
      await planBacklogSummary(t.store, config, ['email', sms], counter, now);
      return (await t.rows<{ channel: string }>(`SELECT d.channel FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id WHERE g.recipient_key LIKE 'backlog:%' ORDER BY d.channel`)).map((r) => r.channel);
    };
    // One SMS to the admin's phone already planned for the send day (another digest): the cap is reached.
    const contacts = { phone, email: null, robot: null };
    await t.store.outbox.plan({ sendDay, now, committees: [], phonesOf: () => [] }, () => ({
      write: {
        plans: [{
          digest: { key: 'cap-k', recipientKey: `test:${phone}`, recipientName: '组织部管理员', contacts, route: ['sms'], level: 'reminder', model: { recipientName: '组织部管理员', robot: false, at: now, own: [], committees: [], emailCopy: false }, items: [] },
          sends: [{ logical: 'sms', channel: sms, recipient: phone }],
          keys: ['cap-d'],
        }],
        notes: new Map(),
        notBefore: now,
        sendDay,
      },
      result: null,
    }));
    expect(await summaryTo()).toEqual([]);
  });

  it('sends the summary by SMS to an admin with a phone alone, under the cap', async () => {
    const config = goLive((c) => {
      c.alerts.admins = [{ name: '组织部管理员', phone: '13800000001' }];
      c.delivery.sms_daily_cap = 1;
    });
    const sms = physicalChannel(config.channels, 'sms');
    const counter = new BacklogCounter(config);
    for (const code of ['B1', 'B3'] as const) counter.add(BRANCHES[code], findings().filter((x) => x.org === code));
    expect(await planBacklogSummary(t.store, config, ['email', sms], counter, at('2026-12-23T08:30'))).toBe(1);
  });

  it('sends no summary before go-live, without admins, or without history', async () => {
    expect((await cycle(goLive(), '2026-11-30T08:30')).backlog).toBe(0);
    expect((await cycle(goLive((c) => (c.alerts.admins = [])), '2026-12-23T08:30')).backlog).toBe(0);
    expect((await cycle(testConfig(), '2026-12-23T08:30')).backlog).toBe(0);
  });

  it('check shows history as 上线前, never as an escalation', async () => {
    const config = goLive();
    const f: ShownFinding[] = findings();
    await annotateFindings(t.store, config, f);
    expect(f.map((x) => x.shown!.state)).toEqual(['history', 'history', 'history', 'new']);
    expect(f[0]!.shown).toMatchObject({ label: '上线前', note: '上线前的历史问题，仅供查看，不发送提醒' });
  });
});
