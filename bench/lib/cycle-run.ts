/**
 * The daily cycle as the daemon runs it, on a copy of an imported city (a SQLite file or a
 * PostgreSQL database): the evaluate tick as of the city's now (rules, reconcile per chunk, plan
 * digests and deliveries), then the drainer enqueueing every planned delivery into Redis (workers
 * paused: nothing is sent). Shared by the dispatch suite (SQLite) and the postgres suite.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { readEnv } from '../../src/config/env.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { openRuntime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { cleanupPrefix, uniquePrefix } from '../../tests/helpers/redis.js';
import { smsConfig } from './dispatch-run.js';
import { peakRssSelf } from './measure.js';
import type { Figure, StepOutcome, StepResult } from './types.js';

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
    // As the daemon's tick worker: the drain offered to the tick (it runs it beside the live figures' helper), then the after-tick drain.
    let early = { added: 0, ms: 0 };
    const afterPlan = async () => {
      const t = performance.now();
      const r = await rt.drain();
      early = { added: r.added, ms: performance.now() - t };
    };
    const stats = (await evaluateTick({ store: rt.store, config, env, notifiers: rt.notifiers, log, now, kind: 'evaluate', afterPlan })) as {
      alerts: { opened: number };
      plan: { deliveries: number };
      ms: { evaluate: number; plan: number; live: number; liveWait: number };
      live: { helper: boolean };
    };
    clearInterval(sampler);
    const planPeak = peakRssSelf();
    const t1 = performance.now();
    const drained = await rt.drain();
    const t2 = performance.now();
    return {
      metrics: {
        seconds: (t2 - t0) / 1000,
        evaluateSeconds: stats.ms.evaluate / 1000,
        planSeconds: stats.ms.plan / 1000,
        // The live figures pass: its own time, and what the tick waited for it after planning (on a helper thread beside plan: liveHelper 1).
        liveSeconds: stats.ms.live / 1000,
        liveWaitSeconds: stats.ms.liveWait / 1000,
        liveHelper: stats.live.helper ? 1 : 0,
        // Enqueue: the early drain inside the tick (beside the helper) plus the after-tick one.
        enqueueSeconds: (early.ms + t2 - t1) / 1000,
        earlyEnqueueSeconds: early.ms / 1000,
        alertsOpened: stats.alerts.opened,
        deliveries: stats.plan.deliveries,
        enqueued: early.added + drained.added,
        evaluatePeakMiB: sampledPeak / 2 ** 20,
        planPeakMiB: planPeak / 2 ** 20,
      },
      peakRssBytes: peakRssSelf(),
    };
  } finally {
    await rt.close();
    await cleanupPrefix(REDIS_URL, prefix);
  }
}

/**
 * The day a later cycle runs on (the daemon's third day after the first): the first repeat day of the
 * default alerts.repeat_after_days ([3, …]), so the open alerts of day 1 are told again.
 */
export function laterDay(nowLabel: string, days = 3): string {
  return new Date(Date.parse(`${nowLabel}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A cycle on a database where an earlier one already ran (issue 14 item 7): day 1's cycle (untimed)
 * as of `nowLabel`, every delivery it planned then marked sent at its not-before time (as the delivery
 * workers would have), then the cycle of `laterDay(nowLabel)` timed. It reads what day 1 left — open
 * alerts, their events, a history of sent deliveries — where reads that grow with the history instead
 * of the chunk or the day show (the warned-at read took 6.2 s a chunk here before c45b857). Peak RSS
 * is the process's through both cycles.
 */
export async function laterDayCycle(db: string, nowLabel: string): Promise<StepResult> {
  const first = await dailyCycle(db, nowLabel);
  const sent = await markAllSent(db);
  const r = await dailyCycle(db, laterDay(nowLabel));
  r.metrics.day1Seconds = first.metrics.seconds!;
  r.metrics.day1Sent = sent;
  return r;
}

/** Every pending delivery marked sent at its not-before time; returns how many (bench-only SQL: no port call sends 19,000 at once). */
async function markAllSent(db: string): Promise<number> {
  const sql = "UPDATE deliveries SET status = 'sent', sent_at = not_before, claimed_until = NULL, claimed_by = NULL WHERE status = 'pending'";
  if (/^postgres(ql)?:\/\//.test(db)) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      return (await c.query(sql)).rowCount ?? 0;
    } finally {
      await c.end();
    }
  }
  const h = new Database(db);
  try {
    return h.prepare(sql).run().changes;
  } finally {
    h.close();
  }
}

/** The live figures pass of a cycle: beside planning on a helper thread (and how long the tick then waited for it), or on the main thread. */
export function liveDetail(m: Record<string, number | undefined>): string {
  if (m.liveSeconds === undefined) return '';
  return m.liveHelper
    ? `live figures ${m.liveSeconds.toFixed(1)} s on a helper beside plan and the first ${(m.earlyEnqueueSeconds ?? 0).toFixed(1)} s of enqueue (waited ${m.liveWaitSeconds!.toFixed(1)} s more); `
    : `live figures ${m.liveSeconds.toFixed(1)} s; `;
}

/** The daily cycle's target (issue 14 item 2): under 5 s at 20,000 branches, 60 s at 250,000; none below. */
export const cycleLimit = (size: number): number | undefined => (size >= 250_000 ? 60 : size >= 20_000 ? 5 : undefined);

/** A cycle's seconds beside its target, the phases in the detail. */
export function cycleFigure(label: string, c: StepOutcome, size: number): Figure {
  const m = c.metrics;
  const limit = cycleLimit(size);
  const detail =
    `evaluate+reconcile ${m.evaluateSeconds!.toFixed(1)} s, plan ${m.planSeconds!.toFixed(1)} s, enqueue ${m.enqueueSeconds!.toFixed(1)} s; ` +
    liveDetail(m) +
    `${m.alertsOpened} alerts opened, ${m.deliveries} deliveries` +
    (m.day1Sent !== undefined ? `; after day 1 (${m.day1Seconds!.toFixed(1)} s, ${m.day1Sent} deliveries marked sent)` : '');
  const secs = m.seconds!;
  if (limit === undefined) return { label, value: secs, unit: 's', verdict: 'INFO', detail };
  return { label, value: secs, unit: 's', target: `< ${limit} s`, verdict: secs < limit ? 'PASS' : 'MISS', detail: secs < limit ? detail : `${(secs - limit).toFixed(1)} s over; ${detail}` };
}
