/**
 * The delivery job: send one delivery through its channel's notifier, exactly as often as needed.
 *   1. Claim it in SQLite: already sent (or given up) → done, never twice (a re-enqueued or stalled job
 *      lands here); claimed by another live job attempt → look again later.
 *   2. Send; mark sent in SQLite right after the provider's answer, with the attempt.
 *   3. Temporary error → record the attempt and rethrow (BullMQ retries with exponential backoff).
 *   4. Permanent error, or the last attempt failed → record, mark failed, create the fallback delivery
 *      on the route's next channel (idempotent) and enqueue it; permanent → UnrecoverableError.
 * The remaining window: a crash after the provider accepted but before markSent commits (the next
 * group commit, well under a millisecond after the answer) sends that message again after restart.
 * A database that is busy or away at that moment (an import holding SQLite's write lock for minutes)
 * does not open the window: the sent-mark is retried until it is stored (untilStored).
 * The store batches the writes of concurrent jobs (SQLite: one transaction per event-loop turn,
 * src/store/sqlite/group-commit.ts).
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { NotifierError } from '../notifiers/errors.js';
import type { Notifiers } from '../notifiers/registry.js';
import type { SendResult } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { ChannelName } from '../notifiers/types.js';
import type { DeliveryOutbox } from '../delivery/outbox.js';
import type { AttemptRecord, PendingDelivery } from '../delivery/types.js';
import type { RobotRate } from './robot-rate.js';

/** Data of a delivery job (the rest lives in SQLite). */
export interface DeliveryJobData {
  deliveryId: number;
}

export interface DeliverDeps {
  store: Store;
  outbox: DeliveryOutbox;
  notifiers: Notifiers;
  log: Logger;
  /** As-of clock for attempt and sent times. */
  clock: () => number;
  /** Owner prefix of delivery claims (the daemon's instance id). */
  instanceId: string;
  /** A claim expires after this long (default 90 s; longer than any notifier timeout). */
  claimLeaseMs?: number;
  /** Per-robot rate limits (robot channels): a slot is taken before the claim, or the job waits. */
  robots?: { rate: RobotRate; limit(channel: ChannelName, robot: string): number | null };
  /** Enqueue a fallback delivery right away (best effort: the drainer catches it otherwise). */
  enqueue(d: PendingDelivery): Promise<void>;
}

/** Without a lease from the runtime (which derives it from the channels' timeouts): 90 s. */
const DEFAULT_CLAIM_LEASE_MS = 90_000;

export type DeliverOutcome = { result: 'sent'; providerMessageId: string | null } | { result: 'skipped'; status: string };

/** Build the processor of delivery jobs. */
export function deliveryProcessor(deps: DeliverDeps): (job: Job<DeliveryJobData>, token?: string) => Promise<DeliverOutcome> {
  const leaseMs = deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  return async (job, token) => {
    const { store, outbox, log } = deps;
    const id = job.data.deliveryId;
    const channel = job.queueName.replace(/^deliver-/, '') as ChannelName;
    // Robot channels: take a slot of the robot's window before claiming (a delayed job then holds no claim).
    const pending = deps.robots && (channel === 'wecom' || channel === 'dingtalk') ? await store.deliveries.get(id) : undefined;
    const limit = pending && pending.status === 'pending' ? deps.robots!.limit(channel, pending.recipient) : null;
    if (pending && limit !== null) {
      const now = Date.now();
      const wait = await deps.robots!.rate.acquire(channel, pending.recipient, limit, now, `${id}:${job.attemptsMade}:${token ?? job.id}:${now}`);
      if (wait > 0) {
        // The robot's 60-second window is full (on this or another daemon): wait for a slot, no attempt spent.
        await job.moveToDelayed(now + wait, token);
        throw new DelayedError();
      }
    }
    // The lease runs on the wall clock; the message is rendered as of the daemon's clock (its send time).
    const claim = await outbox.claim(store, id, `${deps.instanceId}:${token ?? job.id}`, Date.now(), leaseMs, deps.clock());
    if (claim.outcome === 'done') {
      if (claim.status === 'missing') log.warn({ deliveryId: id, jobId: job.id }, 'delivery job for an unknown delivery; dropped');
      return { result: 'skipped', status: claim.status };
    }
    if (claim.outcome === 'busy') {
      // Another job attempt is sending it right now (Redis lost the queue mid-send and it was re-added):
      // look again when that claim expires, without spending one of this job's attempts.
      await job.moveToDelayed(Math.max(claim.until, Date.now() + 1000), token);
      throw new DelayedError();
    }
    const d = claim.delivery;
    const attemptNo = job.attemptsMade + 1;
    const lastAttempt = attemptNo >= (job.opts.attempts ?? 1);
    const startedAt = deps.clock();
    const t0 = performance.now();
    const base = { deliveryId: id, attempt: attemptNo, channel: d.channel, recipient: d.recipient, startedAt };
    const notifier = deps.notifiers.get(d.channel);
    let res: SendResult;
    try {
      if (!notifier) {
        throw new NotifierError(d.channel, `渠道 ${d.channel} 未启用 / channel ${d.channel} is not enabled`, {
          permanent: true,
          code: 'channel_disabled',
        });
      }
      res = await notifier.send(d.message);
    } catch (e) {
      return failed(e);
    }
    // Mark sent before anything else: this write closes the double-send window. The provider has
    // the message now, so the mark is retried until the database takes it (a long import holding
    // the write lock, a server restart) instead of failing the job into a resend.
    const done = { ...base, durationMs: elapsed(t0), providerMessageId: res.providerMessageId, error: null, errorCode: null, permanent: false };
    await untilStored(() => outbox.markSent(store, done, deps.clock()), log, id);
    log.info({ deliveryId: id, channel: d.channel, to: d.recipient, attempt: attemptNo, providerMessageId: res.providerMessageId }, 'delivery sent');
    return { result: 'sent', providerMessageId: res.providerMessageId };

    async function failed(e: unknown): Promise<never> {
      const permanent = e instanceof NotifierError && e.permanent;
      const attempt: AttemptRecord = {
        ...base,
        durationMs: elapsed(t0),
        providerMessageId: null,
        error: e instanceof Error ? e.message : String(e),
        errorCode: e instanceof NotifierError ? (e.code ?? null) : null,
        permanent,
      };
      if (!permanent && !lastAttempt) {
        await outbox.recordFailure(store, attempt, deps.clock());
        log.warn({ deliveryId: id, channel: d.channel, to: d.recipient, attempt: attemptNo, err: attempt.error }, 'delivery attempt failed; will retry');
        throw e;
      }
      const fallback = await outbox.giveUp(store, attempt, deps.clock());
      log.warn(
        { deliveryId: id, channel: d.channel, to: d.recipient, attempt: attemptNo, permanent, err: attempt.error, fallback: fallback?.id ?? null },
        permanent ? 'delivery failed permanently' : 'delivery failed after the last attempt',
      );
      if (fallback) {
        await deps.enqueue(fallback).catch((err: unknown) =>
          log.warn({ deliveryId: fallback.id, err }, 'could not enqueue the fallback delivery now; the drainer will'),
        );
      }
      if (permanent) throw new UnrecoverableError(attempt.error ?? 'permanent error');
      throw e;
    }
  };
}

/** How long a sent-mark is retried: longer than the longest import holds the lock (minutes at 250,000 branches). */
const SENT_MARK_RETRY_MS = 15 * 60_000;

/**
 * Run a write that must not be lost, retrying it with backoff (50 ms, doubling to 2 s) for up to
 * SENT_MARK_RETRY_MS; rethrows the last error after that. Logs a warning every ~10 s it keeps failing.
 */
export async function untilStored<T>(write: () => Promise<T>, log: Logger, deliveryId: number, budgetMs = SENT_MARK_RETRY_MS): Promise<T> {
  const started = Date.now();
  let delay = 50;
  let warnedAt = started;
  for (;;) {
    try {
      return await write();
    } catch (e) {
      const now = Date.now();
      if (now - started >= budgetMs) throw e;
      if (now - warnedAt >= 10_000) {
        warnedAt = now;
        log.warn({ deliveryId, err: e instanceof Error ? e.message : String(e), waitedMs: now - started }, 'sent-mark not stored yet (database busy); retrying');
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

function elapsed(t0: number): number {
  return Math.round(performance.now() - t0);
}
