import { afterEach, describe, expect, it } from 'vitest';
import { parseApiTokens } from '../../src/api/auth.js';
import { openApiPath } from '../../src/api/openapi.js';
import { pingClient, readinessProbes } from '../../src/api/probes.js';
import { allowedEvaluationAgeMs, evaluationFreshness } from '../../src/api/readiness.js';
import { buildApi } from '../../src/api/server.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore } from '../helpers/store.js';
import { freePort } from '../helpers/redis.js';
import { NOW, quietLog, startTestApi, TOKENS_ENV, type TestApi } from './setup.js';

const HOUR = 3600_000;

let t: TestApi | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('/openapi.json', () => {
  it('documents exactly the routes the server registered, each with its scope and error answers', async () => {
    t = await startTestApi();
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const registered = t.app.registeredRoutes.map((r) => `${r.method} ${openApiPath(r.url)}`);
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
    const ingest = doc.paths['/api/v1/meetings'].post;
    expect(ingest['x-required-scope']).toBe('ingest');
    expect(Object.keys(ingest.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '413', '422', '429']));
    expect(doc.paths['/api/v1/alerts/{id}/acknowledge'].post.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
  });
});

describe('/healthz and /readyz', () => {
  it('says alive, and ready when Redis, SQLite and workers answer before the first evaluation is due', async () => {
    t = await startTestApi();
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', checks: { redis: { ok: true }, sqlite: { ok: true }, workers: { ok: true }, evaluation: { ok: true } } });
    // It names the store it uses (kind and where; a URL's password would be masked).
    expect(res.json().store).toMatchObject({ kind: t.tmp.store.kind });
    expect(res.json().store.url).toMatch(/orglife/); // the SQLite file or the PostgreSQL database of the test
  });

  it('is not ready when Redis does not answer or the workers are stopped, and says which', async () => {
    const tmp = await tempStore();
    const config = shippedConfig();
    const deadRedis = pingClient(`redis://127.0.0.1:${await freePort()}`);
    let workers = true;
    const app = await buildApi(
      {
        store: tmp.store,
        config: () => config,
        tokens: parseApiTokens(TOKENS_ENV),
        log: quietLog,
        clock: () => NOW,
        readiness: readinessProbes({ store: () => tmp.store, redis: deadRedis, workersRunning: () => workers, evaluateCron: () => '30 8 * * *', startedAt: NOW, now: () => NOW }),
      },
      { bodyLimitBytes: 1 << 20, rateLimitPerMinute: 100 },
    );
    try {
      const down = await app.inject({ method: 'GET', url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 'not_ready', checks: { redis: { ok: false }, sqlite: { ok: true } } });
      workers = false;
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks.workers.ok).toBe(false);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/orglife_dependency_up\{dependency="redis"\} 0/);
    } finally {
      await app.close();
      await deadRedis.close();
      await tmp.cleanup();
    }
  });

  it('is not ready once the last evaluation is older than the schedule allows, and ready again after a new one', async () => {
    t = await startTestApi({ startedAt: NOW - 100 * HOUR });
    const runs = t.tmp.store.runs;
    const run = async (finishedAt: number) => runs.finishRun(await runs.startRun({ kind: 'evaluate', trigger: 'tick', asOf: finishedAt, now: finishedAt }), { status: 'done', now: finishedAt });
    await run(NOW - 30 * HOUR);
    const stale = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(stale.statusCode).toBe(503);
    expect(stale.json().checks.evaluation).toMatchObject({ ok: false, ageSeconds: 30 * 3600, allowedAgeSeconds: 24 * 3600 + 15 * 60 });
    await run(NOW - HOUR);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('the allowed age of the last evaluation', () => {
  it('is one interval of the evaluate cron plus 15 minutes', () => {
    expect(allowedEvaluationAgeMs('30 8 * * *', NOW)).toBe(24 * HOUR + 15 * 60_000);
    expect(allowedEvaluationAgeMs('*/10 * * * *', NOW)).toBe(10 * 60_000 + 15 * 60_000);
    // Working days only: on a Monday morning the last interval spans the weekend.
    const monday = Date.parse('2026-11-30T09:00:00+08:00');
    expect(allowedEvaluationAgeMs('30 8 * * 1-5', monday)).toBe(72 * HOUR + 15 * 60_000);
  });

  it('accepts a recent evaluation and a fresh start without one, and rejects a stale or missing one', () => {
    expect(evaluationFreshness('30 8 * * *', NOW - 23 * HOUR, NOW - 100 * HOUR, NOW).ok).toBe(true);
    expect(evaluationFreshness('30 8 * * *', NOW - 25 * HOUR, NOW - 100 * HOUR, NOW).ok).toBe(false);
    expect(evaluationFreshness('30 8 * * *', null, NOW - HOUR, NOW).ok).toBe(true);
    expect(evaluationFreshness('30 8 * * *', null, NOW - 30 * HOUR, NOW).ok).toBe(false);
  });
});
