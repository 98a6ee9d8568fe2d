import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonHandle } from '../../src/jobs/daemon.js';
import { CHANNEL_LIMITS } from '../../src/jobs/queues.js';
import { Redis } from 'ioredis';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { startGate, type Gate } from './gate.js';
import { deliveryConfig, seedCity, type SeedBranch } from './seed.js';
import { at, quietLog, testEnv, waitFor } from './setup.js';

const TICK = at('2026-11-02T08:30');

/** n branches whose secretaries have a phone and an email each. */
function branches(n: number): SeedBranch[] {
  return Array.from({ length: n }, (_, i) => ({
    code: `B${String(i + 1).padStart(2, '0')}`,
    secretaryPhone: `1390000${String(i + 1).padStart(4, '0')}`,
    secretaryEmail: `sec${i + 1}@example.cn`,
  }));
}

/** How often each value occurs. */
function tally(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('the daemon delivers every planned message exactly once', () => {
  let tdb: TempStore;
  let prefix: string;
  let smtp: SmtpStandin;
  let sms: HttpStandin;
  const daemons: DaemonHandle[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  const start = async (redisUrl: string, smsUrl: string, extra: { deliveryBatch?: { size: number; parallel: number } } = {}) => {
    const d = await startDaemon({
      ...extra,
      config: deliveryConfig(smsUrl),
      env: testEnv({ redisUrl, prefix, smtpUrl: smtp.url }),
      db: tdb.spec,
      clock: () => TICK + 60_000,
      log: quietLog,
      cron: false,
      drainIntervalMs: 150,
      claimLeaseMs: 2_000,
      shutdownTimeoutMs: 5_000,
    });
    daemons.push(d);
    return d;
  };
  const listDeliveries = () => tdb.store.deliveries.list();
  const allSent = async () => {
    const ds = await listDeliveries();
    return ds.length > 0 && ds.every((d) => d.status === 'sent');
  };

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('daemon');
    smtp = await startSmtpServer();
    sms = await startHttpStandin();
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop()));
    for (const c of cleanups.splice(0)) await c();
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([smtp.close(), sms.close()]);
    await tdb.cleanup();
  });

  it('runs a tick fired by two daemons on one Redis and one database once, and each message arrives once', async () => {
    await seedCity(tdb.store, branches(6));
    const [a, b] = [await start(SHARED_REDIS_URL, `${sms.url}/sms/send`), await start(SHARED_REDIS_URL, `${sms.url}/sms/send`)];
    expect(a.runtime.workersRunning()).toBe(true);
    await Promise.all([a.fireTick('evaluate', TICK), b.fireTick('evaluate', TICK)]);
    await waitFor('every delivery sent', allSent);

    expect(await tdb.store.runs.recentRuns(10, 'evaluate')).toHaveLength(1);
    const ds = (await listDeliveries());
    expect(ds.filter((d) => d.channel === 'http_sms')).toHaveLength(6);
    expect(ds.filter((d) => d.channel === 'email')).toHaveLength(6);
    const phones = tally(sms.requestsTo('http_sms').map((r) => r.json.phone as string));
    expect([...phones.values()]).toEqual(Array(6).fill(1));
    const mails = await smtp.waitForMessages(6);
    expect([...tally(mails.map((m) => m.envelope.to[0]!)).values()]).toEqual(Array(6).fill(1));
    await a.stop();
    expect(a.runtime.workersRunning()).toBe(false);
  });

  it('re-adds an overdue pending delivery whose job Redis no longer has, even though its epoch mark says queued', async () => {
    await seedCity(tdb.store, branches(1));
    const config = deliveryConfig(`${sms.url}/sms/send`);
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url });
    const notifiers = createNotifiers(config.channels, env);
    await evaluateTick({ store: tdb.store, config, env, notifiers, log: quietLog, now: TICK, kind: 'evaluate' });
    await notifiers.close();
    // As if the jobs had been queued in this Redis and later removed (by age) without being sent.
    const redis = new Redis(SHARED_REDIS_URL);
    await redis.set(`${prefix}:epoch`, 'epoch-under-test');
    await redis.quit();
    const pending = (await listDeliveries()).map((d) => d.id);
    expect(pending).toHaveLength(2);
    await tdb.store.deliveries.markEnqueued(pending, 'epoch-under-test', TICK);

    const d = await startDaemon({
      config, env, db: tdb.spec, clock: () => TICK + 15 * 60_000, log: quietLog, cron: false, drainIntervalMs: 60_000,
    });
    daemons.push(d);
    expect(await d.drain()).toBe(0); // the marks say "queued": the drainer alone would wait forever
    expect(await d.runtime.sweep()).toBe(2);
    await waitFor('every delivery sent', allSent);
    expect(sms.requestsTo('http_sms')).toHaveLength(1);
    await smtp.waitForMessages(1);
  });

  it('loses nothing and sends nothing twice when Redis restarts empty in the middle of dispatch', async () => {
    const redis: PrivateRedis = await startPrivateRedis();
    cleanups.push(() => redis.close());
    const gate: Gate = await startGate(sms.port);
    cleanups.push(() => gate.shutdown());
    // More SMS than sends in flight: while the gate holds the first requests, the rest wait in Redis
    // (batch jobs of 8 SMS, 8 at a time: 8 jobs run at once, the other 2 wait).
    const n = CHANNEL_LIMITS.http_sms.concurrency + 16;
    await seedCity(tdb.store, branches(n));
    gate.close();
    const d = await start(redis.url, `${gate.url}/sms/send`, { deliveryBatch: { size: 8, parallel: 8 } });
    await d.fireTick('evaluate', TICK);
    await waitFor('SMS requests held at the gate', () => gate.holding() >= 20);
    expect(await d.runtime.queueOf('http_sms').getWaitingCount()).toBeGreaterThan(0);
    expect(sms.requestsTo('http_sms')).toHaveLength(0);

    await redis.stop(); // SIGKILL: the queues (waiting, active, delayed jobs) are gone
    await redis.start();
    gate.open();
    await waitFor('every delivery sent', allSent, 20_000);

    const smsCount = (await listDeliveries()).filter((x) => x.channel === 'http_sms').length;
    expect(smsCount).toBe(n);
    const phones = tally(sms.requestsTo('http_sms').map((r) => r.json.phone as string));
    expect(phones.size).toBe(n);
    expect([...phones.values()].every((k) => k === 1)).toBe(true);
    const mails = await smtp.waitForMessages(n);
    expect(mails).toHaveLength(n);
    expect(tally(mails.map((m) => m.envelope.to[0]!)).size).toBe(n);
  });

  it('stops taking jobs the moment a stop begins, before it waits on the scheduler or a periodic check', async () => {
    const d = await start(SHARED_REDIS_URL, `${sms.url}/sms/send`);
    await waitFor('the workers running', () => d.runtime.workersRunning(), 10_000);
    const stopping = d.stop();
    // Synchronously after stop(): the workers' close has begun (a job taken later would be new work).
    expect(d.runtime.workersRunning()).toBe(false);
    d.runtime.startWorkers(); // a late start of workers (a start-up that finishes now) changes nothing
    expect(d.runtime.workersRunning()).toBe(false);
    await stopping;
  });
});
