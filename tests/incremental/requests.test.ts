/**
 * Durable re-evaluation requests (issue 14 item 4): an import commit writes its touched org codes
 * in its own transaction; runners claim them with a lease (never two at once), re-evaluate, and
 * only then delete them. End to end: `orglife import` (the CLI, without --reevaluate) into the
 * database two running daemons use brings the alerts and live figures exactly where a full tick
 * brings them, without a full tick, re-evaluated by one daemon only; a claim whose runner died is
 * taken over when its lease ends.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { importRecords } from '../../src/import/index.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { startDaemon, type DaemonHandle } from '../../src/jobs/daemon.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Store } from '../../src/store/port.js';
import { cleanupPrefix, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { quietLog, testEnv, waitFor } from '../jobs/setup.js';
import { ANY_TIME, BIN, configDir, TICK_AT } from '../ops/setup.js';
import { alertSnapshot, importCity, pushBatch, splitCity, type SplitCity } from './helpers.js';

const sorted = (m: Map<string, unknown>) => JSON.stringify([...m].sort());

describe('reevaluations repo: claim, lease, done', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => t?.cleanup());

  it('an import commit writes its touched orgs; a rolled-back or unchanged import writes none', async () => {
    const rows = [
      { code: 'C1', name: '镇党委', kind: 'committee', parent: '' },
      { code: 'B1', name: '一支部', kind: 'branch', parent: 'C1', domain: 'community', members: 20, established_on: '2020-01-01' },
    ];
    await importRecords(t.store, 'orgs', rows, 'test', { now: TICK_AT });
    const c = await t.store.reevaluations.claim({ owner: 'x', now: TICK_AT, leaseMs: 1000 });
    expect(c).toMatchObject({ orgs: ['B1', 'C1'], attempts: 1 });
    expect(await t.store.reevaluations.done('x', c!.ids)).toBe(1);
    await importRecords(t.store, 'orgs', rows, 'test', { now: TICK_AT }); // unchanged: touches nothing
    // A rejected import (one bad row) writes nothing, its request neither.
    await expect(importRecords(t.store, 'orgs', [{ code: 'B2', name: '二支部', kind: 'branch', parent: 'C1', domain: 'community', members: 20 }, { code: 'B3', name: '', kind: 'nonsense', parent: 'C1' }], 'test', { now: TICK_AT })).rejects.toThrow();
    expect(await t.store.reevaluations.pending(TICK_AT)).toBe(0);
    expect(await t.store.reevaluations.claim({ owner: 'x', now: TICK_AT, leaseMs: 1000 })).toBeNull();
  });

  it('two claimers never hold the same request; done deletes only its own; a lapsed claim is taken over', async () => {
    for (let i = 0; i < 6; i++) await t.store.reevaluations.request([`B${i}`], TICK_AT);
    const [a, b] = await Promise.all([
      t.store.reevaluations.claim({ owner: 'a', now: TICK_AT, leaseMs: 1000, limit: 4 }),
      t.store.reevaluations.claim({ owner: 'b', now: TICK_AT, leaseMs: 1000, limit: 4 }),
    ]);
    const ids = [...(a?.ids ?? []), ...(b?.ids ?? [])];
    expect(new Set(ids).size).toBe(ids.length); // disjoint
    expect(ids.length).toBe(6);
    expect(await t.store.reevaluations.pending(TICK_AT + 999)).toBe(0);
    // 'b' cannot delete 'a''s requests.
    expect(await t.store.reevaluations.done('b', a!.ids)).toBe(0);
    // a's lease lapses (it died): c takes its requests over, a second attempt; a's late done deletes nothing.
    expect(await t.store.reevaluations.pending(TICK_AT + 1000)).toBe(6);
    expect(await t.store.reevaluations.done('b', b!.ids)).toBe(b!.ids.length);
    const c = await t.store.reevaluations.claim({ owner: 'c', now: TICK_AT + 1000, leaseMs: 1000 });
    expect(c).toMatchObject({ ids: a!.ids, attempts: 2 });
    expect(await t.store.reevaluations.done('a', a!.ids)).toBe(0);
    expect(await t.store.reevaluations.done('c', c!.ids)).toBe(a!.ids.length);
    expect(await t.store.reevaluations.pending(TICK_AT + 5000)).toBe(0);
  });
});

describe('a CLI import into the database of running daemons is re-evaluated by one of them', () => {
  let a: TempStore;
  let b: TempStore;
  let cfg: ReturnType<typeof configDir>;
  let dir: string;
  const prefixes: string[] = [];
  const daemons: DaemonHandle[] = [];

  beforeEach(async () => {
    [a, b] = await Promise.all([tempStore(), tempStore()]);
    cfg = configDir(ANY_TIME);
    dir = mkdtempSync(join(tmpdir(), 'orglife-requests-'));
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop()));
    for (const p of prefixes.splice(0)) await cleanupPrefix(SHARED_REDIS_URL, p);
    cfg.cleanup();
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([a.cleanup(), b.cleanup()]);
  });

  /** Both copies imported and ticked; copy B also gets the batch and a full tick: the expected end. */
  async function prepare(city: SplitCity) {
    const config = loadConfig(cfg.dir).config;
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix: uniquePrefix('unused') });
    const notifiers = createNotifiers(config.channels, env);
    const tick = (s: Store) => evaluateTick({ store: s, config, env, notifiers, log: quietLog, now: TICK_AT, kind: 'evaluate' });
    for (const t of [a, b]) {
      await importCity(t.store, city, TICK_AT - 3_600_000);
      await tick(t.store); // also takes the imports' own requests
    }
    await pushBatch(b.store, city, TICK_AT - 60_000);
    await tick(b.store);
    await notifiers.close();
    expect(await a.store.reevaluations.pending(Date.now())).toBe(0);
    return { config, expected: await alertSnapshot(b.store), expectedLive: await b.store.live.list() };
  }

  /** A daemon on copy A's database (its own connection), its queue prefix of its own, logging re-evaluations into `runs`. */
  async function daemon(config: ReturnType<typeof loadConfig>['config'], runs: Record<string, unknown>[], leaseMs?: number) {
    const prefix = uniquePrefix('requests');
    prefixes.push(prefix);
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const line of chunk.toString().split('\n')) if (line.includes('touched branches re-evaluated')) runs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const d = await startDaemon({
      config,
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix }),
      db: a.spec,
      log: createLogger({ level: 'info', destination: sink }),
      cron: false,
      drainIntervalMs: 60_000,
      reevaluatePollMs: 100,
      clock: () => TICK_AT,
      ...(leaseMs ? { reevaluateLeaseMs: leaseMs } : {}),
    });
    daemons.push(d);
    return d;
  }

  it('orglife import (no --reevaluate) → alerts and live figures as a full tick leaves them, no full tick, one daemon re-evaluates', async () => {
    const city = splitCity(5, 60, 80, '2026-11-27');
    const { config, expected, expectedLive } = await prepare(city);
    const before = await alertSnapshot(a.store);
    expect(sorted(before)).not.toEqual(sorted(expected));
    // Two daemons on the same database with separate queues (as after a Redis split or restart):
    // only the store's claim keeps them from both re-evaluating the import.
    const runs: Record<string, unknown>[] = [];
    await daemon(config, runs);
    await daemon(config, runs);

    const file = join(dir, 'batch.ndjson');
    writeFileSync(file, city.batch.map((m) => JSON.stringify(m)).join('\n') + '\n');
    const r = spawnSync(process.execPath, [BIN, 'import', file], { env: { ...process.env, ORGLIFE_DB: a.spec }, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);

    await waitFor('a daemon re-evaluated the import', async () => sorted(await alertSnapshot(a.store)) === sorted(expected), 60_000);
    await waitFor('the request is deleted', async () => (await a.store.reevaluations.pending(Date.now() + 3_600_000)) === 0, 10_000);
    expect(await a.store.live.list()).toEqual(expectedLive);
    // Give the other daemon's poll time to (not) act, then count.
    await new Promise((res) => setTimeout(res, 500));
    const withRequests = runs.filter((x) => (x.requests as number) > 0);
    expect(withRequests.length).toBe(1);
    expect(withRequests[0]!.requests).toBe(1);
    expect((await a.store.runs.recentRuns(10, 'evaluate')).length).toBe(0); // no full tick ran
  }, 240_000);

  it('a claim whose runner died before done is taken over when its lease ends', async () => {
    const city = splitCity(9, 50, 60, '2026-11-27');
    const { config, expected } = await prepare(city);
    await pushBatch(a.store, city, TICK_AT - 60_000); // commits the request; nobody re-evaluates yet
    // A runner claims it and dies (no done).
    const claimed = await a.store.reevaluations.claim({ owner: 'dead-daemon', now: Date.now(), leaseMs: 2500 });
    expect(claimed?.ids.length).toBe(1);
    const runs: Record<string, unknown>[] = [];
    const t0 = Date.now();
    await daemon(config, runs, 60_000);
    await waitFor('the lapsed claim was taken over and re-evaluated', async () => sorted(await alertSnapshot(a.store)) === sorted(expected), 60_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500); // not before the lease lapsed
    await waitFor('the run logged', () => runs.some((x) => (x.requests as number) > 0), 10_000);
    expect(runs.filter((x) => (x.requests as number) > 0).length).toBe(1);
    expect(await a.store.reevaluations.pending(Date.now() + 3_600_000)).toBe(0);
  }, 240_000);
});
