/**
 * Helper thread of a streamed generation (./stream.ts): computes the previous period's headlines
 * (score, stars, ranks of every branch: what the report's changes are measured against when that
 * period's reports were never stored) on its own read-only store, opened from the main thread's
 * workerSpec(), while the main thread runs the headline pass of the period itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { parsePeriod } from '../domain/calendar.js';
import { openStore } from '../store/open.js';
import type { StoreWorkerSpec } from '../store/port.js';
import { computeHeadlines, type OrgRow } from './gather.js';

/** What the main thread hands the helper: the same orgs, config and clock as its own run. */
export interface HeadlinesInit {
  spec: StoreWorkerSpec;
  config: Config;
  orgs: OrgRow[];
  period: string;
  now: number;
  chunk?: number;
}

const init = workerData as HeadlinesInit;
const store = await openStore(init.spec, { readonly: true, migrate: false });
try {
  const headlines = await computeHeadlines(store, init.config, init.orgs, parsePeriod(init.period)!, init.now, init.chunk);
  parentPort!.postMessage({ headlines });
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
} finally {
  await store.close();
}
