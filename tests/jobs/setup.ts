/** Shared set-up of the jobs tests: quiet logger, env for a private queue prefix, polling. */
import { readEnv, type Env } from '../../src/config/env.js';
import pg from 'pg';
import { createLogger } from '../../src/log.js';
import { sqliteHandle } from '../../src/store/sqlite/index.js';
import type { TempStore } from '../helpers/store.js';

/** A logger that only prints errors (set LOG_LEVEL=debug to see everything while debugging). */
export const quietLog = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });

/** The environment a daemon under test reads: Redis, queue prefix, SMTP and provider keys. */
export function testEnv(vars: { redisUrl: string; prefix: string; smtpUrl?: string; extra?: Record<string, string> }): Env {
  return readEnv({
    REDIS_URL: vars.redisUrl,
    ORGLIFE_QUEUE_PREFIX: vars.prefix,
    ...(vars.smtpUrl ? { SMTP_URL: vars.smtpUrl } : {}),
    ...vars.extra,
  });
}

/** Resolve once `cond()` is truthy (polled every 25 ms); reject with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Epoch ms of a Shanghai-local ISO time without offset, e.g. at('2026-11-02T08:30'). */
export function at(local: string): number {
  return Date.parse(`${local}+08:00`);
}

/** One row of delivery_attempts as stored (snake_case; `permanent` as 0/1 on both stores). */
export interface AttemptRow {
  delivery_id: number;
  attempt: number;
  channel: string;
  recipient: string;
  provider_message_id: string | null;
  error: string | null;
  error_code: string | null;
  permanent: number;
  duration_ms: number;
}

/**
 * Every delivery attempt as stored, in order — read straight from the test's database (SQLite
 * handle or a PostgreSQL connection of its own): the port shows attempts only as the console needs them.
 */
export async function attemptRows(t: TempStore): Promise<AttemptRow[]> {
  const sql = 'SELECT * FROM delivery_attempts ORDER BY id';
  const db = sqliteHandle(t.store);
  let rows: Record<string, unknown>[];
  if (db) rows = db.$client.prepare(sql).all() as Record<string, unknown>[];
  else {
    const c = new pg.Client({ connectionString: t.spec });
    await c.connect();
    try {
      rows = (await c.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  }
  return rows.map((r) => ({ ...r, permanent: Number(r.permanent) }) as unknown as AttemptRow);
}
