/**
 * The 评星定级 campaign page in a real browser (Debian's Chromium through playwright-core): a
 * city-wide admin signs in, opens the campaign page from the nav, advances the step through its
 * form with a reason, and the page shows the new step; no CSP violation; desktop and phone
 * screenshots go to test-artifacts/console/ (gitignored) for a person to look at. On the store
 * tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildConsoleServer } from '../../src/console/server.js';
import { openCampaign, recordSelfAssessment } from '../../src/rating/campaign-service.js';
import { designateWeak } from '../../src/rating/weak-service.js';
import { shippedConfig } from '../helpers/config.js';
import type { TempStore } from '../helpers/store.js';
import { countyStore, NOW, PASSWORD, quietLog } from './setup.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/console');

let t: TempStore;
let app: FastifyInstance;
let base: string;
let browser: Browser;
const cspViolations: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = shippedConfig();
  t = await countyStore(config);
  await openCampaign(t.store, 2026, { by: '组织部', at: NOW });
  for (const [org, stars] of [['B101', 3], ['B102', 5], ['B201', 4]] as const) await recordSelfAssessment(t.store, config, 2026, org, stars, null, { by: '支部', at: NOW });
  await designateWeak(t.store, { org: 'B101', category: 'org_life', on: '2026-03-01', by: '组织部' }, NOW);
  app = await buildConsoleServer({ store: t.store, config, log: quietLog, clock: () => NOW, readOnly: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.cleanup();
});

async function signedIn(username: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${base}/console/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState('load');
  return page;
}

describe('the 评星定级 campaign page in Chromium', { timeout: 120_000 }, () => {
  it('opens from the nav, advances a step through its form with a reason, and fits a phone', async () => {
    const page = await signedIn('county');
    await page.getByRole('link', { name: '评星定级' }).first().click();
    await page.waitForLoadState('load');
    expect(page.url()).toContain('/console/rating');
    expect(await page.locator('h1').textContent()).toBe('2026 年度评星定级');
    expect(await page.locator('#campaign-state').textContent()).toBe('支部自评');
    expect(await page.locator('#campaign-table tr').count()).toBe(4); // header + 3 branches
    // The XSS-named branch shows as text, not markup.
    expect(await page.locator('#campaign-table').textContent()).toContain('<script>alert(1)</script>村党支部');
    await page.getByLabel('理由（必填）').fill('支部自评已全部完成');
    await page.getByRole('button', { name: /进入「党委考评」/ }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.ok').textContent()).toBe('已进入下一阶段。');
    expect(await page.locator('#campaign-state').textContent()).toBe('党委考评');
    expect(await page.locator('#transitions').textContent()).toContain('支部自评已全部完成');
    expect(await page.locator('#transitions').textContent()).toContain('支部自评（B102）');
    expect((await t.store.rating.transitions(2026)).at(-1)).toMatchObject({ toState: 'committee_review', actor: 'county', reason: '支部自评已全部完成' });
    await page.screenshot({ path: resolve(ARTIFACTS, 'rating-campaign.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the table scrolls inside its wrapper; the page itself does not overflow sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await page.screenshot({ path: resolve(ARTIFACTS, 'rating-campaign-phone.png'), fullPage: true });
    await page.goto(`${base}/console/rating/weak`);
    expect(await page.locator('h1').textContent()).toBe('软弱涣散基层党组织整顿');
    await page.screenshot({ path: resolve(ARTIFACTS, 'rating-weak-phone.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });
});
