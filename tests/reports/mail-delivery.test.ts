/**
 * Report mail in the one delivery log: held by quiet hours and holidays like warnings and sent at
 * the next allowed time by `daemon --once` (real Redis, real SMTP), every attempt recorded, never
 * planned twice; the delivery worker's steps (claim, compose, fallback along routing.report) on
 * report deliveries; report mails counted apart from warnings; and the upgrade of a database whose
 * reports were mailed the old way.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { statsText } from '../../src/alerts/format.js';
import type { Attempt as WorkerAttempt } from '../../src/delivery/index.js';
import { composedOutbox as deliveryOutbox } from '../../src/jobs/outbox-alerts.js';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { importFiles } from '../../src/import/index.js';
import { runOnce } from '../../src/jobs/once.js';
import { NotifierError } from '../../src/notifiers/errors.js';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import { runReportTick } from '../../src/reports/generate.js';
import pg from 'pg';
import { closeDb, MIGRATIONS_DIR, openDb } from '../../src/store/sqlite/db.js';
import { listDeliveries } from '../../src/store/sqlite/deliveries.js';
import { reportMailState, unplannedReports } from '../../src/store/sqlite/report-mails.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { at, quietLog, testEnv } from '../jobs/setup.js';

const CITY = join(import.meta.dirname, '../fixtures/reports/city');
const MAILED = ['b1@example.com', 'b1clerk@example.com', 'b2@example.com', 't1@example.com'];

let smtp: SmtpStandin;
let standin: HttpStandin;
let t: TempStore;
beforeAll(async () => {
  smtp = await startSmtpServer({ rejectRecipient: (a) => (a === 'b2@example.com' && rejectB2 ? { code: 550, message: 'No such user' } : null) });
  standin = await startHttpStandin();
});
afterAll(async () => {
  await smtp.close();
  await standin.close();
});
let rejectB2 = false;
beforeEach(async () => {
  rejectB2 = false;
  smtp.messages.length = 0;
  standin.reset();
  t = await tempStore();
  await importFiles(t.store, ['orgs.csv', 'meetings.csv'].map((f) => join(CITY, f)), { now: at('2026-11-01T10:00') });
});
afterEach(async () => t.cleanup());

/** Raw SQL on the test's database, whichever store it is (a test that removes a row the port never deletes). */
async function rawSql(text: string, params: unknown[]): Promise<void> {
  if (t.store.kind === 'postgres') {
    const c = new pg.Client({ connectionString: t.spec });
    await c.connect();
    try {
      await c.query(text.replace(/\?/g, () => '$1'), params);
    } finally {
      await c.end();
    }
  } else {
    const db = new Database(t.spec);
    try {
      db.prepare(text).run(...params);
    } finally {
      db.close();
    }
  }
}

describe('report mail through daemon --once', () => {
  let prefix: string;
  beforeEach(() => {
    prefix = uniquePrefix('report-mail');
  });
  afterEach(async () => {
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
  });
  const once = (iso: string) =>
    runOnce({
      config: shippedConfig(),
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: smtp.url }),
      db: t.spec,
      at: at(iso),
      kind: 'report_quarterly',
      log: quietLog,
      waitTimeoutMs: 20_000,
    });

  it('holds the quarterly report mail over the National Day holiday and sends it on the first working day, each attempt recorded, never planned twice', async () => {
    // 2 October 2026 is a public holiday (国庆 1–7 October): nothing may go out before Thursday 8 October 08:00.
    const held = await once('2026-10-02T09:00');
    expect(held.stats).toMatchObject({ period: '2026-Q3', generated: true, planned: 5, deliveries: 4, skipped: 2 });
    expect(held).toMatchObject({ sent: 0, held: 4, heldUntil: at('2026-10-08T08:00') });
    expect((await t.store.deliveries.list()).map((d) => [d.recipient, d.status, d.notBefore])).toEqual(MAILED.map((r) => [r, 'pending', at('2026-10-08T08:00')]));
    expect(smtp.messages).toHaveLength(0);

    // The next run (same report period) plans nothing new and sends what is now due.
    const due = await once('2026-10-08T08:00');
    expect(due.stats).toMatchObject({ period: '2026-Q3', generated: false, planned: 0, deliveries: 0 });
    expect(due).toMatchObject({ sent: 4, failed: 0, held: 0 });
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(MAILED);
    expect(smtp.messages.find((m) => m.envelope.to[0] === 'b2@example.com')!.subject).toContain('二村党支部 2026年第三季度');

    const ds = await t.store.deliveries.list();
    const attempts = await t.store.console.attemptsOf(ds.map((d) => d.id));
    expect(attempts.map((a) => [a.deliveryId, a.attempt, a.channel, a.error])).toEqual(ds.map((d) => [d.id, 1, 'email', null]));
    for (const a of attempts) expect(a.startedAt).toBeGreaterThanOrEqual(at('2026-10-08T08:00'));
    for (const d of ds) {
      expect(d.providerMessageId).toMatch(/@/);
      expect(d.sentAt).toBeGreaterThanOrEqual(at('2026-10-08T08:00'));
    }
    expect(await t.store.reports.mailState('B1', '2026-Q3', 'branch')).toMatchObject({ status: 'sent', sentTo: ['b1@example.com', 'b1clerk@example.com'] });
    // B3's secretary has a phone but no email (routing.report is email only); CITY has no contacts at all.
    expect(await t.store.reports.mailState('B3', '2026-Q3', 'branch')).toMatchObject({ status: 'skipped', note: expect.stringContaining('no usable channel') });
    expect(await t.store.reports.mailState('CITY', '2026-Q3', 'committee')).toMatchObject({ status: 'skipped', note: expect.stringContaining('no address') });
  });
});

/** What the delivery worker does with one delivery (claim → send → record), at `now`. */
async function work(notifiers: Notifiers, config: Config, id: number, now: number): Promise<string> {
  const outbox = deliveryOutbox(config);
  const claim = await outbox.claim(t.store, id, 'test-worker', now, 60_000);
  if (claim.outcome !== 'send') return claim.outcome === 'done' ? claim.status : claim.outcome;
  const d = claim.delivery;
  const attempt = (over: Partial<WorkerAttempt>): WorkerAttempt => ({
    deliveryId: id, channel: d.channel, recipient: d.recipient, startedAt: now, durationMs: 2,
    providerMessageId: null, error: null, errorCode: null, permanent: false, ...over,
  });
  try {
    const r = await notifiers.get(d.channel)!.send(d.message);
    await outbox.markSent(t.store, attempt({ providerMessageId: r.providerMessageId }), now);
    return 'sent';
  } catch (e) {
    if (!(e instanceof NotifierError)) throw e;
    const next = await outbox.giveUp(t.store, attempt({ error: e.message, errorCode: e.code ?? null, permanent: e.permanent }), now);
    return next ? `fallback:${next.id}` : 'gave-up';
  }
}

describe('the delivery worker on report deliveries', () => {
  let notifiers: Notifiers;
  afterEach(async () => notifiers?.close());
  const setup = (route: Config['routing']['report']) => {
    const config = shippedConfig();
    config.routing.report = route;
    config.channels.sms_provider = 'http_sms';
    config.channels.http_sms.enabled = true;
    (config.channels.http_sms as { url?: string }).url = `${standin.url}/sms/send`;
    notifiers = createNotifiers(config.channels, readEnv({ SMTP_URL: smtp.url }));
    return config;
  };
  const tick = at('2026-11-02T09:00');

  it('falls back from a rejected report email to an SMS pointer along routing.report, created once', async () => {
    const config = setup(['email', 'sms']);
    rejectB2 = true;
    await runReportTick({ store: t.store, config, available: notifiers.enabled, log: quietLog }, 'month', tick);
    const b2 = (await t.store.deliveries.list()).find((d) => d.recipient === 'b2@example.com')!;
    const result = await work(notifiers, config, b2.id, tick);
    expect(result).toMatch(/^fallback:\d+$/);
    const fallbackId = Number(result.split(':')[1]);
    // Asked again (a crash before the worker enqueued it): the same fallback, not a second one.
    expect(await deliveryOutbox(config).giveUp(t.store, { deliveryId: b2.id, channel: 'email', recipient: 'b2@example.com', startedAt: tick, durationMs: 1, providerMessageId: null, error: 'again', errorCode: '550', permanent: true }, tick)).toMatchObject({ id: fallbackId });
    expect(await work(notifiers, config, fallbackId, tick)).toBe('sent');
    const [sms] = standin.requestsTo('http_sms');
    expect(sms!.json).toMatchObject({ phone: '13800004444', template: 'report', params: { period: '2026年10月', grade: expect.any(String) } });
    expect(sms!.json.text).toContain('详见邮件');
    expect((await t.store.deliveries.list()).filter((d) => d.reportId === b2.reportId).map((d) => [d.channel, d.status, d.fallbackOf])).toEqual([
      ['email', 'failed', null],
      ['http_sms', 'sent', b2.id],
    ]);
    expect(await work(notifiers, config, fallbackId, tick)).toBe('sent'); // already sent: the claim says done
    expect(standin.requestsTo('http_sms')).toHaveLength(1);
  });

  it('sends an SMS pointer and the full report by email when routing.report starts with SMS', async () => {
    const config = setup(['sms', 'email']);
    await runReportTick({ store: t.store, config, available: notifiers.enabled, log: quietLog }, 'month', tick);
    expect((await t.store.deliveries.list()).map((d) => `${d.channel}:${d.recipient}`)).toEqual([
      'http_sms:13800002222', 'email:b1@example.com', 'http_sms:13800003333', 'email:b1clerk@example.com',
      'http_sms:13800004444', 'email:b2@example.com', 'http_sms:13800005555', 'http_sms:13800001111', 'email:t1@example.com',
    ]);
  });

  it('cancels a report delivery whose stored report was deleted instead of sending it', async () => {
    const config = setup(['email']);
    await runReportTick({ store: t.store, config, available: notifiers.enabled, log: quietLog }, 'month', tick);
    const [first] = await t.store.deliveries.list();
    await rawSql('DELETE FROM reports WHERE id = ?', [first!.reportId]);
    expect(await work(notifiers, config, first!.id, tick)).toBe('cancelled');
    expect(smtp.messages).toHaveLength(0);
  });

  it('counts report mails apart from warnings in the statistics', async () => {
    const config = setup(['email']);
    await runReportTick({ store: t.store, config, available: notifiers.enabled, log: quietLog }, 'month', tick);
    for (const d of await t.store.deliveries.list()) await work(notifiers, config, d.id, tick);
    const [nov] = await t.store.deliveries.stats();
    expect(nov).toMatchObject({ period: '2026-11', messages: 0, items: 0, committees: [], reports: { messages: 4, branch: 3, committee: 1, byChannel: { email: 4 } } });
    expect(statsText([nov!])).toContain('体检报告（另计）：共发送 4 条（支部报告 3，党委汇总 1；电子邮件 4）');
  });
});

describe('upgrading a database whose reports were mailed the old way', () => {
  it('keeps mailed reports from being mailed again and plans the ones still pending', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orglife-upgrade-'));
    try {
      // The migrations as they were before the delivery log carried reports (0000–0006).
      const old = join(dir, 'migrations');
      mkdirSync(join(old, 'meta'), { recursive: true });
      const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
      journal.entries = journal.entries.filter((e) => e.idx <= 6);
      writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));
      for (const f of readdirSync(MIGRATIONS_DIR)) if (journal.entries.some((e) => f === `${e.tag}.sql`)) copyFileSync(join(MIGRATIONS_DIR, f), join(old, f));
      const path = join(dir, 'old.db');
      const client = new Database(path);
      migrate(drizzle(client), { migrationsFolder: old });
      const mailedAt = at('2026-11-02T09:05');
      const insert = client.prepare(
        `INSERT INTO reports (org, period, kind, generated_at, data, mail_status, mailed_at, mail_sent_to) VALUES (?, '2026-10', 'branch', ?, '{}', ?, ?, ?)`,
      );
      insert.run('B1', at('2026-11-02T09:00'), 'sent', mailedAt, '["b1@example.com"]');
      insert.run('B2', at('2026-11-02T09:00'), 'pending', null, null);
      client
        .prepare(`INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, not_before, send_day, created_at) VALUES ('k', 7, 'email', 'email', 'a@b.cn', 1, '2026-11-02', 1)`)
        .run();
      client.close();

      const db = openDb(path);
      try {
        expect(reportMailState(db, 'B1', '2026-10', 'branch')).toMatchObject({ plannedAt: mailedAt, note: expect.stringContaining('sent; ["b1@example.com"]') });
        expect(unplannedReports(db, '2026-10').map((r) => r.org)).toEqual(['B2']);
        expect(listDeliveries(db)).toEqual([expect.objectContaining({ dedupKey: 'k', digestId: 7, reportId: null, status: 'pending' })]);
        // A delivery must carry exactly one of a digest and a report.
        expect(() =>
          db.$client.prepare(`INSERT INTO deliveries (dedup_key, channel, logical, recipient, not_before, send_day, created_at) VALUES ('x', 'email', 'email', 'a', 1, 'd', 1)`).run(),
        ).toThrow(/CHECK constraint failed/);
      } finally {
        closeDb(db);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
