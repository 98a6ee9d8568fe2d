/** A real SQLite file in a fresh temp folder, migrated, for one test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, openDb, type Db } from '../../src/store/sqlite/db.js';

export interface TempDb {
  db: Db;
  path: string;
  dir: string;
  cleanup(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-test-'));
  const path = join(dir, 'orglife.db');
  const db = openDb(path);
  return {
    db,
    path,
    dir,
    cleanup() {
      closeDb(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
