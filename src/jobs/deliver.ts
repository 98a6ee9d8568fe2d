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
 *
 * A BATCH job (SMS channels, `deliveryIds`: drainer.ts addDeliveries) does the same for up to 100
 * deliveries, BATCH_PARALLEL sends in flight: claimed BATCH_PARALLEL per store call (the next call
 * made while sends run), sent as lanes free up, their sent-marks stored per event-loop turn in one
 * store call (markSentMany) right after the provider's answers. Per delivery, exactly as a single job: its attempt numbered from the
 * store (attempts recorded + 1); a sent or given-up one is 'done' when the batch job runs again (a
 * redelivered or stalled batch sends nothing twice); one held by another live claim, or failed
 * temporarily with attempts left, goes on as a single-delivery job (`delivery-<id>`; a retry carries
 * its attempts so far and waits the backoff its attempt would have waited); a permanent error or the
 * last attempt gives up with its fallback. The batch job itself fails (and is retried by BullMQ) only
 * when the store or Redis does; its deliveries' claims and records make a rerun safe.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { NotifierError } from '../notifiers/errors.js';
import type { Notifiers } from '../notifiers/registry.js';
import type { SendResult } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { ChannelName } from '../notifiers/types.js';
import type { DeliveryOutbox } from '../delivery/outbox.js';
import type { Attempt, AttemptRecord, DeliveryClaim, PendingDelivery } from '../delivery/types.js';
import { BATCH_PARALLEL } from './queues.js';
import type { RobotRate } from './robot-rate.js';

/**
 * Data of a delivery job (the rest lives in the store): one delivery — with the attempts a batch job
 * already made of it, when it continues one — or a batch of deliveries of one channel.
 */
export type DeliveryJobData = { deliveryId: number; priorAttempts?: number } | { deliveryIds: number[] };

/** A delivery of a batch job that goes on as a single-delivery job (drainer.ts addFollowUps). */
export interface FollowUp {
  deliveryId: number;
  channel: ChannelName;
  /** Delay before the job runs. */
  delayMs: number;
  /** Attempts made so far (0: none by this batch; the job numbers its own after these). */
  priorAttempts: number;
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
  /** Sends of one batch job in flight at once (default BATCH_PARALLEL). */
  batchParallel?: number;
  /** Enqueue a fallback delivery right away (best effort: the drainer catches it otherwise). */
  enqueue(d: PendingDelivery): Promise<void>;
  /** Add single-delivery jobs continuing deliveries of a batch job (must succeed, or the batch job fails and runs again). */
  followUp(list: readonly FollowUp[]): Promise<void>;
}

/** Without a lease from the runtime (which derives it from the channels' timeouts): 90 s. */
const DEFAULT_CLAIM_LEASE_MS = 90_000;

export type DeliverOutcome =
  | { result: 'sent'; providerMessageId: string | null }
  | { result: 'skipped'; status: string }
  | { result: 'batch'; sent: number; skipped: number; retried: number; failed: number; later: number };

/** Build the processor of delivery jobs (single and batch). */
export function deliveryProcessor(deps: DeliverDeps): (job: Job<DeliveryJobData>, token?: string) => Promise<DeliverOutcome> {
  const single = singleProcessor(deps);
  const batch = batchProcessor(deps);
  return (job, token) => ('deliveryIds' in job.data ? batch(job as Job<{ deliveryIds: number[] }>, token) : single(job as Job<{ deliveryId: number; priorAttempts?: number }>, token));
}

function singleProcessor(deps: DeliverDeps): (job: Job<{ deliveryId: number; priorAttempts?: number }>, token?: string) => Promise<DeliverOutcome> {
  const leaseMs = deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  return async (job, token) => {
    const { store, outbox, log } = deps;
    const id = job.data.deliveryId;
    const prior = job.data.priorAttempts ?? 0;
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
    // A job continuing a batch's delivery counts the batch's attempts first (its own `attempts` are what is left).
    const attemptNo = prior + job.attemptsMade + 1;
    const lastAttempt = attemptNo >= prior + (job.opts.attempts ?? 1);
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

/** The batch job's processor (see the file comment). */
function batchProcessor(deps: DeliverDeps): (job: Job<{ deliveryIds: number[] }>, token?: string) => Promise<DeliverOutcome> {
  const leaseMs = deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  const { store, outbox, log } = deps;
  // Sent-marks of every batch job in flight, stored per event-loop turn in one call.
  const marks = new TurnBatch<Attempt>((list) => outbox.markSentMany(store, list, deps.clock()));
  return async (job, token) => {
    const ids = job.data.deliveryIds;
    const channel = job.queueName.replace(/^deliver-/, '') as ChannelName;
    const owner = `${deps.instanceId}:${token ?? job.id}`;
    const maxAttempts = job.opts.attempts ?? 1;
    const backoffMs = backoffDelay(job.opts.backoff);
    const parallel = deps.batchParallel ?? BATCH_PARALLEL;
    const tally = { sent: 0, skipped: 0, retried: 0, failed: 0, later: 0 };
    const followUps: FollowUp[] = [];

    const one = async (id: number, claim: DeliveryClaim): Promise<void> => {
      if (claim.outcome === 'done') {
        if (claim.status === 'missing') log.warn({ deliveryId: id, jobId: job.id }, 'delivery job for an unknown delivery; dropped');
        tally.skipped++;
        return;
      }
      if (claim.outcome === 'busy') {
        // Another job attempt is sending it now: its own job looks again when that claim expires.
        followUps.push({ deliveryId: id, channel, delayMs: Math.max(claim.until - Date.now(), 1000), priorAttempts: 0 });
        tally.later++;
        return;
      }
      const d = claim.delivery;
      const attemptNo = d.attempts + 1;
      const startedAt = deps.clock();
      const t0 = performance.now();
      const base = { deliveryId: id, attempt: attemptNo, channel: d.channel, recipient: d.recipient, startedAt };
      let res: SendResult;
      try {
        const notifier = deps.notifiers.get(d.channel);
        if (!notifier) {
          throw new NotifierError(d.channel, `渠道 ${d.channel} 未启用 / channel ${d.channel} is not enabled`, { permanent: true, code: 'channel_disabled' });
        }
        res = await notifier.send(d.message);
      } catch (e) {
        const permanent = e instanceof NotifierError && e.permanent;
        const attempt: AttemptRecord = {
          ...base,
          durationMs: elapsed(t0),
          providerMessageId: null,
          error: e instanceof Error ? e.message : String(e),
          errorCode: e instanceof NotifierError ? (e.code ?? null) : null,
          permanent,
        };
        if (!permanent && attemptNo < maxAttempts) {
          await outbox.recordFailure(store, attempt, deps.clock());
          log.warn({ deliveryId: id, channel: d.channel, to: d.recipient, attempt: attemptNo, err: attempt.error }, 'delivery attempt failed; will retry');
          // As BullMQ would have: backoff × 2^(attempt − 1) before the next attempt.
          followUps.push({ deliveryId: id, channel, delayMs: backoffMs * 2 ** (attemptNo - 1), priorAttempts: attemptNo });
          tally.retried++;
          return;
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
        tally.failed++;
        return;
      }
      const done = { ...base, durationMs: elapsed(t0), providerMessageId: res.providerMessageId, error: null, errorCode: null, permanent: false };
      await untilStored(() => marks.add(done), log, id);
      if (log.isLevelEnabled('debug')) log.debug({ deliveryId: id, channel: d.channel, to: d.recipient, attempt: attemptNo, providerMessageId: res.providerMessageId }, 'delivery sent');
      tally.sent++;
    };

    // `parallel` lanes each send one claimed delivery after another; the next claims are fetched
    // while sends are still in flight, so no lane waits for the slowest send of a round nor for the
    // claim's round trip. A claim that waited longer than refreshAfterMs behind slow sends is claimed
    // again before its send (same owner: extended, or found busy or done if the lease ran out
    // meanwhile): the send then has its whole lease, as a single job's has.
    let failure: unknown;
    const refreshAfterMs = Math.min(leaseMs / 2, 1000);
    const claimed: { id: number; claim: DeliveryClaim; at: number }[] = [];
    let next = 0;
    let claiming: Promise<void> | undefined;
    const refill = (): Promise<void> =>
      (claiming ??= (async () => {
        const round = ids.slice(next, next + parallel);
        next += round.length;
        try {
          const at = Date.now();
          const claims = await outbox.claimMany(store, round, owner, at, leaseMs, deps.clock());
          claims.forEach((claim, k) => claimed.push({ id: round[k]!, claim, at }));
        } catch (e) {
          failure ??= e;
        } finally {
          claiming = undefined;
        }
      })());
    const lane = async (): Promise<void> => {
      while (failure === undefined) {
        if (claimed.length <= parallel / 2 && next < ids.length) void refill();
        const item = claimed.shift();
        if (!item) {
          if (!claiming) return;
          await claiming;
          continue;
        }
        try {
          if (item.claim.outcome === 'send' && Date.now() - item.at > refreshAfterMs) {
            item.claim = (await outbox.claimMany(store, [item.id], owner, Date.now(), leaseMs, deps.clock()))[0]!;
          }
          await one(item.id, item.claim);
        } catch (e) {
          // Every send in flight settles before the job fails; no new one starts.
          failure ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, lane));
    // A claim made as the job failed: its deliveries stay leased; the batch's rerun finds them busy and
    // continues each as its own job when the lease ends.
    await claiming;
    // Follow-ups even when the job is about to fail: the deliveries they continue were released or
    // are held by another claim, so a rerun of the batch would not take them at once.
    if (followUps.length) {
      try {
        await deps.followUp(followUps);
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
    log.info({ channel, jobId: job.id, deliveries: ids.length, ...tally }, 'delivery batch done');
    return { result: 'batch', ...tally };
  };
}

/** The first retry delay of a job's backoff option (a number or { delay }). */
function backoffDelay(b: Job['opts']['backoff']): number {
  if (typeof b === 'number') return b;
  return b?.delay ?? 0;
}

/**
 * Calls that arrive within one event-loop turn, handed to `flush` as one list; each caller's promise
 * settles with the flush (an error reaches every caller of that list, each retrying on its own).
 */
class TurnBatch<T> {
  #items: { v: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;
  constructor(private readonly flush: (list: T[]) => Promise<void>) {}
  add(v: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#items.push({ v, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          const items = this.#items;
          this.#items = [];
          this.flush(items.map((i) => i.v)).then(
            () => items.forEach((i) => i.resolve()),
            (e: unknown) => items.forEach((i) => i.reject(e)),
          );
        });
      }
    });
  }
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
