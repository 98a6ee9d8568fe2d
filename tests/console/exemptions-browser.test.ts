/**
 * The 豁免 and 请假 pages in a real browser (Debian's Chromium through playwright-core): a township
 * admin opens them from the nav, grants an exemption and records a leave through their forms, sees a
 * refused form's bilingual error with what was typed kept, ends the exemption early; no CSP
 * violation; the pages fit a phone. Desktop and phone screenshots go to test-artifacts/console/
 * (gitignored) for a person to look at. On the store tempStore() gives (SQLite, or PostgreSQL with
 * ORGLIFE_TEST_STORE=postgres).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildConsoleServer } from '../../src/console/server.js';
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

const shot = (page: Page, name: string) => page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
const fitsPhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

describe('the 豁免 and 请假 pages in Chromium', { timeout: 120_000 }, () => {
  it('grants and ends an exemption, records a leave, shows a refused form bilingually, and fits a phone', async () => {
    const page = await signedIn('town1');
    await page.getByRole('link', { name: '豁免' }).first().click();
    await page.waitForLoadState('load');
    expect(page.url()).toContain('/console/exemptions');
    expect(await page.locator('h1').textContent()).toBe('豁免');

    // Too long: refused with the bilingual message naming the field, the typed values kept.
    await page.getByLabel('组织编码').fill('B101');
    await page.getByLabel('规则').selectOption('lecture-quarterly');
    await page.getByLabel('开始日期').fill('2026-11-20');
    await page.getByLabel('结束日期（含当天）').fill('2027-11-20');
    await page.getByLabel('豁免原因').fill('支部合并');
    await page.getByLabel('批准人或批准单位').fill('城关镇党委');
    await page.getByRole('button', { name: '新增豁免' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('#form-error').textContent()).toMatch(/^to：豁免期 366 天，超过配置允许的最长 \d+ 天（exemptions\.max_days）.* \/ the exemption is 366 days/);
    expect(await page.getByLabel('豁免原因').inputValue()).toBe('支部合并');
    await shot(page, 'exemptions-error');

    await page.getByLabel('结束日期（含当天）').fill('2026-12-20');
    await page.getByRole('button', { name: '新增豁免' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.ok').textContent()).toBe('已新增豁免。');
    const row = page.locator('#exemption-table tr', { hasText: '支部合并' });
    expect(await row.textContent()).toContain('<script>alert(1)</script>村党支部'); // the imported name, as text
    expect(await row.textContent()).toContain('生效中');
    await shot(page, 'exemptions');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsPhone(page)).toBe(true);
    await shot(page, 'exemptions-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    await row.getByLabel('提前结束的说明').fill('合并完成');
    await row.getByRole('button', { name: '提前结束' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.ok').textContent()).toBe('已提前结束该豁免。');
    expect((await t.store.exemptions.list({ all: true }))[0]).toMatchObject({ org: 'B101', rule: 'lecture-quarterly', endedBy: 'town1', endNote: '合并完成' });

    await page.getByRole('link', { name: '请假' }).first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toBe('书记请假');
    await page.getByLabel('支部').selectOption('B102');
    await page.getByLabel('开始日期').fill('2026-11-25');
    await page.getByLabel('结束日期（含当天）').fill('2026-12-05');
    await page.getByLabel('原因（可选）').fill('外出学习');
    await page.getByRole('button', { name: '登记请假' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.ok').textContent()).toContain('已登记请假');
    expect(await page.locator('#leave-table').textContent()).toContain('南街村党支部');
    await shot(page, 'leaves');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsPhone(page)).toBe(true);
    await shot(page, 'leaves-phone');
    expect((await t.store.leaves.list({ all: true }))[0]).toMatchObject({ org: 'B102', createdBy: 'town1', reason: '外出学习' });
    expect(cspViolations).toEqual([]);
  });
});
