/**
 * Queue names, Redis connection options and per-queue settings. Only src/jobs talks to BullMQ.
 * One queue for schedule ticks; one queue per physical channel for deliveries, because open-source
 * BullMQ rate-limits a whole queue (per-group limits are a paid feature).
 */
import { Queue, type ConnectionOptions, type JobsOptions, type RateLimiterOptions } from 'bullmq';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import { CHANNEL_NAMES, type ChannelName } from '../notifiers/types.js';

/** The queue that carries schedule ticks (evaluate, report_*) and re-evaluation requests after ingests. */
export const TICK_QUEUE = 'ticks';

/** The delivery queue of a channel: 'deliver-email', 'deliver-aliyun_sms' … */
export function deliveryQueueName(channel: ChannelName): string {
  return `deliver-${channel}`;
}

/** Every queue the daemon uses (for obliterate in tests and status output). */
export const ALL_QUEUES: readonly string[] = [TICK_QUEUE, ...CHANNEL_NAMES.map(deliveryQueueName)];

export interface Connections {
  /** Producers (Queue): fail fast while Redis is away, so the drainer logs and retries later. */
  producer: ConnectionOptions;
  /** Workers: must wait forever for Redis (BullMQ requires maxRetriesPerRequest: null). */
  worker: ConnectionOptions;
  prefix: string;
}

/** Connection options from the environment (REDIS_URL, ORGLIFE_QUEUE_PREFIX). */
export function connectionsFrom(env: Pick<Env, 'redisUrl' | 'queuePrefix'>): Connections {
  // Reconnect forever with a capped delay: a Redis restart must never crash the daemon.
  const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5_000);
  return {
    producer: { url: env.redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy },
    worker: { url: env.redisUrl, maxRetriesPerRequest: null, retryStrategy },
    prefix: env.queuePrefix,
  };
}

/**
 * Default send rate per channel queue. Robots accept about 20 messages a minute (WeCom documents
 * 20/min per robot; one queue serves all robots, so this is conservative). SMS and email are
 * limited by worker concurrency only: an SMS API call to a provider takes ~20–50 ms of network
 * round trip, so 64 in flight allow ~1,300–3,000 messages/s before the process itself is the limit.
 */
export const CHANNEL_LIMITS: Record<ChannelName, { concurrency: number; limiter?: RateLimiterOptions }> = {
  email: { concurrency: 4 },
  aliyun_sms: { concurrency: 64 },
  tencent_sms: { concurrency: 64 },
  http_sms: { concurrency: 64 },
  // Robots are limited per robot (channels.<robot channel>.per_minute, jobs/robot-rate.ts), not per queue.
  wecom: { concurrency: 8 },
  dingtalk: { concurrency: 8 },
};

/**
 * SMS channels carry BATCH jobs: one job names up to BATCH_SIZE deliveries due together (drainer.ts),
 * and its worker sends BATCH_PARALLEL of them at a time (deliver.ts), so a queue of these channels
 * runs `concurrency / BATCH_PARALLEL` jobs at once and the sends in flight stay `concurrency`. BullMQ's
 * own cost per job (~50 µs of fetch, lock and completion round trips) is then paid once per 100
 * messages instead of once per message. Email and the robots (per-robot rate limits) keep one delivery
 * per job.
 */
export const BATCHED_CHANNELS: ReadonlySet<ChannelName> = new Set<ChannelName>(['aliyun_sms', 'tencent_sms', 'http_sms']);
/** Deliveries per batch job at most. */
export const BATCH_SIZE = 100;
/** Sends of one batch job in flight at once (one store claim per round of this many). */
export const BATCH_PARALLEL = 16;

/** Jobs a channel's worker runs at once: a batched channel's `concurrency` counts sends in flight. */
export function workerConcurrency(channel: ChannelName, limits: { concurrency: number }, parallel = BATCH_PARALLEL): number {
  return BATCHED_CHANNELS.has(channel) ? Math.max(1, Math.ceil(limits.concurrency / parallel)) : limits.concurrency;
}

/**
 * The limits of each channel's queue under a config: email sends at most
 * `channels.email.max_connections` at once (one per pooled SMTP connection; more in flight would
 * only wait inside the pool, holding their delivery claims), the others as CHANNEL_LIMITS.
 */
export function channelLimits(config: Pick<Config, 'channels'>): Record<ChannelName, { concurrency: number; limiter?: RateLimiterOptions }> {
  return { ...CHANNEL_LIMITS, email: { concurrency: config.channels.email.max_connections } };
}

/** Job options of a delivery: attempts and exponential backoff from config `delivery`. */
export function deliveryJobOptions(delivery: Config['delivery']): JobsOptions {
  return {
    attempts: delivery.attempts,
    backoff: { type: 'exponential', delay: delivery.backoff_ms },
    // The outcome lives in SQLite; Redis keeps only a short tail for inspection.
    removeOnComplete: { count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/** Job options of a schedule tick: a few retries while another runner holds the tick or the cycle fails. */
export const TICK_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 15_000 },
  removeOnComplete: { count: 200 },
  // Keep failed ticks a week: their id then blocks a re-add by the periodic missed-tick check.
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Open a producer Queue with an error listener (an unhandled 'error' event would crash the process). */
export function openQueue(name: string, conn: Connections, onError: (e: Error) => void): Queue {
  const q = new Queue(name, { connection: conn.producer, prefix: conn.prefix });
  q.on('error', onError);
  return q;
}
