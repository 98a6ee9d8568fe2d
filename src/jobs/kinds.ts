/**
 * The registry of schedule job kinds: one handler per `schedules:` key. A cron tick of that kind
 * enqueues a tick job; the tick worker claims the tick in the store and calls the handler with the
 * tick's scheduled time as `now`. Add a kind: write a TickHandler, add one line to TICK_HANDLERS.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import type { Notifiers } from '../notifiers/registry.js';
import type { Store } from '../store/port.js';
import { evaluateTick } from './cycle.js';
import { reportTick } from './report-job.js';
import { weakReminderTick } from './weak-reminder-job.js';

/** A schedule name from config `schedules:` ('evaluate', 'report_monthly', …). */
export type ScheduleKind = keyof Config['schedules'];

/** What a handler gets: the open store, config, environment, notifiers and the tick time. */
export interface TickContext {
  /** The store (the port): the handler's only way to the data. */
  store: Store;
  config: Config;
  env: Env;
  notifiers: Notifiers;
  log: Logger;
  /** The scheduled tick time (cron) or --at (once), epoch ms. Handlers must not read the clock. */
  now: number;
  /**
   * When this run started by the wall clock (read by the tick job, not by handlers), epoch ms; ≥ `now`
   * for a tick run late. Messages are sent from max(now, sendFrom): their send day and SMS cap are
   * the day they go out (see delivery/schedule.ts sendTime). Omitted (tests, previews): `now`.
   */
  sendFrom?: number;
  kind: ScheduleKind;
  /**
   * The outbox drain (the daemon's, which also runs after every tick), offered to a handler to run
   * early: once its deliveries are planned, before it waits for slower work of its own (the evaluate
   * tick's live figures on a helper thread), so their queueing overlaps that work.
   */
  afterPlan?: () => Promise<void>;
}

/** The context of one tick (one place that builds it, for the tick job, --once and the preview). */
export function tickContext(c: TickContext): TickContext {
  return c;
}

/**
 * Does the work of one tick. Must be idempotent for a given `now`: after a crash mid-run the tick
 * runs again. The returned object is stored as the run's figures (cycle_runs.stats).
 */
export type TickHandler = (ctx: TickContext) => Promise<Record<string, unknown> | void>;

/** Handlers by schedule kind. A kind without a handler is logged and marked done. */
export const TICK_HANDLERS: Partial<Record<ScheduleKind, TickHandler>> = {
  evaluate: evaluateTick,
  report_monthly: reportTick('month'),
  report_quarterly: reportTick('quarter'),
  report_yearly: reportTick('year'),
  weak_reminder: weakReminderTick,
};

/** The schedule kinds of a config, in config order. */
export function scheduleKinds(config: Config): ScheduleKind[] {
  return Object.keys(config.schedules) as ScheduleKind[];
}
