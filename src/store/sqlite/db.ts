/**
 * Opens the SQLite database (better-sqlite3 through drizzle), in WAL mode, and applies pending
 * migrations. Only src/store talks to SQLite.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';
import { StoreSpecError } from '../errors.js';
import { readEnv, type Env } from '../../config/env.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** The database file: ORGLIFE_DB, else ./data/orglife.db. */
export function defaultDbPath(env: Pick<Env, 'dbPath'> = readEnv()): string {
  const spec = env.dbPath || 'data/orglife.db';
  notAUrl(spec);
  return resolve(spec);
}

/**
 * A postgres:// spec must never become a SQLite file named like a URL (a folder "postgres:" with a
 * fresh empty database in it): code that opens SQLite directly refuses it, clearly.
 */
function notAUrl(spec: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new StoreSpecError(
      `此命令尚不能使用 PostgreSQL（ORGLIFE_DB=${spec.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')}），请改用 SQLite 文件路径运行它 / this command does not run on PostgreSQL yet; run it with a SQLite file path`,
    );
  }
}

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
  /** How long a write waits for another connection's write lock before SQLITE_BUSY (default 5,000 ms). */
  busyTimeoutMs?: number;
}

/** Open (creating if needed) the database at `path` and bring its schema up to date. */
export function openDb(path: string = defaultDbPath(), opts: OpenOptions = {}): Db {
  notAUrl(path);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path, { readonly: opts.readonly ?? false });
  client.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  client.pragma(`busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 5000))}`);
  client.pragma('cache_size = -65536'); // 64 MiB page cache
  client.pragma('temp_store = MEMORY');
  const db = drizzle(client, { schema }) as Db;
  if (opts.migrate ?? true) migrateDb(db);
  return db;
}

/** Apply pending migrations; returns how many were applied. */
export function migrateDb(db: Db): number {
  const count = () =>
    (db.$client.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = '__drizzle_migrations'").get() as { n: number }).n
      ? (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n
      : 0;
  const before = count();
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return count() - before;
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}
