/**
 * The console over HTTP (inject): security headers, sign-in, CSRF, org scoping (403), escaping of
 * imported names, masking, acknowledging and closing through forms, and the audit log. On the
 * store tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/console/security.js';
import { NOW, signIn, startTestConsole, XSS_NAME, type TestConsole } from './setup.js';

let t: TestConsole;
let county: { cookie: string; csrf: string };
let town: { cookie: string; csrf: string };
beforeAll(async () => {
  t = await startTestConsole();
  county = await signIn(t.app, 'county');
  town = await signIn(t.app, 'town1');
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, s = county) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });

describe('pages and headers', () => {
  it('serves every page with CSP, frame-ancestors and nosniff, in Chinese', async () => {
    for (const url of ['/console/overview', '/console/ranking', '/console/alerts', '/console/orgs/B101', '/console/orgs/C01', '/console/audit']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
      expect(PAGE_CSP).toContain("frame-ancestors 'none'");
      expect(PAGE_CSP).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toContain('lang="zh-CN"');
      // No inline script and no inline event handler anywhere.
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.body).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('keeps a <script> in a branch name as text, and masks phone numbers', async () => {
    const page = await get('/console/orgs/B101');
    expect(page.body).not.toContain(XSS_NAME);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;村党支部');
    expect(page.body).not.toContain('13812345678');
    expect(page.body).toContain('138****5678');
    const ranking = await get('/console/ranking');
    expect(ranking.body).not.toContain('<script>alert(1)');
  });

  it('sends a signed-out visitor to the login form, whose fields are labelled 用户名 and 密码', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/alerts' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/login?next=%2Fconsole%2Falerts');
    const form = await t.app.inject({ method: 'GET', url: '/console/login' });
    expect(form.body).toMatch(/<label for="username">用户名<\/label>/);
    expect(form.body).toMatch(/<label for="password">密码<\/label>/);
    expect(form.body).toContain('<button type="submit">登录</button>');
    const cookie = form.cookies.find((c) => c.name === 'orglife_login_csrf')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
  });

  it('never shows a stack trace: an unknown page is a Chinese 404 page', async () => {
    const res = await get('/console/orgs/NOPE');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('未找到组织');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('scope', () => {
  it('lets a township user see its own branches and denies another township (403)', async () => {
    expect((await get('/console/orgs/B101', town)).statusCode).toBe(200);
    const other = await get('/console/orgs/B201', town);
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('无权查看');
    const otherAlert = (await t.store.alerts.list({ org: 'B201' }))[0]!;
    expect((await get(`/console/alerts/${otherAlert.id}`, town)).statusCode).toBe(403);
    const list = await get('/console/alerts?state=all', town);
    expect(list.body).toContain('南街村党支部');
    expect(list.body).not.toContain('河口村党支部');
  });
});

describe('forms', () => {
  it('rejects a form without its CSRF token (403) and changes nothing', async () => {
    const a = (await t.store.alerts.list({ org: 'B102', open: true })).find((x) => x.state === 'open')!;
    const res = await t.app.inject({ method: 'POST', url: `/console/alerts/${a.id}/ack`, headers: { cookie: county.cookie }, payload: { plan: '召开支委会', by: '2026-12-15' } });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('安全令牌');
    const wrong = await t.app.inject({ method: 'POST', url: `/console/alerts/${a.id}/ack`, headers: { cookie: county.cookie }, payload: { plan: '召开支委会', by: '2026-12-15', _csrf: town.csrf } });
    expect(wrong.statusCode).toBe(403);
    expect((await t.store.alerts.get(a.id))!.state).toBe('open');
  });

  it('acknowledges an alert like `orglife alerts ack` and writes the audit log', async () => {
    const a = (await t.store.alerts.list({ org: 'B102', open: true })).find((x) => x.state === 'open')!;
    const res = await t.app.inject({ method: 'POST', url: `/console/alerts/${a.id}/ack`, headers: { cookie: county.cookie }, payload: { plan: '12月10日前召开支委会', by: '2026-12-15', _csrf: county.csrf } });
    expect(res.statusCode).toBe(303);
    expect((await t.store.alerts.get(a.id))).toMatchObject({ state: 'acknowledged', ackPlan: '12月10日前召开支委会', ackBy: '2026-12-15', ackWho: 'county', ackAt: NOW });
    const audit = await get('/console/audit');
    expect(audit.body).toContain('认领整改');
    expect(audit.body).toContain(`alert:${a.id}`);
  });

  it('shows a bad deadline as a Chinese error (422) and acknowledges nothing', async () => {
    const a = (await t.store.alerts.list({ org: 'B101', open: true })).find((x) => x.state === 'open')!;
    const res = await t.app.inject({ method: 'POST', url: `/console/alerts/${a.id}/ack`, headers: { cookie: county.cookie }, payload: { plan: '整改', by: '2026-01-01', _csrf: county.csrf } });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('已过');
    expect((await t.store.alerts.get(a.id))!.state).toBe('open');
  });

  it('refuses actions to a viewer (403)', async () => {
    const viewer = await signIn(t.app, 'viewer');
    const a = (await t.store.alerts.list({ org: 'B101', open: true })).find((x) => x.state === 'open')!;
    const res = await t.app.inject({ method: 'POST', url: `/console/alerts/${a.id}/ack`, headers: { cookie: viewer.cookie }, payload: { plan: '整改', by: '2026-12-15', _csrf: viewer.csrf } });
    expect(res.statusCode).toBe(403);
  });
});

describe('sign-in', () => {
  it('forgets expired sessions at the next sign-in', async () => {
    const u = (await t.store.accounts.userByName('town1'))!;
    await t.store.accounts.startSession({ idHash: 'expired-session', userId: u.id, csrf: 'x', createdAt: NOW - 10_000, lastSeenAt: NOW - 10_000, expiresAt: NOW - 1 });
    expect(await t.store.accounts.session('expired-session')).toBeDefined();
    await signIn(t.app, 'town1');
    expect(await t.store.accounts.session('expired-session')).toBeUndefined();
  });

  it('locks an account after five wrong passwords, even against the right one', async () => {
    const form = await t.app.inject({ method: 'GET', url: '/console/login' });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = `orglife_login_csrf=${form.cookies.find((c) => c.name === 'orglife_login_csrf')!.value}`;
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/console/login', headers: { cookie }, remoteAddress: '10.0.0.9', payload: { _csrf: token, username: 'viewer', password } });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong-password')).statusCode).toBe(401);
    const fifth = await attempt('wrong-password');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.body).toContain('锁定');
    expect((await attempt('correct-horse-battery')).statusCode).toBe(423);
    expect((await t.store.accounts.userByName('viewer'))!.lockedUntil).toBeGreaterThan(NOW);
  });
});
