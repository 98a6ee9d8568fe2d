/**
 * Worker thread of the parallel check: opens its own read-only store from the main thread's
 * workerSpec() and evaluates the chunks of branch ids the main thread sends, replying with their
 * findings. On SQLite one chunk at a time, in the order asked; on a server store the chunks it holds
 * (at most IN_FLIGHT_PER_HELPER, parallel.ts) are evaluated together, so the next chunk's reads are
 * under way while this thread evaluates one (replies carry their seq: the main thread orders them).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { EvalRequest } from '../rules/index.js';
import { openStore } from '../store/open.js';
import type { StoreWorkerSpec } from '../store/port.js';
import { evalContext, evaluateChunk } from './check.js';

/** What the main thread hands a worker at start. */
export interface WorkerInit {
  spec: StoreWorkerSpec;
  config: Config;
  now: number;
  alsoEvaluate?: [string, EvalRequest[]][];
}

/** A request: `ids` to evaluate, or `stop`. The worker says `{ready: true}` once, then replies `{seq, chunk}` or `{seq, error}`. */
export type WorkerRequest = { seq: number; ids: number[] } | { stop: true };

const init = workerData as WorkerInit;
const store = await openStore(init.spec, { readonly: true, migrate: false });
const ctx = evalContext(init.config, init.now, init.alsoEvaluate ? new Map(init.alsoEvaluate) : undefined);

// SQLite: requests are answered in arrival order, each waiting for the one before it (its reads are
// synchronous: nothing to overlap). A server store: each request starts at once.
const together = store.kind !== 'sqlite';
let queue: Promise<unknown> = Promise.resolve();
const pending = new Set<Promise<void>>();
parentPort!.on('message', (msg: WorkerRequest) => {
  if ('stop' in msg) {
    queue = queue.then(async () => {
      await Promise.all([...pending]);
      await store.close();
      parentPort!.close();
    });
    return;
  }
  const run = async (): Promise<void> => {
    try {
      parentPort!.postMessage({ seq: msg.seq, chunk: await evaluateChunk(store, msg.ids, ctx) });
    } catch (e) {
      parentPort!.postMessage({ seq: msg.seq, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  };
  if (!together) {
    queue = queue.then(run);
    return;
  }
  const p = run();
  pending.add(p);
  void p.finally(() => pending.delete(p));
});
parentPort!.postMessage({ ready: true });
