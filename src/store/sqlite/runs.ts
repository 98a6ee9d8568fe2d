/**
 * Queries of the job machinery: schedule ticks (claim / heartbeat / finish), schedule first sight
 * (for catch-up), cycle runs, and the epoch marks of enqueued deliveries. All synchronous.
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { prepared } from './alerts.js';
import { cycleRuns, deliveryEnqueues, scheduleState, scheduleTicks } from './schema.js';

import type { ClaimTickInput, RunRow, RunStart, TickClaim, TickRow } from '../types/runs.js';


/** Claim a schedule tick, idempotently: done stays done, a live claim is respected, a dead one is taken over. */
export function claimTick(db: Db, t: ClaimTickInput): TickClaim {
  return db.transaction((tx) => {
    const row = tx
      .select()
      .from(scheduleTicks)
      .where(and(eq(scheduleTicks.kind, t.kind), eq(scheduleTicks.tickAt, t.tickAt)))
      .get();
    if (!row) {
      tx.insert(scheduleTicks)
        .values({ kind: t.kind, tickAt: t.tickAt, jobId: t.jobId, status: 'running', claimedBy: t.instanceId, claimedAt: t.now, heartbeatAt: t.now })
        .run();
      return { outcome: 'claimed', attempts: 1 } as const;
    }
    if (row.status === 'done') return { outcome: 'done' } as const;
    const alive = row.status === 'running' && row.claimedBy !== t.instanceId && t.now - row.heartbeatAt < t.leaseMs;
    if (alive) return { outcome: 'busy', claimedBy: row.claimedBy } as const;
    const attempts = row.attempts + 1;
    tx.update(scheduleTicks)
      .set({ status: 'running', jobId: t.jobId, claimedBy: t.instanceId, claimedAt: t.now, heartbeatAt: t.now, attempts, error: null })
      .where(and(eq(scheduleTicks.kind, t.kind), eq(scheduleTicks.tickAt, t.tickAt)))
      .run();
    return { outcome: 'claimed', attempts } as const;
  });
}

/** Keep a running claim alive (called periodically by its runner). */
export function heartbeatTick(db: Db, kind: string, tickAt: number, instanceId: string, now: number): void {
  db.update(scheduleTicks)
    .set({ heartbeatAt: now })
    .where(and(eq(scheduleTicks.kind, kind), eq(scheduleTicks.tickAt, tickAt), eq(scheduleTicks.claimedBy, instanceId), eq(scheduleTicks.status, 'running')))
    .run();
}

/** Record the end of a claimed tick: done (never run again) or failed (may be retried or caught up). */
export function finishTick(db: Db, kind: string, tickAt: number, status: 'done' | 'failed', now: number, error?: string): void {
  db.update(scheduleTicks)
    .set({ status, finishedAt: now, error: error ?? null })
    .where(and(eq(scheduleTicks.kind, kind), eq(scheduleTicks.tickAt, tickAt)))
    .run();
}

/** The stored state of one tick, or undefined when no daemon claimed it yet. */
export function getTick(db: Db, kind: string, tickAt: number) {
  return db.select().from(scheduleTicks).where(and(eq(scheduleTicks.kind, kind), eq(scheduleTicks.tickAt, tickAt))).get();
}

/** Every claimed tick of a kind, newest first (tests, status output). */
export function listTicks(db: Db, kind?: string) {
  const q = db.select().from(scheduleTicks);
  return (kind ? q.where(eq(scheduleTicks.kind, kind)) : q).orderBy(desc(scheduleTicks.tickAt)).all();
}

/**
 * Note that schedule `kind` runs `expr` as of `now`; returns since when (first sight of this kind
 * with this expression). Changing the expression restarts `since`, so no stale tick is replayed.
 */
export function noteSchedule(db: Db, kind: string, expr: string, now: number): number {
  return db.transaction((tx) => {
    const row = tx.select().from(scheduleState).where(eq(scheduleState.kind, kind)).get();
    if (row && row.expr === expr) return row.since;
    tx.insert(scheduleState)
      .values({ kind, expr, since: now })
      .onConflictDoUpdate({ target: scheduleState.kind, set: { expr, since: now } })
      .run();
    return now;
  });
}

/** Backdate when a schedule was first seen (tests and `db` maintenance: allow catching up older ticks). */
export function setScheduleSince(db: Db, kind: string, expr: string, since: number): void {
  db.insert(scheduleState).values({ kind, expr, since }).onConflictDoUpdate({ target: scheduleState.kind, set: { expr, since } }).run();
}

/** Open a cycle_runs row; returns its id. */
export function startRun(db: Db, r: RunStart): number {
  const row = db
    .insert(cycleRuns)
    .values({ kind: r.kind, trigger: r.trigger, asOf: r.asOf, startedAt: r.now, status: 'running' })
    .returning({ id: cycleRuns.id })
    .get();
  return row.id;
}

/** Close a cycle_runs row with its outcome and figures. */
export function finishRun(db: Db, id: number, r: { status: 'done' | 'failed'; now: number; stats?: object; error?: string }): void {
  db.update(cycleRuns)
    .set({ status: r.status, finishedAt: r.now, stats: r.stats ? JSON.stringify(r.stats) : null, error: r.error ?? null })
    .where(eq(cycleRuns.id, id))
    .run();
}

/** Recent cycle runs, newest first. */
export function recentRuns(db: Db, limit = 20, kind?: string) {
  const q = db.select().from(cycleRuns);
  return (kind ? q.where(eq(cycleRuns.kind, kind)) : q).orderBy(desc(cycleRuns.id)).limit(limit).all();
}

/** Remember that these deliveries were acknowledged by the Redis of `epoch`. */
export function markEnqueued(db: Db, deliveryIds: readonly number[], epoch: string, now: number): void {
  if (deliveryIds.length === 0) return;
  const stmt = prepared(
    db,
    'INSERT INTO delivery_enqueues (delivery_id, epoch, enqueued_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT (delivery_id) DO UPDATE SET epoch = excluded.epoch, enqueued_at = excluded.enqueued_at',
  );
  db.$client.transaction(() => {
    for (const id of deliveryIds) stmt.run(id, epoch, now);
  })();
}

/**
 * Of these delivery ids, those the Redis of `epoch` already acknowledged: one query over the whole
 * list (the drainer asks about every pending delivery, a quarter of a million after a province's
 * first cycle), each id looked up by primary key.
 */
export function enqueuedIn(db: Db, deliveryIds: readonly number[], epoch: string): Set<number> {
  if (deliveryIds.length === 0) return new Set();
  const ids = prepared(
    db,
    `SELECT d.delivery_id FROM json_each(?) j CROSS JOIN delivery_enqueues d ON d.delivery_id = j.value WHERE d.epoch = ?`,
  )
    .pluck()
    .all(JSON.stringify(deliveryIds), epoch) as number[];
  return new Set(ids);
}

/**
 * Forget epoch marks older than `before` (keeps the table small). Harmless for a delivery still
 * pending: without its mark it is simply added again (same job id) at the next drain.
 */
export function pruneEnqueued(db: Db, before: number): number {
  return db.delete(deliveryEnqueues).where(lt(deliveryEnqueues.enqueuedAt, before)).run().changes;
}

/** Count of rows per tick status (status output, tests). */
export function tickCounts(db: Db): Record<string, number> {
  const rows = db.select({ status: scheduleTicks.status, n: sql<number>`count(*)` }).from(scheduleTicks).groupBy(scheduleTicks.status).all();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
