/**
 * Redis for tests.
 *   uniquePrefix()            a queue prefix no other test uses (tests share the machine's Redis)
 *   cleanupPrefix(url, p)     delete every key under the prefix (obliterate of all its queues)
 *   startPrivateRedis()       a PRIVATE redis-server on a free port in a temp dir, for tests that
 *                             stop/restart Redis. Never restart the machine's shared Redis (127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** The machine's shared Redis. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** A queue prefix unique to this test: 'orglife-test-<random>'. */
export function uniquePrefix(label = 'test'): string {
  return `orglife-${label}-${randomBytes(5).toString('hex')}`;
}

/** Delete every key of a prefix (all queues under it, the epoch key). Safe on a stopped server. */
export async function cleanupPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } catch {
    return 0;
  } finally {
    client.disconnect();
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Stop the server (SIGKILL by default: nothing is saved, like the machine's diskless Redis). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port (empty: no persistence). */
  start(): Promise<void>;
  /** Stop and remove the temp dir. */
  close(): Promise<void>;
}

/** Start a private redis-server (no persistence) on a free port in a temp dir. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;

  const start = async () => {
    const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: 'ignore',
    });
    proc = p;
    const deadline = Date.now() + 5000;
    for (;;) {
      if (await ping(port)) return;
      if (p.exitCode !== null) throw new Error(`redis-server exited with ${p.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start within 5 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ping(port: number): Promise<boolean> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}
