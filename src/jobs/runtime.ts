/**
 * The moving parts shared by the long-lived daemon and `daemon --once`: the store, notifiers,
 * queues, workers (ticks + one per delivery channel), the epoch keeper and the drainer, plus an
 * orderly close (stop taking jobs, let in-flight ones finish within a timeout, close Redis, the store).
 */
import { randomUUID } from 'node:crypto';
import { Worker, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import { log as defaultLog } from '../log.js';
import { defaultClaimLeaseMs, longestSendMs } from '../notifiers/config.js';
import { createNotifiers, type Notifiers } from '../notifiers/registry.js';
import { CHANNEL_NAMES, type ChannelName } from '../notifiers/types.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { deliveryProcessor } from './deliver.js';
import { addDeliveries, addFollowUps, drainOutbox, sweepStuck, type DrainResult } from './drainer.js';
import { epochKeeper } from './epoch.js';
import { robotLimit, robotRate } from './robot-rate.js';
import { TICK_HANDLERS, type ScheduleKind, type TickHandler } from './kinds.js';
import type { DeliveryOutbox } from '../delivery/outbox.js';
import { alertsOutbox } from './outbox-alerts.js';
import { BATCH_PARALLEL, BATCH_SIZE, channelLimits, workerConcurrency, TICK_JOB_OPTIONS, TICK_QUEUE, connectionsFrom, deliveryQueueName, openQueue } from './queues.js';
import { tickProcessor, type TickJobData } from './tick-job.js';
import { pollRequests, REEVALUATE_JOB, REEVALUATE_JOB_OPTIONS, reevaluateProcessor, type ReevaluateJobData } from './reevaluate-job.js';
import { tickJobId } from './ticks.js';
import { throttledLogger } from './throttle.js';

export interface RuntimeOptions {
  config: Config;
  env: Env;
  /**
   * The store: a SQLite file path or a postgres:// URL (default ORGLIFE_DB, else
   * ./data/orglife.db), opened here and closed in close(); or an open Store, borrowed (left open).
   */
  db?: string | Store;
  /** As-of clock: delivery delays, attempt and sent times. Default Date.now. */
  clock?: () => number;
  log?: Logger;
  instanceId?: string;
  /** Override or add tick handlers (default TICK_HANDLERS). */
  handlers?: Partial<Record<ScheduleKind, TickHandler>>;
  /** Outbox implementation (default: src/alerts' deliveries). */
  outbox?: DeliveryOutbox;
  /** In-flight jobs get this long to finish at close (default 30 s); then workers are closed by force. */
  shutdownTimeoutMs?: number;
  /** BullMQ lock duration of jobs (default 30 s): a killed daemon's active jobs are retried after it. */
  lockDurationMs?: number;
  /**
   * Delivery claims expire after this long (default 90 s, or the longest configured send + 30 s when
   * that is longer): a killed daemon's deliveries wait this long.
   */
  claimLeaseMs?: number;
  /** A tick claim whose heartbeat is older than this belongs to a dead daemon and is taken over (default 2 min). */
  tickLeaseMs?: number;
  /** Batch jobs of the SMS channels (queues.ts): deliveries per job and sends in flight per job (default BATCH_SIZE, BATCH_PARALLEL; tests make them small). */
  deliveryBatch?: { size?: number; parallel?: number };
  /** Create workers paused (default false): nothing is taken until startWorkers() (benchmarks, tools). */
  paused?: boolean;
  /** Start the tick worker (default true; `--once` runs its cycle in-process). */
  tickWorker?: boolean;
  /** Called after a tick's handler finished. */
  afterTick?: (kind: ScheduleKind) => Promise<void>;
  /** A claim of durable re-evaluation requests lasts this long (default 10 min): a killed daemon's claim is taken over after it. */
  reevaluateLeaseMs?: number;
}

export interface Runtime {
  /** The store (the port). */
  store: Store;
  config: Config;
  env: Env;
  log: Logger;
  notifiers: Notifiers;
  outbox: DeliveryOutbox;
  instanceId: string;
  clock: () => number;
  handlers: Partial<Record<ScheduleKind, TickHandler>>;
  ticks: Queue;
  queueOf(channel: ChannelName): Queue;
  /** Enqueue a tick job (idempotent by id); `replaceFailed` first removes a failed job of that id. */
  enqueueTick(kind: ScheduleKind, tickAt: number, opts?: { replaceFailed?: boolean }): Promise<string>;
  /** Re-evaluate these orgs' branches soon (one coalescing job; reevaluate-job.ts). Rejects when Redis is away. */
  requestReevaluation(orgs: readonly string[]): Promise<void>;
  /** Enqueue the re-evaluation job when durable requests (committed imports) are claimable; whether it did. */
  pollReevaluations(): Promise<boolean>;
  /** Start workers created with `paused: true`. */
  startWorkers(): void;
  /** Whether every worker is running (false while paused, closing or closed) — for readiness probes. */
  workersRunning(): boolean;
  /** Run the drainer (serialised: concurrent calls share one run). */
  drain(opts?: { dueBy?: number; force?: boolean }): Promise<DrainResult>;
  /** Re-add overdue pending deliveries whose job Redis lost or failed (see sweepStuck). */
  sweep(): Promise<number>;
  /**
   * Stop taking new jobs now (each worker's close begins; jobs in flight go on). The first thing a
   * stop does, before it waits on anything else: a job taken while the stop waits for the scheduler
   * or a periodic check would be work the operator asked not to start. close() finishes it.
   */
  stopTakingJobs(): void;
  close(): Promise<void>;
  /** While close() runs: the step it waits on (a watchdog names it when a stop overruns). */
  readonly closeStep: string | null;
}

/** How long a close waits for Redis to answer before it drops the connection. */
const REDIS_GRACE_MS = 3000;
/** How long dropping a connection may take: a local act, but BullMQ's disconnect awaits an 'end' event that a client stuck reconnecting never emits. */
const DROP_GRACE_MS = 500;

/** Whether `p` settled within `ms` (it is not cancelled otherwise). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts running job processors, so a close can wait for them without asking Redis. */
class InFlight {
  count = 0;
  private waiters: Array<() => void> = [];
  track<A extends unknown[], R>(f: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
    return async (...a) => {
      this.count++;
      try {
        return await f(...a);
      } finally {
        if (--this.count === 0) for (const w of this.waiters.splice(0)) w();
      }
    };
  }
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

/** Open everything; workers start taking jobs immediately. */
export async function openRuntime(o: RuntimeOptions): Promise<Runtime> {
  const log = o.log ?? defaultLog;
  const clock = o.clock ?? Date.now;
  const instanceId = o.instanceId ?? randomUUID();
  const handlers = { ...TICK_HANDLERS, ...o.handlers };
  const given = o.db;
  const owned = typeof given !== 'object';
  const store = typeof given === 'object' ? given : await openStore(given);
  let notifiers: Notifiers;
  try {
    notifiers = createNotifiers(o.config.channels, o.env, { log });
  } catch (e) {
    if (owned) await store.close();
    throw e;
  }
  const outbox = o.outbox ?? alertsOutbox(o.config);
  const conn = connectionsFrom(o.env);
  const redisError = throttledLogger(log, 'Redis connection problem; retrying');
  // Worker errors also cover jobs that vanished under a worker (Redis restarted empty mid-job):
  // harmless here, the outcome is in the store and the drainer re-adds what is still pending.
  const workerError = throttledLogger(log, 'queue worker error (Redis away or a job lost with it); continuing');

  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = openQueue(name, conn, redisError)));
    return q;
  };
  const queueOf = (channel: ChannelName) => queue(deliveryQueueName(channel));
  const ticks = queue(TICK_QUEUE);
  const epoch = epochKeeper(conn, redisError);
  const rate = robotRate(conn, redisError);
  const batchSize = o.deliveryBatch?.size ?? BATCH_SIZE;
  const batchParallel = o.deliveryBatch?.parallel ?? BATCH_PARALLEL;
  const drainDeps = { store, config: o.config, outbox, epoch, queueOf, clock, batchSize };

  const workers: Worker[] = [];
  const inFlight = new InFlight();
  // Stalls (a killed process, an event loop blocked past the lock) are harmless here: the store's
  // delivery claims stop a second send, so a stalled job may be recovered many times instead of failing.
  const workerOpts = { connection: conn.worker, prefix: conn.prefix, autorun: !o.paused, maxStalledCount: 20, ...(o.lockDurationMs ? { lockDuration: o.lockDurationMs, stalledInterval: o.lockDurationMs } : {}) };
  const watch = (w: Worker, what: string) => {
    w.on('error', workerError);
    w.on('failed', (job, err) => {
      if (!job) return;
      log.warn({ queue: what, jobId: job.id, attemptsMade: job.attemptsMade, err: err.message }, 'job attempt failed');
    });
    workers.push(w);
  };

  if (o.tickWorker ?? true) {
    const tick = tickProcessor({ store, config: o.config, env: o.env, notifiers, log, handlers, instanceId, clock, ...(o.tickLeaseMs ? { leaseMs: o.tickLeaseMs } : {}), ...(o.afterTick ? { afterTick: o.afterTick } : {}), drain: () => rt.drain() });
    // Re-evaluation jobs ride the tick queue and its worker (one at a time with the ticks, folding
    // waiting requests). A worker of their own made tests/jobs/daemon.test.ts's deliveries time out
    // (two daemons; a Redis restart mid-dispatch) — why was not found; one worker fewer avoids it.
    const reevaluate = reevaluateProcessor({ store, config: o.config, log, clock, queue: ticks, owner: instanceId, ...(o.reevaluateLeaseMs ? { leaseMs: o.reevaluateLeaseMs } : {}) });
    const processor = inFlight.track((job: Job): Promise<unknown> => (job.name === REEVALUATE_JOB ? reevaluate(job as Job<ReevaluateJobData>) : tick(job as Job<TickJobData>)));
    watch(new Worker(TICK_QUEUE, processor, { ...workerOpts, concurrency: 1 }), TICK_QUEUE);
  }
  const enqueueOne = async (d: Parameters<typeof addDeliveries>[1][number]) => addDeliveries({ config: o.config, queueOf, clock, batchSize }, [d]);
  const robots = { rate, limit: (channel: ChannelName, robot: string) => robotLimit(o.config, channel, robot) };
  const claimLeaseMs = o.claimLeaseMs ?? defaultClaimLeaseMs(o.config.channels);
  const longestSend = longestSendMs(o.config.channels);
  if (claimLeaseMs <= longestSend) {
    // A send still running when its claim expires can be claimed and sent again by another daemon.
    log.warn({ claimLeaseMs, longestSendMs: longestSend }, 'delivery claim lease is not longer than the longest notifier timeout: a slow send could be sent twice');
  }
  const followUp = (list: Parameters<typeof addFollowUps>[1]) => addFollowUps({ config: o.config, queueOf }, list);
  const deliver = inFlight.track(deliveryProcessor({ store, outbox, notifiers, log, clock, instanceId, robots, enqueue: enqueueOne, followUp, claimLeaseMs, batchParallel }));
  const limits = channelLimits(o.config);
  for (const channel of CHANNEL_NAMES) {
    const lim = limits[channel];
    // A batched channel's concurrency counts sends in flight: its worker runs that many / BATCH_PARALLEL batch jobs.
    watch(new Worker(deliveryQueueName(channel), deliver, { ...workerOpts, concurrency: workerConcurrency(channel, lim, batchParallel), ...(lim.limiter ? { limiter: lim.limiter } : {}) }), deliveryQueueName(channel));
  }

  // Drains and sweeps run one at a time: a periodic drain and an after-cycle drain must not add the
  // same list twice at once. `outboxWork` is the tail of that chain (close() waits for it).
  let outboxWork: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = outboxWork.catch(() => undefined).then(f);
    outboxWork = run;
    return run;
  };
  let closed = false;
  let closeStep: string | null = null;
  let workersClosing: Array<Promise<void>> | null = null;
  const rt: Runtime = {
    store,
    config: o.config,
    env: o.env,
    log,
    notifiers,
    outbox,
    instanceId,
    clock,
    handlers,
    ticks,
    queueOf,
    async enqueueTick(kind, tickAt, opts = {}) {
      const jobId = tickJobId(kind, tickAt);
      if (opts.replaceFailed) {
        const old = await ticks.getJob(jobId);
        if (old && (await old.isFailed())) await old.remove();
      }
      await ticks.add(kind, { kind, tickAt }, { ...TICK_JOB_OPTIONS, jobId });
      return jobId;
    },
    async requestReevaluation(orgs) {
      if (!orgs.length) return;
      await ticks.add(REEVALUATE_JOB, { orgs: [...orgs] }, REEVALUATE_JOB_OPTIONS);
    },
    pollReevaluations: () => pollRequests(store, ticks),
    workersRunning() {
      return !closed && !workersClosing && workers.length > 0 && workers.every((w) => w.isRunning());
    },
    startWorkers() {
      if (workersClosing) return; // stopping: a worker once closing is not run again
      for (const w of workers) if (!w.isRunning()) void w.run().catch((e: unknown) => log.error({ err: e }, 'worker stopped with an error'));
    },
    sweep: () => serial(() => sweepStuck(drainDeps)),
    drain: (opts = {}) => serial(() => drainOutbox(drainDeps, opts)),
    stopTakingJobs() {
      workersClosing ??= workers.map((w) => w.close().catch(() => undefined));
    },
    async close() {
      if (closed) return;
      closed = true;
      closeStep = 'in-flight jobs';
      const timeout = o.shutdownTimeoutMs ?? 30_000;
      // 1. Stop taking jobs (if stopTakingJobs() has not already); the ones in flight finish (their outcome is in the store, whatever Redis does).
      rt.stopTakingJobs();
      const closing = workersClosing!;
      let redisAway = false;
      const dropConnections = () => Promise.all(workers.map((w) => within(w.disconnect().catch(() => undefined), DROP_GRACE_MS)));
      if (!(await within(inFlight.idle(), timeout))) {
        // A worker's close waits for its jobs (BullMQ's close(true) after close() returns the same
        // promise), so with a job stuck (an SMTP server that never answers) it can never finish:
        // drop the connections now rather than waiting for Redis, which is not the one at fault.
        log.warn({ timeoutMs: timeout, inFlight: inFlight.count }, 'in-flight jobs did not finish in time; closing workers by force (they will be retried)');
        await dropConnections();
      } else if (!(await within(Promise.all(closing), REDIS_GRACE_MS))) {
        // 2. A worker's close also reports its last jobs to Redis, which may be away: bounded, then the
        // connections are dropped (an unreported job is retried; the store's claims stop a second send).
        log.warn({ graceMs: REDIS_GRACE_MS }, 'Redis does not answer; closing its connections without waiting');
        redisAway = true;
        await dropConnections();
      }
      closeStep = 'outbox work';
      await within(outboxWork.catch(() => undefined), timeout);
      closeStep = 'queues';
      await Promise.all(
        [...queues.values()].map(async (q) => {
          // Once Redis is known to be away, a polite close would only wait out its grace again.
          if (redisAway || !(await within(q.close().catch(() => undefined), REDIS_GRACE_MS))) await within(q.disconnect().catch(() => undefined), DROP_GRACE_MS);
        }),
      );
      closeStep = 'epoch';
      await epoch.close();
      closeStep = 'notifiers';
      await within(notifiers.close().catch(() => undefined), REDIS_GRACE_MS);
      closeStep = 'store';
      if (owned) await store.close();
      closeStep = null;
    },
    get closeStep() {
      return closeStep;
    },
  };
  return rt;
}
