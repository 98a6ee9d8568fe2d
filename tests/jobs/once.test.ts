import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { createLogger } from '../../src/log.js';
import { deliveryQueueName } from '../../src/jobs/queues.js';
import { runOnce, type OnceOptions } from '../../src/jobs/once.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startHttpStandin, type HttpStandin, type RecordedRequest } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { deliveryConfig, seedCity } from './seed.js';
import { at, attemptRows, quietLog, testEnv } from './setup.js';


describe('daemon --once: one cycle from the database to the providers', () => {
  let tdb: TempStore;
  let prefix: string;
  let smtp: SmtpStandin;
  let sms: HttpStandin;

  const once = (asOf: number, extra: Partial<OnceOptions> = {}) =>
    runOnce({
      config: deliveryConfig(`${sms.url}/sms/send`),
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url }),
      db: tdb.spec,
      at: asOf,
      log: quietLog,
      waitTimeoutMs: 20_000,
      ...extra,
    });
  const attempts = () => attemptRows(tdb);
  const listDeliveries = () => tdb.store.deliveries.list();
  const smsTo = (phone: string) => sms.requestsTo('http_sms').filter((r: RecordedRequest) => r.json?.phone === phone);
  /** The gateway's normal answer, for responders that fail only some numbers. */
  const accepted = (n: number) => ({ json: { id: `msg-${n}` } });

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('once');
    smtp = await startSmtpServer();
    sms = await startHttpStandin();
  });
  afterEach(async () => {
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([smtp.close(), sms.close()]);
    await tdb.cleanup();
  });

  it('evaluates, opens alerts, plans digests and delivers them: the SMS to the gateway and the mails to the SMTP server', async () => {
    await seedCity(tdb.store, [
      { code: 'B01', secretaryPhone: '13800000001', secretaryEmail: 'sec1@example.cn', clerkEmail: 'clerk1@example.cn' },
      { code: 'B02', secretaryEmail: 'sec2@example.cn' },
    ]);
    const report = await once(at('2026-11-02T08:30'));

    expect(report.stats).toMatchObject({ branches: 2 });
    expect((report.stats.alerts as { opened: number }).opened).toBeGreaterThan(0);
    const ds = (await listDeliveries());
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.every((d) => d.status === 'sent')).toBe(true);
    expect(report).toMatchObject({ queued: ds.length, sent: ds.length, failed: 0, unfinished: 0, held: 0 });

    // One SMS to the secretary of B01, mails to every person with an address.
    expect(smsTo('13800000001')).toHaveLength(1);
    expect(sms.requestsTo('http_sms')).toHaveLength(ds.filter((d) => d.channel === 'http_sms').length);
    const mails = await smtp.waitForMessages(ds.filter((d) => d.channel === 'email').length);
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual(['clerk1@example.cn', 'sec1@example.cn', 'sec2@example.cn']);
    expect(mails.every((m) => m.subject.length > 0 && m.text.includes('第'))).toBe(true);

    // Every attempt recorded with the provider's id.
    const rows = await attempts();
    expect(rows).toHaveLength(ds.length);
    expect(rows.every((a) => a.error === null && a.provider_message_id)).toBe(true);
    expect(rows.find((a) => a.channel === 'http_sms')!.provider_message_id).toMatch(/^msg-/);
  });

  it('sends nothing twice when the same cycle runs again', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryPhone: '13800000001', secretaryEmail: 'sec1@example.cn' }]);
    await once(at('2026-11-02T08:30'));
    const mailsBefore = smtp.messages.length;
    const again = await once(at('2026-11-02T08:30'));
    expect(again).toMatchObject({ queued: 0, sent: 0 });
    expect(sms.requestsTo('http_sms')).toHaveLength(1);
    expect(smtp.messages).toHaveLength(mailsBefore);
  });

  it('holds what is planned outside the send window, reports it, and sends it on the next working morning', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryPhone: '13800000001', secretaryEmail: 'sec1@example.cn' }]);
    await once(at('2026-11-02T08:30'));
    const smsBefore = sms.requests.length;
    const mailsBefore = smtp.messages.length;

    // Saturday 7 November: October's lapses are past grace and rise to warnings; the messages wait for Monday.
    const saturday = await once(at('2026-11-07T10:00'));
    expect(saturday.held).toBeGreaterThan(0);
    expect(saturday.heldUntil).toBe(at('2026-11-09T08:00'));
    expect(saturday).toMatchObject({ queued: 0, sent: 0, unfinished: 0 });
    expect(sms.requests).toHaveLength(smsBefore);
    expect(smtp.messages).toHaveLength(mailsBefore);

    const monday = await once(at('2026-11-09T08:30'));
    expect(monday.sent).toBeGreaterThanOrEqual(saturday.held);
    expect(monday.held).toBe(0);
    expect(sms.requests.length).toBeGreaterThan(smsBefore);
    await smtp.waitForMessages(mailsBefore + 1);
  });

  it('gives up on an SMS the gateway rejects for good, at once, and the secretary still gets the email', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryPhone: '13800000002', secretaryEmail: 'sec2@example.cn' }]);
    sms.reply('http_sms', (req, n) => (req.json?.phone === '13800000002' ? { status: 400, json: { error: 'invalid phone number' } } : accepted(n)));
    const report = await once(at('2026-11-02T08:30'));

    const ds = (await listDeliveries());
    const smsDelivery = ds.find((d) => d.channel === 'http_sms')!;
    expect(smsDelivery.status).toBe('failed');
    expect(ds.filter((d) => d.channel === 'email')).toEqual([expect.objectContaining({ recipient: 'sec2@example.cn', status: 'sent' })]);
    expect(report).toMatchObject({ failed: 1, unfinished: 0 });
    // Not retried: one request, one attempt, marked permanent; the BullMQ job failed as unrecoverable.
    expect(smsTo('13800000002')).toHaveLength(1);
    const smsAttempts = (await attempts()).filter((a) => a.delivery_id === smsDelivery.id);
    expect(smsAttempts).toEqual([expect.objectContaining({ permanent: 1, error_code: 'http_400' })]);
    const q = new Queue(deliveryQueueName('http_sms'), { connection: { url: SHARED_REDIS_URL }, prefix });
    try {
      const job = await q.getJob(`delivery-${smsDelivery.id}`);
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1);
    } finally {
      await q.close();
    }
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.envelope.to).toEqual(['sec2@example.cn']);
  });

  it('runs a report schedule kind too: the monthly reports are stored and mailed through the same delivery path', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryEmail: 'sec1@example.cn' }]);
    const report = await once(at('2026-11-02T09:00'), { kind: 'report_monthly' });
    expect(report).toMatchObject({ kind: 'report_monthly', failed: 0, unfinished: 0 });
    expect(report.sent).toBeGreaterThan(0);
    const mails = await smtp.waitForMessages(report.sent);
    expect(mails.some((m) => m.envelope.to[0] === 'sec1@example.cn')).toBe(true);
    expect((await listDeliveries()).every((d) => d.status === 'sent')).toBe(true);
  });

  it('logs deliveries with phone numbers masked', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryPhone: '13800000001' }]);
    sms.replyOnce('http_sms', { status: 503, text: 'busy: 13800000001' });
    let out = '';
    const sink = new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) });
    await once(at('2026-11-02T08:30'), { log: createLogger({ level: 'info', destination: sink }) });
    expect(out).toContain('138****0001');
    expect(out).toContain('delivery sent');
    expect(out).toContain('will retry');
    expect(out).not.toMatch(/13800000001/);
  });

  it('retries an SMS after a temporary gateway error and records both attempts', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryPhone: '13800000001' }]);
    sms.replyOnce('http_sms', { status: 500, text: 'internal error' });
    const report = await once(at('2026-11-02T08:30'));

    expect(report).toMatchObject({ sent: 1, failed: 0, unfinished: 0 });
    expect(smsTo('13800000001')).toHaveLength(2);
    const rows = await attempts();
    expect(rows.map((a) => [a.attempt, a.error_code, a.permanent, a.provider_message_id === null])).toEqual([
      [1, 'http_500', 0, true],
      [2, null, 0, false],
    ]);
    expect((await listDeliveries())).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
  });
});
