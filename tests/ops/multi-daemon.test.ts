/**
 * Several daemons on one store (issue 8 item 6): three real `orglife daemon` processes, each with
 * its own HTTP port, sharing one Redis prefix and one database (a fresh PostgreSQL database under
 * ORGLIFE_TEST_STORE=postgres — the deployment this is for — else a SQLite file the processes
 * share), while the evaluate and monthly report ticks are due at once. The SMS gateway sits behind
 * a gate that holds requests, the SMTP server holds its answers: with messages of every daemon in
 * flight, the daemon holding the most claims is killed with SIGKILL; then the gate and the SMTP
 * server let everything through. The survivors take over its ticks (stale heartbeat) and its
 * deliveries (expired claims, stalled jobs).
 *
 * What must hold: each schedule tick done once with one successful run; every delivery sent; each
 * SMS and each mail reached its provider exactly once (what a provider saw = what the store says
 * was sent, nothing twice); the SMS daily cap exact for a phone four branches share; each branch
 * and committee report stored and mailed once, the admins' go-live summary sent once; /readyz of every
 * daemon names the store it uses.
 *
 * As in tests/jobs/kill.test.ts, "exactly once" excludes on purpose the window between a provider's
 * answer and the store's record of it: the gate and the held SMTP answers make sure the killed
 * daemon had nothing in that window (held requests of a dead client are never answered).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import type { DeliveryListRow } from '../../src/store/types/deliveries.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { testStoreKind } from '../helpers/pg.js';
import { SHARED_REDIS_URL, cleanupPrefix, freePort, uniquePrefix } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startGate, type Gate } from '../jobs/gate.js';
import { waitFor } from '../jobs/setup.js';
import { startHeldSmtp, type HeldSmtp } from './held-smtp.js';
import { BIN, configDir, logLines } from './setup.js';

const BRANCHES = 20;
/**
 * Reports go by an SMS pointer plus the email (routing.report), so each secretary's phone is owed
 * the day's digest and its branch report's pointer: two SMS, the cap exactly. B01–B04 share one
 * phone, owed one digest (a digest per person) and four report pointers, planned by different
 * daemons in different transactions (the evaluate tick and the report tick run at once): two of
 * the five go out by SMS, the rest by email alone.
 */
const SHARED_PHONE = '13700000001';
const SHARED_BY = 4;
const SMS_CAP = 2;
const EVALUATE = '30 8 * * *';
const REPORT_MONTHLY = '0 9 2 * *';

const phoneOf = (i: number) => (i < SHARED_BY ? SHARED_PHONE : `1370000${String(i + 1).padStart(4, '0')}`);
const last11 = (p: string) => p.replace(/\D/g, '').slice(-11);

function org(code: string, over: Partial<Org>): Org {
  return {
    code, name: `组织${code}`, kind: 'branch', parent: 'C01', domain: 'community', members: 20, groups: 0,
    secretary: null, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: '2025-01-01', termYears: 5, establishedOn: '2020-01-01', ...over,
  };
}

/** Committee C01 and its branches, none with a meeting record, written through the port's import session. */
async function seedTown(store: Store, now: number): Promise<void> {
  const rows = [
    org('C01', { name: '城关镇党委', kind: 'committee', parent: null, domain: null, secretary: '镇书记', secretaryEmail: 'town@example.cn' }),
    ...Array.from({ length: BRANCHES }, (_, i) =>
      org(`B${String(i + 1).padStart(2, '0')}`, { name: `第${i + 1}党支部`, secretary: `书记${i + 1}`, secretaryPhone: phoneOf(i), secretaryEmail: `sec${i + 1}@example.cn` }),
    ),
  ];
  const s = await store.imports.begin();
  try {
    await s.beginFile('orgs');
    await s.upsert('orgs', rows, rows.map((_, i) => i + 2), now);
    await s.commit();
  } catch (e) {
    await s.rollback();
    throw e;
  }
}

interface Daemon {
  proc: ChildProcess;
  port: number;
  log(): Array<Record<string, unknown>>;
  text(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe(`three orglife daemons on one ${testStoreKind()} store and one Redis, one killed with SIGKILL mid-cycle`, () => {
  let t: TempStore;
  let prefix: string;
  let smtp: HeldSmtp;
  let sms: HttpStandin;
  let gate: Gate;
  let cfg: ReturnType<typeof configDir>;
  const children: ChildProcess[] = [];

  const spawnDaemon = async (): Promise<Daemon> => {
    const port = await freePort();
    const proc = spawn(
      process.execPath,
      // Short locks and leases so the survivors take over in seconds; a claim still outlasts a send's
      // timeout (20 s below), as in production (90 s vs 10 s), so a held send is never claimed twice.
      [BIN, 'daemon', '--lock-ms', '5000', '--claim-lease-ms', '25000', '--tick-lease-ms', '10000', '--drain-interval-ms', '300'],
      {
        env: {
          ...process.env,
          ORGLIFE_DB: t.spec,
          ORGLIFE_CONFIG: cfg.dir,
          REDIS_URL: SHARED_REDIS_URL,
          ORGLIFE_QUEUE_PREFIX: prefix,
          SMTP_URL: smtp.url,
          ORGLIFE_HTTP_PORT: String(port),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    children.push(proc);
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    return { proc, port, log: () => logLines(stderr), text: () => stderr, exited };
  };

  /** Wait, and on a timeout say what every daemon logged last. */
  const waitAll = async <T>(daemons: Daemon[], what: string, cond: () => T | Promise<T>, ms: number): Promise<T> => {
    try {
      return await waitFor(what, cond, ms);
    } catch (e) {
      const tails = daemons.map((d, i) => `--- daemon ${i} (pid ${d.proc.pid}) ---\n${d.text().slice(-3000)}`).join('\n');
      const unsent = (await t.store.deliveries.list()).filter((d) => d.status !== 'sent');
      const ticks = await t.store.runs.listTicks();
      throw new Error(`${(e as Error).message}\nticks: ${JSON.stringify(ticks)}\nnot sent: ${JSON.stringify(unsent)}\n${tails}`);
    }
  };

  beforeEach(async () => {
    t = await tempStore();
    prefix = uniquePrefix('multi');
    smtp = await startHeldSmtp();
    sms = await startHttpStandin();
    gate = await startGate(sms.port);
    cfg = configDir(
      [
        'channels:',
        '  sms_provider: http_sms',
        `  http_sms: { enabled: true, url: "${gate.url}/sms/send", timeout_ms: 20000 }`,
        '  email: { timeout_ms: 20000 }',
        'delivery:',
        `  sms_daily_cap: ${SMS_CAP}`,
        '  attempts: 8',
        '  backoff_ms: 200',
        // Any time of any day: the children run on the real clock, whatever day the tests run.
        "  quiet_hours: { start: '00:00', end: '00:00', working_days_only: false }",
        'routing:',
        '  report: [sms, email]',
        // The go-live backlog summary to the admin (a digest that carries no alert) goes out once too.
        'alerts:',
        "  start_from: '2026-01-01'",
        '  admins: [{ name: 管理员, email: admin@example.cn }]',
        'schedules:',
        `  evaluate: "${EVALUATE}"`,
        `  report_monthly: "${REPORT_MONTHLY}"`,
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([smtp.close(), sms.close(), gate.shutdown()]);
    cfg.cleanup();
    await t.cleanup();
  });

  it('runs each tick once, sends every message exactly once within the SMS cap, and stores and mails each report once', async () => {
    const now = Date.now();
    await seedTown(t.store, now - 86_400_000);
    gate.close();
    smtp.hold();
    const daemons = [await spawnDaemon(), await spawnDaemon(), await spawnDaemon()];
    const instanceOf = new Map<string, Daemon>();
    await waitAll(daemons, 'every daemon started and listening', () => {
      for (const d of daemons) {
        const started = d.log().find((l) => l.msg === 'daemon started');
        if (started) instanceOf.set(String(started.instanceId), d);
      }
      return instanceOf.size === 3 && daemons.every((d) => d.log().some((l) => l.msg === 'HTTP API listening'));
    }, 120_000);

    // /readyz of each names the store they share (a URL's password would be masked).
    for (const d of daemons) {
      const ready = (await (await fetch(`http://127.0.0.1:${d.port}/readyz`)).json()) as { store?: { kind: string; url: string } };
      expect(ready.store).toEqual({ kind: t.store.kind, url: t.store.describe() });
    }

    // Now the schedules were first seen long ago: each daemon's missed-tick check (every drain
    // period) finds the latest evaluate and monthly-report ticks due, and all three enqueue them.
    expect(await t.store.runs.listTicks()).toEqual([]);
    await t.store.runs.setScheduleSince('evaluate', EVALUATE, 0);
    await t.store.runs.setScheduleSince('report_monthly', REPORT_MONTHLY, 0);

    // Messages of the cycle in flight: SMS held at the gate, mail held by the SMTP server.
    await waitAll(daemons, 'SMS held at the gate and mail held at the SMTP server', () => gate.holding() >= 6 && smtp.held() >= 2, 120_000);
    expect(gate.admit(3)).toBe(3);
    await waitAll(daemons, 'the 3 admitted SMS recorded as sent', async () => sms.requestsTo('http_sms').length === 3 && (await sentOf(t.store, 'http_sms')).length === 3, 30_000);

    // Kill the daemon holding the most claims on deliveries not sent yet (it has messages in flight).
    const claims = new Map<string, number>();
    for (const d of await t.store.deliveries.list()) {
      // A claim's owner is "<instance id>:<job lock token>" (src/jobs/deliver.ts).
      const owner = d.claimedBy ? [...instanceOf.keys()].find((id) => d.claimedBy!.startsWith(`${id}:`)) : undefined;
      if (d.status === 'pending' && owner && (d.claimedUntil ?? 0) > Date.now()) claims.set(owner, (claims.get(owner) ?? 0) + 1);
    }
    const [victimId] = [...claims.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    expect(victimId, 'a daemon holding claims').toBeDefined();
    const victim = instanceOf.get(victimId!)!;
    victim.proc.kill('SIGKILL');
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
    const survivors = daemons.filter((d) => d !== victim);
    // The SMTP server must have seen the dead daemon's connections close before it answers the others.
    await new Promise((r) => setTimeout(r, 500));
    expect(sms.requestsTo('http_sms')).toHaveLength(3);
    gate.dropAllAndOpen();
    smtp.release();

    // The survivors finish the cycle: both ticks done, every delivery sent.
    const ticks = async () => (await t.store.runs.listTicks()).filter((k) => k.kind === 'evaluate' || k.kind === 'report_monthly');
    await waitAll(
      survivors,
      'both ticks done and every delivery sent',
      async () => {
        const k = await ticks();
        const all = await t.store.deliveries.list();
        return k.length === 2 && k.every((x) => x.status === 'done') && all.length > 0 && all.every((d) => d.status === 'sent');
      },
      120_000,
    );
    // …and nothing more arrives afterwards (a late duplicate would show here).
    await new Promise((r) => setTimeout(r, 2000));

    // Each tick once: one row per schedule, one successful run per tick.
    const done = await ticks();
    expect(done.map((k) => k.kind).sort()).toEqual(['evaluate', 'report_monthly']);
    const runs = await t.store.runs.recentRuns(100);
    for (const k of done) {
      expect(runs.filter((r) => r.kind === k.kind && r.asOf === k.tickAt && r.status === 'done'), `done runs of ${k.kind}`).toHaveLength(1);
    }

    const deliveries = await t.store.deliveries.list();
    expect(deliveries.every((d) => d.status === 'sent')).toBe(true);

    // SMS: what the gateway saw is what the store says was sent, each message once.
    const smsSent = deliveries.filter((d) => d.channel === 'http_sms');
    const requests = sms.requestsTo('http_sms').map((r) => ({ phone: last11(String(r.json.phone)), text: String(r.json.text) }));
    expect(requests.length).toBe(smsSent.length);
    expect(new Set(requests.map((r) => `${r.phone}|${r.text}`)).size).toBe(requests.length);
    expect(countBy(requests.map((r) => r.phone))).toEqual(countBy(smsSent.map((d) => last11(d.recipient))));
    // The cap is exact: every phone got the digest and its report pointer, the shared one two of its five.
    const perPhone = countBy(requests.map((r) => r.phone));
    expect(perPhone.get(SHARED_PHONE)).toBe(SMS_CAP);
    for (let i = SHARED_BY; i < BRANCHES; i++) expect(perPhone.get(phoneOf(i)), `SMS to branch ${i + 1}`).toBe(SMS_CAP);
    expect(perPhone.size).toBe(BRANCHES - SHARED_BY + 1);
    // (Which of the shared phone's five got through depends on which tick planned first.)
    expect(deliveries.filter((d) => d.reportId !== null && d.channel === 'http_sms' && last11(d.recipient) !== SHARED_PHONE)).toHaveLength(BRANCHES - SHARED_BY);
    // The go-live summary reached the admin.
    expect(smtp.accepted.filter((a) => a === 'admin@example.cn')).toHaveLength(1);

    // Mail: what the SMTP server accepted is what the store says was sent, each delivery once.
    const mailSent = deliveries.filter((d) => d.channel === 'email');
    expect(smtp.accepted.length).toBe(mailSent.length);
    expect(countBy(smtp.accepted)).toEqual(countBy(mailSent.map((d) => d.recipient)));

    // Each report stored and mailed once: every branch and the committee have a mailed report.
    const reportMail = deliveries.filter((d) => d.reportId !== null && d.channel === 'email');
    expect(new Set(reportMail.map((d) => d.reportId)).size).toBe(BRANCHES + 1);
    expect(new Set(reportMail.map((d) => `${d.reportId}|${d.recipient}`)).size).toBe(reportMail.length);

    // The survivors stop gracefully.
    for (const d of survivors) d.proc.kill('SIGTERM');
    for (const d of survivors) expect(await d.exited).toEqual({ code: 0, signal: null });
  }, 300_000); // three cold starts of the CLI (tsx) at once on a busy 2-core machine, two lease expiries
});

async function sentOf(store: Store, channel: string): Promise<DeliveryListRow[]> {
  return (await store.deliveries.list()).filter((d) => d.channel === channel && d.status === 'sent');
}

function countBy(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
