import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app/daemon.js';
import { loadConfig } from '../../src/config/load.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { cleanupPrefix, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { quietLog, testEnv, waitFor } from '../jobs/setup.js';
import { ANY_TIME, configDir, seedTown, TICK_AT } from './setup.js';

const TOKENS = 'ops:admin:admin-token-0123456789abcdef';

describe('the service (daemon + HTTP API) in one process', () => {
  let tdb: TempStore;
  let prefix: string;
  let smtp: SmtpStandin;
  let cfg: ReturnType<typeof configDir>;
  let service: Service | undefined;

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('ops');
    smtp = await startSmtpServer();
    cfg = configDir(ANY_TIME);
    await seedTown(tdb.store, 3);
    service = await startService({
      config: loadConfig(cfg.dir).config,
      configPath: cfg.dir,
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url, extra: { ORGLIFE_API_TOKENS: TOKENS } }),
      db: tdb.spec,
      log: quietLog,
      cron: false,
      drainIntervalMs: 200,
      httpPort: 0,
    });
  });
  afterEach(async () => {
    await service?.stop();
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await smtp.close();
    cfg.cleanup();
    await tdb.cleanup();
  });

  const metrics = async () => (await service!.app!.inject({ method: 'GET', url: '/metrics' })).body;

  it('publishes findings, open alerts, sent messages, queue depths and the last evaluation after a cycle', async () => {
    expect(service!.address?.port).toBeGreaterThan(0);
    await service!.daemon.fireTick('evaluate', TICK_AT);
    await waitFor('the evaluate run finished', async () => (await tdb.store.runs.recentRuns(1, 'evaluate'))[0]?.status === 'done', 20_000);
    await waitFor('every planned email sent', async () => {
      const d = await tdb.store.deliveries.list();
      return d.length > 0 && d.every((x) => x.status === 'sent');
    }, 20_000);
    const sent = (await tdb.store.deliveries.list()).length;

    const text = await metrics();
    expect(text).toMatch(/^orglife_findings\{level="(reminder|warning|escalation)",rule="committee-monthly"\} [1-9]/m);
    expect(text).toMatch(/^orglife_open_alerts\{level="\w+",state="open"\} [1-9]/m);
    expect(text).toMatch(new RegExp(`^orglife_messages_sent_total\\{channel="email"\\} ${sent}$`, 'm'));
    expect(text).toMatch(/^orglife_queue_jobs\{queue="ticks",state="waiting"\} 0$/m);
    expect(text).toMatch(/^orglife_evaluations_total\{result="success"\} 1$/m);
    const ts = Number(/^orglife_last_evaluation_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
    expect(ts).toBeGreaterThan(TICK_AT / 1000);
    expect(text).toMatch(/^orglife_last_evaluation_duration_seconds \d/m);

    const ready = await service!.app!.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { evaluation: { ok: true } } });
  });

  it('keeps the running configuration when the new one is invalid, and swaps in a valid one with its schedules', async () => {
    const before = service!.daemon;
    cfg.write(`${ANY_TIME}schedules:\n  evaluate: "every morning"\nrules:\n  committee-monthly: { min_count: -1 }\n`);
    const bad = await service!.reload();
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['schedules.evaluate', 'rules.committee-monthly.min_count']));
    expect(service!.daemon).toBe(before);
    expect(service!.config.schedules.evaluate).toBe('30 8 * * *');

    cfg.write(`${ANY_TIME}schedules:\n  evaluate: "0 7 * * 1-5"\n`);
    const good = await service!.reload();
    expect(good).toMatchObject({ ok: true });
    expect(service!.config.schedules.evaluate).toBe('0 7 * * 1-5');
    expect(service!.daemon).not.toBe(before);

    // The new daemon runs: a tick fired now is done by its workers.
    await service!.daemon.fireTick('evaluate', TICK_AT);
    await waitFor('the evaluate run after the reload finished', async () => (await tdb.store.runs.recentRuns(1, 'evaluate'))[0]?.status === 'done', 20_000);

    const text = await metrics();
    expect(text).toMatch(/^orglife_config_reloads_total\{result="failure"\} 1$/m);
    expect(text).toMatch(/^orglife_config_reloads_total\{result="success"\} 1$/m);
  });

  it('reloads through POST /api/v1/admin/reload and answers 422 with every error for a bad file', async () => {
    const headers = { authorization: 'Bearer admin-token-0123456789abcdef' };
    cfg.write('alerts:\n  max_repeats: many\n');
    const bad = await service!.app!.inject({ method: 'POST', url: '/api/v1/admin/reload', headers });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'invalid_config', details: [expect.objectContaining({ path: 'alerts.max_repeats', line: 2 })] });
    cfg.write(ANY_TIME);
    const good = await service!.app!.inject({ method: 'POST', url: '/api/v1/admin/reload', headers });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ status: 'reloaded' });
  });
});

describe('the service after a restart', () => {
  it('reports the last evaluation stored in the database before its first cycle', async () => {
    const tdb = await tempStore();
    const prefix = uniquePrefix('ops');
    const cfg = configDir(ANY_TIME);
    const finishedAt = Date.parse('2026-11-27T08:30:42+08:00');
    const runId = await tdb.store.runs.startRun({ kind: 'evaluate', trigger: 'tick', asOf: finishedAt - 42_000, now: finishedAt - 12_000 });
    await tdb.store.runs.finishRun(runId, { status: 'done', now: finishedAt });
    const service = await startService({
      config: loadConfig(cfg.dir).config,
      configPath: cfg.dir,
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix }),
      db: tdb.spec,
      log: quietLog,
      cron: false,
      httpPort: 0,
    });
    try {
      const text = (await service.app!.inject({ method: 'GET', url: '/metrics' })).body;
      expect(text).toMatch(new RegExp(`^orglife_last_evaluation_timestamp_seconds ${finishedAt / 1000}$`, 'm'));
      expect(text).toMatch(/^orglife_last_evaluation_duration_seconds 12$/m);
    } finally {
      await service.stop();
      await cleanupPrefix(SHARED_REDIS_URL, prefix);
      cfg.cleanup();
      await tdb.cleanup();
    }
  });
});
