/**
 * The outbox drainer: puts every pending delivery into its channel queue. Intents live in SQLite
 * (written with the alert change), so this is the one path from "should be sent" to "queued".
 * Re-adding is harmless (deterministic job id `delivery-<id>`, and the worker skips what is sent);
 * the epoch marks only keep a stable Redis from being asked again for the same deliveries.
 */
import type { Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { EpochKeeper } from './epoch.js';
import type { DeliveryOutbox } from '../delivery/outbox.js';
import type { PendingDelivery } from '../delivery/types.js';
import { deliveryJobOptions } from './queues.js';
import { deliveryJobId } from './ticks.js';

export interface DrainerDeps {
  store: Store;
  config: Config;
  outbox: DeliveryOutbox;
  epoch: EpochKeeper;
  queueOf(channel: ChannelName): Queue;
  /** Clock for delays: a delivery is delayed until notBefore − clock(). */
  clock: () => number;
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

/** Add deliveries to their channel queues (grouped per queue, one addBulk per group). */
export async function addDeliveries(deps: Pick<DrainerDeps, 'config' | 'queueOf' | 'clock'>, list: readonly PendingDelivery[]): Promise<void> {
  const byChannel = new Map<ChannelName, PendingDelivery[]>();
  for (const d of list) {
    const group = byChannel.get(d.channel);
    if (group) group.push(d);
    else byChannel.set(d.channel, [d]);
  }
  const opts = deliveryJobOptions(deps.config.delivery);
  const now = deps.clock();
  await Promise.all(
    [...byChannel].map(([channel, ds]) =>
      deps.queueOf(channel).addBulk(
        ds.map((d) => ({
          name: 'deliver',
          data: { deliveryId: d.id },
          opts: { ...opts, jobId: deliveryJobId(d.id), delay: Math.max(0, d.notBefore - now) },
        })),
      ),
    ),
  );
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
