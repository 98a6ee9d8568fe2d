/**
 * The scheduler: node-cron tasks (Asia/Shanghai) that only ENQUEUE a tick job with a deterministic
 * id. Ticks missed while no daemon ran are caught up once at start: only the latest missed tick of
 * each schedule, and only ticks since the schedule was first seen (a fresh install replays nothing).
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/port.js';
import { scheduleKinds, type ScheduleKind } from './kinds.js';
import { SCHEDULE_TZ, latestTickAtOrBefore } from './ticks.js';

export interface SchedulerDeps {
  store: Store;
  config: Config;
  log: Logger;
  clock: () => number;
  /** Enqueue a tick job (idempotent by job id). */
  enqueue(kind: ScheduleKind, tickAt: number, opts?: { replaceFailed?: boolean }): Promise<string>;
}

export interface Scheduler {
  /** Start the node-cron tasks. */
  start(): void;
  /** Stop them (in-flight enqueues finish on their own). */
  stop(): Promise<void>;
  /**
   * Enqueue the latest tick of each schedule that is due, not done in SQLite and not older than the
   * schedule's first sight. `atStart` also re-adds a tick whose last run failed.
   */
  catchUp(opts?: { atStart?: boolean }): Promise<Array<{ kind: ScheduleKind; tickAt: number; jobId: string }>>;
}

/** Create the scheduler of a daemon (stopped until start()). */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { store, config, log } = deps;
  const tasks: ScheduledTask[] = [];

  const fire = (kind: ScheduleKind, expr: string) => async (ctx: { date: Date }) => {
    // The tick time is the scheduled instant, recomputed from the expression, so every daemon
    // derives the same id even if its timer fired a little late.
    const tickAt = latestTickAtOrBefore(expr, ctx.date.getTime());
    if (tickAt === null) return;
    try {
      const jobId = await deps.enqueue(kind, tickAt);
      log.info({ kind, tickAt: new Date(tickAt).toISOString(), jobId }, 'tick enqueued');
    } catch (e) {
      // Redis away: the periodic missed-tick check enqueues it once Redis is back.
      log.error({ kind, err: e }, 'could not enqueue tick; will retry with the missed-tick check');
    }
  };

  return {
    start() {
      for (const kind of scheduleKinds(config)) {
        const expr = config.schedules[kind];
        tasks.push(cron.schedule(expr, fire(kind, expr), { timezone: SCHEDULE_TZ, name: `orglife-${kind}-${Math.random().toString(36).slice(2)}`, noOverlap: true }));
      }
      log.info({ schedules: config.schedules, timezone: SCHEDULE_TZ }, 'scheduler started');
    },
    async stop() {
      await Promise.all(tasks.splice(0).map((t) => t.destroy()));
    },
    async catchUp(opts = {}) {
      const out: Array<{ kind: ScheduleKind; tickAt: number; jobId: string }> = [];
      const now = deps.clock();
      for (const kind of scheduleKinds(config)) {
        const expr = config.schedules[kind];
        const since = await store.runs.noteSchedule(kind, expr, now);
        const tickAt = latestTickAtOrBefore(expr, now);
        if (tickAt === null || tickAt < since) continue;
        const row = await store.runs.getTick(kind, tickAt);
        if (row?.status === 'done') continue;
        if (row?.status === 'failed' && !opts.atStart) continue; // retried at the next start, not every period
        if (row?.status === 'running' && !opts.atStart) continue; // a live runner has it (or its job will stall back)
        const jobId = await deps.enqueue(kind, tickAt, { replaceFailed: row?.status === 'failed' });
        log.info({ kind, tickAt: new Date(tickAt).toISOString(), jobId, previous: row?.status ?? 'none' }, 'missed tick enqueued');
        out.push({ kind, tickAt, jobId });
      }
      return out;
    },
  };
}
