/**
 * The running service as the readiness check and the scrape-time metrics see it: a Redis ping
 * over a small connection of its own, a round trip to the store, the last evaluation's finish time
 * (runs), alert counts, and queue depths read from the daemon's own queues. All through the port.
 */
import { Redis } from 'ioredis';
import type { Store } from '../store/port.js';
import type { ScrapeSource } from '../metrics.js';
import type { ReadinessProbes } from './readiness.js';

/** A Redis client for PING only: fails fast, never queues commands while disconnected. */
export function pingClient(redisUrl: string): { ping(): Promise<void>; close(): Promise<void> } {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 5000),
  });
  client.on('error', () => undefined); // reported through /readyz, not as crashes or log floods
  return {
    async ping() {
      if (client.status === 'wait' || client.status === 'end') await client.connect().catch(() => undefined);
      const answer = await client.ping();
      if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
    },
    async close() {
      client.disconnect();
    },
  };
}

/** Wall-clock start and finish of the last successful evaluate run, or null. */
export async function lastEvaluationRun(store: Store): Promise<{ startedAt: number; finishedAt: number } | null> {
  const done = (await store.runs.recentRuns(50, 'evaluate')).find((r) => r.status === 'done' && r.finishedAt !== null);
  return done ? { startedAt: done.startedAt, finishedAt: done.finishedAt! } : null;
}

/** Wall-clock finish time of the last successful evaluate run, or null. */
export async function lastEvaluationFinishedAt(store: Store): Promise<number | null> {
  return (await lastEvaluationRun(store))?.finishedAt ?? null;
}

/** Unresolved alerts counted by (level, state) and by (level, rule). */
export async function alertCounts(store: Store): Promise<{ byState: Array<{ level: string; state: string; count: number }>; byRule: Array<{ level: string; rule: string; count: number }> }> {
  const byState = new Map<string, { level: string; state: string; count: number }>();
  const byRule = new Map<string, { level: string; rule: string; count: number }>();
  for (const a of await store.alerts.list({ open: true })) {
    const s = `${a.level}|${a.state}`;
    const r = `${a.level}|${a.rule}`;
    (byState.get(s) ?? byState.set(s, { level: a.level, state: a.state, count: 0 }).get(s)!).count++;
    (byRule.get(r) ?? byRule.set(r, { level: a.level, rule: a.rule, count: 0 }).get(r)!).count++;
  }
  return { byState: [...byState.values()], byRule: [...byRule.values()] };
}

/** Something with BullMQ-style job counts (a Queue). */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** Alert counts are reused this long: scrapes come every few seconds, alerts change once a cycle. */
const ALERT_COUNTS_TTL_MS = 30_000;

/** Scrape-time source over a store and the daemon's queues (as they are at scrape time). */
export function scrapeSource(store: () => Store, queues: () => CountableQueue[]): ScrapeSource {
  let cached: { at: number; rows: Promise<Array<{ level: string; state: string; count: number }>> } | null = null;
  return {
    alertCounts() {
      const now = Date.now();
      if (!cached || now - cached.at > ALERT_COUNTS_TTL_MS) {
        const rows = alertCounts(store()).then((c) => c.byState);
        // A failed count is not cached: the next scrape asks again.
        rows.catch(() => (cached = null));
        cached = { at: now, rows };
      }
      return cached.rows;
    },
    async queueDepths() {
      const out: Array<{ queue: string; state: string; count: number }> = [];
      for (const q of queues()) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, count] of Object.entries(counts)) out.push({ queue: q.name, state, count });
      }
      return out;
    },
  };
}

/** Readiness probes from plain parts. */
export function readinessProbes(p: {
  store: () => Store;
  redis: { ping(): Promise<void> };
  workersRunning: () => boolean;
  evaluateCron: () => string;
  startedAt: number;
  now?: () => number;
  calendar?: () => { holidays: string[]; workdays: string[] };
}): ReadinessProbes {
  return {
    ...(p.calendar ? { calendar: p.calendar } : {}),
    store: () => {
      const s = p.store();
      return { kind: s.kind, url: s.describe() };
    },
    pingRedis: () => p.redis.ping(),
    pingSqlite: () => p.store().ping(),
    workersRunning: p.workersRunning,
    lastEvaluationFinishedAt: () => lastEvaluationFinishedAt(p.store()),
    evaluateCron: p.evaluateCron,
    startedAt: p.startedAt,
    now: p.now ?? Date.now,
  };
}
