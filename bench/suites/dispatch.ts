/**
 * Dispatch speed: 100,000 queued SMS through the daemon's delivery workers to a local HTTP stand-in,
 * once per SMS channel (the generic http_sms gateway, and the Aliyun and Tencent SDKs pointed at the
 * stand-in), beside a bare BullMQ worker doing nothing with the same number of jobs, concurrency and
 * job options (measured in the same run); again with the stand-in answering after 30 ms (a realistic
 * provider), beside a bare worker making the same call; and the daily cycle over the whole city
 * (evaluate, reconcile, plan digests and deliveries, enqueue) with its peak memory.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_PARALLEL, BATCH_SIZE, CHANNEL_LIMITS } from '../../src/jobs/queues.js';
import { dailyCycle, laterDayCycle, cycleFigure, liveDetail } from '../lib/cycle-run.js';
import { SMS_CHANNELS, bareRun, dispatchRun, type DispatchStore, type SmsChannel } from '../lib/dispatch-run.js';
import { GiB, info, rateVsFloor, rssUnder } from '../lib/figures.js';
import type { BenchContext, BenchStep, BenchSuite, Figure, StepOutcome, StepResult } from '../lib/types.js';

/** SMS per dispatch run (override with BENCH_DISPATCH_N for a quick try). */
const N = Number(process.env.BENCH_DISPATCH_N ?? 100_000);
/** Channels measured (BENCH_DISPATCH_CHANNELS=http_sms,tencent_sms for fewer). */
const CHANNELS = (process.env.BENCH_DISPATCH_CHANNELS?.split(',') ?? [...SMS_CHANNELS]) as SmsChannel[];
/** A realistic provider's answer time across the network. */
const LATENCY_MS = 30;
/** Dispatch at least this share of the bare worker's rate. */
const SHARE = 0.8;
/** The dispatch steps are size-independent: they run at this city size only (BENCH_DISPATCH=always: every size). */
const DISPATCH_AT_SIZE = 20_000;
/** Stores the dispatch runs use (BENCH_DISPATCH_STORES=sqlite for one): PostgreSQL at ORGLIFE_BENCH_PG_URL, a fresh database per run. */
const STORES = (process.env.BENCH_DISPATCH_STORES?.split(',') ?? ['sqlite', 'postgres']) as DispatchStore[];
const storeTag = (st: DispatchStore) => (st === 'postgres' ? 'pg-' : '');
const n = N.toLocaleString('en-US');

const skip = (ctx: BenchContext): StepResult | null =>
  ctx.size === DISPATCH_AT_SIZE || process.env.BENCH_DISPATCH === 'always'
    ? null
    : { metrics: { skipped: 1 }, notes: [`dispatch runs at ${DISPATCH_AT_SIZE} branches only`] };

const sizeIndependent = (run: (ctx: BenchContext) => Promise<StepResult>) => async (ctx: BenchContext) => skip(ctx) ?? run(ctx);

function channelSteps(ch: SmsChannel, delay: number): BenchStep[] {
  const sfx = delay ? `${ch}-${delay}ms` : ch;
  const when = delay ? `, stand-in answering after ${delay} ms` : '';
  return [
    { id: `send-${sfx}`, title: `bare BullMQ worker: ${n} jobs, one ${ch} notifier send each${when}`, run: sizeIndependent(async () => ({ metrics: await bareRun(N, ch, delay) })) },
    ...STORES.map((st) => ({
      id: `${storeTag(st)}sms-${sfx}`,
      title: `${n} queued SMS through the ${ch} delivery workers${when}${st === 'postgres' ? ' (PostgreSQL)' : ''}`,
      run: sizeIndependent(async (ctx) => dispatchRun(join(ctx.scratchDir, 'dispatch.db'), N, ch, delay, st)),
    })),
  ];
}

const suite: BenchSuite = {
  id: 'dispatch',
  title: 'delivery dispatch and the daily cycle',
  order: 40,
  needs: ['city', 'db'],
  method: `
**Measured (dispatch, at ${DISPATCH_AT_SIZE.toLocaleString('en-US')} branches only — it does not depend on the city):**
for each SMS channel (${CHANNELS.join(', ')}): ${n} pending SMS deliveries in a fresh SQLite file, and again in a fresh PostgreSQL database (one real digest
planned by the evaluate cycle, its SMS delivery cloned to ${n} distinct numbers), enqueued by the daemon's drainer
(\`addBulk\`, timed apart), then the daemon's own delivery workers (concurrency ${CHANNEL_LIMITS.http_sms.concurrency})
send them — through the generic gateway client, or the official Aliyun / Tencent SDK with its endpoint set to the
stand-in — to a minimal provider stand-in in a separate process. The SMS channels carry batch jobs (src/jobs/queues.ts BATCHED_CHANNELS): the drainer
puts up to ${BATCH_SIZE} deliveries due together into one job, and the worker runs ${CHANNEL_LIMITS.http_sms.concurrency / BATCH_PARALLEL} such jobs at once, each sending
${BATCH_PARALLEL} at a time (${CHANNEL_LIMITS.http_sms.concurrency} sends in flight, as before) in lanes: each lane takes the next claimed delivery as its send
settles, the deliveries are claimed ${BATCH_PARALLEL} per store call (the next call made while sends run), each message is composed
from the stored digest, and each attempt is recorded with its sent mark (one store call per event-loop turn). Rate =
messages / seconds from worker start until no delivery is pending (a one-row probe every 50 ms); every one must then
be \`sent\`, and the attempt rows and the stand-in's requests are counted (one each per message).

**Floor:** in the same run, a bare BullMQ \`Worker\` with a no-op processor on the same Redis, with the same
number of jobs, concurrency and job options (attempts, backoff, removeOnComplete), added beforehand — one job per
message (${n} jobs, concurrency ${CHANNEL_LIMITS.http_sms.concurrency}), whatever the delivery workers batch: the floor is what the queue alone costs per message.

**Target:** dispatch rate ≥ ${SHARE * 100}% of the bare worker's, on every channel.

**Second reference:** the same bare worker whose job is one send through the channel's notifier (the same call
the delivery worker makes, without SQLite) — what the provider call alone costs. Measured with the stand-in
answering at once and after ${LATENCY_MS} ms (a realistic provider across the network); at ${LATENCY_MS} ms the
dispatch rate is held against this bare worker (target ≥ ${SHARE * 100}%): ${CHANNEL_LIMITS.http_sms.concurrency} sends in flight cap
both at ${Math.round((CHANNEL_LIMITS.http_sms.concurrency * 1000) / LATENCY_MS).toLocaleString('en-US')}/s.

**Measured (daily cycle, every size):** a copy of the imported city's database; the evaluate tick as of the
city's "now" (rules on worker threads, reconcile per chunk, plan digests and deliveries with quiet hours),
then the drainer enqueues every planned delivery (delayed to the next send window). Seconds per phase and
the peak RSS of the process (worker threads included). Target: under 60 s at 250,000 branches and 5 s at
20,000; peak RSS < 1 GiB.

**Measured (later-day cycle, every size):** on another copy, day 1's cycle (untimed), every delivery it planned marked
sent at its not-before time, then the cycle three days on (the first repeat day: the open alerts are told again) timed;
what a database with open alerts and a history of sent deliveries costs (bench/lib/cycle-run.ts laterDayCycle). Same
targets.`,
  steps: [
    { id: 'bare', title: `bare BullMQ worker: ${n} no-op jobs`, run: sizeIndependent(async () => ({ metrics: await bareRun(N, 'none') })) },
    ...CHANNELS.flatMap((ch) => channelSteps(ch, 0)),
    ...CHANNELS.flatMap((ch) => channelSteps(ch, LATENCY_MS)),
    { id: 'cycle', title: 'daily cycle: evaluate, reconcile, plan, enqueue', run: cycle },
    { id: 'cycle-later', title: 'a later day\'s cycle (after day 1 was sent)', run: laterCycle },
  ],
  figures(o, { size }) {
    const out: Figure[] = [];
    const ok = (s: StepOutcome | undefined) => (s && !s.metrics.skipped ? s : undefined);
    const bareStep = ok(o.bare);
    for (const delay of [0, LATENCY_MS]) {
      for (const ch of CHANNELS) {
        const sfx = delay ? `${ch}-${delay}ms` : ch;
        const send = ok(o[`send-${sfx}`]);
        const floor = delay
          ? send && { label: `bare worker + ${ch} send (${delay} ms)`, value: send.metrics.rate! }
          : bareStep && { label: 'bare BullMQ no-op', value: bareStep.metrics.rate! };
        for (const st of STORES) {
          const sms = ok(o[`${storeTag(st)}sms-${sfx}`]);
          if (!sms) continue;
          const on = st === 'postgres' ? ' (PostgreSQL)' : '';
          const label = `SMS dispatch rate${on}, ${ch}${delay ? `, provider answers in ${delay} ms` : ''}`;
          out.push(floor ? rateVsFloor(label, sms.metrics.rate!, 'msg/s', floor, SHARE) : info(label, sms.metrics.rate!, 'msg/s', 'floor failed'));
          const m = sms.metrics;
          out.push({
            label: `attempts recorded${on}, ${sfx}`, value: m.attempts!, unit: '', target: `= ${N} sent`,
            verdict: m.attempts === N && m.sent === N ? 'PASS' : 'MISS',
            detail: `${m.sent} sent, ${m.requests} requests at the stand-in; enqueue ${Math.round(m.enqueueRate!)} msg/s`,
          });
          if (!delay) out.push(rssUnder(`dispatch peak RSS${on}, ${ch}`, sms.rssBytes, GiB));
        }
        const sms = ok(o[`sms-${sfx}`]) ?? ok(o[`pg-sms-${sfx}`]);
        if (send && !delay) {
          const r = send.metrics.rate!;
          out.push(info(`bare worker + one ${ch} send`, r, 'msg/s', sms ? `SMS dispatch = ${((sms.metrics.rate! / r) * 100).toFixed(0)}% of this` : undefined));
        }
      }
    }
    if (bareStep) out.push(info('bare BullMQ add rate', bareStep.metrics.addRate!, 'jobs/s'));
    const c = o.cycle;
    if (c) {
      const limit = size >= 250_000 ? 60 : size >= 20_000 ? 5 : undefined;
      const detail =
        `evaluate+reconcile ${c.metrics.evaluateSeconds!.toFixed(1)} s, plan ${c.metrics.planSeconds!.toFixed(1)} s, enqueue ${c.metrics.enqueueSeconds!.toFixed(1)} s; ` +
        liveDetail(c.metrics) +
        `${c.metrics.alertsOpened} alerts, ${c.metrics.deliveries} deliveries`;
      const label = `daily cycle (${size.toLocaleString('en-US')} branches)`;
      const secs = c.metrics.seconds!;
      out.push(
        limit === undefined
          ? info(label, secs, 's', detail)
          : { label, value: secs, unit: 's', target: `< ${limit} s`, verdict: secs < limit ? 'PASS' : 'MISS', detail: secs < limit ? detail : `${(secs - limit).toFixed(1)} s over; ${detail}` },
      );
      out.push(rssUnder('daily cycle peak RSS', c.rssBytes, GiB));
      if (c.metrics.evaluatePeakMiB) {
        out.push(info('peak RSS through evaluate+reconcile', c.metrics.evaluatePeakMiB, 'MiB', `through plan ${Math.round(c.metrics.planPeakMiB!)} MiB, through enqueue ${Math.round(c.rssBytes / 2 ** 20)} MiB`));
      }
    }
    const z = o['cycle-later'];
    if (z) {
      out.push(cycleFigure(`later-day cycle (${size.toLocaleString('en-US')} branches)`, z, size));
      out.push(rssUnder('later-day cycle peak RSS (both days)', z.rssBytes, GiB));
    }
    return out;
  },
};
export default suite;

async function cycle(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'city.db');
  copyFileSync(ctx.dbPath!, dbPath);
  return dailyCycle(dbPath, ctx.now);
}

async function laterCycle(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'city.db');
  copyFileSync(ctx.dbPath!, dbPath);
  return laterDayCycle(dbPath, ctx.now);
}
