/**
 * Worker thread of the parallel check: opens its own read-only store from the main thread's
 * workerSpec() and evaluates the chunks of branch ids the main thread sends, replying with their
 * findings (one chunk at a time, in the order asked).
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

// Requests are answered in arrival order: each waits for the one before it.
let queue: Promise<unknown> = Promise.resolve();
parentPort!.on('message', (msg: WorkerRequest) => {
  if ('stop' in msg) {
    queue = queue.then(async () => {
      await store.close();
      parentPort!.close();
    });
    return;
  }
  queue = queue.then(async () => {
    try {
      parentPort!.postMessage({ seq: msg.seq, chunk: await evaluateChunk(store, msg.ids, ctx) });
    } catch (e) {
      parentPort!.postMessage({ seq: msg.seq, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
});
parentPort!.postMessage({ ready: true });
