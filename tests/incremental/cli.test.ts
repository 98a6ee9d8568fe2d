/**
 * `orglife import --reevaluate` (the real CLI, no daemon): after the import it re-evaluates the
 * branches the import touched in its own process, and the alerts end where a full evaluate tick at
 * the same time (--at) leaves a second copy of the city.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { CONFIG_DIR, shippedConfig } from '../helpers/config.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { quietLog, testEnv } from '../jobs/setup.js';
import { alertSnapshot, importCity, pushBatch, splitCity } from './helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const T0 = Date.parse('2026-11-20T09:00:00+08:00');

describe('orglife import --reevaluate', () => {
  let a: TempStore;
  let b: TempStore;
  beforeEach(async () => {
    [a, b] = await Promise.all([tempStore(), tempStore()]);
  });
  afterEach(async () => Promise.all([a.cleanup(), b.cleanup()]));

  it('re-evaluates the touched branches as a full check at --at would', async () => {
    const config = shippedConfig();
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix: 'incremental-cli' });
    const notifiers = createNotifiers(config.channels, env);
    const tick = (t: TempStore) => evaluateTick({ store: t.store, config, env, notifiers, log: quietLog, now: T0, kind: 'evaluate' });
    const city = splitCity(3, 60, 80, '2026-11-20');
    for (const t of [a, b]) {
      await importCity(t.store, city, T0 - 3_600_000);
      await tick(t);
    }
    await pushBatch(b.store, city, T0 - 60_000);
    await tick(b);
    await notifiers.close();

    const file = join(a.dir, 'batch.ndjson');
    writeFileSync(file, city.batch.map((m) => JSON.stringify(m)).join('\n') + '\n');
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'import', '--reevaluate', '--at', '2026-11-20T09:00', file], {
      env: { ...process.env, ORGLIFE_DB: a.spec, ORGLIFE_CONFIG: CONFIG_DIR },
    });
    expect(stdout).toMatch(/已重新评估 \d+ 个支部/);
    const expected = await alertSnapshot(b.store);
    const got = await alertSnapshot(a.store);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, v] of expected) expect({ k, v: got.get(k) }).toEqual({ k, v });
  }, 240_000);
});
