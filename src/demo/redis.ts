/**
 * Redis for the demo: is it answering (with a clear Chinese explanation when not), and removing
 * the demo's private queue prefix afterwards so a demo leaves nothing behind in Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** Thrown when the demo cannot run; the message tells the person what to do. */
export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

/** A queue prefix no production daemon uses: 'orglife-demo-<random>'. */
export function demoPrefix(): string {
  return `orglife-demo-${randomBytes(4).toString('hex')}`;
}

/** Resolve when Redis answers PING within 3 s; otherwise throw DemoError saying how to start it. */
export async function assertRedis(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 3000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') throw new Error('unexpected PING answer');
  } catch (e) {
    throw new DemoError(
      [
        `无法连接 Redis（${redactUrl(url)}）：${e instanceof Error ? e.message : String(e)}`,
        '演示与预警服务一样需要 Redis（任务队列）。请先启动 Redis，例如：',
        '  redis-server --daemonize yes',
        '  或 docker run -d -p 6379:6379 redis:7',
        '然后重新运行 npm run demo（如 Redis 不在本机 6379 端口，请设置 REDIS_URL）。',
        `Redis is not answering at ${redactUrl(url)}: start it (see above) and run the demo again.`,
      ].join('\n'),
    );
  } finally {
    client.disconnect();
  }
}

/** Delete every key under `prefix:` (the demo's queues and epoch key). Best effort. */
export async function removePrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  let deleted = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // Leaving a few demo keys behind is harmless; never fail the demo over it.
  } finally {
    client.disconnect();
  }
  return deleted;
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
