/**
 * 预览: what the next cycle would send, to whom, on which channel and when — a dry run that
 * writes nothing. The real evaluate cycle (rules → alerts → planned deliveries) runs on a dry-run
 * store over the real one (./dry-run.ts): it reads the database as the cycle would, decides with
 * the cycle's own pure functions, and keeps what it would write in memory — no copy of the
 * database, no lock, nothing sent. The answer is the deliveries already waiting plus those the
 * cycle would plan, in sending order.
 */
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Config } from '../config/schema.js';
import { TICK_HANDLERS, tickContext } from '../jobs/kinds.js';
import { createNotifiers } from '../notifiers/registry.js';
import type { Store } from '../store/port.js';
import type { PendingSend } from '../store/types/console.js';
import { dryRunStore } from './dry-run.js';

export interface PreviewRow extends PendingSend {
  /** Planned by the previewed cycle (false: already waiting before it). */
  planned: boolean;
}

export async function previewCycle(store: Store, o: { config: Config; env: Env; log: Logger; now: number }): Promise<PreviewRow[]> {
  const waiting = await store.console.pendingSends();
  const dry = dryRunStore(store);
  const notifiers = createNotifiers(o.config.channels, o.env, { log: o.log });
  try {
    // A channel without its secret is treated as not available (as the daemon would refuse to start).
    await TICK_HANDLERS.evaluate!(tickContext({ store: dry.store, config: o.config, env: o.env, notifiers, log: o.log, now: o.now, sendFrom: o.now, kind: 'evaluate' }));
  } finally {
    await notifiers.close();
  }
  runs++;
  // The dry run's ids are above every real one, as new rows' would be: (send time, id) is the queue's order.
  const rows = [...waiting.map((r) => ({ ...r, planned: false })), ...dry.sends().map((r) => ({ ...r, planned: true }))];
  return rows.sort((a, b) => a.notBefore - b.notBefore || a.id - b.id);
}

let runs = 0;
/** How many dry runs this process made (tests, diagnostics). */
export const previewRuns = () => runs;

interface Kept {
  key: string;
  config: Config;
  token: string;
  rows: Promise<PreviewRow[]>;
}
const kept = new WeakMap<Store, Kept>();
const queues = new WeakMap<Store, Promise<unknown>>();

/**
 * previewCycle() for the console: one dry run at a time per store (each reads as much as a cycle),
 * and the last one's rows are reused while nothing was written to the database since (the store's
 * change token) for the same time and configuration — a reload of the page runs nothing.
 */
export async function sharedPreview(store: Store, o: { config: Config; env: Env; log: Logger; now: number }): Promise<PreviewRow[]> {
  const key = String(o.now);
  const token = await store.reports.changeToken();
  const hit = kept.get(store);
  if (hit && hit.key === key && hit.config === o.config && hit.token === token) return hit.rows;
  const run = (queues.get(store) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => previewCycle(store, o));
  queues.set(store, run);
  kept.set(store, { key, config: o.config, token, rows: run });
  run.catch(() => kept.get(store)?.rows === run && kept.delete(store));
  return run;
}
