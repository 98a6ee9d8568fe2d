/**
 * Opens the PostgreSQL store: one `pg` Pool, drizzle over it (pg-core schema), and the pending
 * migrations applied under a session advisory lock, so several daemons starting at once on
 * several hosts migrate once and the others wait. Only src/store talks to PostgreSQL.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** Advisory lock keys of the store (one namespace, so they never collide with each other). */
export const LOCKS = {
  migrate: 0x6f72_6701,
  reconcile: 0x6f72_6702,
  reports: 0x6f72_6703,
  plan: 0x6f72_6704,
  import: 0x6f72_6705,
} as const;

/**
 * Type parsers of this pool: int8 (bigint: epoch-ms columns, count(*)) as a JavaScript number
 * (exact below 2^53, which every value here is), numeric (sum/avg) as a number too. Per pool, so
 * nothing global in `pg` changes for other users of the driver.
 */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

export interface PgOpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Pool size (default 10). */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

/** Open a pool on `url` and bring the schema up to date. */
export async function openPg(url: string, opts: PgOpenOptions = {}): Promise<PgDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types,
    application_name: opts.applicationName ?? 'orglife',
    // A server that does not answer must fail in bounded time, not hang a command.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // No JIT compilation: this workload is many short statements over a few thousand rows, and right
    // after a bulk insert (statistics not yet refreshed) their cost estimates jump past jit_above_cost,
    // so each paid 0.15-0.25 s compiling (an incremental re-evaluation at 20,000 branches spent most of
    // its 2.4 s so). Awaited by the pool before it hands the new client out; a PostgreSQL-compatible
    // server without the setting keeps its default.
    onConnect: async (client: pg.ClientBase) => {
      await client.query('SET jit = off').catch(() => undefined);
    },
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema }) as PgDb;
  try {
    if (opts.migrate ?? true) await migratePg(db);
    else await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return db;
}

/** The `when` (folderMillis) of the newest migration in the journal, read once per process. */
let newestMigration: number | undefined;
function newestMigrationMillis(): number {
  if (newestMigration === undefined) {
    const journal = JSON.parse(readFileSync(`${PG_MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as { entries: { when: number }[] };
    newestMigration = Math.max(0, ...journal.entries.map((e) => e.when));
  }
  return newestMigration;
}

/**
 * Whether the database already has the newest migration of the journal (drizzle's own test: a
 * migration runs when its folderMillis is after the newest created_at stored). One statement,
 * no lock: every command opens the store, and the full path (advisory lock, drizzle reading and
 * hashing every migration file, the watch-tables refresh) cost ~25 ms of each `orglife check`.
 */
async function upToDate(db: PgDb): Promise<boolean> {
  try {
    const r = await db.$client.query<{ at: number | null }>('SELECT max(created_at) AS at FROM drizzle.__drizzle_migrations');
    const at = r.rows[0]?.at;
    return at !== null && at !== undefined && Number(at) >= newestMigrationMillis();
  } catch (e) {
    // A database never migrated: no drizzle schema (3F000) or table (42P01) yet.
    if ((e as { code?: string }).code === '42P01' || (e as { code?: string }).code === '3F000') return false;
    throw e;
  }
}

/** Apply pending migrations under the migrate lock; returns how many were applied. */
export async function migratePg(db: PgDb): Promise<number> {
  if (await upToDate(db)) return 0;
  const client = await db.$client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCKS.migrate]);
    const count = async () => {
      const exists = await client.query("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS e");
      if (!exists.rows[0]!.e) return 0;
      const r = await client.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
      return Number(r.rows[0]!.n);
    };
    const before = await count();
    await migrate(drizzle(client, { schema }), { migrationsFolder: PG_MIGRATIONS_DIR });
    // Every table, those of later migrations too, bumps the change counter (migration 0012).
    await client.query('SELECT orglife_watch_tables()');
    return (await count()) - before;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCKS.migrate]).catch(() => {});
    client.release();
  }
}

export async function closePg(db: PgDb): Promise<void> {
  if (!db.$client.ended) await db.$client.end();
}

/** Whether a store spec names a PostgreSQL server. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** The URL with its password masked (for logs, /readyz and CLI output). */
export function maskPgUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
