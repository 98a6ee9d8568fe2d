/**
 * The 评星定级 campaign page in a real browser (Debian's Chromium through playwright-core): a
 * city-wide admin signs in, opens the campaign page from the nav, advances the step through its
 * form with a reason, and the page shows the new step; no CSP violation; desktop and phone
 * screenshots go to test-artifacts/console/ (gitignored) for a person to look at. On the store
 * tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCampaign, recordSelfAssessment } from '../../src/rating/campaign-service.js';
import { designateWeak } from '../../src/rating/weak-service.js';
import { shippedConfig } from '../helpers/config.js';
import type { TempStore } from '../helpers/store.js';
import { countyStore, NOW } from './setup.js';
import { consoleInChromium, type ConsoleInChromium } from './chromium.js';

let t: TempStore;
let ui: ConsoleInChromium;

beforeAll(async () => {
  const config = shippedConfig();
  t = await countyStore(config);
  await openCampaign(t.store, 2026, { by: '组织部', at: NOW });
  for (const [org, stars] of [['B101', 3], ['B102', 5], ['B201', 4]] as const) await recordSelfAssessment(t.store, config, 2026, org, stars, null, { by: '支部', at: NOW });
  await designateWeak(t.store, { org: 'B101', category: 'org_life', on: '2026-03-01', by: '组织部' }, NOW);
  ui = await consoleInChromium(t.store, config);
}, 120_000);

afterAll(async () => {
  await ui?.close();
  await t?.cleanup();
});

describe('the 评星定级 campaign page in Chromium', { timeout: 120_000 }, () => {
  it('opens from the nav, advances a step through its form with a reason, and fits a phone', async () => {
    const page = await ui.signedIn('county');
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
    await ui.shot(page, 'rating-campaign');
    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the table scrolls inside its wrapper; the page itself does not overflow sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await ui.shot(page, 'rating-campaign-phone');
    await page.goto(`${ui.base}/console/rating/weak`);
    expect(await page.locator('h1').textContent()).toBe('软弱涣散基层党组织整顿');
    await ui.shot(page, 'rating-weak-phone');
    expect(ui.cspViolations).toEqual([]);
  });
});
