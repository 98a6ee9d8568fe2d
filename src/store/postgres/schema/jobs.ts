/**
 * PostgreSQL tables of the job machinery (mirror of the SQLite ones): schedule ticks, schedule first
 * sight, cycle runs, and which deliveries the current Redis already holds.
 */
import { pgTable, integer, text, primaryKey, index } from 'drizzle-orm/pg-core';
import { ms } from './records.js';

/** One row per (schedule kind, scheduled tick time) that some daemon claimed. */
export const scheduleTicks = pgTable(
  'schedule_ticks',
  {
    kind: text('kind').notNull(),
    tickAt: ms('tick_at').notNull(),
    jobId: text('job_id').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    claimedBy: text('claimed_by').notNull(),
    claimedAt: ms('claimed_at').notNull(),
    heartbeatAt: ms('heartbeat_at').notNull(),
    finishedAt: ms('finished_at'),
    attempts: integer('attempts').notNull().default(1),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.kind, t.tickAt] })],
);

/** First sight of a schedule (kind + cron expression), for catch-up. */
export const scheduleState = pgTable('schedule_state', {
  kind: text('kind').primaryKey(),
  expr: text('expr').notNull(),
  since: ms('since').notNull(),
});

/** One row per cycle or job-kind run, with its figures. */
export const cycleRuns = pgTable(
  'cycle_runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind').notNull(),
    trigger: text('trigger', { enum: ['tick', 'once'] }).notNull(),
    asOf: ms('as_of').notNull(),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at'),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    stats: text('stats'),
    error: text('error'),
  },
  (t) => [index('cycle_runs_kind_as_of').on(t.kind, t.asOf)],
);

/** Which pending deliveries were acknowledged by the Redis of a given epoch. */
export const deliveryEnqueues = pgTable('delivery_enqueues', {
  deliveryId: integer('delivery_id').primaryKey(),
  epoch: text('epoch').notNull(),
  enqueuedAt: ms('enqueued_at').notNull(),
});
