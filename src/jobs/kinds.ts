/**
 * The registry of schedule job kinds: one handler per `schedules:` key. A cron tick of that kind
 * enqueues a tick job; the tick worker claims the tick in SQLite and calls the handler with the
 * tick's scheduled time as `now`. Add a kind: write a TickHandler, add one line to TICK_HANDLERS.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import type { Notifiers } from '../notifiers/registry.js';
import type { Db } from '../store/sqlite/db.js';
import type { Store } from '../store/port.js';
import { sqliteHandle } from '../store/sqlite/index.js';
import { evaluateTick } from './cycle.js';
import { reportTick } from './report-job.js';
import { weakReminderTick } from './weak-reminder-job.js';

/** A schedule name from config `schedules:` ('evaluate', 'report_monthly', …). */
export type ScheduleKind = keyof Config['schedules'];

/** What a handler gets: the open store, config, environment, notifiers and the tick time. */
export interface TickContext {
  /** The store (the port). */
  store: Store;
  /**
   * Transitional, SQLite only: the store's better-sqlite3 handle, for handlers not yet on the
   * port. On PostgreSQL reading it throws a bilingual error naming the step (see tickContext()).
   */
  readonly db: Db;
  /** Transitional, SQLite only: the file behind `db` ('' for an in-memory database). */
  readonly dbPath: string;
  config: Config;
  env: Env;
  notifiers: Notifiers;
  log: Logger;
  /** The scheduled tick time (cron) or --at (once), epoch ms. Handlers must not read the clock. */
  now: number;
  kind: ScheduleKind;
}

/** A step that still needs the SQLite handle ran on another store. */
export class NotOnThePortError extends Error {
  constructor(kind: string, store: Store) {
    super(
      `任务 ${kind} 尚不支持 ${store.kind} 数据库（${store.describe()}），请暂用 SQLite / the ${kind} step does not run on a ${store.kind} store yet (${store.describe()}); use SQLite for now`,
    );
    this.name = 'NotOnThePortError';
  }
}

/**
 * The context of one tick. `db` and `dbPath` are lazy: a handler on the port never touches them,
 * so it runs on any store; one that still reads them works on SQLite and fails clearly elsewhere.
 */
export function tickContext(c: Omit<TickContext, 'db' | 'dbPath'>): TickContext {
  const handle = () => {
    const db = sqliteHandle(c.store);
    if (!db) throw new NotOnThePortError(c.kind, c.store);
    return db;
  };
  return {
    ...c,
    get db() {
      return handle();
    },
    get dbPath() {
      handle();
      return c.store.workerSpec() ?? '';
    },
  };
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
