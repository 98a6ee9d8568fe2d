/**
 * PostgreSQL queries of the job machinery: schedule ticks (an atomic claim in one statement),
 * schedule first sight, cycle runs, and the epoch marks of enqueued deliveries.
 */
import { arrays, changes, one, rows, type Q } from './q.js';
import type { TickRow } from '../types/runs.js';

export type TickClaim = { outcome: 'claimed'; attempts: number } | { outcome: 'done' } | { outcome: 'busy'; claimedBy: string };

export interface ClaimTickInput {
  kind: string;
  tickAt: number;
  jobId: string;
  instanceId: string;
  now: number;
  leaseMs: number;
}

/**
 * Claim a schedule tick in one statement: the row is inserted, or taken over when it is not done and
 * not held by another runner with a fresh heartbeat. Two daemons racing on the same tick: the
 * unique key serializes them, exactly one INSERT … ON CONFLICT returns a row.
 */
export async function claimTick(q: Q, t: ClaimTickInput): Promise<TickClaim> {
  const won = await one<{ attempts: number }>(
    q,
    `INSERT INTO schedule_ticks AS s (kind, tick_at, job_id, status, claimed_by, claimed_at, heartbeat_at, attempts)
       VALUES ($1, $2, $3, 'running', $4, $5, $5, 1)
     ON CONFLICT (kind, tick_at) DO UPDATE SET status = 'running', job_id = excluded.job_id, claimed_by = excluded.claimed_by,
       claimed_at = excluded.claimed_at, heartbeat_at = excluded.heartbeat_at, attempts = s.attempts + 1, error = NULL
      WHERE s.status <> 'done' AND NOT (s.status = 'running' AND s.claimed_by <> excluded.claimed_by AND $5 - s.heartbeat_at < $6)
     RETURNING attempts`,
    [t.kind, t.tickAt, t.jobId, t.instanceId, t.now, t.leaseMs],
  );
  if (won) return { outcome: 'claimed', attempts: won.attempts };
  const row = await one<{ status: string; claimedBy: string }>(q, 'SELECT status, claimed_by AS "claimedBy" FROM schedule_ticks WHERE kind = $1 AND tick_at = $2', [t.kind, t.tickAt]);
  if (!row || row.status === 'done') return { outcome: 'done' };
  return { outcome: 'busy', claimedBy: row.claimedBy };
}

export async function heartbeatTick(q: Q, kind: string, tickAt: number, instanceId: string, now: number): Promise<void> {
  await q.query(`UPDATE schedule_ticks SET heartbeat_at = $4 WHERE kind = $1 AND tick_at = $2 AND claimed_by = $3 AND status = 'running'`, [kind, tickAt, instanceId, now]);
}

export async function finishTick(q: Q, kind: string, tickAt: number, status: 'done' | 'failed', now: number, error?: string): Promise<void> {
  await q.query('UPDATE schedule_ticks SET status = $3, finished_at = $4, error = $5 WHERE kind = $1 AND tick_at = $2', [kind, tickAt, status, now, error ?? null]);
}

const TICK_COLS = `kind, tick_at AS "tickAt", job_id AS "jobId", status, claimed_by AS "claimedBy", claimed_at AS "claimedAt",
  heartbeat_at AS "heartbeatAt", finished_at AS "finishedAt", attempts, error`;

export async function getTick(q: Q, kind: string, tickAt: number): Promise<TickRow | undefined> {
  return one<TickRow>(q, `SELECT ${TICK_COLS} FROM schedule_ticks WHERE kind = $1 AND tick_at = $2`, [kind, tickAt]);
}

export async function listTicks(q: Q, kind?: string): Promise<TickRow[]> {
  return kind
    ? rows<TickRow>(q, `SELECT ${TICK_COLS} FROM schedule_ticks WHERE kind = $1 ORDER BY tick_at DESC`, [kind])
    : rows<TickRow>(q, `SELECT ${TICK_COLS} FROM schedule_ticks ORDER BY tick_at DESC`);
}

/** Note that schedule `kind` runs `expr` as of `now`; returns since when (first sight of this expression). */
export async function noteSchedule(q: Q, kind: string, expr: string, now: number): Promise<number> {
  // Insert or restart `since` only when the expression changed; the row lock of the upsert makes
  // two daemons agree on one `since`.
  const r = await one<{ since: number }>(
    q,
    `INSERT INTO schedule_state AS s (kind, expr, since) VALUES ($1, $2, $3)
     ON CONFLICT (kind) DO UPDATE SET expr = excluded.expr, since = excluded.since WHERE s.expr <> excluded.expr
     RETURNING since`,
    [kind, expr, now],
  );
  if (r) return r.since;
  return (await one<{ since: number }>(q, 'SELECT since FROM schedule_state WHERE kind = $1', [kind]))!.since;
}

export async function setScheduleSince(q: Q, kind: string, expr: string, since: number): Promise<void> {
  await q.query('INSERT INTO schedule_state (kind, expr, since) VALUES ($1, $2, $3) ON CONFLICT (kind) DO UPDATE SET expr = excluded.expr, since = excluded.since', [kind, expr, since]);
}

export interface RunStart {
  kind: string;
  trigger: 'tick' | 'once';
  asOf: number;
  now: number;
}

export async function startRun(q: Q, r: RunStart): Promise<number> {
  const row = await one<{ id: number }>(q, `INSERT INTO cycle_runs (kind, trigger, as_of, started_at, status) VALUES ($1, $2, $3, $4, 'running') RETURNING id`, [r.kind, r.trigger, r.asOf, r.now]);
  return row!.id;
}

export async function finishRun(q: Q, id: number, r: { status: 'done' | 'failed'; now: number; stats?: object; error?: string }): Promise<void> {
  await q.query('UPDATE cycle_runs SET status = $2, finished_at = $3, stats = $4, error = $5 WHERE id = $1', [id, r.status, r.now, r.stats ? JSON.stringify(r.stats) : null, r.error ?? null]);
}

export interface CycleRunRow {
  id: number;
  kind: string;
  trigger: 'tick' | 'once';
  asOf: number;
  startedAt: number;
  finishedAt: number | null;
  status: 'running' | 'done' | 'failed';
  stats: string | null;
  error: string | null;
}

export async function recentRuns(q: Q, limit = 20, kind?: string): Promise<CycleRunRow[]> {
  const cols = `id, kind, trigger, as_of AS "asOf", started_at AS "startedAt", finished_at AS "finishedAt", status, stats, error`;
  return kind
    ? rows<CycleRunRow>(q, `SELECT ${cols} FROM cycle_runs WHERE kind = $2 ORDER BY id DESC LIMIT $1`, [limit, kind])
    : rows<CycleRunRow>(q, `SELECT ${cols} FROM cycle_runs ORDER BY id DESC LIMIT $1`, [limit]);
}

/** Remember that these deliveries were acknowledged by the Redis of `epoch` (one statement). */
export async function markEnqueued(q: Q, deliveryIds: readonly number[], epoch: string, now: number): Promise<void> {
  if (!deliveryIds.length) return;
  await q.query(
    `INSERT INTO delivery_enqueues (delivery_id, epoch, enqueued_at) SELECT DISTINCT unnest($1::int[]), $2::text, $3::bigint
     ON CONFLICT (delivery_id) DO UPDATE SET epoch = excluded.epoch, enqueued_at = excluded.enqueued_at`,
    [deliveryIds, epoch, now],
  );
}

export async function enqueuedIn(q: Q, deliveryIds: readonly number[], epoch: string): Promise<Set<number>> {
  if (!deliveryIds.length) return new Set();
  const r = await arrays<[number]>(q, 'SELECT delivery_id FROM delivery_enqueues WHERE delivery_id = ANY($1::int[]) AND epoch = $2', [deliveryIds, epoch]);
  return new Set(r.map((x) => x[0]));
}

export async function pruneEnqueued(q: Q, before: number): Promise<number> {
  return changes(q, 'DELETE FROM delivery_enqueues WHERE enqueued_at < $1', [before]);
}

export async function tickCounts(q: Q): Promise<Record<string, number>> {
  const r = await rows<{ status: string; n: number }>(q, 'SELECT status, count(*) AS n FROM schedule_ticks GROUP BY status');
  return Object.fromEntries(r.map((x) => [x.status, x.n]));
}
