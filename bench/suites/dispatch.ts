/**
 * Dispatch speed: 100,000 queued SMS through the daemon's delivery workers to a local HTTP gateway
 * stand-in, beside a bare BullMQ worker doing nothing with the same number of jobs, concurrency and
 * job options (measured in the same run); and the daily cycle over the whole city (evaluate,
 * reconcile, plan digests and deliveries, enqueue) with its peak memory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { Config } from '../../src/config/schema.js';
import { readEnv } from '../../src/config/env.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { importRecords } from '../../src/import/index.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { CHANNEL_LIMITS, deliveryJobOptions } from '../../src/jobs/queues.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { cleanupPrefix, uniquePrefix } from '../../tests/helpers/redis.js';
import { shippedConfig } from '../../tests/helpers/config.js';
import { GiB, info, rateVsFloor, rssUnder } from '../lib/figures.js';
import { peakRssSelf } from '../lib/measure.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

/** SMS per dispatch run (override with BENCH_DISPATCH_N for a quick try). */
const N = Number(process.env.BENCH_DISPATCH_N ?? 100_000);
/** The dispatch steps are size-independent: they run at this city size only (BENCH_DISPATCH=always: every size). */
const DISPATCH_AT_SIZE = 20_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A Monday morning inside the send window: every delivery is due at once. */
const SEND_AT = Date.parse('2026-11-02T08:30:00+08:00');
const log = createLogger({ level: 'warn' });

const suite: BenchSuite = {
  id: 'dispatch',
  title: 'delivery dispatch and the daily cycle',
  order: 40,
  needs: ['city', 'db'],
  method: `
**Measured (dispatch, at ${DISPATCH_AT_SIZE.toLocaleString('en-US')} branches only — it does not depend on the city):**
${N.toLocaleString('en-US')} pending SMS deliveries in a fresh SQLite file (one real digest planned by the evaluate cycle,
its SMS delivery cloned to ${N.toLocaleString('en-US')} distinct numbers), enqueued by the daemon's drainer
(\`addBulk\`, timed apart), then the daemon's own \`http_sms\` workers (concurrency ${CHANNEL_LIMITS.http_sms.concurrency})
send them to a minimal HTTP gateway stand-in in a separate process: each job claims its delivery in SQLite,
composes the message from the stored digest, POSTs it, records the attempt and marks it sent. Rate = messages /
seconds from worker start until every delivery is \`sent\` in SQLite.

**Floor:** in the same run, a bare BullMQ \`Worker\` with a no-op processor on the same Redis, with the same
number of jobs, concurrency and job options (attempts, backoff, removeOnComplete), added beforehand.

**Target:** dispatch rate ≥ 50% of the bare worker's.

**Second reference (information):** the same bare worker whose job is one POST of a typical SMS body to the
same stand-in with the global \`fetch\` the http_sms notifier uses — what the HTTP send alone costs; the SMS
dispatch rate is shown as a share of it.

**Measured (daily cycle, every size):** a copy of the imported city's database; the evaluate tick as of the
city's "now" (rules on worker threads, reconcile per chunk, plan digests and deliveries with quiet hours),
then the drainer enqueues every planned delivery (delayed to the next send window). Seconds per phase and
the peak RSS of the process (worker threads included). Reported for information; peak RSS target < 1 GiB.`,
  steps: [
    { id: 'bare', title: `bare BullMQ worker: ${N.toLocaleString('en-US')} no-op jobs`, run: bare },
    { id: 'bareHttp', title: `bare BullMQ worker: ${N.toLocaleString('en-US')} jobs, one POST each to the stand-in`, run: bareHttp },
    { id: 'sms', title: `${N.toLocaleString('en-US')} queued SMS through the delivery workers to the HTTP stand-in`, run: dispatchSms },
    { id: 'cycle', title: 'daily cycle: evaluate, reconcile, plan, enqueue', run: cycle },
  ],
  figures(o, { size }) {
    const out: Figure[] = [];
    const bareStep = o.bare && !o.bare.metrics.skipped ? o.bare : undefined;
    const smsStep = o.sms && !o.sms.metrics.skipped ? o.sms : undefined;
    if (smsStep) {
      const floor = bareStep ? { label: 'bare BullMQ no-op', value: bareStep.metrics.rate! } : undefined;
      out.push(floor ? rateVsFloor('SMS dispatch rate', smsStep.metrics.rate!, 'msg/s', floor, 0.5) : info('SMS dispatch rate', smsStep.metrics.rate!, 'msg/s', 'floor failed'));
      out.push(info('enqueue rate (drainer)', smsStep.metrics.enqueueRate!, 'msg/s', `${smsStep.metrics.sent} sent, ${smsStep.metrics.requests} requests at the stand-in`));
      out.push(rssUnder('dispatch peak RSS', smsStep.rssBytes, GiB));
    }
    const httpStep = o.bareHttp && !o.bareHttp.metrics.skipped ? o.bareHttp : undefined;
    if (httpStep) {
      const r = httpStep.metrics.rate!;
      out.push(info('bare worker + one POST (fetch)', r, 'msg/s', smsStep ? `SMS dispatch = ${((smsStep.metrics.rate! / r) * 100).toFixed(0)}% of this` : undefined));
    }
    if (bareStep) out.push(info('bare BullMQ add rate', bareStep.metrics.addRate!, 'jobs/s'));
    const c = o.cycle;
    if (c) {
      out.push(
        info(
          `daily cycle (${size.toLocaleString('en-US')} branches)`,
          c.metrics.seconds!,
          's',
          `evaluate+reconcile ${c.metrics.evaluateSeconds!.toFixed(1)} s, plan ${c.metrics.planSeconds!.toFixed(1)} s, enqueue ${c.metrics.enqueueSeconds!.toFixed(1)} s; ` +
            `${c.metrics.alertsOpened} alerts, ${c.metrics.deliveries} deliveries`,
        ),
      );
      out.push(rssUnder('daily cycle peak RSS', c.rssBytes, GiB));
    }
    return out;
  },
};
export default suite;

const skip = (ctx: BenchContext): StepResult | null =>
  ctx.size === DISPATCH_AT_SIZE || process.env.BENCH_DISPATCH === 'always'
    ? null
    : { metrics: { skipped: 1 }, notes: [`dispatch runs at ${DISPATCH_AT_SIZE} branches only`] };

/** The shipped config with SMS through the generic HTTP gateway at `url`. */
function smsConfig(url: string): Config {
  const c = shippedConfig();
  c.channels.sms_provider = 'http_sms';
  c.channels.http_sms.enabled = true;
  c.channels.http_sms.url = url;
  return c;
}

async function bare(ctx: BenchContext): Promise<StepResult> {
  const skipped = skip(ctx);
  if (skipped) return skipped;
  return bareRun(async () => undefined);
}

/** The bare worker whose job is one POST to the stand-in, as the http_sms notifier sends it (global fetch). */
async function bareHttp(ctx: BenchContext): Promise<StepResult> {
  const skipped = skip(ctx);
  if (skipped) return skipped;
  const standin = await startStandinProcess();
  const body = JSON.stringify({ phone: '13900000001', template: 'reminder', params: { name: '第一党支部', count: '3', level: '提醒', deadline: '2026-11-30' }, text: '【提醒】第一党支部有 3 项组织生活待完成，请于 2026-11-30 前补录。' });
  try {
    return await bareRun(async () => {
      const res = await fetch(standin.url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signal: AbortSignal.timeout(10_000) });
      await res.text();
    });
  } finally {
    standin.proc.disconnect();
  }
}

/** N jobs added beforehand, then a bare BullMQ worker with `processor`, same concurrency and job options as http_sms. */
async function bareRun(processor: () => Promise<void>): Promise<StepResult> {
  const prefix = uniquePrefix('bench-bare');
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const q = new Queue('bare', { connection, prefix });
  const opts = deliveryJobOptions(shippedConfig().delivery);
  try {
    const t0 = performance.now();
    for (let i = 0; i < N; i += 1000) {
      const n = Math.min(1000, N - i);
      await q.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'deliver', data: { deliveryId: i + j + 1 }, opts: { ...opts, jobId: `delivery-${i + j + 1}` } })));
    }
    const addSeconds = (performance.now() - t0) / 1000;
    let done = 0;
    let finish!: () => void;
    const all = new Promise<void>((r) => (finish = r));
    const t1 = performance.now();
    const w = new Worker('bare', processor, { connection, prefix, concurrency: CHANNEL_LIMITS.http_sms.concurrency });
    w.on('completed', () => {
      if (++done === N) finish();
    });
    await all;
    const seconds = (performance.now() - t1) / 1000;
    await w.close();
    return { metrics: { rate: N / seconds, seconds, addRate: N / addSeconds } };
  } finally {
    await q.close();
    await cleanupPrefix(REDIS_URL, prefix);
  }
}

/** A minimal HTTP SMS gateway in its own process (the real provider is not on our CPU either). */
async function startStandinProcess(): Promise<{ url: string; proc: ChildProcess; count(): Promise<number> }> {
  const proc = fork(import.meta.filename, ['--dispatch-standin'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m: { port: number }) => resolve(m.port));
    proc.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    proc,
    count: () =>
      new Promise((resolve) => {
        proc.once('message', (m: { count: number }) => resolve(m.count));
        proc.send('count');
      }),
  };
}

if (process.argv.includes('--dispatch-standin')) {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"msg-${count}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ count }));
  process.on('disconnect', () => process.exit(0));
}

/** A database holding N pending SMS deliveries of one real digest. */
async function seedDeliveries(dbPath: string, config: Config): Promise<void> {
  const db = openDb(dbPath);
  try {
    importRecords(db, 'orgs', [
      { code: 'C01', name: '城关镇党委', kind: 'committee', parent: '' },
      { code: 'B01', name: '第一党支部', kind: 'branch', parent: 'C01', domain: 'community', members: 20, secretary: '张书记', secretary_phone: '13900000000', established_on: '2020-01-01', elected_on: '2025-01-01' },
    ], 'bench');
    const env = readEnv({});
    const notifiers = createNotifiers(config.channels, env); // http_sms only: no SMTP_URL, so one SMS per digest
    await evaluateTick({ db, dbPath, config, env, notifiers, log, now: SEND_AT, kind: 'evaluate' });
    await notifiers.close();
    db.$client
      .prepare(
        `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
         INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
         SELECT 'bench-' || n, d.digest_id, d.channel, d.logical, printf('139%08d', n), 'pending', d.not_before, d.send_day, d.created_at
           FROM seq, (SELECT * FROM deliveries WHERE channel = 'http_sms' LIMIT 1) d`,
      )
      .run(N - 1);
    const n = db.$client.prepare(`SELECT count(*) FROM deliveries WHERE status = 'pending'`).pluck().get() as number;
    if (n !== N) throw new Error(`expected ${N} pending deliveries, have ${n}`);
  } finally {
    closeDb(db);
  }
}

async function dispatchSms(ctx: BenchContext): Promise<StepResult> {
  const skipped = skip(ctx);
  if (skipped) return skipped;
  const standin = await startStandinProcess();
  const config = smsConfig(standin.url);
  const dbPath = join(ctx.scratchDir, 'dispatch.db');
  await seedDeliveries(dbPath, config);
  const prefix = uniquePrefix('bench-sms');
  let rt: Runtime | undefined;
  try {
    rt = await openRuntime({ config, env: readEnv({ REDIS_URL, ORGLIFE_QUEUE_PREFIX: prefix }), dbPath, log, clock: () => SEND_AT, paused: true, tickWorker: false });
    const t0 = performance.now();
    const drained = await rt.drain();
    const enqueueSeconds = (performance.now() - t0) / 1000;
    const sentCount = rt.db.$client.prepare(`SELECT count(*) FROM deliveries WHERE status = 'sent'`).pluck();
    const t1 = performance.now();
    rt.startWorkers();
    while ((sentCount.get() as number) < N) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - t1) / 1000;
    const requests = await standin.count();
    return {
      metrics: { rate: N / seconds, seconds, enqueueRate: drained.added / enqueueSeconds, sent: sentCount.get() as number, requests },
      peakRssBytes: peakRssSelf(),
    };
  } finally {
    await rt?.close();
    standin.proc.disconnect();
    await cleanupPrefix(REDIS_URL, prefix);
  }
}

async function cycle(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'city.db');
  copyFileSync(ctx.dbPath!, dbPath);
  const config = smsConfig('http://127.0.0.1:9/sms/send');
  const prefix = uniquePrefix('bench-cycle');
  // SMTP_URL only makes email count as available for planning; nothing is sent (workers stay paused).
  const env = readEnv({ REDIS_URL, ORGLIFE_QUEUE_PREFIX: prefix, SMTP_URL: 'smtp://127.0.0.1:9' });
  const now = parseTimestamp(ctx.now)!;
  const rt = await openRuntime({ config, env, dbPath, log, clock: () => now, paused: true, tickWorker: false });
  try {
    const t0 = performance.now();
    const stats = (await evaluateTick({ db: rt.db, dbPath, config, env, notifiers: rt.notifiers, log, now, kind: 'evaluate' })) as {
      alerts: { opened: number };
      plan: { deliveries: number };
      ms: { evaluate: number; plan: number };
    };
    const t1 = performance.now();
    const drained = await rt.drain();
    const t2 = performance.now();
    return {
      metrics: {
        seconds: (t2 - t0) / 1000,
        evaluateSeconds: stats.ms.evaluate / 1000,
        planSeconds: stats.ms.plan / 1000,
        enqueueSeconds: (t2 - t1) / 1000,
        alertsOpened: stats.alerts.opened,
        deliveries: stats.plan.deliveries,
        enqueued: drained.added,
      },
      peakRssBytes: peakRssSelf(),
    };
  } finally {
    await rt.close();
    await cleanupPrefix(REDIS_URL, prefix);
  }
}
