/**
 * Batch delivery jobs (SMS channels: drainer.ts addDeliveries, deliver.ts batchProcessor) with the
 * real Redis, the HTTP gateway stand-in and the store of the run: one batch holding a delivery that
 * fails once (temporary), one the gateway rejects for good, one already sent and the rest; and the
 * same batch processed again, which sends nothing twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { composedOutbox } from '../../src/jobs/outbox-alerts.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { deliveryConfig, seedCity } from './seed.js';
import { at, attemptRows, quietLog, testEnv, waitFor } from './setup.js';

const TICK = at('2026-11-02T08:30');
const phone = (i: number) => `1390000${String(i).padStart(4, '0')}`;
const TEMPORARY = phone(1);
const PERMANENT = phone(2);
const SENT_BEFORE = phone(3);
/** Fails every time: its last attempt (the third: one in the batch, two as its own job) gives up. */
const ALWAYS_BUSY = phone(4);

describe('batch delivery jobs', () => {
  let t: TempStore;
  let prefix: string;
  let sms: HttpStandin;
  let smtp: SmtpStandin;
  let rt: Runtime | undefined;

  beforeEach(async () => {
    t = await tempStore();
    prefix = uniquePrefix('batch');
    sms = await startHttpStandin();
    smtp = await startSmtpServer();
  });
  /** `n` branches whose secretaries have a phone, and the evaluate tick's plan: one SMS each (no mail). */
  const planSms = async (n: number) => {
    await seedCity(t.store, Array.from({ length: n }, (_, i) => ({ code: `B${i + 1}`, secretaryPhone: phone(i + 1) })));
    const config = deliveryConfig(`${sms.url}/sms/send`);
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix });
    const notifiers = createNotifiers(config.channels, env);
    await evaluateTick({ store: t.store, config, env, notifiers, log: quietLog, now: TICK, kind: 'evaluate' });
    await notifiers.close();
    return { config, env };
  };
  afterEach(async () => {
    await rt?.close();
    rt = undefined;
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([sms.close(), smtp.close()]);
    await t.cleanup();
  });

  it('sends each delivery of a batch once: a temporary failure retried as its own job with its attempt counted (the last attempt giving up), a permanent one given up to its fallback, a sent one left alone; the batch run again sends nothing', async () => {
    const n = 6;
    await seedCity(t.store, Array.from({ length: n }, (_, i) => ({ code: `B${i + 1}`, secretaryPhone: phone(i + 1), secretaryEmail: `sec${i + 1}@example.cn` })));
    const config = deliveryConfig(`${sms.url}/sms/send`, { attempts: 3, backoffMs: 10 });
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url });
    const notifiers = createNotifiers(config.channels, env);
    await evaluateTick({ store: t.store, config, env, notifiers, log: quietLog, now: TICK, kind: 'evaluate' });
    await notifiers.close();
    const smsOf = async () => (await t.store.deliveries.list()).filter((d) => d.channel === 'http_sms');
    const byPhone = async (p: string) => (await smsOf()).find((d) => d.recipient === p)!;
    expect(await smsOf()).toHaveLength(n);

    let temporaryFailed = false;
    sms.reply('http_sms', (req, k) => {
      if (req.json?.phone === PERMANENT) return { status: 400, json: { error: 'invalid phone number' } };
      if (req.json?.phone === ALWAYS_BUSY) return { status: 503, text: 'busy' };
      if (req.json?.phone === TEMPORARY && !temporaryFailed) {
        temporaryFailed = true;
        return { status: 503, text: 'busy' };
      }
      return { json: { id: `msg-${k}` } };
    });

    rt = await openRuntime({ config, env, db: t.store, clock: () => TICK + 60_000, log: quietLog, paused: true, tickWorker: false, deliveryBatch: { size: 10, parallel: 2 } });
    await rt.drain();
    // The SMS share one batch job.
    const q = rt.queueOf('http_sms');
    const jobs = await q.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => j.name)).toEqual(['deliver-batch']);
    const ids = (jobs[0]!.data as { deliveryIds: number[] }).deliveryIds;
    expect(ids).toHaveLength(n);

    // One already sent by an earlier job after the batch was queued (its own job, re-added by the sweeper, say).
    const outbox = composedOutbox(config);
    const before = await byPhone(SENT_BEFORE);
    expect((await outbox.claim(t.store, before.id, 'earlier-job', TICK, 60_000)).outcome).toBe('send');
    await outbox.markSent(t.store, { deliveryId: before.id, channel: 'http_sms', recipient: SENT_BEFORE, startedAt: TICK, durationMs: 1, providerMessageId: 'earlier', error: null, errorCode: null, permanent: false }, TICK);


    rt.startWorkers();
    await waitFor('every SMS settled', async () => (await smsOf()).every((d) => d.status !== 'pending'));
    await waitFor('the fallback email sent', async () => (await t.store.deliveries.list()).every((d) => d.status !== 'pending'));

    const requests = () => sms.requestsTo('http_sms').map((r) => r.json.phone as string);
    const count = (p: string) => requests().filter((x) => x === p).length;
    expect(count(SENT_BEFORE)).toBe(0);
    expect(count(TEMPORARY)).toBe(2);
    expect(count(PERMANENT)).toBe(1);
    expect(count(ALWAYS_BUSY)).toBe(3);
    for (let i = 5; i <= n; i++) expect(count(phone(i))).toBe(1);

    const attempts = await attemptRows(t);
    const of = (id: number) => attempts.filter((a) => a.delivery_id === id);
    const temp = await byPhone(TEMPORARY);
    expect(temp).toMatchObject({ status: 'sent', attempts: 2 });
    expect(of(temp.id).map((a) => [a.attempt, a.error === null])).toEqual([[1, false], [2, true]]);
    // Its retry ran as a single-delivery job carrying the batch's attempt.
    const retry = await q.getJob(`delivery-${temp.id}`);
    expect(retry?.data).toEqual({ deliveryId: temp.id, priorAttempts: 1 });
    const perm = await byPhone(PERMANENT);
    expect(perm.status).toBe('failed');
    expect(of(perm.id)).toEqual([expect.objectContaining({ attempt: 1, permanent: 1, error_code: 'http_400' })]);
    const busy = await byPhone(ALWAYS_BUSY);
    expect(busy).toMatchObject({ status: 'failed', attempts: 3 });
    expect(of(busy.id).map((a) => a.attempt)).toEqual([1, 2, 3]);
    // The secretary still gets the email (the digest's email copy, used as the fallback), once.
    const mails = await smtp.waitForMessages(n);
    expect(mails.filter((m) => m.envelope.to[0] === 'sec2@example.cn')).toHaveLength(1);
    expect(mails.filter((m) => m.envelope.to[0] === 'sec4@example.cn')).toHaveLength(1);
    expect(of(before.id)).toHaveLength(1);
    for (const d of await smsOf()) if (d.status === 'sent' && d.id !== temp.id && d.id !== busy.id) expect(of(d.id)).toHaveLength(1);

    // The batch processed again (a redelivered or stalled job): everything is done, nothing is sent.
    const sentBefore = requests().length;
    const attemptsBefore = attempts.length;
    const again = await q.add('deliver-batch', { deliveryIds: ids }, { jobId: 'batch-again', attempts: 3 });
    await waitFor('the batch run again', async () => (await q.getJobState(again.id!)) === 'completed');
    expect((await q.getJob(again.id!))!.returnvalue).toMatchObject({ result: 'batch', sent: 0, skipped: ids.length, retried: 0, failed: 0, later: 0 });
    expect(requests()).toHaveLength(sentBefore);
    expect(await attemptRows(t)).toHaveLength(attemptsBefore);
  });

  it('a batch delivery claimed by another live job goes on as its own job after that claim, and is sent once', async () => {
    const { config, env } = await planSms(3);
    const ds = (await t.store.deliveries.list()).filter((d) => d.channel === 'http_sms');
    expect(ds).toHaveLength(3);
    // Another daemon's job holds the first one, for 1.5 s of the wall clock.
    const held = ds[0]!;
    const outbox = composedOutbox(config);
    expect((await outbox.claim(t.store, held.id, 'other-daemon:job', Date.now(), 1500)).outcome).toBe('send');

    rt = await openRuntime({ config, env, db: t.store, clock: () => TICK + 60_000, log: quietLog, tickWorker: false, claimLeaseMs: 5_000 });
    const q = rt.queueOf('http_sms');
    const job = await q.add('deliver-batch', { deliveryIds: ds.map((d) => d.id) }, { jobId: 'batch-busy', attempts: 3 });
    await waitFor('the batch done', async () => (await q.getJobState(job.id!)) === 'completed');
    expect((await q.getJob(job.id!))!.returnvalue).toMatchObject({ sent: 2, later: 1 });
    expect(await q.getJobState(`delivery-${held.id}`)).toBe('delayed');
    // The other daemon died: its claim expires, and the delivery's own job sends it.
    await waitFor('all sent', async () => (await t.store.deliveries.list()).every((d) => d.status === 'sent'), 10_000);
    const phones = sms.requestsTo('http_sms').map((r) => r.json.phone as string).sort();
    expect(phones).toEqual([phone(1), phone(2), phone(3)].sort());
    expect(await attemptRows(t)).toHaveLength(3);
  });
  it("a slow send holds only its own lane: the batch's other deliveries are claimed and sent meanwhile, each once", async () => {
    const n = 9;
    const { config, env } = await planSms(n);
    const smsOf = async () => (await t.store.deliveries.list()).filter((d) => d.channel === 'http_sms');
    const ds = await smsOf();
    expect(ds).toHaveLength(n);
    // The provider holds the first delivery's request until the test lets it go.
    const slow = ds[0]!;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    sms.reply('http_sms', async (req, k) => {
      if (req.json?.phone === slow.recipient) await released;
      return { json: { id: `msg-${k}` } };
    });

    rt = await openRuntime({ config, env, db: t.store, clock: () => TICK + 60_000, log: quietLog, tickWorker: false, deliveryBatch: { size: 10, parallel: 2 } });
    const q = rt.queueOf('http_sms');
    const job = await q.add('deliver-batch', { deliveryIds: ds.map((d) => d.id) }, { jobId: 'batch-slow', attempts: 3 });
    // Two lanes: one waits on the held request, the other sends the remaining eight (a batch sent in
    // rounds of two would wait for the held one after its first round).
    await waitFor('the other eight sent while one is held', async () => (await smsOf()).filter((d) => d.status === 'sent').length === n - 1, 15_000);
    expect((await smsOf()).find((d) => d.id === slow.id)!.status).toBe('pending');
    expect(await q.getJobState(job.id!)).toBe('active');
    release();
    await waitFor('the batch done', async () => (await q.getJobState(job.id!)) === 'completed');
    expect((await q.getJob(job.id!))!.returnvalue).toMatchObject({ result: 'batch', sent: n, skipped: 0, later: 0 });
    const phones = sms.requestsTo('http_sms').map((r) => r.json.phone as string).sort();
    expect(phones).toEqual(ds.map((d) => d.recipient).sort());
    expect(await attemptRows(t)).toHaveLength(n);
  });
  it('a claim that waited behind slow sends is claimed again before its send: one another daemon took meanwhile is left to it', async () => {
    const n = 4;
    const { config, env } = await planSms(n);
    const ds = (await t.store.deliveries.list()).filter((d) => d.channel === 'http_sms');
    expect(ds).toHaveLength(n);
    // Both lanes' first sends are held for longer than the whole lease (1.5 s); the other two
    // deliveries are claimed meanwhile (the next round, fetched while sends run) and wait.
    const [first, second, waiting, last] = ds as [typeof ds[0], typeof ds[0], typeof ds[0], typeof ds[0]];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    sms.reply('http_sms', async (req, k) => {
      if (req.json?.phone === first.recipient || req.json?.phone === second.recipient) await released;
      return { json: { id: `msg-${k}` } };
    });
    rt = await openRuntime({ config, env, db: t.store, clock: () => TICK + 60_000, log: quietLog, tickWorker: false, claimLeaseMs: 1500, deliveryBatch: { size: 10, parallel: 2 } });
    const q = rt.queueOf('http_sms');
    const job = await q.add('deliver-batch', { deliveryIds: ds.map((d) => d.id) }, { jobId: 'batch-lease', attempts: 3 });
    await waitFor('both lanes held', () => sms.requestsTo('http_sms').length === 2, 10_000);
    await waitFor('the next round claimed', async () => !!(await t.store.deliveries.get(waiting.id))?.claimedBy, 10_000);
    // The waiting claim's lease runs out; another daemon claims that delivery (for a minute).
    await new Promise((r) => setTimeout(r, 1700));
    const outbox = composedOutbox(config);
    expect((await outbox.claim(t.store, waiting.id, 'other-daemon:job', Date.now(), 60_000)).outcome).toBe('send');
    release();
    await waitFor('the batch done', async () => (await q.getJobState(job.id!)) === 'completed', 15_000);
    expect((await q.getJob(job.id!))!.returnvalue).toMatchObject({ result: 'batch', sent: 3, later: 1 });
    const phones = sms.requestsTo('http_sms').map((r) => r.json.phone as string);
    // Not sent by this batch while the other daemon holds it: its own job looks again after that claim.
    expect(phones.filter((p) => p === waiting.recipient)).toHaveLength(0);
    expect(phones.filter((p) => p === last.recipient)).toHaveLength(1);
    expect(await q.getJobState(`delivery-${waiting.id}`)).toBe('delayed');
  });
});
