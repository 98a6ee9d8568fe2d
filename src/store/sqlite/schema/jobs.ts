/**
 * Tables of the job machinery: which schedule ticks are claimed/done, since when a schedule is
 * known (for catch-up), the log of cycle runs, and which deliveries the current Redis already holds.
 * BullMQ job ids alone cannot say "already done": a removed job's id no longer blocks a duplicate.
 */
import { sqliteTable, integer, text, primaryKey, index } from 'drizzle-orm/sqlite-core';

/** One row per (schedule kind, scheduled tick time) that some daemon claimed. */
export const scheduleTicks = sqliteTable(
  'schedule_ticks',
  {
    kind: text('kind').notNull(),
    /** The tick's scheduled time, epoch ms (the cycle's `now`). */
    tickAt: integer('tick_at').notNull(),
    jobId: text('job_id').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    claimedBy: text('claimed_by').notNull(),
    claimedAt: integer('claimed_at').notNull(),
    /** Refreshed while the tick runs; a stale heartbeat means its runner died and the tick may be taken over. */
    heartbeatAt: integer('heartbeat_at').notNull(),
    finishedAt: integer('finished_at'),
    attempts: integer('attempts').notNull().default(1),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.kind, t.tickAt] })],
);

/**
 * First sight of a schedule (kind + cron expression). Catch-up at start only considers ticks at or
 * after `since`, so a fresh install or a changed expression does not replay an old tick.
 */
export const scheduleState = sqliteTable('schedule_state', {
  kind: text('kind').primaryKey(),
  expr: text('expr').notNull(),
  since: integer('since').notNull(),
});

/** One row per cycle or job-kind run (cron tick or `daemon --once`), with its figures. */
export const cycleRuns = sqliteTable(
  'cycle_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    trigger: text('trigger', { enum: ['tick', 'once'] }).notNull(),
    /** The as-of time the run evaluated (tick time or --at), epoch ms. */
    asOf: integer('as_of').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    /** JSON object of counts (branches, findings, alerts opened, deliveries planned …). */
    stats: text('stats'),
    error: text('error'),
  },
  (t) => [index('cycle_runs_kind_as_of').on(t.kind, t.asOf)],
);

/**
 * Which pending deliveries were acknowledged by the Redis of a given epoch (a random id the daemon
 * stores in Redis; Redis losing its data loses the epoch key too). The drainer re-adds a pending
 * delivery whenever its row names another epoch, so a Redis restart loses nothing.
 */
export const deliveryEnqueues = sqliteTable('delivery_enqueues', {
  deliveryId: integer('delivery_id').primaryKey(),
  epoch: text('epoch').notNull(),
  enqueuedAt: integer('enqueued_at').notNull(),
});
