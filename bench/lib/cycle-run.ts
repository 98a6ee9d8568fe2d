/**
 * The daily cycle as the daemon runs it, on a copy of an imported city (a SQLite file or a
 * PostgreSQL database): the evaluate tick as of the city's now (rules, reconcile per chunk, plan
 * digests and deliveries), then the drainer enqueueing every planned delivery into Redis (workers
 * paused: nothing is sent). Shared by the dispatch suite (SQLite) and the postgres suite.
 */
import { readEnv } from '../../src/config/env.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { openRuntime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { cleanupPrefix, uniquePrefix } from '../../tests/helpers/redis.js';
import { smsConfig } from './dispatch-run.js';
import { peakRssSelf } from './measure.js';
import type { StepResult } from './types.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger({ level: 'warn' });

/** Seconds per phase, alerts and deliveries, and the peak RSS through evaluate+reconcile and after planning. */
export async function dailyCycle(db: string, nowLabel: string): Promise<StepResult> {
  const config = smsConfig('http_sms', { host: '127.0.0.1:9', url: 'http://127.0.0.1:9/sms/send' });
  const prefix = uniquePrefix('bench-cycle');
  // SMTP_URL only makes email count as available for planning; nothing is sent (workers stay paused).
  const env = readEnv({ REDIS_URL, ORGLIFE_QUEUE_PREFIX: prefix, SMTP_URL: 'smtp://127.0.0.1:9' });
  const now = parseTimestamp(nowLabel)!;
  const rt = await openRuntime({ config, env, db, log, clock: () => now, paused: true, tickWorker: false });
  try {
    // The plan phase may be one synchronous stretch: the sampler cannot run inside it, so its last sample
    // before evaluateTick returns is the peak through evaluate+reconcile (worker threads included).
    let sampledPeak = 0;
    const sampler = setInterval(() => (sampledPeak = peakRssSelf()), 50);
    const t0 = performance.now();
    const stats = (await evaluateTick({ store: rt.store, config, env, notifiers: rt.notifiers, log, now, kind: 'evaluate' })) as {
      alerts: { opened: number };
      plan: { deliveries: number };
      ms: { evaluate: number; plan: number };
    };
    clearInterval(sampler);
    const afterPlan = peakRssSelf();
    const t1 = performance.now();
    const drained = await rt.drain();
    const t2 = performance.now();
    return {
      metrics: {
        seconds: (t2 - t0) / 1000,
        evaluateSeconds: stats.ms.evaluate / 1000,
        planSeconds: stats.ms.plan / 1000,
        enqueueSeconds: (t2 - t1) / 1000,
        alertsOpened: stats.alerts.opened,
        deliveries: stats.plan.deliveries,
        enqueued: drained.added,
        evaluatePeakMiB: sampledPeak / 2 ** 20,
        planPeakMiB: afterPlan / 2 ** 20,
      },
      peakRssBytes: peakRssSelf(),
    };
  } finally {
    await rt.close();
    await cleanupPrefix(REDIS_URL, prefix);
  }
}
