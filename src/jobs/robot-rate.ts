/**
 * Per-robot rate limits (WeCom / DingTalk group robots refuse more than ~20 messages a minute): a
 * sliding 60-second window per robot, kept in Redis so that every daemon sharing the Redis counts
 * the same sends. A delivery job asks `acquire` before it claims its delivery; when the robot's
 * window is full it is delayed until a slot frees, without spending one of its attempts. The
 * queue-wide BullMQ limiter this replaces throttled all robots of a city together.
 */
import { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Connections } from './queues.js';

export const ROBOT_WINDOW_MS = 60_000;

/** The robot channels and their per-robot limit from config. */
export function robotLimit(config: Pick<Config, 'channels'>, channel: ChannelName, robot: string): number | null {
  if (channel !== 'wecom' && channel !== 'dingtalk') return null;
  const c = config.channels[channel];
  const own = (c.robots as Record<string, { per_minute?: number | undefined }>)[robot]?.per_minute;
  return own ?? c.per_minute;
}

// KEYS[1] window zset; ARGV: now, window, max, member. Returns 0 (taken) or ms until a slot frees.
const ACQUIRE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

export interface RobotRate {
  /** Take a slot of `robot` now (returns 0) or learn how many ms until one frees. */
  acquire(channel: ChannelName, robot: string, limit: number, now: number, member: string): Promise<number>;
  close(): Promise<void>;
}

export function robotRate(conn: Connections, onError: (e: Error) => void): RobotRate {
  const { url, ...rest } = conn.producer as { url: string } & Record<string, unknown>;
  const client = new Redis(url, { ...rest, enableOfflineQueue: true, lazyConnect: true });
  client.on('error', onError);
  return {
    async acquire(channel, robot, limit, now, member) {
      const key = `${conn.prefix}:robot-rate:${channel}:${robot}`;
      return Number(await client.eval(ACQUIRE, 1, key, now, ROBOT_WINDOW_MS, limit, member));
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
