/**
 * Worker thread of the parallel check: opens its own read-only connection and evaluates the chunks
 * of branch ids the main thread sends, replying with their findings.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { EvalRequest } from '../rules/index.js';
import { closeDb, openDb } from '../store/sqlite/db.js';
import { evalContext, evaluateChunk } from './check.js';

/** What the main thread hands a worker at start. */
export interface WorkerInit {
  dbPath: string;
  config: Config;
  now: number;
  alsoEvaluate?: [string, EvalRequest[]][];
}

/** A request: `ids` to evaluate, or `stop`. The worker says `{ready: true}` once, then replies `{seq, chunk}` or `{seq, error}`. */
export type WorkerRequest = { seq: number; ids: number[] } | { stop: true };

const init = workerData as WorkerInit;
const db = openDb(init.dbPath, { migrate: false, readonly: true });
const ctx = evalContext(init.config, init.now, init.alsoEvaluate ? new Map(init.alsoEvaluate) : undefined);

parentPort!.on('message', (msg: WorkerRequest) => {
  if ('stop' in msg) {
    closeDb(db);
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ seq: msg.seq, chunk: evaluateChunk(db, msg.ids, ctx) });
  } catch (e) {
    parentPort!.postMessage({ seq: msg.seq, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
parentPort!.postMessage({ ready: true });
