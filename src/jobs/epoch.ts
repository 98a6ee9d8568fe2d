/**
 * The Redis epoch: a random id stored in Redis (SET NX). The machine's Redis keeps nothing on disk,
 * so a restart (or a flush) loses the key with the queues; a new epoch then tells the drainer that
 * every pending delivery must be added again, while in a stable epoch it adds only new ones.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Connections } from './queues.js';

export interface EpochKeeper {
  /** The current epoch (creating it if Redis has none). Rejects while Redis is unreachable. */
  current(): Promise<string>;
  close(): Promise<void>;
}

/** Keep the epoch key `<prefix>:epoch` on its own small connection (fails fast while Redis is down). */
export function epochKeeper(conn: Connections, onError: (e: Error) => void): EpochKeeper {
  const { url, ...rest } = conn.producer as { url: string } & Record<string, unknown>;
  // The offline queue lets the first call wait for the initial connect; maxRetriesPerRequest (1)
  // still fails calls fast while Redis is away, so the drainer logs and tries again next period.
  const client = new Redis(url, { ...rest, enableOfflineQueue: true });
  client.on('error', onError);
  const key = `${conn.prefix}:epoch`;
  return {
    async current() {
      await client.set(key, randomUUID(), 'NX');
      const v = await client.get(key);
      if (!v) throw new Error('Redis epoch key vanished between SET and GET');
      return v;
    },
    async close() {
      // QUIT waits for an answer (queued while Redis is away): give it a moment, then just drop the connection.
      const quit = client.quit().then(() => true, () => false);
      const answered = await Promise.race([quit, new Promise<false>((r) => setTimeout(() => r(false), 1000).unref())]);
      if (!answered) client.disconnect();
    },
  };
}
