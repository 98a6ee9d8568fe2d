/**
 * Incremental re-evaluation gives exactly what a full check gives (issue 14 item 4), on the store
 * under test: two copies of a random synthetic city get the same full evaluate tick, then the same
 * batch of new records (late records, a meeting moved to another branch, corrected attendance).
 * Copy A re-evaluates only what the batch touched; copy B runs the full evaluate tick at the same
 * `now`. Their findings for the touched branches, every alert (state, levels, times, counts,
 * and the events of the touched branches' alerts) and every branch's live 大比武 figures must be
 * equal, and on copy A no alert of an untouched branch may have changed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Finding } from '../../src/domain/types.js';
import { runCheck } from '../../src/evaluation/index.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { reevaluateOrgs } from '../../src/jobs/reevaluate.js';
import { headlines } from '../../src/reports/gather.js';
import { livePeriod } from '../../src/reports/live.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { shippedConfig } from '../helpers/config.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { quietLog, testEnv } from '../jobs/setup.js';
import { alertSnapshot, importCity, pushBatch, splitCity } from './helpers.js';

const NOW_ISO = '2026-11-20';
const T0 = parseTimestamp('2026-11-20T09:00')!;
const config = shippedConfig();
const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix: 'incremental-eq' });
const notifiers = createNotifiers(config.channels, env);
const fullTick = (t: TempStore) => evaluateTick({ store: t.store, config, env, notifiers, log: quietLog, now: T0, kind: 'evaluate' });
const sortFindings = (f: readonly Finding[]) => [...f].map((x) => JSON.stringify(x)).sort();

describe('incremental re-evaluation equals the full check', () => {
  let a: TempStore;
  let b: TempStore;
  beforeEach(async () => {
    [a, b] = await Promise.all([tempStore(), tempStore()]);
  });
  afterEach(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup()]);
  });
  afterAll(() => notifiers.close());

  for (const seed of [11, 2026]) {
    it(`on a random city (seed ${seed}): same findings and alerts as a full tick, untouched branches' alerts unchanged`, async () => {
      const city = splitCity(seed, 120, 160, NOW_ISO);
      for (const t of [a, b]) {
        await importCity(t.store, city, T0 - 3_600_000);
        await fullTick(t);
      }
      const [touchedA, touchedB] = [await pushBatch(a.store, city, T0 - 60_000), await pushBatch(b.store, city, T0 - 60_000)];
      expect(touchedA).toEqual(touchedB);
      expect(touchedA.length).toBeGreaterThan(3);
      const touched = new Set(touchedA);

      // What a full check says now about the touched branches (before either copy reconciles).
      const fullFindings = (await runCheck(b.store, config, T0, { alsoEvaluate: await b.store.alerts.openPeriods() })).filter((f) => touched.has(f.org));
      const before = await alertSnapshot(a.store);
      const liveBefore = new Map((await a.store.live.list()).map((r) => [r.org, r]));
      expect(liveBefore.size).toBe(city.branchCodes.length);

      const incFindings: Finding[] = [];
      const r = await reevaluateOrgs(a.store, config, T0, touchedA, { onFindings: (chunk) => chunk.forEach((x) => incFindings.push(...x.findings)) });
      await fullTick(b);

      expect(r.branches).toBe(touched.size);
      expect(sortFindings(incFindings)).toEqual(sortFindings(fullFindings));
      // The batch changed alerts (so equality below is not two untouched copies).
      expect(r.alerts.opened + r.alerts.resolved + r.alerts.raised + r.alerts.lowered + r.alerts.reopened).toBeGreaterThan(0);

      const afterA = await alertSnapshot(a.store, (org) => touched.has(org));
      const afterB = await alertSnapshot(b.store, (org) => touched.has(org));
      expect([...afterA.keys()].sort()).toEqual([...afterB.keys()].sort());
      for (const [k, v] of afterA) expect({ k, v }).toEqual({ k, v: afterB.get(k) });

      // Untouched branches: every alert exactly as before (open ones included: nothing resolved them).
      const untouched = [...before].filter(([k]) => !touched.has(k.split('|')[0]!));
      expect(untouched.filter(([, v]) => (v as { state: string }).state === 'open').length).toBeGreaterThan(10);
      const afterPlain = await alertSnapshot(a.store);
      for (const [k, v] of untouched) expect({ k, v: afterPlain.get(k) }).toEqual({ k, v });

      // Live figures: the touched branches' rows equal the full pass's, and so does every other row.
      const liveA = await a.store.live.list();
      const liveB = await b.store.live.list();
      expect(liveA.length).toBe(city.branchCodes.length);
      expect(liveA).toEqual(liveB);
      expect(r.live.written).toBe(touched.size);
      // …and they are the report computation's headlines of the running month (score, stars).
      const heads = await headlines(a.store, config, await a.store.reports.orgs(), livePeriod(T0), T0);
      expect(liveA.map((x) => [x.org, x.score, x.stars])).toEqual(heads.map((h) => [h.org, h.score, h.stars]).sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)));
      // The push changed some branch's figures (so the equality is not of two unchanged copies).
      const moved = liveA.filter((x) => touched.has(x.org) && JSON.stringify(x) !== JSON.stringify(liveBefore.get(x.org)));
      expect(moved.length).toBeGreaterThan(0);

      // Idempotent: again at the same now changes nothing.
      const again = await reevaluateOrgs(a.store, config, T0, touchedA);
      expect(again.alerts.opened + again.alerts.resolved + again.alerts.raised + again.alerts.repeated + again.alerts.outbox).toBe(0);
    }, 300_000);
  }
});
