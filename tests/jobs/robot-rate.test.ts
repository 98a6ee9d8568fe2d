/**
 * Per-robot rate limits on the machine's Redis: a sliding 60-second window per robot, shared by
 * every daemon on that Redis; limits per robot from config (channel default, robot override).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_LIMITS } from '../../src/jobs/queues.js';
import { ROBOT_WINDOW_MS, robotLimit, robotRate, type RobotRate } from '../../src/jobs/robot-rate.js';
import { connectionsFrom } from '../../src/jobs/queues.js';
import { shippedConfig } from '../helpers/config.js';
import { cleanupPrefix, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const T = Date.UTC(2026, 10, 20, 1, 0);

describe('per-robot rate limits', () => {
  const opened: RobotRate[] = [];
  let prefix = '';
  const open = () => {
    const r = robotRate(connectionsFrom({ redisUrl: SHARED_REDIS_URL, queuePrefix: prefix }), (e) => {
      throw e;
    });
    opened.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((r) => r.close()));
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
  });

  it('takes at most `limit` slots per robot in any 60 s, across two daemons; others wait until the oldest slot frees', async () => {
    prefix = uniquePrefix('robots');
    const a = open();
    const b = open(); // a second daemon on the same Redis
    const got = [
      await a.acquire('wecom', 'county', 3, T, 'm1'),
      await b.acquire('wecom', 'county', 3, T + 1000, 'm2'),
      await a.acquire('wecom', 'county', 3, T + 2000, 'm3'),
      await b.acquire('wecom', 'county', 3, T + 3000, 'm4'),
    ];
    expect(got).toEqual([0, 0, 0, ROBOT_WINDOW_MS - 3000]);
    // Another robot (and the same name on another channel) has its own window.
    expect(await a.acquire('wecom', 'township', 3, T + 3000, 'm5')).toBe(0);
    expect(await a.acquire('dingtalk', 'county', 3, T + 3000, 'm6')).toBe(0);
    // When the first slot is older than 60 s, one frees — exactly one.
    expect(await b.acquire('wecom', 'county', 3, T + ROBOT_WINDOW_MS + 1, 'm7')).toBe(0);
    expect(await a.acquire('wecom', 'county', 3, T + ROBOT_WINDOW_MS + 2, 'm8')).toBe(1000 - 2);
  });

  it('reads limits from config: the channel default (20, as WeCom and DingTalk allow), a robot override, none for other channels', () => {
    const c = shippedConfig();
    c.channels.wecom.robots = { county: { key_env: 'K1', committees: ['*'] }, busy: { key_env: 'K2', committees: ['*'], per_minute: 5 } };
    expect(robotLimit(c, 'wecom', 'county')).toBe(20);
    expect(robotLimit(c, 'wecom', 'busy')).toBe(5);
    c.channels.dingtalk.per_minute = 12;
    expect(robotLimit(c, 'dingtalk', 'unknown')).toBe(12);
    expect(robotLimit(c, 'http_sms', 'county')).toBeNull();
    // The queue no longer throttles all robots together.
    expect(CHANNEL_LIMITS.wecom.limiter).toBeUndefined();
    expect(CHANNEL_LIMITS.dingtalk.concurrency).toBeGreaterThan(1);
  });
});
