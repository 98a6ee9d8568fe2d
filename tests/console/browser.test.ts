/**
 * The console in a real browser (Debian's Chromium through playwright-core): sign-in and lockout,
 * ranking sort and drill-down, acknowledging from the alert page, the secretary's one-tap link on
 * a phone-sized viewport taken from a mail the SMTP test server received, a township user denied
 * another township's branch, a form without its CSRF token, and no CSP violation on any page.
 * Screenshots go to test-artifacts/console/ (gitignored) for a person to look at. On the store
 * tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsOutbox } from '../../src/jobs/outbox-alerts.js';
import { reevaluateOrgs } from '../../src/jobs/reevaluate.js';
import { importRecords } from '../../src/import/index.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { buildConsoleServer } from '../../src/console/server.js';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import type { BranchReport } from '../../src/reports/types.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { addCountyUsers, NOW, PASSWORD, quietLog, seedRecords } from './setup.js';
import type { FastifyInstance } from 'fastify';

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/console');

let t: TempStore;
let config: Config;
let smtp: SmtpStandin;
let app: FastifyInstance;
let base: string;
let browser: Browser;
const cspViolations: string[] = [];

/** Send every pending delivery the way the delivery worker does: claim (which makes the link), send, mark sent. */
async function deliverAll(): Promise<void> {
  const env = readEnv({ SMTP_URL: smtp.url });
  const notifiers = createNotifiers(config.channels, env, { log: quietLog });
  const outbox = alertsOutbox(config);
  try {
    for (const d of (await t.store.deliveries.list()).filter((x) => x.status === 'pending')) {
      const claim = await outbox.claim(t.store, d.id, 'test', NOW, 60_000);
      if (claim.outcome !== 'send') continue;
      const n = notifiers.get(claim.delivery.channel);
      if (!n) continue;
      const res = await n.send(claim.delivery.message);
      await outbox.markSent(t.store, { deliveryId: d.id, attempt: 1, channel: claim.delivery.channel, recipient: claim.delivery.recipient, startedAt: NOW, durationMs: 1, providerMessageId: res.providerMessageId, error: null, errorCode: null, permanent: false }, NOW);
    }
  } finally {
    await notifiers.close();
  }
}

/** Signed-in browser state per user: sign-ins are limited to 10 a minute per address, so tests reuse them. */
const sessions = new Map<string, Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['storageState']>>>();

async function newPage(viewport = { width: 1280, height: 900 }, as?: string): Promise<Page> {
  const state = as ? sessions.get(as) : undefined;
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', ...(state ? { storageState: state } : {}) });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  return page;
}

async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState('load');
  if (page.url().includes('/console/overview')) sessions.set(username, await page.context().storageState());
}

/** A page signed in as `username` (through the form the first time, then with the saved cookies). */
async function pageAs(username: string): Promise<Page> {
  if (sessions.has(username)) return newPage(undefined, username);
  const page = await newPage();
  await signIn(page, username);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  smtp = await startSmtpServer();
  t = await tempStore();
  config = shippedConfig();
  app = await buildConsoleServer({ store: t.store, config, log: quietLog, clock: () => NOW, readOnly: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  // Links point at this server; the evaluate cycle plans email (SMTP_URL makes the channel available).
  config.http.public_url = base;
  await seedRecords(t.store, config, { SMTP_URL: smtp.url });
  await addCountyUsers(t.store);
  await deliverAll();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
  await t?.cleanup();
});

describe('the console in Chromium', { timeout: 120_000 }, () => {
  it('signs in, and locks the account after five wrong passwords', async () => {
    const page = await newPage();
    await signIn(page, 'county');
    await expect.poll(() => page.url()).toContain('/console/overview');
    expect(await page.locator('h1').first().textContent()).toBe('总览');
    await shot(page, 'overview');

    const other = await newPage();
    for (let i = 0; i < 5; i++) await signIn(other, 'viewer', 'not-the-password');
    expect(await other.getByRole('alert').textContent()).toContain('锁定');
    await signIn(other, 'viewer');
    expect(await other.getByRole('alert').textContent()).toContain('锁定');
    expect(other.url()).toContain('/console/login');
    await shot(other, 'login-locked');
  });

  it('sorts the ranking by a category and drills down to a committee and a branch', async () => {
    const page = await pageAs('county');
    await page.goto(`${base}/console/ranking`);
    const names = async () => page.locator('#ranking-table tr[data-org] td:nth-child(2)').allTextContents();
    expect((await names()).length).toBe(3);
    await page.selectOption('select[name="sort"]', { label: '组织生活' });
    await page.getByRole('button', { name: '查看' }).click();
    expect(page.url()).toContain('sort=category%3Aorg_life');
    const values = (await page.locator('#ranking-table tr[data-org] td:nth-child(5)').allTextContents()).map(Number);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    await shot(page, 'ranking-sorted');
    // Drill down: the committee link filters to its branches, the branch link opens the branch page.
    await page.locator('#ranking-table a', { hasText: '城关镇党委' }).first().click();
    expect(page.url()).toContain('committee=C01');
    expect((await names()).every((n) => n === '南街村党支部' || n.includes('村党支部'))).toBe(true);
    expect(await names()).not.toContain('河口村党支部');
    await page.locator('#ranking-table a', { hasText: '南街村党支部' }).click();
    expect(page.url()).toContain('/console/orgs/B102');
    expect(await page.locator('h1').textContent()).toBe('南街村党支部');
    // The branch whose name is a <script> tag shows it as text.
    await page.goto(`${base}/console/orgs/B101`);
    expect(await page.locator('h1').textContent()).toBe('<script>alert(1)</script>村党支部');
    await shot(page, 'branch-xss-name');
  });

  it('shows the month\'s 红黄绿 with the nav link, on a phone-sized screen too', async () => {
    const page = await pageAs('county');
    await page.goto(`${base}/console/grades`);
    expect(await page.locator('h1').textContent()).toBe('组织生活红黄绿');
    expect(await page.locator('#grade-counts').textContent()).toMatch(/红 \d+.*黄 \d+.*绿 \d+/);
    await page.getByRole('link', { name: '红黄绿' }).first().click();
    expect(page.url()).toContain('/console/grades');
    await shot(page, 'grades');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'grades-phone');
  });

  it('reloads the ranking table by itself when reports are recomputed (server-sent events)', async () => {
    const page = await pageAs('county');
    await page.goto(`${base}/console/ranking`);
    const reloaded = page.waitForRequest((r) => r.url().includes('/console/ranking') && r.headers()['hx-request'] === 'true', { timeout: 30_000 });
    await page.waitForTimeout(500);
    // A recomputed report (new generated_at) is what the event stream watches for.
    const r = (await t.store.reports.stored('B102', '2026-10', 'branch')) as BranchReport;
    await t.store.reports.store([{ org: 'B102', period: '2026-10', kind: 'branch', score: r.score, grade: r.grade, stars: r.stars, rank: r.rank, committeeRank: r.committeeRank, data: r }], [], NOW + 60_000);
    await reloaded;
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#ranking-table tr[data-org]').count()).toBe(3);
  });

  it('shows the running month live (实时), re-ranked by itself after a push is re-evaluated', async () => {
    const page = await pageAs('county');
    await page.goto(`${base}/console/ranking`);
    // Offered beside the stored periods; the newest stored report stays the default.
    expect(await page.locator('select[name="period"] option[value="live"]').textContent()).toBe('实时（本月）');
    expect(await page.locator('h1').textContent()).toContain('2026年10月');
    await page.selectOption('select[name="period"]', 'live');
    await page.getByRole('button', { name: '查看' }).click();
    expect(page.url()).toContain('period=live');
    expect(await page.locator('h1').textContent()).toContain('2026年11月（实时）');
    const cell = (org: string) => page.locator(`#ranking-table tr[data-org="${org}"] td:nth-child(6)`).textContent();
    expect(await page.locator('#ranking-table tr[data-org]').count()).toBe(3);
    const before = Number(await cell('B101'));
    await shot(page, 'ranking-live');
    // A push of November's meetings for B101, re-evaluated as the daemon does: the table reloads by itself
    // with its new score. Polled, not tied to one request: under load an earlier reload (the event stream's
    // first message, say) can be in flight when the push lands.
    let touched: string[] = [];
    await importRecords(
      t.store,
      'meetings',
      [
        { id: 'L1', org: 'B101', type: 'committee', held_at: '2026-11-05T09:00', expected: 5, attended: 5, minutes: 'yes' },
        { id: 'L2', org: 'B101', type: 'theme_day', held_at: '2026-11-06T09:00', expected: 30, attended: 29, minutes: 'yes' },
      ],
      'api:test',
      { now: NOW, onTouched: (o) => (touched = o) },
    );
    const r = await reevaluateOrgs(t.store, config, NOW, touched);
    expect(r.live.written).toBe(1);
    const live = (await t.store.live.list()).find((x) => x.org === 'B101')!.score;
    expect(live).toBeGreaterThan(before);
    await expect.poll(async () => Number(await cell('B101')), { timeout: 30_000, interval: 250 }).toBe(live);
    await shot(page, 'ranking-live-after-push');
  });

  it('acknowledges from the alert page with a plan and a deadline', async () => {
    const a = (await t.store.alerts.list({ org: 'B201', open: true })).find((x) => x.state === 'open')!;
    const page = await pageAs('county');
    await page.goto(`${base}/console/alerts/${a.id}`);
    await page.getByLabel('整改措施').fill('12月10日前召开支委会并补录记录');
    await page.getByLabel('完成时限').fill('2026-12-15');
    await page.getByRole('button', { name: '提交' }).click();
    expect(await page.locator('#alert-state').textContent()).toBe('限期整改');
    expect((await t.store.alerts.get(a.id))).toMatchObject({ state: 'acknowledged', ackBy: '2026-12-15', ackWho: 'county' });
    await shot(page, 'alert-acknowledged');
  });

  it('opens the secretary link from a received mail on a phone and acknowledges that branch’s items', async () => {
    const mail = smtp.messages.find((m) => m.envelope.to.includes('b102@example.org'))!;
    expect(mail).toBeDefined();
    const url = new RegExp(`${base}/a/[A-Za-z0-9_-]{24}`).exec(mail.text)![0];
    expect(mail.html).toContain(url);
    const open = (await t.store.alerts.list({ org: 'B102', open: true })).filter((x) => x.state === 'open');
    expect(open.length).toBeGreaterThan(0);

    const page = await newPage({ width: 390, height: 844 });
    await page.goto(url);
    expect(await page.locator('h1').textContent()).toBe('认领整改');
    await shot(page, 'secretary-link-phone');
    await page.getByLabel('整改措施').fill('本月内补开支委会和主题党日');
    await page.getByLabel('完成时限').fill('2026-12-20');
    await page.getByRole('button', { name: '提交' }).click();
    expect(await page.getByRole('status').textContent()).toContain('已提交');
    await shot(page, 'secretary-link-done');
    for (const a of open) expect((await t.store.alerts.get(a.id))).toMatchObject({ state: 'acknowledged', ackBy: '2026-12-20', ackPlan: '本月内补开支委会和主题党日' });
    expect((await t.store.alerts.get(open[0]!.id))!.ackWho).toMatch(/链接 #\d+/);
    // Other branches' alerts were not touched.
    expect((await t.store.alerts.list({ org: 'B101', open: true })).every((x) => x.state === 'open')).toBe(true);

    // Reused: shows the state, no form.
    await page.goto(url);
    expect(await page.getByRole('button', { name: '提交' }).count()).toBe(0);
    expect(await page.locator('body').textContent()).toContain('限期整改');

    // Tampered: a clear Chinese 403 page.
    const tampered = url.slice(0, -1) + (url.endsWith('A') ? 'B' : 'A');
    const res = await page.goto(tampered);
    expect(res!.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain('链接无效');
    await shot(page, 'secretary-link-tampered');
  });

  it('denies a township user another township’s branch (403)', async () => {
    const page = await pageAs('town1');
    const res = await page.goto(`${base}/console/orgs/B201`);
    expect(res!.status()).toBe(403);
    expect(await page.locator('body').textContent()).toContain('无权查看');
    await shot(page, 'township-denied');
  });

  it('rejects a form whose CSRF token was removed', async () => {
    const a = (await t.store.alerts.list({ org: 'B101', open: true })).find((x) => x.state === 'open')!;
    const page = await pageAs('county');
    await page.goto(`${base}/console/alerts/${a.id}`);
    await page.locator('form[action$="/ack"] input[name="_csrf"]').evaluate((el) => el.remove());
    await page.getByLabel('整改措施').fill('整改');
    await page.getByLabel('完成时限').fill('2026-12-15');
    const responses: number[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST') responses.push(r.status());
    });
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForLoadState('load');
    expect(responses).toEqual([403]);
    expect(await page.locator('body').textContent()).toContain('安全令牌');
    expect((await t.store.alerts.get(a.id))!.state).toBe('open');
  });

  it('uploads a CSV with a bad row and shows its file, line, column and reason; writes nothing', async () => {
    const dir = resolve(ARTIFACTS, 'upload');
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, 'meetings.csv');
    writeFileSync(file, '记录编号,组织编码,会议类型,召开时间,应到人数,实到人数\nU1,B101,支委会,2026-11-20T09:00,5,5\nU2,B999,支委会,2026-11-21T09:00,5,5\n');
    const page = await pageAs('county');
    await page.goto(`${base}/console/import`);
    await page.setInputFiles('#files', file);
    await page.getByRole('button', { name: '上传并导入' }).click();
    await page.waitForLoadState('load');
    const row = page.locator('#import-issues tr', { hasText: 'B999' });
    expect(await row.locator('td').allTextContents()).toEqual(['meetings.csv', '3', '组织编码', 'B999', expect.stringContaining('B999')]);
    expect([await t.store.facts.meeting('U1'), await t.store.facts.meeting('U2')]).toEqual([undefined, undefined]);
    await shot(page, 'import-rejected');
    // The corrected file goes in, and the import is in the audit log.
    writeFileSync(file, '记录编号,组织编码,会议类型,召开时间,应到人数,实到人数\nU1,B101,支委会,2026-11-20T09:00,5,5\n');
    await page.setInputFiles('#files', file);
    await page.getByRole('button', { name: '上传并导入' }).click();
    expect(await page.getByRole('status').textContent()).toContain('导入成功');
    expect((await t.store.facts.meeting('U1'))?.org).toBe('B101');
    await page.goto(`${base}/console/audit`);
    expect(await page.locator('#audit-table').textContent()).toContain('导入数据');
  });

  it('raised no Content-Security-Policy violation on any page', () => {
    expect(cspViolations).toEqual([]);
  });
});
