/**
 * The check on several cores: this thread and helper worker threads (each with its own read-only
 * store, opened from store.workerSpec()) take chunks of branch ids as they become free; the findings are passed on in id
 * order, exactly as forEachBranchFindings would. This thread works too, so the helpers' start-up
 * overlaps with useful work and a machine whose second core is busy loses next to nothing.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/port.js';
import {
  addToStats,
  branchIdsInScope,
  chunksOf,
  DEFAULT_CHUNK,
  emptyStats,
  evalContext,
  evaluateChunk,
  evaluateIds,
  readAhead,
  type BranchFindings,
  type ChunkHandler,
  type CheckOptions,
  type CheckStats,
} from './check.js';
import type { WorkerInit, WorkerRequest } from './worker.js';

export interface ParallelOptions extends CheckOptions {
  /** Threads evaluating, this one included (default: the machine's cores, at most 4). 1 = only this thread. */
  workers?: number;
  /** Fewer branches than this are evaluated on this thread alone (default 50,000). */
  minBranches?: number;
  /** Whether this thread evaluates chunks too (default true; false leaves all to the helpers). */
  evaluateHere?: boolean;
}

/** Chunks queued per helper, so a helper never waits for this thread between chunks. */
const IN_FLIGHT_PER_HELPER = 2;
// Starting a helper under tsx takes a second or more; below this size this thread alone is as quick.
const DEFAULT_MIN_BRANCHES = 50_000;

type Reply = { ready: true } | { seq: number; chunk?: BranchFindings[]; error?: string };

/**
 * Like forEachBranchFindings (same chunks, same order, same findings), spread over threads. Helpers
 * open their own read-only store from `store.workerSpec()`; a store without one (an in-memory
 * database) is evaluated on this thread. `store` resolves the scope and evaluates this thread's share.
 */
export async function forEachBranchFindingsParallel(
  store: Store,
  config: Config,
  now: number,
  onChunk: ChunkHandler,
  opts: ParallelOptions = {},
): Promise<CheckStats> {
  const ids = await branchIdsInScope(store, opts.org);
  const threads = Math.max(1, opts.workers ?? Math.min(4, availableParallelism()));
  const evaluateHere = opts.evaluateHere ?? true;
  const spec = store.workerSpec();
  const ctx = evalContext(config, now, opts.alsoEvaluate);
  if (threads === 1 || spec === null || ids.length < (opts.minBranches ?? DEFAULT_MIN_BRANCHES)) {
    return evaluateIds(store, ids, ctx, onChunk, opts.chunkSize);
  }
  const chunks = chunksOf(ids, opts.chunkSize ?? DEFAULT_CHUNK);
  const init: WorkerInit = {
    spec,
    config,
    now,
    alsoEvaluate: opts.alsoEvaluate ? [...opts.alsoEvaluate].map(([k, v]) => [k, [...v]]) : undefined,
  };
  const stats = emptyStats();
  const ready = new Map<number, BranchFindings[]>();
  let sent = 0;
  let delivered = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const helpers = Array.from({ length: Math.min(evaluateHere ? threads - 1 : threads, chunks.length) }, () => startWorker(init));
  const feed = (w: Worker) => {
    if (sent < chunks.length) w.postMessage({ seq: sent, ids: chunks[sent++]! } satisfies WorkerRequest);
  };
  for (const w of helpers) {
    w.on('message', (msg: Reply) => {
      // Fed only once started: this thread never waits for a helper that is still loading.
      if ('ready' in msg) for (let n = 0; n < IN_FLIGHT_PER_HELPER; n++) feed(w);
      else if (msg.error !== undefined) failure ??= new Error(`check worker failed: ${msg.error}`);
      else {
        ready.set(msg.seq, msg.chunk!);
        feed(w);
      }
      notify();
    });
    w.on('error', (e) => {
      failure ??= e;
      notify();
    });
    w.on('exit', (code) => {
      if (delivered < chunks.length) failure ??= new Error(`check worker exited early (code ${code})`);
      notify();
    });
  }

  // This thread's own chunks under way (seq order): with a server store, the next one's reads are
  // answered while this thread evaluates the current one (one at a time, it waited for every round
  // trip of each of its chunks with the core idle). SQLite's reads are synchronous: one at a time.
  const own: { seq: number; chunk: Promise<BranchFindings[]> }[] = [];
  const ownAhead = readAhead(store);
  const takeOwn = () => {
    while (evaluateHere && own.length < ownAhead && sent < chunks.length) {
      const seq = sent++;
      const chunk = evaluateChunk(store, chunks[seq]!, ctx);
      chunk.catch(() => undefined); // awaited below; a failure while another is awaited is not unhandled
      own.push({ seq, chunk });
    }
  };
  try {
    while (delivered < chunks.length) {
      if (failure) throw failure;
      // Pass chunks on in order; a later chunk waits for the one before it.
      for (let c = ready.get(delivered); c; c = ready.get(delivered)) {
        ready.delete(delivered++);
        addToStats(stats, c);
        await onChunk(c);
      }
      if (delivered === chunks.length) break;
      takeOwn();
      const next = own.shift();
      if (next) {
        ready.set(next.seq, await next.chunk);
        takeOwn();
        await yieldToEvents(); // let the helpers' replies in
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    await Promise.allSettled(own.map((o) => o.chunk));
    await Promise.all(helpers.map(stopWorker));
  }
  return stats;
}

/** How long a helper may take to close its store before it is terminated. */
const STOP_GRACE_MS = 2_000;

/** Ask a helper to close its store (a server store's connections end cleanly), then make sure it is gone. */
async function stopWorker(w: Worker): Promise<void> {
  if (w.threadId < 0) return; // already gone
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  try {
    w.postMessage({ stop: true } satisfies WorkerRequest);
  } catch {
    // already gone
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
  if ((await Promise.race([exited, late])) === 'late') await w.terminate();
  clearTimeout(timer);
}

/**
 * Start a helper on worker.ts. Under tsx (running the TypeScript sources) the worker must register
 * tsx itself, as bin/orglife.js does for the main thread; the compiled build runs worker.js directly.
 */
function startWorker(init: WorkerInit): Worker {
  // A larger young generation: the rows of a chunk die young, and a small one promotes them to the
  // old generation (measured 9% less CPU for the whole check, as with --max-semi-space-size=32).
  const opts = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 96 } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), opts);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
