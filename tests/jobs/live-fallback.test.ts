/**
 * An evaluate tick whose live 大比武 figures fail twice: the helper thread cannot open its store and
 * the main thread's fallback then fails to write (a store fault, injected at the port). The tick
 * must end — in bounded time, with one logged error naming both causes, the run and the tick
 * recorded failed — after planning: every alert reconciled, every outbox row planned; and the retry
 * (BullMQ's next attempt) on a healthy store finishes it without planning anything twice.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { tickProcessor, type TickJobData } from '../../src/jobs/tick-job.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Store, StoreWorkerSpec } from '../../src/store/port.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { importCity, splitCity } from '../incremental/helpers.js';
import { deliveryConfig } from './seed.js';
import { testEnv } from './setup.js';

const T0 = parseTimestamp('2026-11-20T09:00')!;
// SMS and email can be planned (nothing is sent: no worker runs here).
const config = deliveryConfig('http://127.0.0.1:9/sms/send');
const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix: 'jobs-live-fallback', smtpUrl: 'smtp://127.0.0.1:9' });

describe('a tick whose live figures fail on the helper and on the main thread', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => t.cleanup());

  it('ends in bounded time with one logged error naming both, after planning every alert; the retry finishes it', async () => {
    const city = splitCity(7, 40, 0, '2026-11-20');
    await importCity(t.store, city, T0 - 3_600_000);
    const missing = (t.store.kind === 'sqlite' ? join(t.dir, 'no-such.db') : t.spec.replace(/\/([^/?]+)(\?|$)/, '/orglife_no_such_db$2')) as StoreWorkerSpec;
    const broken: Store = {
      ...t.store,
      workerSpec: () => missing, // the helper thread cannot open its store
      live: {
        ...t.store.live,
        write: async () => {
          throw new Error('disk I/O error (injected)');
        },
      },
    };
    const lines: { level: number; msg: string; err?: { message: string } }[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as (typeof lines)[number]);
          done();
        },
      }),
    });
    const notifiers = createNotifiers(config.channels, env);
    const job = { id: 'evaluate-test', data: { kind: 'evaluate', tickAt: T0 } } as Job<TickJobData>;
    const processor = (store: Store) =>
      tickProcessor({ store, config, env, notifiers, log, instanceId: 'test', handlers: { evaluate: (ctx) => evaluateTick(ctx, { liveHelperMin: 0 }) } });
    try {
      const started = Date.now();
      await expect(processor(broken)(job)).rejects.toThrow(
        /live figures failed on the helper thread \(live figures helper failed: .+\) and then on the main thread \(disk I\/O error \(injected\)\)/,
      );
      expect(Date.now() - started).toBeLessThan(60_000);
      await new Promise((r) => setImmediate(r));
      expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toContain('live figures helper failed; computing them on the main thread');
      const errors = lines.filter((l) => l.level === 50);
      expect(errors.map((l) => l.msg)).toEqual(['tick failed']);
      expect(errors[0]!.err!.message).toMatch(/helper thread .* main thread \(disk I\/O error \(injected\)\)/);
      expect((await t.store.runs.getTick('evaluate', T0))?.status).toBe('failed');
      const [run] = await t.store.runs.recentRuns(1, 'evaluate');
      expect(run).toMatchObject({ status: 'failed' });
      expect(run!.error).toMatch(/main thread \(disk I\/O error/);

      // Planned before the live figures were awaited: alerts open, the outbox empty, deliveries written.
      const open = await t.store.alerts.list({ open: true, limit: 100_000 });
      expect(open.length).toBeGreaterThan(10);
      expect(await t.store.outbox.unplanned()).toEqual([]);
      const deliveries = await t.store.deliveries.list();
      expect(deliveries.length).toBeGreaterThan(0);
      expect(await t.store.live.list()).toEqual([]);

      // BullMQ's retry on a healthy store: done, the live rows written, nothing planned twice.
      const retried = await processor(t.store)(job);
      expect(retried).toMatchObject({ result: 'done' });
      expect((await t.store.runs.getTick('evaluate', T0))?.status).toBe('done');
      expect((await t.store.live.list()).length).toBe(city.branchCodes.length);
      expect(await t.store.deliveries.list()).toEqual(deliveries);
      expect((await t.store.alerts.list({ open: true, limit: 100_000 })).length).toBe(open.length);
    } finally {
      await notifiers.close();
    }
  }, 120_000);
});
