/**
 * From import to an emailed report: CSV files imported with the real importer, the daemon's
 * monthly report tick (real Redis queue) computes and stores the reports with their deliveries in
 * the delivery log, and the daemon's drainer and delivery workers send them through the email
 * notifier to a real SMTP server on loopback, once per (org, period, kind), also when the tick runs
 * again on another daemon, when the report run is repeated, and when two replicas run it at once.
 */
import { storeFor } from '../../src/store/sqlite/index.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/import/index.js';
import { startDaemon, type DaemonHandle } from '../../src/jobs/daemon.js';
import { listTicks } from '../../src/store/sqlite/runs.js';
import { loadStoredReport, openRectifications } from '../../src/store/sqlite/reports.js';
import { reportMailState } from '../../src/store/sqlite/report-mails.js';
import { listDeliveries } from '../../src/store/sqlite/deliveries.js';
import { runReportTick } from '../../src/reports/generate.js';
import { closeDb, openDb } from '../../src/store/sqlite/db.js';
import { shippedConfig } from '../helpers/config.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { at, quietLog, testEnv, waitFor } from '../jobs/setup.js';

const CITY = join(import.meta.dirname, '../fixtures/reports/city');
const tempDbHandle = (path: string) => openDb(path);

describe('monthly reports from import to inbox', () => {
  let tdb: TempDb;
  let smtp: SmtpStandin;
  let prefix: string;
  const prefixes: string[] = [];
  const daemons: DaemonHandle[] = [];

  beforeEach(async () => {
    tdb = tempDb();
    smtp = await startSmtpServer();
    prefix = uniquePrefix('reports');
    prefixes.push(prefix);
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop()));
    await Promise.all(prefixes.splice(0).map((p) => cleanupPrefix(SHARED_REDIS_URL, p)));
    await smtp.close();
    tdb.cleanup();
  });

  const start = async (now: number, queuePrefix = prefix) => {
    const d = await startDaemon({
      config: shippedConfig(),
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix: queuePrefix, smtpUrl: smtp.url }),
      dbPath: tdb.path,
      clock: () => now,
      log: quietLog,
      cron: false,
      drainIntervalMs: 60_000,
    });
    daemons.push(d);
    return d;
  };

  it('emails each branch its report and the committee its summary exactly once', async () => {
    const files = ['orgs.csv', 'meetings.csv', 'assessments.csv', 'vetoes.csv'].map((f) => join(CITY, f));
    const imported = await importFiles(storeFor(tdb.db), files, { now: at('2026-11-01T10:00') });
    expect(imported.map((r) => r.table).sort()).toEqual(['assessments', 'meetings', 'orgs', 'vetoes']);

    const tick = at('2026-11-02T09:00');
    const a = await start(tick);
    await a.fireTick('report_monthly', tick);
    await waitFor('the report tick is done', () => listTicks(tdb.db, 'report_monthly')[0]?.status === 'done', 20_000);
    const mails = await smtp.waitForMessages(4);

    const byRecipient = new Map(mails.map((m) => [m.envelope.to[0], m]));
    expect([...byRecipient.keys()].sort()).toEqual(['b1@example.com', 'b1clerk@example.com', 'b2@example.com', 't1@example.com']);
    const b1 = byRecipient.get('b1@example.com')!;
    expect(b1.subject).toContain('一村党支部 2026年10月');
    expect(b1.html).toContain('<svg');
    expect(b1.html).toContain('负面清单');
    expect(b1.text).toContain('星级预估：★★★★☆（列入负面清单，一票否决五星）');
    const b2 = byRecipient.get('b2@example.com')!;
    expect(b2.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;二村党支部');
    expect(b2.html).not.toContain('<script>');
    expect(b2.text).toContain('`theme-day-monthly`');
    expect(byRecipient.get('t1@example.com')!.subject).toContain('【组织生活体检汇总】甲镇党委 2026年10月');

    // Stored, with mail state and rectification items; B3 has no address, CITY no contacts.
    await waitFor('every report delivery recorded as sent', () => listDeliveries(tdb.db).every((d) => d.status === 'sent'));
    expect(reportMailState(tdb.db, 'B1', '2026-10', 'branch')).toMatchObject({ status: 'sent', sentTo: ['b1@example.com', 'b1clerk@example.com'] });
    expect(reportMailState(tdb.db, 'B3', '2026-10', 'branch')?.status).toBe('skipped');
    expect(reportMailState(tdb.db, 'CITY', '2026-10', 'committee')?.status).toBe('skipped');
    const stored = loadStoredReport(tdb.db, 'B2', '2026-10', 'branch')!;
    expect(stored.problems.map((p) => p.rule)).toContain('theme-day-monthly');
    expect(openRectifications(tdb.db, 'B2').map((i) => i.rule)).toEqual(stored.problems.map((p) => p.rule));

    // Another daemon fires the same tick (restart / replica): done is remembered, nothing is resent.
    const b = await start(tick);
    await b.fireTick('report_monthly', tick);
    await b.drain();
    // And the report run itself, repeated directly, finds everything planned: no second delivery.
    const again = await runReportTick({ store: storeFor(tdb.db), config: shippedConfig(), available: ['email'], log: quietLog }, 'month', tick);
    expect(again).toMatchObject({ period: '2026-10', generated: false, planned: 0, deliveries: 0 });
    expect(listDeliveries(tdb.db)).toHaveLength(4);
    await b.drain();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(4);
  });

  it('sends each report once when two replicas run the same report period at the same time', async () => {
    await importFiles(storeFor(tdb.db), ['orgs.csv', 'meetings.csv'].map((f) => join(CITY, f)), { now: at('2026-11-01T10:00') });
    const tick = at('2026-11-02T09:00');
    const replicas = [tempDbHandle(tdb.path), tempDbHandle(tdb.path)];
    try {
      const stats = await Promise.all(
        replicas.map(async (db) => runReportTick({ store: storeFor(db), config: shippedConfig(), available: ['email'], log: quietLog }, 'month', tick)),
      );
      expect(stats.filter((s) => s.generated)).toHaveLength(1);
      expect(stats[0]!.deliveries + stats[1]!.deliveries).toBe(4); // the reports of B1 (two addresses), B2 and T1
    } finally {
      replicas.forEach((db) => closeDb(db));
    }
    // Both replicas' workers take every delivery — even from queues of their own (a second Redis
    // prefix, the worst case): the SQLite claim and sent-check let each through once.
    const other = uniquePrefix('reports');
    prefixes.push(other);
    await Promise.all([start(tick), start(tick, other)]);
    await smtp.waitForMessages(4);
    await waitFor('every report delivery recorded as sent', () => listDeliveries(tdb.db).every((d) => d.status === 'sent'));
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['b1@example.com', 'b1clerk@example.com', 'b2@example.com', 't1@example.com']);
    const attempts = tdb.db.$client.prepare('SELECT delivery_id, count(*) AS n FROM delivery_attempts GROUP BY delivery_id').all();
    expect(attempts).toEqual(listDeliveries(tdb.db).map((d) => ({ delivery_id: d.id, n: 1 })));
  });
});
