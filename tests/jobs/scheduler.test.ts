import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonHandle, type DaemonOptions } from '../../src/jobs/daemon.js';
import { tickStamp } from '../../src/jobs/ticks.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { at, quietLog, testEnv, waitFor } from './setup.js';

describe('schedule ticks on one Redis and one database', () => {
  let tdb: TempStore;
  let prefix: string;
  const daemons: DaemonHandle[] = [];

  const start = async (clockAt: number, extra: Partial<DaemonOptions> = {}) => {
    const d = await startDaemon({
      config: shippedConfig(),
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix }),
      db: tdb.spec,
      clock: () => clockAt,
      log: quietLog,
      cron: false,
      drainIntervalMs: 60_000,
      ...extra,
    });
    daemons.push(d);
    return d;
  };
  const evaluateRuns = () => tdb.store.runs.recentRuns(100, 'evaluate');
  const listTicks = (kind?: string) => tdb.store.runs.listTicks(kind);
  const tickState = async (d: DaemonHandle, jobId: string) => (await d.runtime.ticks.getJob(jobId))?.getState();

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('sched');
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop()));
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await tdb.cleanup();
  });

  it('runs a tick fired by two daemons at once exactly once, under one deterministic job id', async () => {
    const t = at('2026-11-02T08:30');
    const [a, b] = [await start(t), await start(t)];
    const ids = await Promise.all([a.fireTick('evaluate', t), b.fireTick('evaluate', t), a.fireTick('evaluate', t)]);
    expect(new Set(ids)).toEqual(new Set(['tick-evaluate-20261102T083000']));
    await waitFor('the tick is done in the store', async () => (await listTicks('evaluate'))[0]?.status === 'done');
    await waitFor('the tick job completed', async () => (await tickState(a, ids[0]!)) === 'completed');
    const runs = await evaluateRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'tick', asOf: t, status: 'done' });
    expect(await a.runtime.ticks.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
  });

  it('does not run a tick again once its job was removed from Redis: "done" is remembered in the store', async () => {
    const t = at('2026-11-02T08:30');
    const a = await start(t);
    const jobId = await a.fireTick('evaluate', t);
    await waitFor('the tick job completed', async () => (await tickState(a, jobId)) === 'completed');
    await (await a.runtime.ticks.getJob(jobId))!.remove();

    const b = await start(t);
    expect(await b.fireTick('evaluate', t)).toBe(jobId);
    await waitFor('the re-added job completed', async () => (await tickState(b, jobId)) === 'completed');
    expect((await b.runtime.ticks.getJob(jobId))!.returnvalue).toEqual({ result: 'skipped', reason: 'already-done' });
    expect(await evaluateRuns()).toHaveLength(1);
  });

  it('catches up only the latest missed tick once at start, and nothing on a fresh install', async () => {
    // First start on 2 November at noon: the schedules are first seen now, nothing older is replayed.
    const first = await start(at('2026-11-02T12:00'));
    await first.stop();
    expect(await evaluateRuns()).toHaveLength(0);

    // Down for three days: on 5 November at 10:00 only the 08:30 tick of that day runs, once.
    const second = await start(at('2026-11-05T10:00'));
    await waitFor('the caught-up tick is done', async () => (await listTicks('evaluate'))[0]?.status === 'done');
    const runs = await evaluateRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.asOf).toBe(at('2026-11-05T08:30'));
    await second.stop();

    // Another restart the same morning (and a second daemon beside it) catches up nothing more.
    await Promise.all([start(at('2026-11-05T11:00')), start(at('2026-11-05T11:00'))]);
    const counts = await daemons.at(-1)!.runtime.ticks.getJobCounts('waiting', 'active', 'delayed');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(await evaluateRuns()).toHaveLength(1);
    expect((await listTicks()).map((r) => r.kind)).toEqual(['evaluate']);
  });

  it('lets node-cron fire real ticks on two daemons and runs each tick once', async () => {
    // A schedule firing every second (node-cron accepts a seconds field; config validation would not).
    const config = shippedConfig();
    config.schedules.evaluate = '* * * * * *';
    const opts = { config, clock: Date.now, cron: true } as const;
    await Promise.all([start(Date.now(), opts), start(Date.now(), opts)]);
    await waitFor('three ticks done', async () => (await listTicks('evaluate')).filter((r) => r.status === 'done').length >= 3);
    await Promise.all(daemons.splice(0).map((d) => d.stop()));

    const ticks = await listTicks('evaluate');
    const runs = await evaluateRuns();
    expect(new Set(runs.map((r) => r.asOf)).size).toBe(runs.length);
    expect(runs.map((r) => r.asOf).sort()).toEqual(ticks.filter((t) => t.status === 'done').map((t) => t.tickAt).sort());
    expect(ticks.every((t) => t.tickAt % 1000 === 0 && t.jobId === `tick-evaluate-${tickStamp(t.tickAt)}`)).toBe(true);
  });

  it('runs the ticks of different days as separate cycles, each as of its own scheduled time', async () => {
    const t1 = at('2026-11-02T08:30');
    const t2 = at('2026-11-03T08:30');
    const a = await start(t2);
    await a.fireTick('evaluate', t1);
    await a.fireTick('evaluate', t2);
    await waitFor('both ticks done', async () => (await listTicks('evaluate')).filter((r) => r.status === 'done').length === 2);
    expect((await evaluateRuns()).map((r) => r.asOf).sort()).toEqual([t1, t2]);
    await waitFor('both tick jobs completed', async () => (await a.runtime.ticks.getJobCounts('completed')).completed === 2);
  });
});
