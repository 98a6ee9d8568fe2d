/**
 * The evaluate tick's live 大比武 figures on a helper thread (src/reports/live-thread.ts), beside
 * planning, on the store under test: two copies of a random city get the same ticks, one computing
 * the live pass on this thread, the other on the helper; every stored live row, every alert and
 * what was planned must be equal. A helper that cannot open its store rejects (the tick then fails,
 * as a failed live pass always failed it).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { refreshLiveFiguresOnHelper } from '../../src/reports/live-thread.js';
import type { StoreWorkerSpec } from '../../src/store/port.js';
import { shippedConfig } from '../helpers/config.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { quietLog, testEnv } from '../jobs/setup.js';
import { alertSnapshot, importCity, pushBatch, splitCity } from './helpers.js';

const NOW_ISO = '2026-11-20';
const T0 = parseTimestamp('2026-11-20T09:00')!;
const config = shippedConfig();
const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix: 'incremental-live-thread' });
const notifiers = createNotifiers(config.channels, env);
type TickStats = { live: { written: number; removed: number; helper: boolean }; plan: unknown; alerts: unknown };
/** How often each tick ran the early drain it was offered (ctx.afterPlan), by tick. */
const earlyDrains: number[] = [];
/**
 * The tick's figures without its timings, nor which tables it re-analyzed: on PostgreSQL that
 * follows the server's activity counters, which each backend flushes on its own clock (up to a
 * second late), so two equal ticks may refresh different tables. Its early drain fails (logged, the
 * tick goes on).
 */
const tick = async (t: TempStore, now: number, liveHelperMin: number) => {
  const n = earlyDrains.push(0) - 1;
  const afterPlan = async () => {
    earlyDrains[n]!++;
    throw new Error('Redis away');
  };
  const { ms: _ms, analyzed: _analyzed, ...stats } = await evaluateTick({ store: t.store, config, env, notifiers, log: quietLog, now, kind: 'evaluate', afterPlan }, { liveHelperMin });
  return stats as unknown as TickStats;
};

describe('live figures on a helper thread', () => {
  let a: TempStore;
  let b: TempStore;
  beforeEach(async () => {
    [a, b] = await Promise.all([tempStore(), tempStore()]);
  });
  afterEach(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup()]);
  });
  afterAll(() => notifiers.close());

  it('the tick stores the same live rows, alerts and plan as when this thread computes them', async () => {
    const city = splitCity(31, 90, 60, NOW_ISO);
    for (const t of [a, b]) await importCity(t.store, city, T0 - 3_600_000);
    // An earlier tick (last month's figures), then new records and the tick as of T0.
    const early = [await tick(a, T0 - 35 * 86_400_000, Infinity), await tick(b, T0 - 35 * 86_400_000, 0)];
    expect(early.map((s) => s.live.helper)).toEqual([false, true]);
    expect({ ...early[1], live: { ...early[1]!.live, helper: false } }).toEqual(early[0]);
    expect(await b.store.live.list()).toEqual(await a.store.live.list());
    await pushBatch(a.store, city, T0 - 60_000);
    await pushBatch(b.store, city, T0 - 60_000);
    const here = await tick(a, T0, Infinity);
    const helper = await tick(b, T0, 0);
    expect(helper.live.helper).toBe(true);
    expect(here.live.helper).toBe(false);
    expect({ ...helper, live: { ...helper.live, helper: false } }).toEqual(here);
    expect(here.live.written).toBe(city.branchCodes.length);
    const [rowsA, rowsB] = [await a.store.live.list(), await b.store.live.list()];
    expect(rowsA.length).toBe(city.branchCodes.length);
    expect(rowsA.every((r) => r.computedAt === T0 && r.period === '2026-11')).toBe(true);
    expect(rowsB).toEqual(rowsA);
    // The figures read the alerts the tick reconciled (so equal rows are not two empty passes).
    expect(rowsA.some((r) => r.colour !== 'green')).toBe(true);
    expect(await alertSnapshot(b.store, () => true)).toEqual(await alertSnapshot(a.store, () => true));
    // The early drain runs only beside a helper (in-thread, early, here, helper), and its failure did not fail the tick.
    expect(earlyDrains).toEqual([0, 1, 0, 1]);
  }, 120_000);

  it('a helper that cannot open its store rejects', async () => {
    const missing = (a.store.kind === 'sqlite' ? join(a.dir, 'no-such.db') : a.spec.replace(/\/([^/?]+)(\?|$)/, '/orglife_no_such_db$2')) as StoreWorkerSpec;
    await expect(refreshLiveFiguresOnHelper(missing, config, T0)).rejects.toThrow(/live figures helper failed/);
    expect(await a.store.live.list()).toEqual([]);
  }, 60_000);
});
