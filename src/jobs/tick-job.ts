/**
 * The tick job: claim the (kind, tick time) in the store, run the kind's handler as of the tick's
 * scheduled time, and remember "done" in the store. The BullMQ job id stops duplicates while the
 * job exists; the store's claim (runs.claimTick) stops them after it was removed (or Redis lost
 * it), and between daemons on several hosts.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import type { Notifiers } from '../notifiers/registry.js';
import type { Store } from '../store/port.js';
import { tickContext, type ScheduleKind, type TickHandler } from './kinds.js';

/** Data of a tick job. */
export interface TickJobData {
  kind: ScheduleKind;
  /** Scheduled tick time, epoch ms. */
  tickAt: number;
}

export interface TickDeps {
  store: Store;
  config: Config;
  env: Env;
  notifiers: Notifiers;
  log: Logger;
  handlers: Partial<Record<ScheduleKind, TickHandler>>;
  instanceId: string;
  /** A claim whose heartbeat is older than this belongs to a dead runner (default 2 min). */
  leaseMs?: number;
  /** Called after a tick's handler finished (the daemon drains the outbox here). */
  afterTick?: (kind: ScheduleKind) => Promise<void>;
  /** The outbox drain, which a handler may run early (TickContext.afterPlan). */
  drain?: () => Promise<unknown>;
  /** As-of clock (the runtime's; default Date.now): read once as the run starts, TickContext.sendFrom. */
  clock?: () => number;
}

export type TickOutcome = { result: 'done'; stats: Record<string, unknown> } | { result: 'skipped'; reason: 'already-done' };

/** Thrown while another live daemon runs the same tick: BullMQ retries later, by then it is done. */
export class TickBusyError extends Error {
  constructor(kind: string, tickAt: number, by: string) {
    super(`tick ${kind}@${new Date(tickAt).toISOString()} is being run by ${by}`);
    this.name = 'TickBusyError';
  }
}

const DEFAULT_LEASE_MS = 120_000;

/** Build the processor of tick jobs. */
export function tickProcessor(deps: TickDeps): (job: Job<TickJobData>) => Promise<TickOutcome> {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  return async (job) => {
    const { kind, tickAt } = job.data;
    const { store, log } = deps;
    // Leases compare wall-clock times: they are about live processes, not about the as-of time.
    const claim = await store.runs.claimTick({ kind, tickAt, jobId: job.id ?? '', instanceId: deps.instanceId, now: Date.now(), leaseMs });
    if (claim.outcome === 'done') {
      log.info({ kind, tickAt: new Date(tickAt).toISOString() }, 'tick already done; skipped');
      return { result: 'skipped', reason: 'already-done' };
    }
    if (claim.outcome === 'busy') throw new TickBusyError(kind, tickAt, claim.claimedBy);

    const heartbeat = setInterval(
      () => void store.runs.heartbeatTick(kind, tickAt, deps.instanceId, Date.now()).catch((e: unknown) => log.warn({ err: e }, 'tick heartbeat not stored; retried at the next beat')),
      Math.max(1000, leaseMs / 4),
    );
    heartbeat.unref();
    const runId = await store.runs.startRun({ kind, trigger: 'tick', asOf: tickAt, now: Date.now() });
    log.info({ kind, tickAt: new Date(tickAt).toISOString(), attempt: claim.attempts, runId }, 'tick started');
    try {
      const handler = deps.handlers[kind];
      let stats: Record<string, unknown> = {};
      if (handler) {
        const drain = deps.drain;
        const afterPlan = drain ? { afterPlan: async () => void (await drain()) } : {};
        stats = (await handler(tickContext({ store, config: deps.config, env: deps.env, notifiers: deps.notifiers, log, now: tickAt, sendFrom: (deps.clock ?? Date.now)(), kind, ...afterPlan }))) ?? {};
      } else {
        log.warn({ kind }, 'no handler registered for this schedule kind; tick marked done');
        stats = { handler: 'none' };
      }
      await store.runs.finishRun(runId, { status: 'done', now: Date.now(), stats });
      await store.runs.finishTick(kind, tickAt, 'done', Date.now());
      log.info({ kind, tickAt: new Date(tickAt).toISOString(), runId, ...stats }, 'tick done');
      await deps.afterTick?.(kind).catch((e: unknown) => log.warn({ err: e }, 'after-tick step failed; the periodic drain will retry'));
      return { result: 'done', stats };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      await store.runs.finishRun(runId, { status: 'failed', now: Date.now(), error: msg });
      await store.runs.finishTick(kind, tickAt, 'failed', Date.now(), msg);
      log.error({ kind, tickAt: new Date(tickAt).toISOString(), runId, err: e }, 'tick failed');
      throw e;
    } finally {
      clearInterval(heartbeat);
    }
  };
}
