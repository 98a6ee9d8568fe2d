/**
 * One-tap acknowledgement links without a browser: the token is stored as a hash only, the SMS
 * carries the link path within the provider's variable limit, and an expired, revoked or
 * tampered link is a Chinese 403 page that acknowledges nothing. On the store tempStore() gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAckLink, tokenHash } from '../../src/alerts/ack-links.js';
import { composeMessage } from '../../src/alerts/compose.js';
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
  it('puts the link in email and SMS; the SMS variable fits the provider limit; only the hash is stored', async () => {
    const alerts = (await t.store.alerts.list({ org: 'B102', open: true })).filter((a) => a.state === 'open');
    expect(alerts.length).toBeGreaterThan(0);
    const model = { ...BASE_MODEL, own: [{ code: 'B102', name: '南街村党支部', items: alerts.map((a, i) => ({ eventId: i + 1, alertId: a.id, kind: 'opened' as const, reason: 'new' as const, level: a.level, org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message })) }] };
    const link = (await createAckLink(t.store, { publicUrl: 'https://dj.example.gov.cn/', days: 14 }, { deliveryId: 999, recipientKey: 'person:13800010201', model }, NOW))!;
    expect(link.url).toMatch(/^https:\/\/dj\.example\.gov\.cn\/a\/[A-Za-z0-9_-]{24}$/);
    const token = link.path.slice(2);
    const stored = await t.store.ackLinks.ofDelivery(999);
    expect(stored.map((l) => l.tokenHash)).toEqual([tokenHash(token)]);
    expect(stored[0]).toMatchObject({ recipientKey: 'person:13800010201', alertIds: alerts.map((a) => a.id), orgs: ['B102'], expiresAt: NOW + 14 * DAY_MS, usedAt: null, revokedAt: null });
    expect(JSON.stringify(stored)).not.toContain(token);

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
    const alerts = (await t.store.alerts.list({ org: 'B101', open: true })).filter((a) => a.state === 'open');
    expect(alerts.length).toBeGreaterThan(0);
    const model = { ...BASE_MODEL, own: [{ code: 'B101', name: 'x', items: alerts.map((a, i) => ({ eventId: i + 1, alertId: a.id, kind: 'opened' as const, reason: 'new' as const, level: a.level, org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message })) }] };
    const expired = (await createAckLink(t.store, { publicUrl: 'http://x', days: 1 }, { deliveryId: 1001, recipientKey: 'k1', model }, NOW - 2 * DAY_MS))!;
    const revoked = (await createAckLink(t.store, { publicUrl: 'http://x', days: 14 }, { deliveryId: 1002, recipientKey: 'k2', model }, NOW))!;
    expect(await t.store.ackLinks.revoke({ recipientKey: 'k2' }, NOW)).toBe(1);
    expect(await t.store.ackLinks.revoke({ recipientKey: 'k2' }, NOW)).toBe(0);
    const good = (await createAckLink(t.store, { publicUrl: 'http://x', days: 14 }, { deliveryId: 1003, recipientKey: 'k3', model }, NOW))!;
    const tampered = `/${good.path.slice(0, -2)}${good.path.endsWith('zz') ? 'yy' : 'zz'}`;
    for (const [path, text] of [[`/${expired.path}`, '已过期'], [`/${revoked.path}`, '已停用'], [tampered, '链接无效'], ['/a/short', '链接无效']] as const) {
      const page = await t.app.inject({ method: 'GET', url: path });
      expect(page.statusCode, path).toBe(403);
      expect(page.body).toContain(text);
      const post = await t.app.inject({ method: 'POST', url: path, payload: { plan: '整改', by: '2026-12-15', _csrf: 'x' } });
      expect(post.statusCode).toBe(403);
    }
    for (const a of alerts) expect((await t.store.alerts.get(a.id))!.state).toBe('open');
    // The good link works, but not with a made-up form token.
    const page = await t.app.inject({ method: 'GET', url: `/${good.path}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="plan">整改措施</label>');
    expect(page.body).toContain('<label for="by">完成时限</label>');
    expect(page.body).toContain('<button type="submit">提交</button>');
    const forged = await t.app.inject({ method: 'POST', url: `/${good.path}`, payload: { plan: '整改', by: '2026-12-15', _csrf: 'forged' } });
    expect(forged.statusCode).toBe(403);
    for (const a of alerts) expect((await t.store.alerts.get(a.id))!.state).toBe('open');
  });

  it('acknowledges exactly the link\'s open items with its form token, records who, marks the link used and audits it', async () => {
    const alerts = (await t.store.alerts.list({ org: 'B201', open: true })).filter((a) => a.state === 'open');
    expect(alerts.length).toBeGreaterThan(0);
    const model = { ...BASE_MODEL, recipientName: '河口村书记', own: [{ code: 'B201', name: '河口村党支部', items: alerts.map((a, i) => ({ eventId: i + 1, alertId: a.id, kind: 'opened' as const, reason: 'new' as const, level: a.level, org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message })) }] };
    const link = (await createAckLink(t.store, { publicUrl: 'http://x', days: 14 }, { deliveryId: 2001, recipientKey: 'k4', model }, NOW))!;
    const page = await t.app.inject({ method: 'GET', url: `/${link.path}` });
    const formToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const others = (await t.store.alerts.list({ open: true })).filter((a) => a.org !== 'B201' && a.state === 'open').map((a) => a.id);
    const post = await t.app.inject({ method: 'POST', url: `/${link.path}`, payload: { plan: '本周召开支委会', by: '2026-12-20', _csrf: formToken } });
    expect(post.statusCode).toBe(303);
    for (const a of alerts) {
      expect(await t.store.alerts.get(a.id)).toMatchObject({ state: 'acknowledged', ackPlan: '本周召开支委会', ackBy: '2026-12-20', ackAt: NOW });
      expect((await t.store.alerts.get(a.id))!.ackWho).toMatch(/^河口村书记（链接 #\d+）$/);
    }
    for (const id of others) expect((await t.store.alerts.get(id))!.state).toBe('open');
    const [stored] = await t.store.ackLinks.ofDelivery(2001);
    expect(stored!.usedAt).toBe(NOW);
    const audit = await t.store.accounts.auditPage({ orgs: ['B201'], limit: 10, offset: 0 });
    expect(audit.rows[0]).toMatchObject({ actor: `link:${stored!.id}`, action: 'link-acknowledge', target: 'B201', org: 'B201' });
    expect([...JSON.parse(audit.rows[0]!.detail!).alerts].sort((x: number, y: number) => x - y)).toEqual(alerts.map((a) => a.id).sort((x, y) => x - y));
    // Reused: the items' state, no form, nothing acknowledged again.
    const again = await t.app.inject({ method: 'GET', url: `/${link.path}` });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('限期整改');
    expect(again.body).not.toContain('<button type="submit">提交</button>');
    // A second submit (a double tap) acknowledges nothing again and audits nothing more.
    const twice = await t.app.inject({ method: 'POST', url: `/${link.path}`, payload: { plan: '另一个计划', by: '2026-12-25', _csrf: formToken } });
    expect(twice.statusCode).toBe(303);
    for (const a of alerts) expect(await t.store.alerts.get(a.id)).toMatchObject({ state: 'acknowledged', ackPlan: '本周召开支委会', ackBy: '2026-12-20' });
    expect((await t.store.accounts.auditPage({ orgs: ['B201'], limit: 10, offset: 0 })).total).toBe(audit.total);
    expect((await t.store.ackLinks.ofDelivery(2001))[0]!.usedAt).toBe(NOW);
  });
});
