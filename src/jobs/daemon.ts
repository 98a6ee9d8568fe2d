/**
 * The long-lived daemon: workers + node-cron scheduler + periodic drainer, as functions an
 * embedding process (CLI, HTTP server, SIGHUP reload) can start and stop. Signals are the
 * caller's business (src/cli/commands/daemon.ts), so a reload is `stop()` then `startDaemon()`.
 */
import type { ScheduleKind } from './kinds.js';
import { openRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
import { createScheduler } from './scheduler.js';
import { throttledLogger } from './throttle.js';

/** Epoch marks older than this are pruned after each tick (a still-pending delivery is just re-added). */
const MARK_TTL_MS = 7 * 86_400_000;
/** The stuck-delivery sweep runs every this many drain periods (every 5 minutes by default). */
const SWEEP_EVERY = 10;

export interface DaemonOptions extends RuntimeOptions {
  /** Period of the drainer and of the missed-tick check (default 30 s). */
  drainIntervalMs?: number;
  /** Period of the poll for durable re-evaluation requests of committed imports (default 2 s). */
  reevaluatePollMs?: number;
  /** Start node-cron tasks (default true). Tests call fireTick() instead of waiting for the clock. */
  cron?: boolean;
}

export interface DaemonHandle {
  readonly instanceId: string;
  /** The shared parts (database, queues, notifiers) for an embedding server: read-only use. */
  readonly runtime: Runtime;
  /** Do what a cron fire does: enqueue the tick job of (kind, tickAt). Returns the job id. */
  fireTick(kind: ScheduleKind, tickAt: number): Promise<string>;
  /** Enqueue pending deliveries now; returns how many were added. */
  drain(): Promise<number>;
  /** Stop cron and drainer, let in-flight jobs finish (timeout), close Redis, notifiers and SQLite. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when stop() has finished. */
  readonly stopped: Promise<void>;
  /** While stop() runs: the step it waits on, e.g. "runtime: in-flight jobs" (for the shutdown watchdog). */
  readonly stopStep: string | null;
}

/**
 * Start the daemon. Resolves once workers run and the start-up catch-up and drain were attempted
 * (a Redis outage at start is logged; the periodic check retries both).
 */
export async function startDaemon(opts: DaemonOptions): Promise<DaemonHandle> {
  const rt = await openRuntime({
    ...opts,
    afterTick: async (kind) => {
      await opts.afterTick?.(kind);
      await rt.drain();
      await rt.store.deliveries.pruneEnqueued(rt.clock() - MARK_TTL_MS);
    },
  });
  const { log } = rt;
  const scheduler = createScheduler({ store: rt.store, config: rt.config, log, clock: rt.clock, enqueue: rt.enqueueTick });

  const drain = async () => {
    const r = await rt.drain();
    if (r.added) log.info({ added: r.added, pending: r.pending, epoch: r.epoch }, 'outbox drained');
    return r.added;
  };
  const safely = (what: string, f: () => Promise<unknown>) => f().catch((e: unknown) => log.error({ err: e }, `${what} failed; will retry`));

  await safely('start-up catch-up', () => scheduler.catchUp({ atStart: true }));
  await safely('start-up drain', drain);
  if (opts.cron ?? true) scheduler.start();

  let periodic: Promise<unknown> = Promise.resolve();
  let rounds = 0;
  const timer = setInterval(() => {
    const sweepNow = rounds++ % SWEEP_EVERY === 0;
    periodic = periodic
      .then(() => safely('periodic drain', drain))
      .then(() => safely('missed-tick check', () => scheduler.catchUp()))
      .then(() => sweepNow && safely('stuck-delivery sweep', async () => {
        const n = await rt.sweep();
        if (n) log.warn({ readded: n }, 'overdue deliveries whose jobs were lost or failed were added again');
      }));
  }, opts.drainIntervalMs ?? 30_000);

  // Imports committed by any process (the CLI's too) leave durable requests: enqueue their job promptly.
  let polling = false;
  const pollError = throttledLogger(log, 're-evaluation request poll failed (Redis or the database away); retrying');
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    void rt
      .pollReevaluations()
      .catch(pollError)
      .finally(() => (polling = false));
  }, opts.reevaluatePollMs ?? 2000);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | null = null;
  let step: string | null = null;
  log.info({ instanceId: rt.instanceId, cron: opts.cron ?? true }, 'daemon started');

  return {
    instanceId: rt.instanceId,
    runtime: rt,
    fireTick: (kind, tickAt) => rt.enqueueTick(kind, tickAt),
    drain,
    stop() {
      stopping ??= (async () => {
        log.info('daemon stopping');
        rt.stopTakingJobs();
        clearInterval(timer);
        clearInterval(poll);
        step = 'scheduler';
        await scheduler.stop();
        step = 'periodic check';
        await periodic;
        step = 'runtime';
        await rt.close();
        step = null;
        log.info('daemon stopped');
        resolveStopped();
      })();
      return stopping;
    },
    stopped,
    get stopStep() {
      return step === 'runtime' ? `runtime: ${rt.closeStep ?? 'closing'}` : step;
    },
  };
}
