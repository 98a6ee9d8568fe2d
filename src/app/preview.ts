/**
 * 预览: what the next cycle would send, to whom, on which channel and when — a dry run that
 * writes nothing. The store is copied to a temporary SQLite file (store.console.snapshotToSqlite:
 * VACUUM INTO on SQLite, a table-by-table copy from PostgreSQL), the real evaluate cycle runs on
 * the copy (rules → alerts → planned deliveries, nothing sent: the planner only writes rows), the
 * copy's pending deliveries are read, and the copy is deleted.
 * (Transitional: parts of the evaluate tick still want a SQLite handle, hence a SQLite copy.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Config } from '../config/schema.js';
import { TICK_HANDLERS, tickContext } from '../jobs/kinds.js';
import { openStore } from '../store/open.js';
import { createNotifiers } from '../notifiers/registry.js';
import type { Store } from '../store/port.js';
import type { PendingSend } from '../store/types/console.js';

export interface PreviewRow extends PendingSend {
  /** Planned by the previewed cycle (false: already waiting before it). */
  planned: boolean;
}

export async function previewCycle(store: Store, o: { config: Config; env: Env; log: Logger; now: number }): Promise<PreviewRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-preview-'));
  const path = join(dir, 'preview.db');
  try {
    await store.console.snapshotToSqlite(path);
    const copy = await openStore(path);
    try {
      const before = new Set((await copy.console.pendingSends()).map((r) => r.id));
      const notifiers = createNotifiers(o.config.channels, o.env, { log: o.log });
      try {
        // A channel without its secret is treated as not available (as the daemon would refuse to start).
        await TICK_HANDLERS.evaluate!(tickContext({ store: copy, config: o.config, env: o.env, notifiers, log: o.log, now: o.now, kind: 'evaluate' }));
      } finally {
        await notifiers.close();
      }
      return (await copy.console.pendingSends()).map((r) => ({ ...r, planned: !before.has(r.id) }));
    } finally {
      await copy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let copies = 0;
/** How many dry runs (database copies) this process made (tests, diagnostics). */
export const previewCopies = () => copies;

interface Kept {
  key: string;
  config: Config;
  token: string;
  rows: Promise<PreviewRow[]>;
}
const kept = new WeakMap<Store, Kept>();
const queues = new WeakMap<Store, Promise<unknown>>();

/**
 * previewCycle() for the console: one dry run at a time per store (each copies the database), and
 * the last one's rows are reused while nothing was written to the database since (the store's
 * change token) for the same time and configuration — a reload of the page copies nothing.
 */
export async function sharedPreview(store: Store, o: { config: Config; env: Env; log: Logger; now: number }): Promise<PreviewRow[]> {
  const key = String(o.now);
  const token = await store.reports.changeToken();
  const hit = kept.get(store);
  if (hit && hit.key === key && hit.config === o.config && hit.token === token) return hit.rows;
  const run = (queues.get(store) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => {
      copies++;
      return previewCycle(store, o);
    });
  queues.set(store, run);
  kept.set(store, { key, config: o.config, token, rows: run });
  run.catch(() => kept.get(store)?.rows === run && kept.delete(store));
  return run;
}
