/**
 * A fresh store for one test: a SQLite file in a temp folder by default; with
 * ORGLIFE_TEST_STORE=postgres (or `kind: 'postgres'`), a uniquely named PostgreSQL database on the
 * test server, a copy of the run's migrated template (tests/helpers/pg.ts), dropped in cleanup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { createPgDatabase, testStoreKind } from './pg.js';

export interface TempStore {
  store: Store;
  /** The spec the store was opened from (pass to openStore or ORGLIFE_DB for a second handle / a CLI run). */
  spec: string;
  /** A temp folder for the test's other files. */
  dir: string;
  cleanup(): Promise<void>;
}

export async function tempStore(opts: { kind?: 'sqlite' | 'postgres' } = {}): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-test-'));
  if ((opts.kind ?? testStoreKind()) === 'postgres') {
    const db = await createPgDatabase('store');
    const store = await openStore(db.url);
    return {
      store,
      spec: db.url,
      dir,
      async cleanup() {
        await store.close();
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const spec = join(dir, 'orglife.db');
  const store = await openStore(spec);
  return {
    store,
    spec,
    dir,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
