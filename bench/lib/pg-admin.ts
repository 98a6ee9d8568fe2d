/**
 * The bench's PostgreSQL server (ORGLIFE_BENCH_PG_URL, default the machine's on 127.0.0.1:5432):
 * a database's URL on it, an admin connection for CREATE/DROP DATABASE, and the name of a size's
 * imported city (left by the postgres suite's import step for the steps and suites after it).
 */
import pg from 'pg';
import type { BenchContext } from './types.js';

export const ADMIN_URL = process.env.ORGLIFE_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of database `db` on the bench's server. */
export function pgUrlOf(db: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Run `fn` on a fresh admin connection, closed afterwards. */
export async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The imported city's database of this size and seed. */
export const cityDb = (ctx: Pick<BenchContext, 'size' | 'seed'>) => `orglife_bench_${ctx.size}_${ctx.seed}`;
