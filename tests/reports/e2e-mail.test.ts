/**
 * From import to an emailed report: CSV files imported with the real importer, the daemon's
 * monthly report tick (real Redis queue) computes and stores the reports with their deliveries in
 * the delivery log, and the daemon's drainer and delivery workers send them through the email
 * notifier to a real SMTP server on loopback, once per (org, period, kind), also when the tick runs
 * again on another daemon, when the report run is repeated, and when two replicas run it at once.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/import/index.js';
import { startDaemon, type DaemonHandle } from '../../src/jobs/daemon.js';
import { runReportTick } from '../../src/reports/generate.js';
import type { BranchReport } from '../../src/reports/types.js';
import { openStore } from '../../src/store/open.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { at, quietLog, testEnv, waitFor } from '../jobs/setup.js';

const CITY = join(import.meta.dirname, '../fixtures/reports/city');

describe('monthly reports from import to inbox', () => {
  let t: TempStore;
  let smtp: SmtpStandin;
  let prefix: string;
  const prefixes: string[] = [];
  const daemons: DaemonHandle[] = [];

  beforeEach(async () => {
    t = await tempStore();
    smtp = await startSmtpServer();
    prefix = uniquePrefix('reports');
    prefixes.push(prefix);
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop()));
    await Promise.all(prefixes.splice(0).map((p) => cleanupPrefix(SHARED_REDIS_URL, p)));
    await smtp.close();
    await t.cleanup();
  });

  const start = async (now: number, queuePrefix = prefix) => {
    const d = await startDaemon({
      config: shippedConfig(),
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix: queuePrefix, smtpUrl: smtp.url }),
      db: t.spec,
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
    const imported = await importFiles(t.store, files, { now: at('2026-11-01T10:00') });
    expect(imported.map((r) => r.table).sort()).toEqual(['assessments', 'meetings', 'orgs', 'vetoes']);

    const tick = at('2026-11-02T09:00');
    const a = await start(tick);
    await a.fireTick('report_monthly', tick);
    await waitFor('the report tick is done', async () => (await t.store.runs.listTicks('report_monthly'))[0]?.status === 'done', 20_000);
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
    await waitFor('every report delivery recorded as sent', async () => (await t.store.deliveries.list()).every((d) => d.status === 'sent'));
    expect(await t.store.reports.mailState('B1', '2026-10', 'branch')).toMatchObject({ status: 'sent', sentTo: ['b1@example.com', 'b1clerk@example.com'] });
    expect((await t.store.reports.mailState('B3', '2026-10', 'branch'))?.status).toBe('skipped');
    expect((await t.store.reports.mailState('CITY', '2026-10', 'committee'))?.status).toBe('skipped');
    const stored = (await t.store.reports.stored('B2', '2026-10', 'branch')) as BranchReport;
    expect(stored.problems.map((p) => p.rule)).toContain('theme-day-monthly');
    expect((await t.store.reports.rectifications({ org: 'B2' })).map((i) => i.rule)).toEqual(stored.problems.map((p) => p.rule));

    // Another daemon fires the same tick (restart / replica): done is remembered, nothing is resent.
    const b = await start(tick);
    await b.fireTick('report_monthly', tick);
    await b.drain();
    // And the report run itself, repeated directly, finds everything planned: no second delivery.
    const again = await runReportTick({ store: t.store, config: shippedConfig(), available: ['email'], log: quietLog }, 'month', tick);
    expect(again).toMatchObject({ period: '2026-10', generated: false, planned: 0, deliveries: 0 });
    expect(await t.store.deliveries.list()).toHaveLength(4);
    await b.drain();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(4);
  });

  it('sends each report once when two replicas run the same report period at the same time', async () => {
    await importFiles(t.store, ['orgs.csv', 'meetings.csv'].map((f) => join(CITY, f)), { now: at('2026-11-01T10:00') });
    const tick = at('2026-11-02T09:00');
    const replicas = [await openStore(t.spec), await openStore(t.spec)];
    try {
      const stats = await Promise.all(replicas.map((store) => runReportTick({ store, config: shippedConfig(), available: ['email'], log: quietLog }, 'month', tick)));
      // Generation is claimed a chunk at a time (streamed): the replicas may share the period's
      // reports between them, but each report is stored by exactly one of them.
      const stored = await t.store.reports.storedOrgs('2026-10');
      expect(stored.length).toBeGreaterThan(0);
      expect(stats[0]!.branches + stats[0]!.committees + stats[1]!.branches + stats[1]!.committees).toBe(stored.length);
      expect(stats.some((s) => s.generated)).toBe(true);
      expect(stats[0]!.deliveries + stats[1]!.deliveries).toBe(4); // the reports of B1 (two addresses), B2 and T1
    } finally {
      await Promise.all(replicas.map((s) => s.close()));
    }
    // Both replicas' workers take every delivery — even from queues of their own (a second Redis
    // prefix, the worst case): the store's claim and sent-check let each through once.
    const other = uniquePrefix('reports');
    prefixes.push(other);
    await Promise.all([start(tick), start(tick, other)]);
    await smtp.waitForMessages(4);
    await waitFor('every report delivery recorded as sent', async () => (await t.store.deliveries.list()).every((d) => d.status === 'sent'));
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['b1@example.com', 'b1clerk@example.com', 'b2@example.com', 't1@example.com']);
    const ds = await t.store.deliveries.list();
    const attempts = await t.store.console.attemptsOf(ds.map((d) => d.id));
    expect(attempts.map((a) => [a.deliveryId, a.attempt])).toEqual(ds.map((d) => [d.id, 1]));
  });
});
