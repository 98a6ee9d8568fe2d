/**
 * The runs behind the dispatch suite: a bare BullMQ worker (no-op, or one notifier send per job),
 * and N pending SMS deliveries sent by the daemon's own delivery workers, on one SMS channel.
 */
import { sqliteHandle } from '../../src/store/sqlite/index.js';
import { openStore } from '../../src/store/open.js';
import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import type { Config } from '../../src/config/schema.js';
import { readEnv, type Env } from '../../src/config/env.js';
import { importRecords } from '../../src/import/index.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { CHANNEL_LIMITS, deliveryJobOptions } from '../../src/jobs/queues.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { aliyunSmsSchema } from '../../src/notifiers/aliyun-sms/schema.js';
import { httpSmsSchema } from '../../src/notifiers/http-sms/schema.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { tencentSmsSchema } from '../../src/notifiers/tencent-sms/schema.js';
import type { OutgoingMessage } from '../../src/notifiers/types.js';
import { cleanupPrefix, uniquePrefix } from '../../tests/helpers/redis.js';
import { shippedConfig } from '../../tests/helpers/config.js';
import { peakRssSelf } from './measure.js';
import { startSmsStandin, type SmsStandin } from './sms-standin.js';

export const SMS_CHANNELS = ['http_sms', 'aliyun_sms', 'tencent_sms'] as const;
export type SmsChannel = (typeof SMS_CHANNELS)[number];

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A Monday morning inside the send window: every delivery is due at once. */
const SEND_AT = Date.parse('2026-11-02T08:30:00+08:00');
const log = createLogger({ level: 'warn' });

/** Keys the SDK channels read from the environment (any value: the stand-in checks no signature). */
const SDK_KEYS = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'bench-key-id',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'bench-key-secret',
  TENCENTCLOUD_SECRET_ID: 'bench-secret-id',
  TENCENTCLOUD_SECRET_KEY: 'bench-secret-key',
};

/** The shipped config with the logical "sms" route on `channel`, pointed at the stand-in. */
export function smsConfig(channel: SmsChannel, standin: { host: string; url: string }): Config {
  const c = shippedConfig();
  c.channels.sms_provider = channel;
  const sign_name = '某市委组织部';
  if (channel === 'http_sms') c.channels.http_sms = httpSmsSchema.parse({ enabled: true, url: standin.url });
  if (channel === 'aliyun_sms') {
    c.channels.aliyun_sms = aliyunSmsSchema.parse({
      enabled: true, sign_name, endpoint: standin.host, protocol: 'http',
      templates: { reminder: 'SMS_100000001', warning: 'SMS_100000002', escalation: 'SMS_100000003', report: 'SMS_100000004', test: 'SMS_100000005' },
    });
  }
  if (channel === 'tencent_sms') {
    c.channels.tencent_sms = tencentSmsSchema.parse({
      enabled: true, sign_name, sdk_app_id: '1400000001', endpoint: standin.host, protocol: 'http',
      templates: { reminder: { id: '2000001' }, warning: { id: '2000002' }, escalation: { id: '2000003' }, report: { id: '2000004' }, test: { id: '2000005' } },
    });
  }
  return c;
}

function benchEnv(extra: Record<string, string> = {}): Env {
  return readEnv({ REDIS_URL, ...SDK_KEYS, ...extra });
}

/** A typical digest SMS, as the notifier receives it. */
const SAMPLE: OutgoingMessage = {
  to: '13900000001',
  subject: '提醒',
  text: '【提醒】第一党支部有 3 项组织生活待完成，请于 2026-11-30 前补录。',
  sms: { template: 'reminder', params: { name: '第一党支部', count: '3', level: '提醒', deadline: '2026-11-30' } },
};

/**
 * N jobs added beforehand, then a bare BullMQ worker with the same concurrency and job options as
 * the SMS channels. `call` 'none': a no-op processor (the floor); otherwise each job makes the
 * channel notifier's send to a stand-in answering after `delayMs` (what the send alone costs).
 */
export async function bareRun(n: number, call: SmsChannel | 'none', delayMs = 0): Promise<Record<string, number>> {
  const standin = call === 'none' ? undefined : await startSmsStandin({ delayMs });
  const notifiers = standin && call !== 'none' ? createNotifiers(smsConfig(call, standin).channels, benchEnv()) : undefined;
  const notifier = call === 'none' ? undefined : notifiers!.get(call)!;
  const prefix = uniquePrefix('bench-bare');
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const q = new Queue('bare', { connection, prefix });
  const opts = deliveryJobOptions(shippedConfig().delivery);
  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const k = Math.min(1000, n - i);
      await q.addBulk(Array.from({ length: k }, (_, j) => ({ name: 'deliver', data: { deliveryId: i + j + 1 }, opts: { ...opts, jobId: `delivery-${i + j + 1}` } })));
    }
    const addSeconds = (performance.now() - t0) / 1000;
    let done = 0;
    let finish!: () => void;
    const all = new Promise<void>((r) => (finish = r));
    const processor = notifier ? async () => void (await notifier.send(SAMPLE)) : async () => undefined;
    const t1 = performance.now();
    const w = new Worker('bare', processor, { connection, prefix, concurrency: CHANNEL_LIMITS.http_sms.concurrency });
    w.on('completed', () => {
      if (++done === n) finish();
    });
    w.on('failed', (_job, e) => log.error({ err: e }, 'bare job failed'));
    await all;
    const seconds = (performance.now() - t1) / 1000;
    await w.close();
    return { rate: n / seconds, seconds, addRate: n / addSeconds, requests: standin ? await standin.count() : 0 };
  } finally {
    await q.close();
    await notifiers?.close();
    standin?.stop();
    await cleanupPrefix(REDIS_URL, prefix);
  }
}

/** The stores a dispatch run can use: a SQLite file, or a fresh PostgreSQL database. */
export type DispatchStore = 'sqlite' | 'postgres';

const PG_ADMIN_URL = process.env.ORGLIFE_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The counts a run reads straight from its database (the bench's own access, beside the store). */
interface Counts {
  sent(): Promise<number>;
  /** Whether any delivery is still pending: polled while the run goes, so it must cost next to nothing (the first row of the status index). */
  anyPending(): Promise<boolean>;
  attempts(channel: string): Promise<number>;
  close(): Promise<void>;
}

/** Clone the one planned delivery on `channel` to n - 1 more distinct numbers, in SQL; the pending count. */
const CLONE_SQLITE = `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
  INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
  SELECT 'bench-' || n, d.digest_id, d.channel, d.logical, printf('139%08d', n), 'pending', d.not_before, d.send_day, d.created_at
    FROM seq, (SELECT * FROM deliveries WHERE channel = ? LIMIT 1) d`;
const CLONE_PG = `INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
  SELECT 'bench-' || n, d.digest_id, d.channel, d.logical, '139' || lpad(n::text, 8, '0'), 'pending', d.not_before, d.send_day, d.created_at
    FROM generate_series(1, $1::int) n, (SELECT * FROM deliveries WHERE channel = $2 LIMIT 1) d`;

function sqliteCounts(store: Awaited<ReturnType<typeof openStore>>): Counts {
  const h = sqliteHandle(store)!.$client;
  const sent = h.prepare(`SELECT count(*) FROM deliveries WHERE status = 'sent'`).pluck();
  const att = h.prepare(`SELECT count(*) FROM delivery_attempts WHERE channel = ? AND error IS NULL`).pluck();
  const pending = h.prepare(`SELECT EXISTS (SELECT 1 FROM deliveries WHERE status = 'pending')`).pluck();
  return { sent: async () => sent.get() as number, anyPending: async () => pending.get() === 1, attempts: async (ch) => att.get(ch) as number, close: async () => undefined };
}

async function pgCounts(url: string): Promise<Counts> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const count = async (sql: string, v: unknown[] = []) => Number((await c.query(sql, v)).rows[0].n);
  return {
    sent: () => count(`SELECT count(*) AS n FROM deliveries WHERE status = 'sent'`),
    anyPending: async () => (await count(`SELECT count(*) AS n FROM (SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT 1) p`)) > 0,
    attempts: (ch) => count(`SELECT count(*) AS n FROM delivery_attempts WHERE channel = $1 AND error IS NULL`, [ch]),
    close: () => c.end(),
  };
}

async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh PostgreSQL database for one run; its URL and a drop. */
async function freshPgDb(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await pgAdmin(`CREATE DATABASE "${name}"`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** A database holding N pending SMS deliveries on `channel`, clones of one real planned digest. */
async function seedDeliveries(db: string, config: Config, channel: SmsChannel, n: number): Promise<void> {
  const store = await openStore(db);
  try {
    await importRecords(store, 'orgs', [
      { code: 'C01', name: '城关镇党委', kind: 'committee', parent: '' },
      { code: 'B01', name: '第一党支部', kind: 'branch', parent: 'C01', domain: 'community', members: 20, secretary: '张书记', secretary_phone: '13900000000', established_on: '2020-01-01', elected_on: '2025-01-01' },
    ], 'bench');
    const env = benchEnv();
    const notifiers = createNotifiers(config.channels, env); // SMS only: no SMTP_URL, so one SMS per digest
    await evaluateTick({ store, config, env, notifiers, log, now: SEND_AT, kind: 'evaluate' });
    await notifiers.close();
    // The clones are written straight into the database.
    let pending: number;
    const h = sqliteHandle(store)?.$client;
    if (h) {
      h.prepare(CLONE_SQLITE).run(n - 1, channel);
      pending = h.prepare(`SELECT count(*) FROM deliveries WHERE status = 'pending' AND channel = ?`).pluck().get(channel) as number;
    } else {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      try {
        await c.query(CLONE_PG, [n - 1, channel]);
        pending = Number((await c.query(`SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND channel = $1`, [channel])).rows[0].n);
      } finally {
        await c.end();
      }
    }
    if (pending !== n) throw new Error(`expected ${n} pending ${channel} deliveries, have ${pending}`);
  } finally {
    await store.close();
  }
}

/**
 * N queued SMS on `channel` through the daemon's delivery workers to the stand-in (answering after
 * `delayMs`): enqueued by the drainer (timed apart), then sent until every delivery is `sent`.
 * Checks that every send left exactly one attempt row. `dbPath`: the SQLite file of the run; on
 * PostgreSQL (`store`) a fresh database named after it instead, dropped afterwards.
 */
export async function dispatchRun(
  dbPath: string,
  n: number,
  channel: SmsChannel,
  delayMs = 0,
  store: DispatchStore = 'sqlite',
): Promise<{ metrics: Record<string, number>; peakRssBytes: number }> {
  const pgDb = store === 'postgres' ? await freshPgDb(`orglife_bench_dispatch_${process.pid}`) : undefined;
  const db = pgDb?.url ?? dbPath;
  const standin: SmsStandin = await startSmsStandin({ delayMs });
  const config = smsConfig(channel, standin);
  const prefix = uniquePrefix('bench-sms');
  let rt: Runtime | undefined;
  let counts: Counts | undefined;
  try {
    await seedDeliveries(db, config, channel, n);
    rt = await openRuntime({ config, env: benchEnv({ ORGLIFE_QUEUE_PREFIX: prefix }), db, log, clock: () => SEND_AT, paused: true, tickWorker: false });
    const t0 = performance.now();
    const drained = await rt.drain();
    const enqueueSeconds = (performance.now() - t0) / 1000;
    counts = pgDb ? await pgCounts(db) : sqliteCounts(rt.store);
    const t1 = performance.now();
    rt.startWorkers();
    // Until nothing is pending (a cheap probe every 50 ms; counting the sent rows each time cost the
    // SQLite run ~3% of its CPU, in the process being measured); every one must then be sent.
    while (await counts.anyPending()) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - t1) / 1000;
    const requests = await standin.count();
    const attempts = await counts.attempts(channel);
    return {
      metrics: { rate: n / seconds, seconds, enqueueRate: drained.added / enqueueSeconds, sent: await counts.sent(), requests, attempts },
      peakRssBytes: peakRssSelf(),
    };
  } finally {
    await counts?.close();
    await rt?.close();
    standin.stop();
    await cleanupPrefix(REDIS_URL, prefix);
    await pgDb?.drop();
  }
}
