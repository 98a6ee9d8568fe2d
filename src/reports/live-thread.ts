/**
 * The full live pass (./live.ts refreshLiveFigures, every branch) on a helper thread
 * (./live-worker.ts) with its own store opened from store.workerSpec(): the evaluate tick starts it
 * after reconciling and plans the deliveries meanwhile (../jobs/cycle.ts). Planning writes digests,
 * deliveries and the outbox; the live pass reads orgs, records, alerts and alert events and writes
 * only live_figures: neither reads what the other writes, so the rows are those the main thread
 * would write (tests/incremental/live-thread.test.ts).
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { StoreWorkerSpec } from '../store/port.js';
import type { LiveRefresh } from './live.js';
import type { LiveWorkerInit, LiveWorkerReply } from './live-worker.js';

export interface LiveThreadOptions {
  /** Branches per meetings query. */
  chunk?: number;
  /** SQLite: how long a write waits for another connection's write lock (default 10 minutes: planning's transactions). */
  busyTimeoutMs?: number;
}

/** How long the helper may take to end after its reply before it is terminated. */
const STOP_GRACE_MS = 5_000;

/** Run the full live pass as of `now` on a helper thread; resolves with its LiveRefresh, rejects with its error. */
export function refreshLiveFiguresOnHelper(spec: StoreWorkerSpec, config: Config, now: number, opts: LiveThreadOptions = {}): Promise<LiveRefresh> {
  const init: LiveWorkerInit = { spec, config, now, busyTimeoutMs: opts.busyTimeoutMs ?? 600_000, ...(opts.chunk ? { chunk: opts.chunk } : {}) };
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (reply: LiveWorkerReply) => {
      if (settled) return;
      settled = true;
      if ('result' in reply) resolve(reply.result);
      else reject(new Error(`live figures helper failed: ${reply.error}`));
    };
    const w = startLiveWorker(init);
    w.once('message', (m: LiveWorkerReply) => {
      settle(m);
      // It has closed its store and ends by itself; a thread that lingers is ended (never keeps the process up).
      setTimeout(() => void w.terminate(), STOP_GRACE_MS).unref();
    });
    w.once('error', (e) => settle({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
    w.once('exit', (code) => settle({ error: `exited with code ${code} before replying` }));
  });
}

/**
 * Start the helper. Under tsx (the TypeScript sources) the thread registers tsx itself, as
 * bin/orglife.js does for the main thread; the compiled build runs live-worker.js (the bundle: its
 * bundled copy beside the chunks, scripts/bundle.mjs).
 */
function startLiveWorker(init: LiveWorkerInit): Worker {
  // Its heap is capped: uncapped, the thread let garbage grow to ~480 MiB more RSS beside the main
  // thread's planning at 250,000 branches (the cycle's limit is 1 GiB); capped at 160 MiB it added
  // ~270 MiB and took as long. Its live set (the month's city-wide records and one chunk) is well below.
  const opts = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 192 } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./live-worker.js', import.meta.url), opts);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./live-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
