/**
 * `daemon --once` needs Redis (the delivery queues). Instead of retrying forever without a word,
 * it waits at most `redis.connect_timeout_seconds` for Redis to answer PING, then gives up with a
 * clear message (the caller exits with EXIT_REDIS_UNAVAILABLE, documented in the README).
 */
import { Redis } from 'ioredis';

/** Exit code when Redis does not answer in time (EX_UNAVAILABLE, as the demo uses). */
export const EXIT_REDIS_UNAVAILABLE = 69;

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Resolve once Redis answers PING; reject with a bilingual Error after `timeoutMs`. */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: Math.max(200, Math.min(3000, left)), retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (e) {
      last = String((e as { code?: unknown }).code ?? (e instanceof Error ? e.message : e)).slice(0, 80);
    } finally {
      client.disconnect();
    }
    if (Date.now() + 500 > deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** attempt, Math.max(0, deadline - Date.now()))));
  }
  throw new Error(
    `Redis（${redactRedisUrl(url)}）在 ${Math.round(timeoutMs / 1000)} 秒内无应答${last ? `（${last}）` : ''}：请启动 Redis 或检查 REDIS_URL / ` +
      `Redis at ${redactRedisUrl(url)} did not answer within ${Math.round(timeoutMs / 1000)} s${last ? ` (${last})` : ''}: start Redis or check REDIS_URL`,
  );
}
