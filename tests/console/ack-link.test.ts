/**
 * One-tap acknowledgement links without a browser: the token is stored as a hash only, the SMS
 * carries the link path within the provider's variable limit, and an expired, revoked or
 * tampered link is a Chinese 403 page that acknowledges nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAckLink, tokenHash } from '../../src/alerts/ack-links.js';
import { composeMessage } from '../../src/alerts/compose.js';
import { revokeAckLinks } from '../../src/store/ack-links.js';
import { getAlert } from '../../src/store/sqlite/alerts.js';
import { prepareSmsParams, SMS_PARAM_MAX_CHARS } from '../../src/notifiers/sms-params.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { NOW, startTestConsole, type TestConsole } from './setup.js';

let t: TestConsole;
beforeAll(async () => {
  t = await startTestConsole();
});
afterAll(async () => {
  await t.close();
});

const BASE_MODEL = { recipientName: '王书记', robot: false, at: NOW, committees: [], emailCopy: false };

describe('one-tap links', () => {
  it('puts the link in email and SMS; the SMS variable fits the provider limit; only the hash is stored', () => {
    const alerts = t.tmp.db.$client.prepare("SELECT id, org, rule, period, level, due_at AS dueAt, message FROM alerts WHERE org = 'B102' AND state = 'open'").all() as never[];
    const model = { ...BASE_MODEL, own: [{ code: 'B102', name: '南街村党支部', items: (alerts as { id: number; org: string; rule: never; period: string; level: never; dueAt: number; message: string }[]).map((a, i) => ({ eventId: i + 1, alertId: a.id, kind: 'opened' as const, reason: 'new' as const, level: a.level, org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message })) }] };
    const link = createAckLink(t.tmp.db, { publicUrl: 'https://dj.example.gov.cn/', days: 14 }, { deliveryId: 999, recipientKey: 'person:13800010201', model }, NOW)!;
    expect(link.url).toMatch(/^https:\/\/dj\.example\.gov\.cn\/a\/[A-Za-z0-9_-]{24}$/);
    const token = link.path.slice(2);
    const stored = t.tmp.db.$client.prepare('SELECT token_hash FROM ack_links WHERE delivery_id = 999').get() as { token_hash: string };
    expect(stored.token_hash).toBe(tokenHash(token));
    expect(JSON.stringify(t.tmp.db.$client.prepare('SELECT * FROM ack_links').all())).not.toContain(token);

    const mail = composeMessage(model, 'email', 'x@example.org', link);
    expect(mail.text).toContain(link.url);
    expect(mail.html).toContain(`href="${link.url}"`);
    const sms = composeMessage(model, 'sms', '13800010201', link);
    const params = prepareSmsParams('aliyun_sms', sms.sms!);
    expect(params.link).toBe(link.path);
    expect(Array.from(params.link!).length).toBeLessThanOrEqual(SMS_PARAM_MAX_CHARS);
    expect(sms.text).toContain(link.url);
  });

  it('answers 403 in Chinese to an expired, revoked or tampered link and acknowledges nothing', async () => {
    const alerts = t.tmp.db.$client.prepare("SELECT id, org, rule, period, level, due_at AS dueAt, message FROM alerts WHERE org = 'B101' AND state = 'open'").all() as { id: number; org: string; rule: never; period: string; level: never; dueAt: number; message: string }[];
    const model = { ...BASE_MODEL, own: [{ code: 'B101', name: 'x', items: alerts.map((a, i) => ({ eventId: i + 1, alertId: a.id, kind: 'opened' as const, reason: 'new' as const, level: a.level, org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message })) }] };
    const expired = createAckLink(t.tmp.db, { publicUrl: 'http://x', days: 1 }, { deliveryId: 1001, recipientKey: 'k1', model }, NOW - 2 * DAY_MS)!;
    const revoked = createAckLink(t.tmp.db, { publicUrl: 'http://x', days: 14 }, { deliveryId: 1002, recipientKey: 'k2', model }, NOW)!;
    revokeAckLinks(t.tmp.db, { recipientKey: 'k2' }, NOW);
    const good = createAckLink(t.tmp.db, { publicUrl: 'http://x', days: 14 }, { deliveryId: 1003, recipientKey: 'k3', model }, NOW)!;
    const tampered = `/${good.path.slice(0, -2)}${good.path.endsWith('zz') ? 'yy' : 'zz'}`;
    for (const [path, text] of [[`/${expired.path}`, '已过期'], [`/${revoked.path}`, '已停用'], [tampered, '链接无效'], ['/a/short', '链接无效']] as const) {
      const page = await t.app.inject({ method: 'GET', url: path });
      expect(page.statusCode, path).toBe(403);
      expect(page.body).toContain(text);
      const post = await t.app.inject({ method: 'POST', url: path, payload: { plan: '整改', by: '2026-12-15', _csrf: 'x' } });
      expect(post.statusCode).toBe(403);
    }
    for (const a of alerts) expect(getAlert(t.tmp.db, a.id)!.state).toBe('open');
    // The good link works, but not with a made-up form token.
    const page = await t.app.inject({ method: 'GET', url: `/${good.path}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="plan">整改措施</label>');
    expect(page.body).toContain('<label for="by">完成时限</label>');
    expect(page.body).toContain('<button type="submit">提交</button>');
    const forged = await t.app.inject({ method: 'POST', url: `/${good.path}`, payload: { plan: '整改', by: '2026-12-15', _csrf: 'forged' } });
    expect(forged.statusCode).toBe(403);
    for (const a of alerts) expect(getAlert(t.tmp.db, a.id)!.state).toBe('open');
  });
});
