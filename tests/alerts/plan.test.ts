import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge, explicitScope, listAlerts, listDeliveries, planDeliveries, reconcile, type DigestModel } from '../../src/alerts/index.js';
import type { Config } from '../../src/config/schema.js';
import { shanghaiDateTime } from '../../src/domain/calendar.js';
import type { Finding } from '../../src/domain/types.js';
import type { ChannelName } from '../../src/notifiers/types.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { at, branch, count, finding, insertOrgs, rows, seedCity, testConfig } from './fixtures.js';

let t: TempDb;
beforeEach(() => {
  t = tempDb();
  seedCity(t.db);
});
afterEach(() => t.cleanup());

const AVAILABLE: ChannelName[] = ['email', 'aliyun_sms', 'wecom'];
const baseConfig = testConfig((c) => {
  c.channels.wecom.robots = { county: { key_env: 'WECOM_KEY_COUNTY', committees: ['C1'] } };
});

/** reconcile + plan, as one daily cycle does. */
function cycle(findings: Finding[], iso: string, config: Config = baseConfig, available = AVAILABLE) {
  reconcile(t.db, findings, explicitScope(findings), config, at(iso));
  return planDeliveries(t.db, config, available, at(iso));
}

/** Deliveries with their digest, compact: "channel → recipient". */
function sent() {
  return rows<{ channel: string; recipient: string; model: string; notBefore: number }>(
    t.db,
    'SELECT d.channel, d.recipient, g.model, d.not_before AS notBefore FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id ORDER BY d.id',
  ).map((r) => ({ ...r, model: JSON.parse(r.model) as DigestModel }));
}
const targets = () => sent().map((d) => `${d.channel} → ${d.recipient}`).sort();

describe('planning digests', () => {
  it('sends ONE message per recipient per run, listing all of that person’s items', () => {
    const p = cycle(
      [
        finding('B1', 'committee-monthly', '2026-10', 'warning'),
        finding('B1', 'theme-day-monthly', '2026-11', 'reminder'),
        finding('B1', 'minutes-missing', '2026-10', 'reminder'),
      ],
      '2026-11-04T08:30',
    );
    expect(p).toMatchObject({ outbox: 3, digests: 2, unreachable: 0, cappedSms: 0 });
    // The SMS points to the email, which carries the full list.
    expect(targets()).toEqual([
      'aliyun_sms → 13800000001',
      'aliyun_sms → 13800000002',
      'email → li@example.cn',
      'email → zhang@example.cn',
    ]);
    for (const d of sent()) {
      expect(d.model.own).toHaveLength(1);
      expect(d.model.own[0]!.items.map((i) => i.rule)).toEqual(['committee-monthly', 'minutes-missing', 'theme-day-monthly']);
      expect(d.model.emailCopy).toBe(true);
    }
    expect(count(t.db, 'SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
  });

  it('gives a person with the same phone and email on two branches one digest covering both', () => {
    cycle([finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B2', 'theme-day-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const zhang = sent().filter((d) => d.recipient === '13800000001' || d.recipient === 'zhang@example.cn');
    expect(zhang.map((d) => d.channel).sort()).toEqual(['aliyun_sms', 'email']);
    expect(zhang[0]!.model.recipientName).toBe('张三');
    expect(zhang[0]!.model.own.map((b) => b.code)).toEqual(['B1', 'B2']);
    // B2's clerk has no email: the SMS is all he gets, and it does not promise an email.
    const zhao = sent().filter((d) => d.recipient === '13800000003');
    expect(zhao).toHaveLength(1);
    expect(zhao[0]!.model.emailCopy).toBe(false);
  });

  it('sends escalations also to the parent committee: one digest per committee listing its lagging branches', () => {
    cycle(
      [
        finding('B1', 'committee-monthly', '2026-10', 'escalation'),
        finding('B2', 'committee-monthly', '2026-10', 'escalation'),
        finding('B2', 'theme-day-monthly', '2026-10', 'escalation'),
        finding('B3', 'assembly-quarterly', '2026-Q3', 'escalation'),
      ],
      '2026-11-12T08:30',
    );
    const to = (r: string) => sent().filter((d) => d.recipient === r);
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
    expect(sent().filter((d) => d.channel === 'wecom')).toHaveLength(1);
  });

  it('merges a person’s own items and the committee items they supervise into one message', () => {
    insertOrgs(t.db, [branch('B9', '城关镇党委机关党支部', 'C1', { secretary: '王书记', secretaryPhone: '13900000001', secretaryEmail: 'wang@c1.gov.cn' })]);
    cycle([finding('B9', 'review-yearly', '2025', 'warning'), finding('B1', 'committee-monthly', '2026-10', 'escalation')], '2026-11-12T08:30');
    const wang = sent().filter((d) => d.recipient === 'wang@c1.gov.cn');
    expect(wang).toHaveLength(1);
    expect(wang[0]!.model.own.map((b) => b.code)).toEqual(['B9']);
    expect(wang[0]!.model.committees.map((c) => c.branches.map((b) => b.code))).toEqual([['B1']]);
    expect(sent().filter((d) => d.recipient === '13900000001')).toHaveLength(1); // his own warning goes by SMS too
  });

  it('routes by level and role: a reminder reaches the secretary by SMS and email, the clerk by email only', () => {
    cycle([finding('B1', 'theme-day-monthly', '2026-11', 'reminder')], '2026-11-24T08:30');
    expect(targets()).toEqual(['aliyun_sms → 13800000001', 'email → li@example.cn', 'email → zhang@example.cn']);
  });

  it('follows the configured routes and the sms_provider', () => {
    const config = testConfig((c) => {
      c.routing.warning.secretary = ['email'];
      c.routing.warning.clerk = ['sms'];
      c.channels.sms_provider = 'tencent_sms';
    });
    cycle([finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30', config, ['email', 'tencent_sms']);
    expect(targets()).toEqual(['email → zhang@example.cn', 'tencent_sms → 13800000002']);
  });

  it('skips channels that have no working notifier', () => {
    cycle([finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30', baseConfig, ['email']);
    expect(targets()).toEqual(['email → li@example.cn', 'email → zhang@example.cn']);
  });

  it('holds deliveries planned after 20:00 on the eve of the National Day holidays until 08:00 on 8 October', () => {
    const p = cycle([finding('B3', 'assembly-quarterly', '2026-Q3', 'reminder')], '2026-09-30T20:30');
    expect(shanghaiDateTime(p.notBefore)).toBe('2026-10-08 08:00');
    expect(sent().map((d) => shanghaiDateTime(d.notBefore))).toEqual(['2026-10-08 08:00', '2026-10-08 08:00']);
    expect(rows(t.db, 'SELECT DISTINCT send_day FROM deliveries')).toEqual([{ send_day: '2026-10-08' }]);
  });

  it('lets deliveries planned on a Saturday make-up working day go out at once', () => {
    const p = cycle([finding('B3', 'assembly-quarterly', '2026-Q3', 'warning')], '2026-10-10T09:00');
    expect(p.notBefore).toBe(at('2026-10-10T09:00'));
  });

  it('moves the 4th message of a day to email once the recipient’s daily SMS cap of 3 is reached', () => {
    const rules = ['committee-monthly', 'theme-day-monthly', 'lecture-quarterly', 'assembly-quarterly'] as const;
    const periods = ['2026-10', '2026-10', '2026-Q3', '2026-Q3'];
    const capped = rules.map((rule, n) => cycle([finding('B3', rule, periods[n]!, 'warning')], `2026-11-04T${String(9 + n).padStart(2, '0')}:00`).cappedSms);
    expect(capped).toEqual([0, 0, 0, 1]);
    const byRun = rows<{ channel: string; n: number }>(t.db, `SELECT channel, count(*) AS n FROM deliveries WHERE recipient IN ('13800000004', 'zhou@example.cn') GROUP BY channel`);
    expect(byRun).toEqual([{ channel: 'aliyun_sms', n: 3 }, { channel: 'email', n: 4 }]);
    // A new Shanghai day starts a new count.
    expect(cycle([finding('B3', 'review-yearly', '2025', 'warning')], '2026-11-05T09:00').cappedSms).toBe(0);
    expect(count(t.db, `SELECT count(*) FROM deliveries WHERE recipient = '13800000004'`)).toBe(4);
  });

  it('never plans a second delivery when planning runs again, even over rows a crash left unmarked', () => {
    cycle([finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const first = listDeliveries(t.db);
    expect(planDeliveries(t.db, baseConfig, AVAILABLE, at('2026-11-04T08:31'))).toMatchObject({ outbox: 0, deliveries: 0 });
    t.db.$client.exec('UPDATE alert_outbox SET planned_at = NULL, note = NULL');
    expect(planDeliveries(t.db, baseConfig, AVAILABLE, at('2026-11-04T08:30'))).toMatchObject({ outbox: 1, digests: 0, deliveries: 0 });
    expect(listDeliveries(t.db)).toEqual(first);
  });

  it('drops intents whose alert was acknowledged before planning, and notes events nobody can receive', () => {
    insertOrgs(t.db, [branch('B8', '无联系人党支部', 'C1')]);
    const f = [finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B8', 'committee-monthly', '2026-10', 'warning')];
    reconcile(t.db, f, explicitScope(f), baseConfig, at('2026-11-04T08:30'));
    acknowledge(t.db, { org: 'B1' }, { plan: '本周补开', by: '2026-11-10' }, at('2026-11-04T08:31'));
    const p = planDeliveries(t.db, baseConfig, AVAILABLE, at('2026-11-04T08:32'));
    expect(p).toMatchObject({ outbox: 2, stale: 1, unreachable: 1, deliveries: 0 });
    expect(rows(t.db, 'SELECT a.org, o.note FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id ORDER BY a.org')).toEqual([
      { org: 'B1', note: 'skipped: alert acknowledged before planning' },
      { org: 'B8', note: 'unreachable: no contact or channel' },
    ]);
    expect(listAlerts(t.db, { org: 'B8' })[0]!.state).toBe('open');
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
  const deliveries = (db: TempDb['db']) =>
    rows(db, 'SELECT dedup_key AS k, channel, recipient, not_before AS notBefore FROM deliveries ORDER BY dedup_key');

  it('plans committee by committee with exactly the deliveries of one pass, and a re-run plans nothing', () => {
    const onePass = tempDb();
    try {
      seedCity(onePass.db);
      reconcile(onePass.db, findings, explicitScope(findings), baseConfig, at(NOW));
      const whole = planDeliveries(onePass.db, baseConfig, AVAILABLE, at(NOW));
      reconcile(t.db, findings, explicitScope(findings), baseConfig, at(NOW));
      const chunked = planDeliveries(t.db, baseConfig, AVAILABLE, at(NOW), 1); // one committee per chunk
      expect(chunked).toEqual(whole);
      expect(whole.deliveries).toBeGreaterThan(3);
      expect(deliveries(t.db)).toEqual(deliveries(onePass.db));
      expect(planDeliveries(t.db, baseConfig, AVAILABLE, at(NOW), 1)).toMatchObject({ outbox: 0, digests: 0, deliveries: 0 });
      expect(count(t.db, 'SELECT count(*) FROM alert_outbox WHERE planned_at IS NULL')).toBe(0);
    } finally {
      onePass.cleanup();
    }
  });

  it('counts the daily SMS cap across chunks (a secretary of branches under two committees)', () => {
    insertOrgs(t.db, [branch('B4', '东城第二党支部', 'C2', { secretary: '张三', secretaryPhone: '13800000001' })]);
    const config = testConfig((c) => {
      c.delivery.sms_daily_cap = 1;
    });
    const two = [finding('B1', 'committee-monthly', '2026-10', 'warning'), finding('B4', 'committee-monthly', '2026-10', 'warning')];
    reconcile(t.db, two, explicitScope(two), config, at(NOW));
    const p = planDeliveries(t.db, config, AVAILABLE, at(NOW), 1);
    expect(p.cappedSms).toBe(1);
    expect(count(t.db, "SELECT count(*) FROM deliveries WHERE logical = 'sms' AND recipient = '13800000001'")).toBe(1);
  });
});
