/**
 * The outbox drainer: puts every pending delivery into its channel queue. Intents live in SQLite
 * (written with the alert change), so this is the one path from "should be sent" to "queued".
 * Re-adding is harmless (deterministic job ids — `delivery-<id>`, or a batch's `deliveries-…` —, and
 * the worker's store claim skips what is sent or held by another job); the epoch marks only keep a
 * stable Redis from being asked again for the same deliveries.
 */
import type { Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { EpochKeeper } from './epoch.js';
import type { DeliveryOutbox } from '../delivery/outbox.js';
import type { PendingDelivery } from '../delivery/types.js';
import type { DeliveryJobData, FollowUp } from './deliver.js';
import { BATCHED_CHANNELS, BATCH_SIZE, deliveryJobOptions } from './queues.js';
import { batchJobId, deliveryJobId } from './ticks.js';

export interface DrainerDeps {
  store: Store;
  config: Config;
  outbox: DeliveryOutbox;
  epoch: EpochKeeper;
  queueOf(channel: ChannelName): Queue;
  /** Clock for delays: a delivery is delayed until notBefore − clock(). */
  clock: () => number;
  /** Deliveries per batch job on a batched channel (default BATCH_SIZE). */
  batchSize?: number;
}

export interface DrainResult {
  /** Deliveries added to Redis now. */
  added: number;
  /** Pending deliveries considered. */
  pending: number;
  epoch: string;
}

/** How many jobs one addBulk carries (keeps a single Redis call and its reply small). */
const BULK = 1000;
/** addBulk calls in flight at once. */
const LANES = 4;

/**
 * Add pending deliveries that the current Redis epoch has not acknowledged. `dueBy` restricts to
 * deliveries due by then (`daemon --once` leaves later ones pending in SQLite for the next run);
 * `force` re-adds all of them regardless of epoch marks.
 */
export async function drainOutbox(deps: DrainerDeps, opts: { dueBy?: number; force?: boolean } = {}): Promise<DrainResult> {
  const epoch = await deps.epoch.current();
  const pending = await deps.outbox.pending(deps.store, opts.dueBy === undefined ? {} : { dueBy: opts.dueBy });
  const known = opts.force ? new Set<number>() : await deps.store.deliveries.enqueuedIn(pending.map((p) => p.id), epoch);
  const todo = pending.filter((p) => !known.has(p.id));
  // A few bulks in flight at once: Redis runs them one after another, but the round trips overlap.
  let next = 0;
  const lane = async () => {
    while (next < todo.length) {
      const chunk = todo.slice(next, (next += BULK));
      await addDeliveries(deps, chunk);
      // Marked only after Redis acknowledged the add: a crash in between just re-adds next time.
      await deps.store.deliveries.markEnqueued(chunk.map((p) => p.id), epoch, deps.clock());
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return { added: todo.length, pending: pending.length, epoch };
}

/** Deliveries of one batch job are due within this window of each other (the job waits for the latest). */
export const BATCH_WINDOW_MS = 60_000;

/**
 * Add deliveries to their channel queues (grouped per queue, one addBulk per group). On a batched
 * channel (queues.ts BATCHED_CHANNELS: the SMS channels) deliveries due within BATCH_WINDOW_MS of
 * each other share a job of up to BATCH_SIZE ids, delayed to the latest one's time (never early, at
 * most a minute late); a group of one is a single-delivery job as on the other channels.
 */
export async function addDeliveries(deps: Pick<DrainerDeps, 'config' | 'queueOf' | 'clock' | 'batchSize'>, list: readonly PendingDelivery[]): Promise<void> {
  const byChannel = new Map<ChannelName, PendingDelivery[]>();
  for (const d of list) {
    const group = byChannel.get(d.channel);
    if (group) group.push(d);
    else byChannel.set(d.channel, [d]);
  }
  const opts = deliveryJobOptions(deps.config.delivery);
  const now = deps.clock();
  const single = (d: PendingDelivery) => ({
    name: 'deliver',
    data: { deliveryId: d.id } satisfies DeliveryJobData,
    opts: { ...opts, jobId: deliveryJobId(d.id), delay: Math.max(0, d.notBefore - now) },
  });
  await Promise.all(
    [...byChannel].map(([channel, ds]) =>
      deps.queueOf(channel).addBulk(
        BATCHED_CHANNELS.has(channel)
          ? batchesOf(ds, deps.batchSize ?? BATCH_SIZE).map((b) => {
              if (b.length === 1) return single(b[0]!);
              const ids = b.map((d) => d.id);
              const due = Math.max(...b.map((d) => d.notBefore));
              return { name: 'deliver-batch', data: { deliveryIds: ids } satisfies DeliveryJobData, opts: { ...opts, jobId: batchJobId(ids), delay: Math.max(0, due - now) } };
            })
          : ds.map(single),
      ),
    ),
  );
}

/**
 * Single-delivery jobs continuing deliveries of a batch job (deliver.ts): a retry after a temporary
 * error carries the attempts made so far and gets what is left of them, with the backoff continuing
 * where the batch's attempt left it (the next failure waits backoff × 2^attempts); one held by another
 * claim is looked at again after that claim. Job id `delivery-<id>`: one that exists already (the
 * sweeper's, say) is that delivery's job and is left as it is.
 */
export async function addFollowUps(deps: Pick<DrainerDeps, 'config' | 'queueOf'>, list: readonly FollowUp[]): Promise<void> {
  const opts = deliveryJobOptions(deps.config.delivery);
  const byChannel = new Map<ChannelName, FollowUp[]>();
  for (const f of list) {
    const group = byChannel.get(f.channel);
    if (group) group.push(f);
    else byChannel.set(f.channel, [f]);
  }
  await Promise.all(
    [...byChannel].map(([channel, fs]) =>
      deps.queueOf(channel).addBulk(
        fs.map((f) => ({
          name: 'deliver',
          data: (f.priorAttempts ? { deliveryId: f.deliveryId, priorAttempts: f.priorAttempts } : { deliveryId: f.deliveryId }) satisfies DeliveryJobData,
          opts: {
            ...opts,
            jobId: deliveryJobId(f.deliveryId),
            delay: Math.max(0, Math.round(f.delayMs)),
            ...(f.priorAttempts
              ? {
                  attempts: Math.max(1, (opts.attempts ?? 1) - f.priorAttempts),
                  backoff: { type: 'exponential', delay: deps.config.delivery.backoff_ms * 2 ** f.priorAttempts },
                }
              : {}),
          },
        })),
      ),
    ),
  );
}

/** Deliveries (of one channel) in batches: by due time, each at most BATCH_SIZE and BATCH_WINDOW_MS wide. */
function batchesOf(ds: readonly PendingDelivery[], size: number): PendingDelivery[][] {
  const sorted = [...ds].sort((a, b) => a.notBefore - b.notBefore || a.id - b.id);
  const out: PendingDelivery[][] = [];
  let cur: PendingDelivery[] = [];
  for (const d of sorted) {
    if (cur.length && (cur.length >= size || d.notBefore - cur[0]!.notBefore > BATCH_WINDOW_MS)) {
      out.push(cur);
      cur = [];
    }
    cur.push(d);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** A pending delivery this long past its send time is looked at by the sweeper. */
const OVERDUE_MS = 10 * 60_000;
/** At most this many overdue deliveries are looked at per sweep (oldest first). */
const SWEEP_LIMIT = 1000;

/**
 * The safety net behind the epoch marks: a delivery still pending in SQLite well after its send
 * time whose job Redis no longer has, or has as failed (stalled too often, an error outside the
 * send, removed by age), is added again. Jobs that wait, run or are delayed are left alone.
 * Returns how many were re-added.
 *
 * Batch jobs (SMS) are not looked up: the sweeper asks for `delivery-<id>`, which a delivery sent in
 * a batch never had, so an overdue one still waiting in a live batch job gets a single-delivery job
 * beside it. That is safe: whichever job claims it first sends it (the store's claim is a
 * compare-and-set with a lease), the other finds it sent ('done') or claimed ('busy': it looks again
 * after the lease) — never twice. It costs one extra job per such delivery (at most SWEEP_LIMIT a
 * sweep), and only in a backlog more than OVERDUE_MS behind.
 */
export async function sweepStuck(deps: DrainerDeps): Promise<number> {
  const now = deps.clock();
  const overdue = (await deps.outbox.pending(deps.store, { dueBy: now - OVERDUE_MS })).slice(0, SWEEP_LIMIT);
  const stuck: PendingDelivery[] = [];
  for (const d of overdue) {
    const q = deps.queueOf(d.channel);
    const id = deliveryJobId(d.id);
    const state = await q.getJobState(id);
    if (state === 'failed') await q.remove(id);
    if (state === 'failed' || state === 'unknown' || state === 'completed') {
      if (state === 'completed') await q.remove(id);
      stuck.push(d);
    }
  }
  if (stuck.length) await addDeliveries(deps, stuck);
  return stuck.length;
}
