/**
 * 预览: what the next cycle would send, to whom, on which channel and when — a dry run that
 * writes nothing. The database is copied to a temporary file (VACUUM INTO: a consistent snapshot
 * while the daemon runs), the real evaluate cycle runs on the copy (rules → alerts → planned
 * deliveries, nothing sent: the planner only writes rows), the copy's pending deliveries are read,
 * and the copy is deleted.
 */
import { storeFor } from '../store/sqlite/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Config } from '../config/schema.js';
import { TICK_HANDLERS } from '../jobs/kinds.js';
import { createNotifiers } from '../notifiers/registry.js';
import { pendingSends, snapshotDatabase, type PendingSend } from '../store/console-reads.js';
import { closeDb, openDb, type Db } from '../store/sqlite/db.js';

export interface PreviewRow extends PendingSend {
  /** Planned by the previewed cycle (false: already waiting before it). */
  planned: boolean;
}

export async function previewCycle(db: Db, o: { config: Config; env: Env; log: Logger; now: number }): Promise<PreviewRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-preview-'));
  const path = join(dir, 'preview.db');
  try {
    snapshotDatabase(db, path);
    const copy = openDb(path);
    try {
      const before = new Set(pendingSends(copy).map((r) => r.id));
      const notifiers = createNotifiers(o.config.channels, o.env, { log: o.log });
      try {
        // A channel without its secret is treated as not available (as the daemon would refuse to start).
        await TICK_HANDLERS.evaluate!({ store: storeFor(copy), db: copy, dbPath: path, config: o.config, env: o.env, notifiers, log: o.log, now: o.now, kind: 'evaluate' });
      } finally {
        await notifiers.close();
      }
      return pendingSends(copy).map((r) => ({ ...r, planned: !before.has(r.id) }));
    } finally {
      closeDb(copy);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
