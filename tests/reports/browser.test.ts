/**
 * Opens a rendered report in headless Chromium (Debian's /usr/bin/chromium; .ci/run installs it
 * when missing) and checks that it renders with its charts and without console errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderBranchHtml } from '../../src/reports/render/index.js';
import { sampleReports } from './sample.js';

const dir = mkdtempSync(join(tmpdir(), 'orglife-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a rendered report in a browser', () => {
  it('renders with its bar chart and trend chart visible and no console errors', async () => {
    const { reports } = sampleReports();
    const file = join(dir, 'report.html');
    writeFileSync(file, renderBranchHtml(reports[1]!));
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(await page.title()).toContain('组织生活体检报告');
      const svgs = await page.locator('svg').evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ w: r.width, h: r.height })));
      expect(svgs).toHaveLength(2);
      for (const s of svgs) {
        expect(s.w).toBeGreaterThan(100);
        expect(s.h).toBeGreaterThan(50);
      }
      // Bars and trend points are drawn (non-zero size), not just empty frames.
      const bars = await page.locator('svg rect.bar').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
      expect(bars.filter((w) => w > 0).length).toBeGreaterThanOrEqual(4);
      expect(await page.locator('svg circle.point').count()).toBe(2);
      // The hostile branch name is shown as text, not run.
      expect(await page.locator('h1').innerText()).toContain('<script>alert("x")</script>二村党支部');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
