/**
 * The check on several cores: the main thread resolves the scope and hands chunks of branch ids to
 * worker threads (each with its own SQLite connection), then passes their findings on in id order,
 * exactly as forEachBranchFindings would. Below a size where starting workers costs more than it
 * saves, it simply runs forEachBranchFindings on this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import {
  addToStats,
  branchIdsInScope,
  chunksOf,
  DEFAULT_CHUNK,
  emptyStats,
  forEachBranchFindings,
  type BranchFindings,
  type CheckOptions,
  type CheckStats,
} from './check.js';
import type { WorkerInit, WorkerRequest } from './worker.js';

export interface ParallelOptions extends CheckOptions {
  /** Worker threads (default: the machine's cores, at most 4). 1 = evaluate on this thread. */
  workers?: number;
  /** Fewer branches than this are evaluated on this thread (default 10,000). */
  minBranches?: number;
}

/** Chunks queued per worker, so a worker never waits for the main thread between chunks. */
const IN_FLIGHT_PER_WORKER = 2;
const DEFAULT_MIN_BRANCHES = 10_000;

/**
 * Like forEachBranchFindings (same chunks, same order, same findings), spread over worker threads.
 * `dbPath` is the file behind `db` (workers open their own connections; `db` resolves the scope).
 */
export async function forEachBranchFindingsParallel(
  db: Db,
  dbPath: string,
  config: Config,
  now: number,
  onChunk: (chunk: BranchFindings[]) => void,
  opts: ParallelOptions = {},
): Promise<CheckStats> {
  const ids = branchIdsInScope(db, opts.org);
  const workers = Math.max(1, opts.workers ?? Math.min(4, availableParallelism()));
  if (workers === 1 || ids.length < (opts.minBranches ?? DEFAULT_MIN_BRANCHES)) {
    return forEachBranchFindings(db, config, now, onChunk, opts);
  }
  const chunks = chunksOf(ids, opts.chunkSize ?? DEFAULT_CHUNK);
  const init: WorkerInit = { dbPath, config, now, alsoEvaluate: opts.alsoEvaluate ? [...opts.alsoEvaluate].map(([k, v]) => [k, [...v]]) : undefined };
  const pool = Array.from({ length: Math.min(workers, chunks.length) }, () => startWorker(init));
  const stats = emptyStats();
  try {
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let delivered = 0;
      const ready = new Map<number, BranchFindings[]>();
      const feed = (w: Worker) => {
        if (sent < chunks.length) w.postMessage({ seq: sent, ids: chunks[sent++]! } satisfies WorkerRequest);
      };
      for (const w of pool) {
        w.on('message', (msg: { seq: number; chunk?: BranchFindings[]; error?: string }) => {
          if (msg.error !== undefined) return reject(new Error(`check worker failed: ${msg.error}`));
          ready.set(msg.seq, msg.chunk!);
          feed(w);
          try {
            // Pass chunks on in order; a fast worker's later chunk waits for the one before it.
            for (let c = ready.get(delivered); c; c = ready.get(delivered)) {
              ready.delete(delivered++);
              addToStats(stats, c);
              onChunk(c);
            }
          } catch (e) {
            return reject(e);
          }
          if (delivered === chunks.length) resolve();
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (delivered < chunks.length) reject(new Error(`check worker exited early (code ${code})`));
        });
        for (let n = 0; n < IN_FLIGHT_PER_WORKER; n++) feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return stats;
}

/**
 * Start a worker on worker.ts. Under tsx (running the TypeScript sources) the worker must register
 * tsx itself, as bin/orglife.js does for the main thread; the compiled build runs worker.js directly.
 */
function startWorker(init: WorkerInit): Worker {
  const opts = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 64 } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), opts);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
