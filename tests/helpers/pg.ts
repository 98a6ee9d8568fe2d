/**
 * Fresh PostgreSQL databases for tests, on the machine's server (127.0.0.1:5432, user postgres,
 * trust auth). A run migrates one template database once (tests/global-setup.ts); each test store
 * is a `CREATE DATABASE … TEMPLATE` copy of it (tens of milliseconds), uniquely named with the
 * run's prefix, and dropped after. Whatever a crashed test file leaves is dropped at the run's end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance database tests connect to for CREATE/DROP DATABASE. */
export const PG_ADMIN_URL = process.env.ORGLIFE_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether this run's stores are PostgreSQL (`ORGLIFE_TEST_STORE=postgres`). */
export const testStoreKind = (): 'sqlite' | 'postgres' => (process.env.ORGLIFE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite');

/** The run's database name prefix: set by the global setup, else one per process. */
export function runPrefix(): string {
  return (process.env.ORGLIFE_TEST_PG_RUN ||= `orglife_t${process.pid}_${randomBytes(3).toString('hex')}`);
}

/** The URL of database `name` on the test server. */
export function pgUrlOf(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  return `"${name}"`;
};

export interface TempPgDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Create a fresh database: a copy of the run's migrated template when there is one
 * (ORGLIFE_TEST_PG_TEMPLATE), else empty (the store migrates it at open).
 */
export async function createPgDatabase(label = 'db'): Promise<TempPgDatabase> {
  const name = `${runPrefix()}_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 16)}_${randomBytes(4).toString('hex')}`;
  const template = process.env.ORGLIFE_TEST_PG_TEMPLATE;
  await admin((c) => c.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`));
  return { name, url: pgUrlOf(name), drop: () => dropPgDatabase(name) };
}

/** Drop a database, ending whatever connections a killed process left on it. */
export async function dropPgDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
}

/** Drop every database whose name starts with `prefix` (end of run). */
export async function dropPgDatabasesLike(prefix: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of r.rows) await c.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
    return r.rows.length;
  });
}

/** Whether the test server answers. */
export async function pgAnswers(): Promise<boolean> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}
