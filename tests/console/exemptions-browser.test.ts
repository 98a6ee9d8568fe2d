/**
 * The 豁免 and 请假 pages in a real browser (Debian's Chromium through playwright-core): a township
 * admin opens them from the nav, grants an exemption and records a leave through their forms, sees a
 * refused form's bilingual error with what was typed kept, ends the exemption early; no CSP
 * violation; the pages fit a phone. Desktop and phone screenshots go to test-artifacts/console/
 * (gitignored) for a person to look at. On the store tempStore() gives (SQLite, or PostgreSQL with
 * ORGLIFE_TEST_STORE=postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedConfig } from '../helpers/config.js';
import type { TempStore } from '../helpers/store.js';
import { countyStore, NOW } from './setup.js';
import { consoleInChromium, type ConsoleInChromium } from './chromium.js';

let t: TempStore;
let ui: ConsoleInChromium;

beforeAll(async () => {
  const config = shippedConfig();
  t = await countyStore(config);
  ui = await consoleInChromium(t.store, config);
}, 120_000);

afterAll(async () => {
  await ui?.close();
  await t?.cleanup();
});

describe('the 豁免 and 请假 pages in Chromium', { timeout: 120_000 }, () => {
  it('grants and ends an exemption, records a leave, shows a refused form bilingually, and fits a phone', async () => {
    const page = await ui.signedIn('town1');
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
    await ui.shot(page, 'exemptions-error');

    await page.getByLabel('结束日期（含当天）').fill('2026-12-20');
    await page.getByRole('button', { name: '新增豁免' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.ok').textContent()).toBe('已新增豁免。');
    const row = page.locator('#exemption-table tr', { hasText: '支部合并' });
    expect(await row.textContent()).toContain('<script>alert(1)</script>村党支部'); // the imported name, as text
    expect(await row.textContent()).toContain('生效中');
    await ui.shot(page, 'exemptions');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await ui.fitsPhone(page)).toBe(true);
    await ui.shot(page, 'exemptions-phone');
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
    await ui.shot(page, 'leaves');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await ui.fitsPhone(page)).toBe(true);
    await ui.shot(page, 'leaves-phone');
    expect((await t.store.leaves.list({ all: true }))[0]).toMatchObject({ org: 'B102', createdBy: 'town1', reason: '外出学习' });
    expect(ui.cspViolations).toEqual([]);
  });
});
