/**
 * A fresh store for one test: a SQLite file in a temp folder by default. (The PostgreSQL adapter
 * makes this honour ORGLIFE_TEST_STORE=postgres: a uniquely named database, dropped in cleanup.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';

export interface TempStore {
  store: Store;
  /** The spec the store was opened from (pass to openStore or ORGLIFE_DB for a second handle / a CLI run). */
  spec: string;
  /** A temp folder for the test's other files. */
  dir: string;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-test-'));
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
