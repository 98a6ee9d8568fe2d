/**
 * The re-evaluation job: an ingest (API push) that touched orgs enqueues one job carrying their
 * codes on the tick queue; the tick worker (concurrency 1) takes it, folds in every other re-evaluation job still
 * waiting (a burst of pushes becomes one run over the union of their orgs), and runs
 * reevaluateOrgs as of the clock. Idempotent (a retried or duplicated job re-judges the same
 * branches again and changes nothing more); a job Redis loses is covered by the next scheduled
 * full check.
 */
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/port.js';
import { reevaluateOrgs, type ReevaluateResult } from './reevaluate.js';

/** The job name of re-evaluation jobs on the tick queue (their ids are BullMQ's own: each push is one job). */
export const REEVALUATE_JOB = 'reevaluate';

export interface ReevaluateJobData {
  orgs: string[];
}

export const REEVALUATE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { age: 24 * 3600 },
};

/** Waiting jobs folded into one run at most (more wait for the next run). */
const FOLD_MAX = 1000;

export interface ReevaluateDeps {
  store: Store;
  config: Config;
  log: Logger;
  clock: () => number;
  queue: Queue;
}

/** The processor of re-evaluation jobs. */
export function reevaluateProcessor(deps: ReevaluateDeps): (job: Job<ReevaluateJobData>) => Promise<ReevaluateResult & { folded: number }> {
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
    const r = await reevaluateOrgs(deps.store, deps.config, deps.clock(), [...orgs]);
    deps.log.info({ jobId: job.id, folded, orgs: r.orgs, branches: r.branches, alerts: r.alerts, ms: r.ms }, 'touched branches re-evaluated');
    return { ...r, folded };
  };
}
