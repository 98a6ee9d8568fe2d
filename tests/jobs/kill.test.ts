/**
 * A real `orglife daemon` child process killed with SIGKILL in the middle of dispatch, then
 * restarted: every message reaches the providers exactly once.
 *
 * What "exactly once" can mean here: the SMS gateway has no idempotency key, so we count what it
 * accepted. The gate in front of it holds requests once closed, so at the kill every request is in
 * one of two states: ANSWERED (the provider accepted it, and we wait until the daemon has recorded
 * it as sent) or HELD (never reached the provider; the kill drops it). The one state we exclude on
 * purpose is "provider accepted, markSent not yet committed": a kill inside that window (one SQLite
 * write after the answer) sends the message again after restart — the documented at-least-once window.
 * Mail goes straight to the SMTP server (not gated), so the test lets it finish before the kill: a
 * kill while a mail is in its DATA phase would hit that same window (the server stored the mail, the
 * daemon had not yet heard "250 OK") — a first version of this test showed exactly one such duplicate.
 */
import { BATCH_PARALLEL } from '../../src/jobs/queues.js';
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
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { startGate, type Gate } from './gate.js';
import { seedCity } from './seed.js';
import { quietLog, testEnv, waitFor } from './setup.js';

/** p, or a rejection naming what was awaited once timeoutMs has passed. */
function bounded<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const BRANCHES = 30;

describe('a daemon killed with SIGKILL mid-dispatch and restarted', () => {
  let tdb: TempStore;
  let prefix: string;
  let smtp: SmtpStandin;
  let sms: HttpStandin;
  let gate: Gate;
  let configFile: string;
  const children: ChildProcess[] = [];

  /** Start `orglife daemon` as a separate process with short locks and leases (test timings). */
  const spawnDaemon = () => {
    const child = spawn(process.execPath, [BIN, 'daemon', '--lock-ms', '1000', '--claim-lease-ms', '1500', '--drain-interval-ms', '200', '--shutdown-timeout-ms', '5000'], {
      env: {
        ...process.env,
        ORGLIFE_DB: tdb.spec,
        ORGLIFE_CONFIG: configFile,
        REDIS_URL: SHARED_REDIS_URL,
        ORGLIFE_QUEUE_PREFIX: prefix,
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'info', // shown when a step times out: what the daemon did, up to where it stopped
        ORGLIFE_HTTP_PORT: '0', // the service's HTTP API: any free port, so parallel runs never collide
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    Object.defineProperty(child, 'log', { get: () => stderr });
    children.push(child);
    return child;
  };
  /** The child's exit, or a rejection after timeoutMs (the watchdog of a SIGTERM'd daemon ends it well before). */
  const exited = (c: ChildProcess, timeoutMs = 60_000) =>
    bounded(
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        c.exitCode !== null || c.signalCode !== null ? r({ code: c.exitCode, signal: c.signalCode }) : c.once('exit', (code, signal) => r({ code, signal })),
      ),
      timeoutMs,
      'the daemon to exit',
    );
  // Every read is bounded: a store read stuck behind a lock fails the step that made it, by name,
  // instead of running into the test's own timeout with nothing said.
  const listDeliveries = () => bounded(tdb.store.deliveries.list(), 10_000, 'the test store to list deliveries');
  const sentSms = async () => (await listDeliveries()).filter((d) => d.channel === 'http_sms' && d.status === 'sent').length;

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('kill');
    smtp = await startSmtpServer();
    sms = await startHttpStandin();
    gate = await startGate(sms.port);
    configFile = join(tdb.dir, 'orglife.yaml');
    writeFileSync(
      configFile,
      [
        'channels:',
        '  sms_provider: http_sms',
        `  http_sms: { enabled: true, url: "${gate.url}/sms/send" }`,
        'delivery:',
        '  attempts: 5',
        '  backoff_ms: 100',
        // Any time of any day: the child runs on the real clock, whatever day the tests run.
        "  quiet_hours: { start: '00:00', end: '00:00', working_days_only: false }",
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([smtp.close(), sms.close(), gate.shutdown()]);
    await tdb.cleanup();
  });

  it('delivers every SMS and mail exactly once after the restart', async () => {
    await seedCity(
      tdb.store,
      Array.from({ length: BRANCHES }, (_, i) => ({
        code: `B${String(i + 1).padStart(2, '0')}`,
        secretaryPhone: `1370000${String(i + 1).padStart(4, '0')}`,
        secretaryEmail: `sec${i + 1}@example.cn`,
      })),
    );
    // Plan the deliveries as the evaluate tick does, with the child's config; the child only dispatches.
    const { config } = loadConfig(configFile);
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url });
    const notifiers = createNotifiers(config.channels, env);
    const stats = await evaluateTick({ store: tdb.store, config, env, notifiers, log: quietLog, now: Date.now(), kind: 'evaluate' });
    await notifiers.close();
    expect(stats.plan).toMatchObject({ deliveries: BRANCHES * 2 });

    // The gate holds every SMS request; 10 are let through to the gateway, which accepts them.
    gate.close();
    const first = spawnDaemon();
    const started = Date.now();
    const withLog = <T>(p: Promise<T>, c: ChildProcess = first) =>
      p.catch((e: Error) =>
        Promise.reject(new Error(`${e.message} (at ${((Date.now() - started) / 1000).toFixed(1)} s into the test)\n--- daemon stderr ---\n${(c as unknown as { log: string }).log.slice(-5000)}`)),
      );
    // The 30 SMS are one batch job sending BATCH_PARALLEL (16) at a time: a round of 16 held.
    await withLog(waitFor('SMS requests held at the closed gate', () => gate.holding() >= BATCH_PARALLEL, 60_000)); // start-up, the tick and the plan: cold start of the CLI on a loaded 2-core machine
    expect(gate.admit(10)).toBe(10);
    await withLog(waitFor('the 10 accepted SMS recorded as sent', async () => sms.requestsTo('http_sms').length === 10 && (await sentSms()) === 10));
    const accepted = 10;
    // Mail is not gated: let it finish, so the kill hits SMS requests only (see the note above).
    await withLog(waitFor('every mail recorded as sent', async () => (await listDeliveries()).filter((d) => d.channel === 'email').every((d) => d.status === 'sent'), 20_000));
    expect(gate.holding()).toBeGreaterThan(0);
    first.kill('SIGKILL');
    expect(await withLog(exited(first))).toMatchObject({ signal: 'SIGKILL' });
    expect(sms.requestsTo('http_sms')).toHaveLength(accepted);
    expect(await sentSms()).toBe(accepted);
    expect(accepted).toBeLessThan(BRANCHES);

    gate.dropAllAndOpen();
    const second = spawnDaemon();
    await withLog(waitFor('every delivery sent after the restart', async () => (await listDeliveries()).every((d) => d.status === 'sent'), 45_000), second);

    const perPhone = new Map<string, number>();
    for (const r of sms.requestsTo('http_sms')) perPhone.set(r.json.phone, (perPhone.get(r.json.phone) ?? 0) + 1);
    expect(perPhone.size).toBe(BRANCHES);
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    const mails = await withLog(smtp.waitForMessages(BRANCHES, 15_000), second);
    expect(new Set(mails.map((m) => m.envelope.to[0])).size).toBe(BRANCHES);
    expect(mails).toHaveLength(BRANCHES);

    // And it shuts down gracefully on SIGTERM.
    second.kill('SIGTERM');
    expect(await withLog(exited(second), second)).toEqual({ code: 0, signal: null });
  }, 260_000); // above the sum of the steps' own bounds (60+10+20+60+45+15+60 s), so a slow step fails by its name with the daemon's log
});
