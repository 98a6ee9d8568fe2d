/**
 * The few primitives every PostgreSQL repository uses: a query target (the pool, or the client of
 * an open transaction), row helpers, and transactions with an optional advisory transaction lock
 * (the named lock that stands in for SQLite's whole-database write lock), retried on
 * serialization failures and deadlocks.
 */
import type pg from 'pg';

/** Something queries run on: the pool (autocommit) or a transaction's client. */
export interface Q {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * A one-dimensional array of numbers, or of strings (nulls allowed), as the array literal PostgreSQL
 * reads: what pg would send, built here because pg's encoder converts and escapes every element
 * through two regular expressions (numbers quoted as strings too). Every chunk of a check sends its
 * branch ids in several statements, so that encoding was 4% of the CLI's CPU on PostgreSQL.
 * Anything else (nested arrays, buffers, dates, objects, booleans) is left to pg: undefined.
 */
export function arrayLiteral(list: readonly unknown[]): string | undefined {
  let out = '{';
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += String(v);
    else if (typeof v === 'string') out += v.includes('"') || v.includes('\\') ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
    else return undefined;
  }
  return out + '}';
}

/** The statement's values with plain arrays already as literals (arrayLiteral); the same array otherwise. */
function encoded(values: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Array.isArray(v)) continue;
    const lit = arrayLiteral(v);
    if (lit === undefined) continue;
    out ??= values.slice();
    out[i] = lit;
  }
  return out ?? values;
}

/** Rows of a query. */
export async function rows<R extends pg.QueryResultRow>(q: Q, text: string, values: unknown[] = []): Promise<R[]> {
  return (await q.query<R>(text, encoded(values))).rows;
}

/** The first row of a query, or undefined. */
export async function one<R extends pg.QueryResultRow>(q: Q, text: string, values: unknown[] = []): Promise<R | undefined> {
  return (await q.query<R>(text, encoded(values))).rows[0];
}

/** Rows as arrays (no per-row object): the hot read paths. */
export async function arrays<R extends unknown[]>(q: Q, text: string, values: unknown[] = []): Promise<R[]> {
  return (await q.query({ text, values: encoded(values), rowMode: 'array' } as pg.QueryConfig)).rows as unknown as R[];
}

/**
 * Rows as ONE parameter for `json_to_recordset($n::json) AS t(col type, …)`: a multi-row statement
 * without pg's array encoding, which escapes every element in JavaScript (~5 MB/s, seconds for a
 * plan's digests); JSON.stringify is native. Absent and undefined fields read as NULL.
 */
export function recordset(list: readonly object[]): string {
  return JSON.stringify(list);
}

/** How many rows a statement changed. */
export async function changes(q: Q, text: string, values: unknown[] = []): Promise<number> {
  return (await q.query(text, values)).rowCount ?? 0;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export interface TxOptions {
  /** Advisory lock key held for the whole transaction (pg_advisory_xact_lock): one at a time across every host. */
  lock?: number;
  /** Attempts on serialization failure / deadlock (default 5). */
  attempts?: number;
  /**
   * Commit without waiting for the WAL flush (SET LOCAL synchronous_commit = off, sent with BEGIN):
   * for a transaction whose loss in a server crash only undoes work that is done again anyway (the
   * evaluate tick's reconcile chunks: the tick is idempotent and re-run). What it wrote is visible to
   * everyone at once; only durability waits (at most wal_writer_delay × 3), and any later synchronous
   * commit — the tick's planning, an acknowledgement — flushes it first, the WAL being one sequence.
   */
  asyncCommit?: boolean;
}

/** A transaction's client; nested `tx` calls on it become savepoints. */
export type Tx = pg.PoolClient & { readonly __tx: true };

const inTx = new WeakSet<object>();

/**
 * Run `fn` in one transaction on a client of `pool` (or as a savepoint when `pool` is already a
 * transaction's client). Commits when `fn` resolves, rolls back when it throws.
 */
export async function tx<T>(pool: pg.Pool | Tx, fn: (c: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  if (inTx.has(pool)) {
    const c = pool as Tx;
    await c.query('SAVEPOINT orglife_nested');
    try {
      if (opts.lock !== undefined) await c.query('SELECT pg_advisory_xact_lock($1)', [opts.lock]);
      const out = await fn(c);
      await c.query('RELEASE SAVEPOINT orglife_nested');
      return out;
    } catch (e) {
      await c.query('ROLLBACK TO SAVEPOINT orglife_nested');
      await c.query('RELEASE SAVEPOINT orglife_nested');
      throw e;
    }
  }
  const attempts = opts.attempts ?? 5;
  for (let n = 1; ; n++) {
    const client = (await (pool as pg.Pool).connect()) as Tx;
    // A checked-out client whose connection dies (server restart, database dropped) emits 'error';
    // unheard, that would end the process. The failing query rejects as well, and that is handled.
    const unheard = guardClient(client);
    inTx.add(client);
    let broken = false;
    try {
      // The lock (and asyncCommit's setting) with BEGIN in one round trip (a simple query of several statements; the key is an integer).
      await client.query(
        `BEGIN${opts.asyncCommit ? '; SET LOCAL synchronous_commit = off' : ''}${opts.lock === undefined ? '' : `; SELECT pg_advisory_xact_lock(${lockKey(opts.lock)})`}`,
      );
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: do not return it to the pool
      }
      const code = (e as { code?: string }).code;
      if (n < attempts && code && RETRYABLE.has(code)) {
        await new Promise((r) => setTimeout(r, 5 * n + Math.random() * 20));
        continue;
      }
      throw e;
    } finally {
      inTx.delete(client);
      unheard();
      client.release(broken);
    }
  }
}

/**
 * One statement on its own (autocommit: atomic by itself, one round trip instead of tx()'s three),
 * retried like tx() when it loses a deadlock or serialization race (a multi-row UPDATE against
 * another daemon's, rows locked in another order).
 */
export async function statement<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[] = [], attempts = 5): Promise<R[]> {
  for (let n = 1; ; n++) {
    try {
      return await rows<R>(pool, text, values);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (n < attempts && code && RETRYABLE.has(code)) {
        await new Promise((r) => setTimeout(r, 5 * n + Math.random() * 20));
        continue;
      }
      throw e;
    }
  }
}

/** An advisory lock key as SQL text: a safe integer only (it is written into the statement). */
function lockKey(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`advisory lock key must be an integer: ${n}`);
  return String(n);
}

/** Whether `q` is a transaction's client (so writes are already atomic with the caller's). */
export function isTx(q: Q): boolean {
  return inTx.has(q as object);
}

/** Listen to a checked-out client's 'error' events (they also reject its pending query); returns the undo. */
export function guardClient(client: { on(e: 'error', f: (err: Error) => void): unknown; off(e: 'error', f: (err: Error) => void): unknown }): () => void {
  const ignore = () => {};
  client.on('error', ignore);
  return () => void client.off('error', ignore);
}
