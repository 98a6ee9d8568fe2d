/**
 * SIGTERM stops a running `orglife daemon` in bounded time even when what it talks to is gone
 * (issue 12): Redis killed under it (BullMQ's close would wait for Redis forever), or an SMTP
 * server that accepted the connection and never answers (a send in flight that cannot finish).
 * Nothing is lost: a send cut short stays pending in the store for the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testStoreKind } from '../helpers/pg.js';
import { SHARED_REDIS_URL, cleanupPrefix, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { waitFor } from '../jobs/setup.js';
import { ANY_TIME, BIN, configDir, logLines } from './setup.js';

interface Child {
  proc: ChildProcess;
  log(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A TCP server that accepts connections and never says a word (an SMTP server that hangs). */
async function silentServer(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe(`SIGTERM while a dependency is down (${testStoreKind()} store)`, () => {
  let t: TempStore;
  let cfg: ReturnType<typeof configDir>;
  let prefix: string;
  const children: ChildProcess[] = [];

  const spawnDaemon = (env: Record<string, string>): Child => {
    const proc = spawn(process.execPath, [BIN, 'daemon', '--shutdown-timeout-ms', '2000', '--drain-interval-ms', '200'], {
      env: { ...process.env, ORGLIFE_DB: t.spec, ORGLIFE_CONFIG: cfg.dir, ORGLIFE_QUEUE_PREFIX: prefix, ORGLIFE_HTTP_PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(proc);
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    return { proc, log: () => logLines(stderr), exited };
  };
  const logged = (c: Child, msg: string) => waitFor(`log line "${msg}"`, () => c.log().find((l) => String(l.msg).startsWith(msg)), 90_000);
  /** SIGTERM, and how long until the process is gone. */
  const stopTimed = async (c: Child) => {
    const t0 = Date.now();
    const signalled = c.proc.kill('SIGTERM');
    // Waits past the shutdown watchdog (2 × 2 s + 30 s with --shutdown-timeout-ms 2000): a stop that
    // hangs then logs the step it hangs on ("shutdown did not finish in time", step), which this shows.
    const how = await Promise.race([c.exited, new Promise<null>((r) => setTimeout(() => r(null), 40_000))]);
    // Still running: say where the stop is (its last log lines), not only that it did not end.
    // The SIGTERM's time (epoch ms, as the log's "time") and whether the child took it, beside the log.
    const sent = `SIGTERM sent at ${t0} (kill returned ${signalled}, pid ${c.proc.pid})`;
    if (how === null) throw new Error(`no exit 40 s after SIGTERM; ${sent}; the daemon's last log lines:\n${c.log().slice(-12).map((l) => JSON.stringify(l)).join('\n')}`);
    // Ended by the watchdog (exit 1): the step it was stuck on is in its last lines.
    if (how.code !== 0) throw new Error(`exit ${JSON.stringify(how)} after SIGTERM; ${sent}; the daemon's last log lines:\n${c.log().slice(-12).map((l) => JSON.stringify(l)).join('\n')}`);
    return { how, ms: Date.now() - t0 };
  };

  beforeEach(async () => {
    t = await tempStore();
    cfg = configDir(ANY_TIME);
    prefix = uniquePrefix('stopdown');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    cfg.cleanup();
    await t.cleanup();
  });

  it('exits 0 within seconds after Redis went away', async () => {
    let redis: PrivateRedis | undefined = await startPrivateRedis();
    try {
      const child = spawnDaemon({ REDIS_URL: redis.url });
      await logged(child, 'HTTP API listening');
      await redis.close();
      redis = undefined;
      await waitFor('the daemon noticed Redis is gone', () => child.log().some((l) => /Redis|queue worker error/.test(String(l.msg))), 30_000);
      const { how, ms } = await stopTimed(child);
      expect(how).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(15_000);
      expect(child.log().some((l) => l.msg === 'service stopped')).toBe(true);
    } finally {
      await redis?.close();
    }
  }, 120_000);

  it('exits 0 within seconds while a mail is stuck at an SMTP server that never answers, and the mail stays pending', async () => {
    const smtp = await silentServer();
    try {
      // One mail to send (a digest carrying no alert, written through the port as the planner would).
      const now = Date.now();
      const contacts = { phone: null, email: 'admin@example.cn', robot: null };
      const model = { recipientName: '管理员', robot: false, at: now, own: [], committees: [], emailCopy: false };
      const sendDay = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
      await t.store.outbox.plan({ sendDay, now, phonesOf: () => [] }, () => ({
        write: {
          plans: [{
            digest: { key: 'stop-k', recipientKey: 'test:admin@example.cn', recipientName: '管理员', contacts, route: ['email'], level: 'reminder', model, items: [] },
            sends: [{ logical: 'email', channel: 'email', recipient: 'admin@example.cn' }],
            keys: ['stop-d'],
          }],
          notes: new Map(),
          notBefore: now,
          sendDay,
        },
        result: null,
      }));
      const [pending] = await t.store.deliveries.pending();
      expect(pending).toBeDefined();

      const child = spawnDaemon({ REDIS_URL: SHARED_REDIS_URL, SMTP_URL: smtp.url });
      await waitFor('the mail in flight (claimed, SMTP connected)', async () => smtp.connections() > 0 && !!(await t.store.deliveries.get(pending!.id))?.claimedBy, 90_000);
      const { how, ms } = await stopTimed(child);
      expect(how).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(15_000);
      // The stuck job is the fault, not Redis (which answers): its connections are dropped at once,
      // without first waiting out a grace for Redis.
      expect(child.log().some((l) => String(l.msg).startsWith('in-flight jobs did not finish'))).toBe(true);
      expect(child.log().some((l) => String(l.msg).startsWith('Redis does not answer'))).toBe(false);
      // Cut short, not failed: the next start sends it.
      expect((await t.store.deliveries.get(pending!.id))?.status).toBe('pending');
    } finally {
      await smtp.close();
    }
  }, 120_000);
});
