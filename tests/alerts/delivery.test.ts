import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { explicitScope, planDeliveries, reconcile } from '../../src/alerts/index.js';
import type { Attempt as WorkerAttempt } from '../../src/delivery/index.js';
import { claimDelivery, composedOutbox as deliveryOutbox, getDelivery } from '../../src/jobs/outbox-alerts.js';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import type { Finding } from '../../src/domain/types.js';
import { NotifierError } from '../../src/notifiers/errors.js';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import { startHttpStandin, replies, type HttpStandin } from '../helpers/http-standin.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, branch, cityStore, committee, finding, insertOrgs, sentAttempt, testConfig, type AlertTestStore } from './fixtures.js';

let smtp: SmtpStandin;
let standin: HttpStandin;
let t: AlertTestStore;
let notifiers: Notifiers;

beforeAll(async () => {
  smtp = await startSmtpServer({ rejectRecipient: (a) => (a.startsWith('gone@') ? { code: 550, message: 'No such user' } : null) });
  standin = await startHttpStandin();
});
afterAll(async () => {
  await smtp.close();
  await standin.close();
});
beforeEach(async () => {
  t = await cityStore(false);
  smtp.messages.length = 0;
  standin.reset();
  await insertOrgs(t.store, [
    committee('C1', '城关镇党委'),
    branch('B1', '城关镇机关第一党支部', 'C1', { secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: 'zhang@example.cn' }),
    branch('B2', '错号党支部', 'C1', { secretary: '错号', secretaryPhone: '12345', secretaryEmail: 'cuohao@example.cn' }),
    branch('B3', '邮箱失效党支部', 'C1', { secretary: '失效', secretaryPhone: '13800000005', secretaryEmail: 'gone@example.cn' }),
  ]);
});
afterEach(async () => {
  await notifiers?.close();
  await t.cleanup();
});

function configWith(edit: (c: Config) => void = () => undefined): Config {
  return testConfig((c) => {
    c.channels.sms_provider = 'http_sms';
    c.channels.http_sms.enabled = true;
    (c.channels.http_sms as { url?: string }).url = `${standin.url}/sms/send`;
    edit(c);
  });
}

async function plan(config: Config, findings: Finding[], iso: string): Promise<void> {
  notifiers = createNotifiers(config.channels, readEnv({ SMTP_URL: smtp.url }));
  await reconcile(t.store, findings, explicitScope(findings), config, at(iso));
  await planDeliveries(t.store, config, notifiers.enabled, at(iso));
}
const listDeliveries = () => t.store.deliveries.list();

/** What the delivery worker does with one delivery (claim → send → record), at `now`. */
async function work(config: Config, id: number, now: number): Promise<string> {
  const outbox = deliveryOutbox(config);
  const claim = await outbox.claim(t.store, id, 'test-worker', now, 60_000);
  if (claim.outcome !== 'send') return claim.outcome;
  const d = claim.delivery;
  const attempt = (over: Partial<WorkerAttempt>): WorkerAttempt => ({
    deliveryId: id, channel: d.channel, recipient: d.recipient, startedAt: now, durationMs: 3,
    providerMessageId: null, error: null, errorCode: null, permanent: false, ...over,
  });
  try {
    const r = await notifiers.get(d.channel)!.send(d.message);
    await outbox.markSent(t.store, attempt({ providerMessageId: r.providerMessageId }), now);
    return 'sent';
  } catch (e) {
    if (!(e instanceof NotifierError)) throw e;
    const a = attempt({ error: e.message, errorCode: e.code ?? null, permanent: e.permanent });
    if (!e.permanent) {
      await outbox.recordFailure(t.store, a, now);
      return 'retry';
    }
    const next = await outbox.giveUp(t.store, a, now);
    return next ? `fallback:${next.id}` : 'gave-up';
  }
}

async function workAll(config: Config, iso: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await t.store.deliveries.pending({ dueBy: at(iso) })) out.push(`${d.channel}:${await work(config, d.id, at(iso))}`);
  return out;
}

describe('delivering planned messages through the real notifiers', () => {
  it('sends the SMS pointer and the full email once each, and never sends a sent delivery again', async () => {
    const config = configWith();
    await plan(config, [finding('B1', 'committee-monthly', '2026-10', 'warning', '2026年10月未召开支委会')], '2026-11-04T08:30');
    expect(await workAll(config, '2026-11-04T08:30')).toEqual(['http_sms:sent', 'email:sent']);
    const [sms] = standin.requestsTo('http_sms');
    expect(sms!.json).toMatchObject({ phone: '13800000001', template: 'warning', params: { count: '1', level: '预警', deadline: '2026-10-31' } });
    expect(sms!.json.text).toContain('详见邮件');
    const [mail] = smtp.messages;
    expect(mail!.to).toContain('zhang@example.cn');
    expect(mail!.subject).toBe('【组织生活预警】城关镇机关第一党支部有1项待办（预警1项）');
    expect(mail!.text).toContain('2026年10月未召开支委会');
    // A second pass (a re-delivered job) finds them sent and sends nothing.
    for (const d of await listDeliveries()) expect(await work(config, d.id, at('2026-11-04T08:40'))).toBe('done');
    expect(standin.requestsTo('http_sms')).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    expect((await listDeliveries()).map((d) => [d.status, d.attempts])).toEqual([['sent', 1], ['sent', 1]]);
  });

  it('falls back from an invalid mobile number to email without sending the email twice', async () => {
    const config = configWith();
    await plan(config, [finding('B2', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const [sms, email] = await listDeliveries();
    // The email copy already exists: the fallback is that delivery, not a new one.
    expect(await work(config, sms!.id, at('2026-11-04T08:30'))).toBe(`fallback:${email!.id}`);
    expect(await work(config, email!.id, at('2026-11-04T08:30'))).toBe('sent');
    expect((await listDeliveries()).map((d) => `${d.channel}:${d.status}`)).toEqual(['http_sms:failed', 'email:sent']);
    expect((await t.rows<{ permanent: unknown }>('SELECT channel, error_code AS code, permanent FROM delivery_attempts ORDER BY id')).map((r) => ({ ...r, permanent: Number(r.permanent) }))).toEqual([
      { channel: 'http_sms', code: 'invalid_phone', permanent: 1 },
      { channel: 'email', code: null, permanent: 0 },
    ]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('follows the route order on permanent errors: email rejected → SMS, created once however often it is asked', async () => {
    const config = configWith((c) => (c.routing.warning.secretary = ['email', 'sms']));
    await plan(config, [finding('B3', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const [email] = await listDeliveries();
    expect(email!.channel).toBe('email');
    const result = await work(config, email!.id, at('2026-11-04T08:30'));
    expect(result).toMatch(/^fallback:\d+$/);
    // giveUp again (a retried job after a crash) returns the same fallback.
    const again = await deliveryOutbox(config).giveUp(
      t.store,
      { deliveryId: email!.id, channel: 'email', recipient: 'gone@example.cn', startedAt: at('2026-11-04T08:31'), durationMs: 1, providerMessageId: null, error: 'x', errorCode: '550', permanent: true },
      at('2026-11-04T08:31'),
    );
    expect(`fallback:${again!.id}`).toBe(result);
    expect(await workAll(config, '2026-11-04T08:32')).toEqual(['http_sms:sent']);
    expect((await listDeliveries()).map((d) => `${d.channel}:${d.status}:${d.fallbackOf ?? '-'}`)).toEqual(['email:failed:-', `http_sms:sent:${email!.id}`]);
    // The SMS was the last channel of the route: nothing after it.
    expect(await t.count('SELECT count(*) FROM deliveries')).toBe(2);
  });

  it('keeps a delivery pending after a temporary error and sends it on the next attempt', async () => {
    const config = configWith();
    await plan(config, [finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    standin.replyOnce('http_sms', replies.status(503));
    const [sms] = await listDeliveries();
    expect(await work(config, sms!.id, at('2026-11-04T08:30'))).toBe('retry');
    expect((await listDeliveries())[0]).toMatchObject({ status: 'pending', attempts: 1, claimedBy: null });
    expect(await work(config, sms!.id, at('2026-11-04T08:31'))).toBe('sent');
    expect((await listDeliveries())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('claiming a delivery', () => {
  it('lets one worker hold it, another take it over only after the lease, and nobody after it is sent', async () => {
    const config = configWith();
    await plan(config, [finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-04T08:30');
    const [d] = await listDeliveries();
    const now = at('2026-11-04T08:30');
    const s = t.store;
    expect((await claimDelivery(s, d!.id, 'a', now, 60_000)).outcome).toBe('send');
    expect(await claimDelivery(s, d!.id, 'b', now + 1_000, 60_000)).toEqual({ outcome: 'busy', until: now + 60_000 });
    expect((await claimDelivery(s, d!.id, 'b', now + 60_000, 60_000)).outcome).toBe('send');
    await s.deliveries.markSent(sentAttempt(d!, 'msg-1', now + 61_000), now + 61_000);
    expect(await claimDelivery(s, d!.id, 'c', now + 200_000, 60_000)).toEqual({ outcome: 'done', status: 'sent' });
    expect(await claimDelivery(s, 9999, 'c', now, 60_000)).toEqual({ outcome: 'done', status: 'missing' });
    expect(await getDelivery(s, d!.id)).toMatchObject({ status: 'sent', channel: 'http_sms', recipient: '13800000001' });
  });

  it('lists only the deliveries whose quiet-hours time has come', async () => {
    const config = configWith();
    await plan(config, [finding('B1', 'committee-monthly', '2026-10', 'warning')], '2026-11-06T21:00'); // Friday evening
    expect(await t.store.deliveries.pending({ dueBy: at('2026-11-07T12:00') })).toEqual([]);
    expect((await t.store.deliveries.pending({ dueBy: at('2026-11-09T08:00') })).map((d) => d.channel)).toEqual(['http_sms', 'email']);
  });
});

describe('a delivery held over a weekend', () => {
  it('is cancelled instead of sent when every alert it carries was resolved meanwhile', async () => {
    const config = configWith();
    const f = [finding('B1', 'committee-monthly', '2026-10', 'warning')];
    await plan(config, f, '2026-11-06T21:00'); // Friday evening: held until Monday 08:00
    await reconcile(t.store, [], explicitScope(f), config, at('2026-11-07T08:30')); // the late record arrived on Saturday
    expect(await workAll(config, '2026-11-09T08:00')).toEqual(['http_sms:done', 'email:done']);
    expect((await listDeliveries()).map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
    expect(standin.requestsTo('http_sms')).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
  });
});
