/**
 * End to end with a real Redis: the service (daemon + HTTP API) runs; after its evaluate tick, a
 * batch of new records is pushed through POST /api/v1/meetings; the push queues a re-evaluation
 * job, the daemon's worker runs it, and the alerts end exactly as a full evaluate tick at the same
 * `now` leaves them on a second copy of the city.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app/daemon.js';
import { loadConfig } from '../../src/config/load.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { cleanupPrefix, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { quietLog, testEnv, waitFor } from '../jobs/setup.js';
import { ANY_TIME, configDir, TICK_AT } from '../ops/setup.js';
import { alertSnapshot, importCity, pushBatch, splitCity } from './helpers.js';

const TOKEN = 'ingest-token-0123456789abcdef';

describe('an API push re-evaluates the touched branches in the daemon', () => {
  let a: TempStore;
  let b: TempStore;
  let prefix: string;
  let cfg: ReturnType<typeof configDir>;
  let service: Service | undefined;

  beforeEach(async () => {
    [a, b] = await Promise.all([tempStore(), tempStore()]);
    prefix = uniquePrefix('reeval');
    cfg = configDir(ANY_TIME);
  });
  afterEach(async () => {
    await service?.stop();
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    cfg.cleanup();
    await Promise.all([a.cleanup(), b.cleanup()]);
  });

  it('ends where a full tick at the same now ends', async () => {
    const config = loadConfig(cfg.dir).config;
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix, extra: { ORGLIFE_API_TOKENS: `pusher:ingest:${TOKEN}` } });
    const city = splitCity(7, 60, 80, '2026-11-27');
    for (const t of [a, b]) await importCity(t.store, city, TICK_AT - 3_600_000);

    // The expected end: copy B, full tick, the batch, full tick again (same now).
    const notifiers = createNotifiers(config.channels, env);
    const tick = () => evaluateTick({ store: b.store, config, env, notifiers, log: quietLog, now: TICK_AT, kind: 'evaluate' });
    await tick();
    await pushBatch(b.store, city, TICK_AT - 60_000);
    await tick();
    await notifiers.close();
    const expected = await alertSnapshot(b.store);

    service = await startService({ config, configPath: cfg.dir, env, db: a.spec, log: quietLog, cron: false, drainIntervalMs: 60_000, httpPort: 0, clock: () => TICK_AT });
    await service.daemon.fireTick('evaluate', TICK_AT);
    await waitFor('the evaluate tick finished', async () => (await a.store.runs.recentRuns(1, 'evaluate'))[0]?.status === 'done', 60_000);
    const before = await alertSnapshot(a.store);
    expect(JSON.stringify([...before].sort())).not.toEqual(JSON.stringify([...expected].sort()));

    const res = await service.app!.inject({ method: 'POST', url: '/api/v1/meetings', headers: { authorization: `Bearer ${TOKEN}` }, payload: city.batch });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ table: 'meetings', rows: city.batch.length });

    const same = async () => JSON.stringify([...(await alertSnapshot(a.store))].sort()) === JSON.stringify([...expected].sort());
    await waitFor('the re-evaluation job brought the alerts where a full tick brings them', same, 60_000);
    const after = await alertSnapshot(a.store);
    for (const [k, v] of expected) expect({ k, v: after.get(k) }).toEqual({ k, v });
    // Still one evaluate run: the push did not start a full check.
    expect((await a.store.runs.recentRuns(10, 'evaluate')).length).toBe(1);
  }, 240_000);
});
