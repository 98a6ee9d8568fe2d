/**
 * An import running while the daemon sends: a long `orglife import` holds the database's write lock
 * (SQLite) for the length of its file, and the daemon marks messages sent meanwhile. A provider that
 * accepted a message must never be sent it again: the sent-mark waits for the lock (retried, not
 * dropped) instead of failing the job into a resend. On PostgreSQL (tempStore() with
 * ORGLIFE_TEST_STORE=postgres) the import holds row locks only and the sent-marks go through.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startGate, type Gate } from './gate.js';
import { seedCity } from './seed.js';
import { quietLog, testEnv, waitFor } from './setup.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orglife.js');
const BRANCHES = 8;
/** Longer than SQLite's busy_timeout (5 s): the window of the bug. */
const HOLD_MS = 7_000;
/**
 * Claims outlive the time a request waits at the closed gate (a slow start of the importer on a busy
 * machine), so only a failed sent-mark can lead to a second send: after this lease.
 */
const LEASE_MS = 20_000;

describe('an import while deliveries are being sent', () => {
  let tdb: TempStore;
  let prefix: string;
  let sms: HttpStandin;
  let gate: Gate;
  let configFile: string;
  const children: ChildProcess[] = [];

  const spawnLogged = (args: string[], env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    Object.defineProperty(child, 'out', { get: () => out });
    children.push(child);
    return child as ChildProcess & { out: string };
  };

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('impwin');
    sms = await startHttpStandin();
    gate = await startGate(sms.port);
    configFile = join(tdb.dir, 'orglife.yaml');
    writeFileSync(
      configFile,
      [
        'channels:',
        '  sms_provider: http_sms',
        `  http_sms: { enabled: true, url: "${gate.url}/sms/send", timeout_ms: 60000 }`,
        'delivery:',
        '  attempts: 5',
        '  backoff_ms: 100',
        "  quiet_hours: { start: '00:00', end: '00:00', working_days_only: false }",
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([sms.close(), gate.shutdown()]);
    await tdb.cleanup();
  });

  it('sends every message exactly once though the sent-marks wait for the import to commit', async () => {
    await seedCity(
      tdb.store,
      Array.from({ length: BRANCHES }, (_, i) => ({ code: `B${String(i + 1).padStart(2, '0')}`, secretaryPhone: `1370000${String(i + 1).padStart(4, '0')}` })),
    );
    const { config } = loadConfig(configFile);
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix });
    const notifiers = createNotifiers(config.channels, env);
    const stats = await evaluateTick({ store: tdb.store, config, env, notifiers, log: quietLog, now: Date.now(), kind: 'evaluate' });
    await notifiers.close();
    expect(stats.plan).toMatchObject({ deliveries: BRANCHES });

    // Every SMS request waits at the closed gate: none has reached the provider yet.
    gate.close();
    const daemon = spawnLogged([BIN, 'daemon', '--claim-lease-ms', String(LEASE_MS), '--drain-interval-ms', '200'], {
      ORGLIFE_DB: tdb.spec,
      ORGLIFE_CONFIG: configFile,
      REDIS_URL: SHARED_REDIS_URL,
      ORGLIFE_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ORGLIFE_HTTP_PORT: '0',
    });
    const withLog = <T>(p: Promise<T>) => p.catch((e: Error) => Promise.reject(new Error(`${e.message}\n--- daemon ---\n${daemon.out.slice(-4000)}`)));
    await withLog(waitFor('SMS requests held at the gate', () => gate.holding() >= BRANCHES, 60_000));

    // An import takes the write lock and keeps it (a long file); meanwhile the provider accepts every SMS.
    const meetings = join(tdb.dir, 'meetings.csv');
    writeFileSync(meetings, ['id,org,type,held_at,expected,attended', ...Array.from({ length: BRANCHES }, (_, i) => `M${i},B${String(i + 1).padStart(2, '0')},committee,2026-10-10 09:00,5,5`), ''].join('\n'));
    const importer = spawnLogged(['--import', 'tsx', join(ROOT, 'tests/jobs/hold-import.ts'), tdb.spec, meetings, String(HOLD_MS)], {});
    await waitFor('the import holding its transaction', () => importer.out.includes('holding'), 30_000);
    gate.open();
    await waitFor('the provider accepted every SMS', () => sms.requestsTo('http_sms').length >= BRANCHES, 10_000);

    await waitFor('the import committed', () => importer.out.includes('imported'), 30_000);
    expect(importer.out).toContain('imported meetings:8');
    await withLog(waitFor('every delivery recorded as sent', async () => (await tdb.store.deliveries.list()).every((d) => d.status === 'sent'), LEASE_MS + 30_000));
    // Time for a wrongly failed sent-mark to come back as a resend, once its claim expired.
    await new Promise((r) => setTimeout(r, 2_000));

    const perPhone = new Map<string, number>();
    for (const r of sms.requestsTo('http_sms')) perPhone.set(r.json.phone, (perPhone.get(r.json.phone) ?? 0) + 1);
    expect(perPhone.size).toBe(BRANCHES);
    if ([...perPhone.values()].some((n) => n !== 1)) console.log(daemon.out.slice(-12000));
    expect([...perPhone.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(await tdb.store.facts.countMeetings()).toBe(BRANCHES);
  }, 180_000);
});
