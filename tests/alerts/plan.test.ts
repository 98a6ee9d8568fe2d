import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge, explicitScope, planDeliveries, reconcile, type DigestModel } from '../../src/alerts/index.js';
import type { Config } from '../../src/config/schema.js';
import { shanghaiDateTime } from '../../src/domain/calendar.js';
import type { Finding } from '../../src/domain/types.js';
import type { ChannelName } from '../../src/notifiers/types.js';
import { openStore } from '../../src/store/open.js';
import { committeeChunks } from '../../src/store/plan-chunks.js';
import type { Store } from '../../src/store/port.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, branch, cityStore, finding, insertOrgs, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

const AVAILABLE: ChannelName[] = ['email', 'aliyun_sms', 'wecom'];
const baseConfig = testConfig((c) => {
  c.channels.wecom.robots = { county: { key_env: 'WECOM_KEY_COUNTY', committees: ['C1'] } };
});

/** reconcile + plan, as one daily cycle does. */
async function cycle(findings: Finding[], iso: string, config: Config = baseConfig, available = AVAILABLE) {
  await reconcile(t.store, findings, explicitScope(findings), config, at(iso));
  return planDeliveries(t.store, config, available, at(iso));
}

/** Deliveries with their digest, compact: "channel → recipient". */
async function sent() {
  return (await t.rows<{ channel: string; recipient: string; model: string; notBefore: number }>(
    'SELECT d.channel, d.recipient, g.model, d.not_before AS notBefore FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id ORDER BY d.id',
  )).map((r) => ({ ...r, model: JSON.parse(r.model) as DigestModel }));
}
const targets = async () => (await sent()).map((d) => `${d.channel} → ${d.recipient}`).sort();

describe('planning digests', () => {
  it('sends ONE message per recipient per run, listing all of that person’s items', async () => {
    const p = await cycle(
      [
        finding('B1', 'committee-monthly', '2026-10', 'warning'),
        finding('B1', 'theme-day-monthly', '2026-11', 'reminder'),
        finding('B1', 'minutes-missing', '2026-10', 'reminder'),
      ],
      '2026-11-04T08:30',
    );
    expect(p).toMatchObject({ outbox: 3, digests: 2, unreachable: 0, cappedSms: 0 });
    // The SMS points to the email, which carries the full list.
    expect(await targets()).toEqual([
      'aliyun_sms → 13800000001',
      'aliyun_sms → 13800000002',
      'email → li@example.cn',
      'email → zhang@example.cn',
    ]);
    for (const d of await sent()) {
      expect(d.model.own).toHaveLength(1);
      expect(d.model.own[0]!.items.map((i) => i.rule)).toEqual(['committee-monthly', 'minutes-missing', 'theme-day-monthly']);
      expect(d.model.emailCopy).toBe(true);
    }
    expect(await t.count('SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
  });

  it('gives a person with the same phone and email on two branches one digest covering both', async () => {
    await cycle([finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B2', 'theme-day-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const zhang = (await sent()).filter((d) => d.recipient === '13800000001' || d.recipient === 'zhang@example.cn');
    expect(zhang.map((d) => d.channel).sort()).toEqual(['aliyun_sms', 'email']);
    expect(zhang[0]!.model.recipientName).toBe('张三');
    expect(zhang[0]!.model.own.map((b) => b.code)).toEqual(['B1', 'B2']);
    // B2's clerk has no email: the SMS is all he gets, and it does not promise an email.
    const zhao = (await sent()).filter((d) => d.recipient === '13800000003');
    expect(zhao).toHaveLength(1);
    expect(zhao[0]!.model.emailCopy).toBe(false);
  });

  it('sends escalations also to the parent committee: one digest per committee listing its lagging branches', async () => {
    await cycle(
      [
        finding('B1', 'committee-monthly', '2026-10', 'escalation'),
        finding('B2', 'committee-monthly', '2026-10', 'escalation'),
        finding('B2', 'theme-day-monthly', '2026-10', 'escalation'),
        finding('B3', 'assembly-quarterly', '2026-Q3', 'escalation'),
      ],
      '2026-11-12T08:30',
    );
    const all = await sent();
    const to = (r: string) => all.filter((d) => d.recipient === r);
    // Committee contacts get the escalation route (email, robots), not SMS.
    expect(to('13900000001')).toHaveLength(0);
    for (const r of ['wang@c1.gov.cn', 'qian@c1.gov.cn', 'county']) {
      const [d, more] = to(r);
      expect(more).toBeUndefined();
      expect(d!.model.own).toEqual([]);
      expect(d!.model.committees.map((c) => [c.code, c.branches.map((b) => `${b.code}:${b.items.length}`)])).toEqual([['C1', ['B1:1', 'B2:2']]]);
    }
    expect(to('county')[0]!.channel).toBe('wecom');
    expect(to('sun@c2.gov.cn')[0]!.model.committees.map((c) => c.code)).toEqual(['C2']);
    // No robot serves C2, and dingtalk is not available.
    expect(all.filter((d) => d.channel === 'wecom')).toHaveLength(1);
  });

  it('merges a person’s own items and the committee items they supervise into one message', async () => {
    await insertOrgs(t.store, [branch('B9', '城关镇党委机关党支部', 'C1', { secretary: '王书记', secretaryPhone: '13900000001', secretaryEmail: 'wang@c1.gov.cn' })]);
    await cycle([finding('B9', 'review-yearly', '2025', 'warning'), finding('B1', 'committee-monthly', '2026-10', 'escalation')], '2026-11-12T08:30');
    const wang = (await sent()).filter((d) => d.recipient === 'wang@c1.gov.cn');
    expect(wang).toHaveLength(1);
    expect(wang[0]!.model.own.map((b) => b.code)).toEqual(['B9']);
    expect(wang[0]!.model.committees.map((c) => c.branches.map((b) => b.code))).toEqual([['B1']]);
    expect((await sent()).filter((d) => d.recipient === '13900000001')).toHaveLength(1); // his own warning goes by SMS too
  });

  it('routes by level and role: a reminder reaches the secretary by SMS and email, the clerk by email only', async () => {
    await cycle([finding('B1', 'theme-day-monthly', '2026-11', 'reminder')], '2026-11-24T08:30');
    expect(await targets()).toEqual(['aliyun_sms → 13800000001', 'email → li@example.cn', 'email → zhang@example.cn']);
  });

  it('follows the configured routes and the sms_provider', async () => {
    const config = testConfig((c) => {
      c.routing.warning.secretary = ['email'];
      c.routing.warning.clerk = ['sms'];
      c.channels.sms_provider = 'tencent_sms';
    });
    await cycle([finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30', config, ['email', 'tencent_sms']);
    expect(await targets()).toEqual(['email → zhang@example.cn', 'tencent_sms → 13800000002']);
  });

  it('skips channels that have no working notifier', async () => {
    await cycle([finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30', baseConfig, ['email']);
    expect(await targets()).toEqual(['email → li@example.cn', 'email → zhang@example.cn']);
  });

  it('holds deliveries planned after 20:00 on the eve of the National Day holidays until 08:00 on 8 October', async () => {
    const p = await cycle([finding('B3', 'assembly-quarterly', '2026-Q3', 'reminder')], '2026-09-30T20:30');
    expect(shanghaiDateTime(p.notBefore)).toBe('2026-10-08 08:00');
    expect((await sent()).map((d) => shanghaiDateTime(d.notBefore))).toEqual(['2026-10-08 08:00', '2026-10-08 08:00']);
    expect(await t.rows('SELECT DISTINCT send_day FROM deliveries')).toEqual([{ send_day: '2026-10-08' }]);
  });

  it('lets deliveries planned on a Saturday make-up working day go out at once', async () => {
    const p = await cycle([finding('B3', 'assembly-quarterly', '2026-Q3', 'warning')], '2026-10-10T09:00');
    expect(p.notBefore).toBe(at('2026-10-10T09:00'));
  });

  it('moves the 4th message of a day to email once the recipient’s daily SMS cap of 3 is reached', async () => {
    const rules = ['committee-monthly', 'theme-day-monthly', 'lecture-quarterly', 'assembly-quarterly'] as const;
    const periods = ['2026-10', '2026-10', '2026-Q3', '2026-Q3'];
    const capped: number[] = [];
    for (const [n, rule] of rules.entries()) capped.push((await cycle([finding('B3', rule, periods[n]!, 'warning')], `2026-11-04T${String(9 + n).padStart(2, '0')}:00`)).cappedSms);
    expect(capped).toEqual([0, 0, 0, 1]);
    const byRun = await t.rows<{ channel: string; n: number }>(`SELECT channel, count(*) AS n FROM deliveries WHERE recipient IN ('13800000004', 'zhou@example.cn') GROUP BY channel ORDER BY channel`);
    expect(byRun).toEqual([{ channel: 'aliyun_sms', n: 3 }, { channel: 'email', n: 4 }]);
    // A new Shanghai day starts a new count.
    expect((await cycle([finding('B3', 'review-yearly', '2025', 'warning')], '2026-11-05T09:00')).cappedSms).toBe(0);
    expect(await t.count(`SELECT count(*) FROM deliveries WHERE recipient = '13800000004'`)).toBe(4);
  });

  it('never plans a second delivery when planning runs again, even over rows a crash left unmarked', async () => {
    await cycle([finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const first = await t.store.deliveries.list();
    expect(await planDeliveries(t.store, baseConfig, AVAILABLE, at('2026-11-04T08:31'))).toMatchObject({ outbox: 0, deliveries: 0 });
    await t.exec('UPDATE alert_outbox SET planned_at = NULL, note = NULL');
    expect(await planDeliveries(t.store, baseConfig, AVAILABLE, at('2026-11-04T08:30'))).toMatchObject({ outbox: 1, digests: 0, deliveries: 0 });
    expect(await t.store.deliveries.list()).toEqual(first);
  });

  it('drops intents whose alert was acknowledged before planning, and notes events nobody can receive', async () => {
    await insertOrgs(t.store, [branch('B8', '无联系人党支部', 'C1')]);
    const f = [finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B8', 'committee-monthly', '2026-10', 'warning')];
    await reconcile(t.store, f, explicitScope(f), baseConfig, at('2026-11-04T08:30'));
    await acknowledge(t.store, { org: 'B1' }, { plan: '本周补开', by: '2026-11-10' }, at('2026-11-04T08:31'));
    const p = await planDeliveries(t.store, baseConfig, AVAILABLE, at('2026-11-04T08:32'));
    expect(p).toMatchObject({ outbox: 2, stale: 1, unreachable: 1, deliveries: 0 });
    expect(await t.rows('SELECT a.org, o.note FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id ORDER BY a.org')).toEqual([
      { org: 'B1', note: 'skipped: alert acknowledged before planning' },
      { org: 'B8', note: 'unreachable: no contact or channel' },
    ]);
    expect((await t.store.alerts.list({ org: 'B8' }))[0]!.state).toBe('open');
  });
});

describe('planning a big city in chunks', () => {
  const NOW = '2026-11-04T08:30';
  const findings = [
    finding('B1', 'committee-monthly', '2026-09', 'escalation'),
    finding('B1', 'theme-day-monthly', '2026-11', 'reminder'),
    finding('B2', 'minutes-missing', '2026-10', 'warning'),
    finding('B3', 'committee-monthly', '2026-09', 'escalation'),
    finding('B3', 'lecture-quarterly', '2026-Q3', 'warning'),
  ];
  const deliveries = (s: AlertTestStore) => s.rows('SELECT dedup_key AS k, channel, recipient, not_before AS notBefore FROM deliveries ORDER BY dedup_key');

  it('paces the heap after every chunk it wrote (a big city plans in bounded memory: src/heap-pace.ts)', async () => {
    await reconcile(t.store, findings, explicitScope(findings), baseConfig, at(NOW));
    const chunks = committeeChunks(await t.store.outbox.unplannedByCommittee(), 1).length;
    let paced = 0;
    const r = await planDeliveries(t.store, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1, afterChunk: () => void paced++ });
    expect(r.deliveries).toBeGreaterThan(3);
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(paced).toBe(chunks);
  });

  it('plans committee by committee with exactly the deliveries of one pass, and a re-run plans nothing', async () => {
    const onePass = await cityStore();
    try {
      await reconcile(onePass.store, findings, explicitScope(findings), baseConfig, at(NOW));
      const whole = await planDeliveries(onePass.store, baseConfig, AVAILABLE, at(NOW));
      await reconcile(t.store, findings, explicitScope(findings), baseConfig, at(NOW));
      const chunked = await planDeliveries(t.store, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 }); // one committee per chunk
      expect(chunked).toEqual(whole);
      expect(whole.deliveries).toBeGreaterThan(3);
      expect(await deliveries(t)).toEqual(await deliveries(onePass));
      expect(await planDeliveries(t.store, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 })).toMatchObject({ outbox: 0, digests: 0, deliveries: 0 });
      expect(await t.count('SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
    } finally {
      await onePass.cleanup();
    }
  });

  it('takes in its own chunk the branches without a committee and alerts of an org no longer listed, and plans each row once', async () => {
    // The chunk of committee '' holds both: a branch whose parent is empty and an alert whose org has no row.
    const extra = [branch('B8', '直属第一党支部', null as unknown as string, { secretary: '赵六', secretaryPhone: '13800000008' })];
    const rows = [...findings, finding('B8', 'committee-monthly', '2026-09', 'escalation'), finding('GONE', 'committee-monthly', '2026-09', 'warning')];
    const onePass = await cityStore();
    try {
      for (const s of [onePass, t]) {
        await insertOrgs(s.store, extra);
        await reconcile(s.store, rows, explicitScope(rows), baseConfig, at(NOW));
      }
      const whole = await planDeliveries(onePass.store, baseConfig, AVAILABLE, at(NOW));
      const chunked = await planDeliveries(t.store, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 });
      expect(chunked).toEqual(whole);
      expect(chunked).toMatchObject({ outbox: rows.length, unreachable: 1 });
      expect(await deliveries(t)).toEqual(await deliveries(onePass));
      expect(await t.count("SELECT count(*) FROM deliveries WHERE recipient = '13800000008'")).toBeGreaterThan(0);
      const notes = (s: AlertTestStore) => s.rows('SELECT o.event_id AS id, o.note FROM alert_outbox o ORDER BY o.event_id');
      expect(await notes(t)).toEqual(await notes(onePass));
      expect(await t.count("SELECT count(*) FROM alert_outbox WHERE note LIKE 'unreachable%'")).toBe(1);
      expect(await t.count('SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
    } finally {
      await onePass.cleanup();
    }
  });

  it('two planners at once (two store handles) plan each outbox row once: the deliveries of one pass, no row taken twice', async () => {
    const onePass = await cityStore();
    const other = await openStore(t.spec);
    try {
      await reconcile(onePass.store, findings, explicitScope(findings), baseConfig, at(NOW));
      await planDeliveries(onePass.store, baseConfig, AVAILABLE, at(NOW));
      await reconcile(t.store, findings, explicitScope(findings), baseConfig, at(NOW));
      const [a, b] = await Promise.all([
        planDeliveries(t.store, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 }),
        planDeliveries(other, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 }),
      ]);
      // Each chunk re-reads the unplanned rows under the plan lock: what one planner took, the other never sees.
      expect(a.outbox + b.outbox).toBe(findings.length);
      expect(await deliveries(t)).toEqual(await deliveries(onePass));
      expect(await t.count('SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
      expect(await t.count('SELECT count(*) FROM (SELECT event_id, digest_id FROM alert_digest_items GROUP BY event_id, digest_id HAVING count(*) > 1) x')).toBe(0);
    } finally {
      await other.close();
      await onePass.cleanup();
    }
  });

  it('a branch moved to another committee while a run plans is left unplanned (never marked without its message) and the next run plans it', async () => {
    const two = [finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B3', 'committee-monthly', '2026-10', 'warning')];
    await reconcile(t.store, two, explicitScope(two), baseConfig, at(NOW));
    expect(await t.store.outbox.unplannedByCommittee()).toEqual([{ committee: 'C1', rows: 1 }, { committee: 'C2', rows: 1 }]);
    // After the C1 chunk (cut before the move), B3 moves from C2 to C1: the C2 chunk finds nothing.
    let chunks = 0;
    const moving: Store = {
      ...t.store,
      outbox: {
        ...t.store.outbox,
        plan: async (spec, decide) => {
          const r = await t.store.outbox.plan(spec, decide);
          if (++chunks === 1) await insertOrgs(t.store, [branch('B3', '东城社区党支部', 'C1', { secretary: '周七', secretaryPhone: '13800000004', secretaryEmail: 'zhou@example.cn' })]);
          return r;
        },
      },
    };
    expect(await planDeliveries(moving, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 })).toMatchObject({ outbox: 1 });
    expect(chunks).toBe(2);
    expect((await t.store.outbox.unplanned()).map((e) => e.item.org)).toEqual(['B3']);
    expect(await t.count("SELECT count(*) FROM deliveries WHERE recipient = '13800000004'")).toBe(0);
    expect(await planDeliveries(t.store, baseConfig, AVAILABLE, at(NOW), { chunkRows: 1 })).toMatchObject({ outbox: 1, unreachable: 0 });
    expect(await t.count("SELECT count(*) FROM deliveries WHERE recipient = '13800000004'")).toBe(1);
    expect(await t.count('SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
  });

  it('counts the daily SMS cap across chunks (a secretary of branches under two committees)', async () => {
    await insertOrgs(t.store, [branch('B4', '东城第二党支部', 'C2', { secretary: '张三', secretaryPhone: '13800000001' })]);
    const config = testConfig((c) => {
      c.delivery.sms_daily_cap = 1;
    });
    const two = [finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B4', 'committee-monthly', '2026-10', 'warning')];
    await reconcile(t.store, two, explicitScope(two), config, at(NOW));
    const p = await planDeliveries(t.store, config, AVAILABLE, at(NOW), { chunkRows: 1 });
    expect(p.cappedSms).toBe(1);
    expect(await t.count("SELECT count(*) FROM deliveries WHERE logical = 'sms' AND recipient = '13800000001'")).toBe(1);
  });

  it('a tick run late (yesterday’s, caught up today) counts its SMS against today’s cap: the day they really go out', async () => {
    const config = testConfig((c) => {
      c.delivery.sms_daily_cap = 1;
    });
    // Today (5 Nov) the secretary of B3 already had her one SMS.
    const today = [finding('B3', 'committee-monthly', '2026-10', 'warning')];
    await reconcile(t.store, today, explicitScope(today), config, at('2026-11-05T08:30'));
    expect((await planDeliveries(t.store, config, AVAILABLE, at('2026-11-05T08:30'))).cappedSms).toBe(0);
    // Yesterday's tick, missed (the daemon was down), runs now at 10:00 today: its SMS would be a second one today.
    const late = [finding('B3', 'lecture-quarterly', '2026-Q3', 'warning')];
    await reconcile(t.store, late, explicitScope(late), config, at('2026-11-04T08:30'));
    const p = await planDeliveries(t.store, config, AVAILABLE, at('2026-11-04T08:30'), { sendFrom: at('2026-11-05T10:00') });
    expect(p).toMatchObject({ cappedSms: 1, notBefore: at('2026-11-05T10:00') });
    const days = await t.rows<{ day: string; n: number }>("SELECT send_day AS day, count(*) AS n FROM deliveries WHERE logical = 'sms' AND recipient = '13800000004' GROUP BY send_day");
    expect(days).toEqual([{ day: '2026-11-05', n: 1 }]);
  });
});
