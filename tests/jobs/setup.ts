/** Shared set-up of the jobs tests: quiet logger, env for a private queue prefix, polling. */
import { readEnv, type Env } from '../../src/config/env.js';
import { createLogger } from '../../src/log.js';

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
