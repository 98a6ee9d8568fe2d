/**
 * The console served on loopback and Debian's Chromium (playwright-core) opening it: sign-in as a
 * person would (the labelled 用户名 / 密码 fields and the 登录 button), CSP violations collected from
 * the page console, screenshots kept in test-artifacts/console/ (gitignored) for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { Config } from '../../src/config/schema.js';
import { buildConsoleServer } from '../../src/console/server.js';
import type { Store } from '../../src/store/port.js';
import { NOW, PASSWORD, quietLog } from './setup.js';

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/console');

export interface ConsoleInChromium {
  /** http://127.0.0.1:PORT of the console server. */
  base: string;
  /** Console errors of every page that name the Content Security Policy. */
  cspViolations: string[];
  /** A new desktop-sized page (zh-CN), signed in as `username` with the seed's password. */
  signedIn(username: string): Promise<Page>;
  /** A full-page screenshot as test-artifacts/console/NAME.png. */
  shot(page: Page, name: string): Promise<Buffer>;
  /** Whether the page has no sideways scroll at its viewport width. */
  fitsPhone(page: Page): Promise<boolean>;
  close(): Promise<void>;
}

/** Serve a writable console over `store` (clock fixed at NOW) and launch Chromium. */
export async function consoleInChromium(store: Store, config: Config): Promise<ConsoleInChromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const app = await buildConsoleServer({ store, config, log: quietLog, clock: () => NOW, readOnly: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const cspViolations: string[] = [];
  return {
    base,
    cspViolations,
    async signedIn(username) {
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
    },
    shot: (page, name) => page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true }),
    fitsPhone: (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    async close() {
      await browser.close();
      await app.close();
    },
  };
}
