/**
 * The re-evaluation job. Two ways in, one processor on the tick queue (its worker has concurrency
 * 1, so re-evaluation never runs beside a tick of the same daemon):
 * - an API push enqueues one job carrying the orgs it touched (prompt, in-process);
 * - every import session's commit — the API's and the CLI's `orglife import`, in whatever process —
 *   writes a durable request row in the import's own transaction (store.reevaluations); the daemon
 *   polls for claimable requests every few seconds and enqueues one job (a fixed id: at most one waits).
 * The processor folds in every other re-evaluation job still waiting (a burst of pushes becomes one
 * run over the union of their orgs), CLAIMS the claimable request rows (a lease, compare-and-set:
 * a second daemon claims others or none), runs reevaluateOrgs as of the clock, and only then deletes
 * the requests it claimed. A crash between claim and done leaves them claimed until the lease ends,
 * then another run takes them over; a job Redis loses is re-enqueued by the next poll while its
 * request rows exist. Idempotent (a retried or duplicated run re-judges the same branches again and
 * changes nothing more); the scheduled full check stays the safety net.
 */
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/port.js';
import { reevaluateOrgs, type ReevaluateResult } from './reevaluate.js';

/** The job name of re-evaluation jobs on the tick queue (a push's job id is BullMQ's own). */
export const REEVALUATE_JOB = 'reevaluate';
/** The id of the job the request poll enqueues (one waits at most; removed when it ends, so the next poll can add it again). */
export const REQUESTS_JOB_ID = 'reevaluate-requests';

export interface ReevaluateJobData {
  orgs: string[];
}

export const REEVALUATE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { age: 24 * 3600 },
};

/** The request poll's job: a fixed id, gone once it ends. */
export const REQUESTS_JOB_OPTIONS: JobsOptions = { ...REEVALUATE_JOB_OPTIONS, jobId: REQUESTS_JOB_ID, removeOnComplete: true, removeOnFail: true };

/** Waiting jobs folded into one run at most (more wait for the next run). */
const FOLD_MAX = 1000;
/** A claim of requests lasts this long by default (a run over a whole city's import takes minutes). */
export const DEFAULT_REQUEST_LEASE_MS = 10 * 60_000;

export interface ReevaluateDeps {
  store: Store;
  config: Config;
  log: Logger;
  clock: () => number;
  queue: Queue;
  /** Who claims the requests (the daemon's instance id). */
  owner: string;
  /** How long a claim of requests lasts (default DEFAULT_REQUEST_LEASE_MS). */
  leaseMs?: number;
}

export type ReevaluateOutcome = (ReevaluateResult & { folded: number; requests: number }) | { folded: number; requests: 0; orgs: 0 };

/**
 * Claim the claimable requests, re-evaluate their orgs with `extra`, delete the requests (the
 * processor's core; `orglife import --reevaluate` runs it in-process). Null when nothing to do.
 */
export async function runReevaluation(
  deps: Pick<ReevaluateDeps, 'store' | 'config' | 'clock' | 'owner' | 'leaseMs'>,
  extra: Iterable<string> = [],
): Promise<(ReevaluateResult & { requests: number }) | null> {
  const orgs = new Set(extra);
  // Leases compare wall-clock times (live processes), not the as-of clock.
  const claim = await deps.store.reevaluations.claim({ owner: deps.owner, now: Date.now(), leaseMs: deps.leaseMs ?? DEFAULT_REQUEST_LEASE_MS });
  for (const o of claim?.orgs ?? []) orgs.add(o);
  if (!orgs.size) return null;
  const r = await reevaluateOrgs(deps.store, deps.config, deps.clock(), [...orgs]);
  // Only now: a crash before this leaves the claim to lapse and the requests to be taken over.
  if (claim) await deps.store.reevaluations.done(deps.owner, claim.ids);
  return { ...r, requests: claim?.ids.length ?? 0 };
}

/** The processor of re-evaluation jobs. */
export function reevaluateProcessor(deps: ReevaluateDeps): (job: Job<ReevaluateJobData>) => Promise<ReevaluateOutcome> {
  return async (job) => {
    const orgs = new Set(job.data.orgs);
    let folded = 0;
    for (const other of await deps.queue.getJobs(['waiting', 'prioritized', 'delayed'], 0, FOLD_MAX - 1)) {
      if (!other || other.id === job.id || other.name !== REEVALUATE_JOB) continue; // ticks stay
      try {
        await other.remove();
      } catch {
        continue; // taken by another worker meanwhile: that worker runs it
      }
      for (const o of (other.data as ReevaluateJobData).orgs ?? []) orgs.add(o);
      folded++;
    }
    const r = await runReevaluation(deps, orgs);
    if (!r) return { folded, requests: 0, orgs: 0 };
    deps.log.info({ jobId: job.id, folded, requests: r.requests, orgs: r.orgs, branches: r.branches, alerts: r.alerts, live: r.live.written, ms: r.ms }, 'touched branches re-evaluated');
    return { ...r, folded };
  };
}

/** Enqueue the request poll's job when requests are claimable; returns whether it asked. */
export async function pollRequests(store: Store, queue: Queue): Promise<boolean> {
  if (!(await store.reevaluations.pending(Date.now()))) return false;
  await queue.add(REEVALUATE_JOB, { orgs: [] }, REQUESTS_JOB_OPTIONS);
  return true;
}
