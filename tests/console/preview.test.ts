/** The preview: the next cycle's messages from a dry run that writes nothing to the real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewCycle } from '../../src/app/preview.js';
import { readEnv } from '../../src/config/env.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { NOW, quietLog, signIn, startTestConsole, type TestConsole } from './setup.js';

let t: TestConsole;
let smtp: SmtpStandin;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestConsole();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const fingerprint = () =>
  JSON.stringify(['alerts', 'alert_events', 'alert_outbox', 'deliveries', 'cycle_runs'].map((x) => t.tmp.db.$client.prepare(`SELECT count(*) AS n, max(rowid) AS m FROM ${x}`).get()));

describe('preview', () => {
  it('lists who would get which message on which channel and when, and writes nothing', async () => {
    const before = fingerprint();
    // Four days later (Tuesday 1 December, 09:00): the open alerts are due for a repeat, by email.
    const at = NOW + 4 * DAY_MS;
    const rows = await previewCycle(t.tmp.db, { config: t.config, env: readEnv({ SMTP_URL: smtp.url }), log: quietLog, now: at });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.channel === 'email' && r.planned && r.notBefore >= at)).toBe(true);
    expect(rows.map((r) => r.recipient).sort()).toEqual(['b101@example.org', 'b102@example.org', 'b201@example.org']);
    expect(fingerprint()).toBe(before);
    expect(smtp.messages).toEqual([]);
  });

  it('shows the preview in the console, recipients masked, scoped to the user', async () => {
    const town = await signIn(t.app, 'town1');
    const page = await t.app.inject({ method: 'GET', url: '/console/preview?run=1&at=2026-12-01T09:00', headers: { cookie: town.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('不写入任何数据');
  });
});
