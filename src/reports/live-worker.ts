/**
 * Helper thread of the evaluate tick's live pass (./live-thread.ts): opens its own store from the
 * main thread's workerSpec() — writable, it stores the rows — and runs refreshLiveFigures over every
 * branch exactly as the main thread would (same reads, chunks, writes and prune), while the main
 * thread plans the deliveries. Replies once: `{result}` (the LiveRefresh) or `{error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { openStore } from '../store/open.js';
import type { StoreWorkerSpec } from '../store/port.js';
import { refreshLiveFigures, type LiveRefresh } from './live.js';

/** What the main thread hands the helper. */
export interface LiveWorkerInit {
  spec: StoreWorkerSpec;
  config: Config;
  now: number;
  /** Branches per meetings query (refreshLiveFigures' default when absent). */
  chunk?: number;
  /** SQLite: how long a write of live rows waits for the main thread's transactions (planning). */
  busyTimeoutMs: number;
}

export type LiveWorkerReply = { result: LiveRefresh } | { error: string };

const init = workerData as LiveWorkerInit;
let reply: LiveWorkerReply;
try {
  const store = await openStore(init.spec, { migrate: false, mustExist: true, busyTimeoutMs: init.busyTimeoutMs });
  try {
    reply = { result: await refreshLiveFigures(store, init.config, init.now, null, init.chunk ? { chunk: init.chunk } : {}) };
  } finally {
    await store.close();
  }
} catch (e) {
  reply = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
parentPort!.postMessage(reply);
