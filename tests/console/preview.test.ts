/**
 * The preview: the next cycle's messages from a dry run that writes nothing and copies nothing
 * (on the store tempStore() gives): the database is row-for-row and change-token unchanged after
 * it, and its answer is what the real cycle then plans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewCycle, previewRuns } from '../../src/app/preview.js';
import { acknowledgeIn } from '../../src/alerts/acknowledge.js';
import { readEnv } from '../../src/config/env.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { importRecords } from '../../src/import/index.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { evaluate, NOW, quietLog, signIn, startTestConsole, type TestConsole } from './setup.js';

let t: TestConsole;
let smtp: SmtpStandin;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestConsole({ env: readEnv({ SMTP_URL: smtp.url }) });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

/** What a cycle would change: alerts (with their events' counts), deliveries and cycle runs. */
const fingerprint = async () => {
  const alerts = await t.store.alerts.list();
  const events = await Promise.all(alerts.map((a) => t.store.alerts.history(a.id)));
  return JSON.stringify([
    alerts.map((a) => [a.id, a.state, a.level, a.updatedAt, a.notifications]),
    events.map((e) => e.length),
    (await t.store.deliveries.list()).map((d) => [d.id, d.status]),
    (await t.store.runs.recentRuns(100)).map((r) => r.id),
    await t.store.outbox.unplannedByCommittee(),
    (await t.store.console.pendingSends()).length,
    await t.store.reports.changeToken(),
  ]);
};

describe('preview', () => {
  it('lists who would get which message on which channel and when, and writes nothing', async () => {
    const before = await fingerprint();
    // Four days later (Tuesday 1 December, 09:00): the open alerts are due for a repeat, by email.
    const at = NOW + 4 * DAY_MS;
    const rows = await previewCycle(t.store, { config: t.config, env: readEnv({ SMTP_URL: smtp.url }), log: quietLog, now: at });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.channel === 'email' && r.planned && r.notBefore >= at)).toBe(true);
    expect(rows.map((r) => r.recipient).sort()).toEqual(['b101@example.org', 'b102@example.org', 'b201@example.org']);
    expect(await fingerprint()).toBe(before);
    expect(smtp.messages).toEqual([]);
  });

  it('shows the preview in the console, recipients masked, scoped to the user', async () => {
    const town = await signIn(t.app, 'town1');
    const page = await t.app.inject({ method: 'GET', url: '/console/preview?run=1&at=2026-12-01T09:00', headers: { cookie: town.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('不写入任何数据');
  });

  it('reuses the last dry run while nothing was written, and runs again after a write', async () => {
    const county = await signIn(t.app, 'county');
    const url = '/console/preview?run=1&at=2026-12-01T09:00';
    const get = () => t.app.inject({ method: 'GET', url, headers: { cookie: county.cookie } });
    const first = await get();
    expect(first.statusCode).toBe(200);
    const runs = previewRuns();
    const second = await get();
    expect(second.body).toBe(first.body);
    expect(previewRuns()).toBe(runs); // no second dry run
    const total = (body: string) => Number(/共 (\d+) 条待发消息/.exec(body)![1]);
    expect(total(first.body)).toBe(3); // the three secretaries, by email
    // Acknowledging B102's alerts (a write) stops their repeat: the next preview runs again without it.
    await acknowledgeIn(t.store, { org: 'B102' }, { plan: '整改', by: '2026-12-20' }, NOW);
    const third = await get();
    expect(previewRuns()).toBeGreaterThan(runs);
    expect(total(third.body)).toBe(2);
  });

  it('answers what the real cycle then plans, new alerts included (last: it runs the cycle)', async () => {
    const at = NOW + 4 * DAY_MS;
    const env = readEnv({ SMTP_URL: smtp.url });
    // A branch new to the imports, with no records: the cycle opens its alerts (new rows and events) and tells its secretary.
    await importRecords(t.store, 'orgs', [{ code: 'B202', name: '新村党支部', kind: 'branch', parent: 'C02', domain: 'rural', members: 30, groups: 0, secretary: '新村书记', secretary_phone: '13800020201', secretary_email: 'b202@example.org', established_on: '2010-01-01' }], 'test', { now: NOW });
    const token = await t.store.reports.changeToken();
    const rows = await previewCycle(t.store, { config: t.config, env, log: quietLog, now: at });
    expect(await t.store.reports.changeToken()).toBe(token);
    expect(rows.some((r) => r.planned && r.orgs.split(',').includes('B202'))).toBe(true);
    const before = new Set((await t.store.console.pendingSends()).map((r) => r.id));
    await evaluate(t.store, t.config, at, { SMTP_URL: smtp.url });
    const after = await t.store.console.pendingSends();
    const shape = (r: { channel: string; recipient: string; recipientName: string | null; level: string | null; notBefore: number; items: number; orgs: string; kind: string }) =>
      [r.channel, r.recipient, r.recipientName, r.level, r.notBefore, r.items, (r.orgs ?? '').split(',').sort().join(','), r.kind].join('|');
    expect(rows.filter((r) => r.planned).map(shape)).toEqual(after.filter((r) => !before.has(r.id)).map(shape));
    expect(rows.filter((r) => !r.planned).map((r) => r.id)).toEqual([...before]);
    expect(rows.some((r) => r.planned)).toBe(true);
  });
});
