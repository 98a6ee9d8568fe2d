/** The preview: the next cycle's messages from a dry run that writes nothing to the real database (on the store tempStore() gives). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewCopies, previewCycle } from '../../src/app/preview.js';
import { acknowledgeIn } from '../../src/alerts/acknowledge.js';
import { readEnv } from '../../src/config/env.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { NOW, quietLog, signIn, startTestConsole, type TestConsole } from './setup.js';

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
    const copies = previewCopies();
    const second = await get();
    expect(second.body).toBe(first.body);
    // No second copy of the database. (PostgreSQL's change token is the server's snapshot: other
    // databases' commits on a shared test server change it too, and then the dry run simply runs again.)
    if (t.store.kind === 'sqlite') expect(previewCopies()).toBe(copies);
    const total = (body: string) => Number(/共 (\d+) 条待发消息/.exec(body)![1]);
    expect(total(first.body)).toBe(3); // the three secretaries, by email
    // Acknowledging B102's alerts (a write) stops their repeat: the next preview runs again without it.
    await acknowledgeIn(t.store, { org: 'B102' }, { plan: '整改', by: '2026-12-20' }, NOW);
    const third = await get();
    expect(previewCopies()).toBeGreaterThan(copies);
    expect(total(third.body)).toBe(2);
  });
});
