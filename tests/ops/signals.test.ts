import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/jobs/daemon.js';
import { TICK_HANDLERS } from '../../src/jobs/kinds.js';
import { channelLimits } from '../../src/jobs/queues.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { cleanupPrefix, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { quietLog, testEnv, waitFor } from '../jobs/setup.js';
import { startHeldSmtp, type HeldSmtp } from './held-smtp.js';
import { ANY_TIME, BIN, configDir, logLines, seedTown, TICK_AT } from './setup.js';

interface Child {
  proc: ChildProcess;
  log(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('orglife daemon as a process', () => {
  let tdb: TempStore;
  let prefix: string;
  let smtp: HeldSmtp;
  let cfg: ReturnType<typeof configDir>;
  const children: ChildProcess[] = [];

  const spawnDaemon = (): Child => {
    const proc = spawn(process.execPath, [BIN, 'daemon', '--drain-interval-ms', '200'], {
      env: {
        ...process.env,
        ORGLIFE_DB: tdb.spec,
        ORGLIFE_CONFIG: cfg.dir,
        REDIS_URL: SHARED_REDIS_URL,
        ORGLIFE_QUEUE_PREFIX: prefix,
        SMTP_URL: smtp.url,
        ORGLIFE_HTTP_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(proc);
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    return { proc, log: () => logLines(stderr), exited };
  };
  const logged = async (c: Child, msg: string): Promise<Record<string, unknown>> => {
    try {
      return (await waitFor(`log line "${msg}"`, () => c.log().find((l) => String(l.msg).startsWith(msg)), 30_000))!;
    } catch (e) {
      // Say what the daemon did log: a bare timeout hides why.
      throw new Error(`${(e as Error).message}; the daemon logged: ${c.log().slice(-8).map((l) => `${String(l.msg)}${l.err ? ` (${JSON.stringify(l.err).slice(0, 200)})` : ''}`).join(' | ')}`);
    }
  };

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('signals');
    smtp = await startHeldSmtp();
    cfg = configDir(ANY_TIME);
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await smtp.close();
    cfg.cleanup();
    await tdb.cleanup();
  });

  it('finishes the in-flight deliveries on SIGTERM, exits 0, and leaves the rest pending for the next start', async () => {
    await seedTown(tdb.store, 8);
    const { config } = loadConfig(cfg.dir);
    const env = testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url });
    const notifiers = createNotifiers(config.channels, env, { log: quietLog });
    await TICK_HANDLERS.evaluate!({ store: tdb.store, config, env, notifiers, log: quietLog, now: TICK_AT, kind: 'evaluate' });
    await notifiers.close();
    const planned = await tdb.store.deliveries.list();
    expect(planned.length).toBe(8);

    smtp.hold();
    const first = spawnDaemon();
    // Every slot of the mail worker busy: no further message can be in flight before the signal.
    const slots = channelLimits(config).email.concurrency;
    expect(slots).toBeLessThan(planned.length);
    await waitFor('every mail worker slot in flight at the SMTP server', () => smtp.held() === slots, 30_000);
    first.proc.kill('SIGTERM');
    await logged(first, 'service stopping');
    expect(smtp.accepted).toEqual([]);
    smtp.release();
    expect(await first.exited).toEqual({ code: 0, signal: null });

    // Exactly the in-flight ones finished and were recorded — the stop took no new job while it wound
    // down (the scheduler, a periodic check) —; nothing failed; the SMTP server got exactly those.
    const after = await tdb.store.deliveries.list();
    const sent = after.filter((d) => d.status === 'sent');
    expect(sent.length).toBe(slots);
    expect(after.every((d) => d.status === 'sent' || d.status === 'pending')).toBe(true);
    expect(smtp.accepted).toHaveLength(sent.length);
    expect(first.log().some((l) => l.msg === 'service stopped')).toBe(true);

    // Nothing lost: the next start (in this process, to keep the test short) sends the rest, each recipient once.
    const second = await startDaemon({ config, env, db: tdb.spec, log: quietLog, cron: false, drainIntervalMs: 200 });
    try {
      await waitFor('every delivery sent after the restart', async () => (await tdb.store.deliveries.list()).every((d) => d.status === 'sent'), 30_000);
    } finally {
      await second.stop();
    }
    expect(new Set(smtp.accepted).size).toBe(8);
    expect(smtp.accepted).toHaveLength(8);
  }, 90_000); // a cold start of the CLI (tsx) on a busy 2-core machine

  it('keeps the old configuration on SIGHUP with a bad file and re-arms the schedules with a good one', async () => {
    const child = spawnDaemon();
    const listening = await logged(child, 'HTTP API listening');
    const port = (listening.address as { port: number }).port;

    cfg.write(`${ANY_TIME}schedules:\n  evaluate: "every morning"\n`);
    child.proc.kill('SIGHUP');
    const rejected = await logged(child, 'config reload rejected');
    expect(rejected.issues).toEqual([expect.objectContaining({ path: 'schedules.evaluate', line: 5 })]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    cfg.write(`${ANY_TIME}schedules:\n  evaluate: "0 7 * * 1-5"\n`);
    child.proc.kill('SIGHUP');
    const reloaded = await logged(child, 'configuration reloaded');
    expect(reloaded.schedules).toMatchObject({ evaluate: '0 7 * * 1-5' });
    const armed = child.log().filter((l) => l.msg === 'scheduler started');
    expect(armed.map((l) => (l.schedules as { evaluate: string }).evaluate)).toEqual(['30 8 * * *', '0 7 * * 1-5']);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^orglife_config_reloads_total\{result="failure"\} 1$/m);
    expect(metrics).toMatch(/^orglife_config_reloads_total\{result="success"\} 1$/m);

    child.proc.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
