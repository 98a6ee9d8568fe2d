/**
 * The console's 红黄绿 page over HTTP (inject), on the store tempStore() gives: the month's colour
 * grades of the user's subtree, consequences per committee, escaped names, scoped to the user.
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
afterAll(async () => t.close());

const get = (url: string, s = county) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });

describe('the 红黄绿 page', () => {
  it("shows the month's grades of the user's subtree with counts and red/yellow branches, names escaped, under the page CSP", async () => {
    const res = await get('/console/grades');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(res.body).toContain('组织生活红黄绿');
    expect(res.body).toMatch(/红 \d+　<span class="dot dot-yellow"><\/span> 黄 \d+/);
    expect(res.body).toContain('评定规则：连续 1 个月存在预警（预警或督办）为黄');
    expect(res.body).not.toContain(XSS_NAME);
    const all = await t.store.orgs.list(NOW);
    const branches = all.filter((o) => o.kind === 'branch').length;
    expect(res.body).toContain(`（共 ${branches} 个支部）`);
    // The township user sees its own branches only.
    const mine = await get('/console/grades', town);
    expect(mine.statusCode).toBe(200);
    const n = Number(/（共 (\d+) 个支部）/.exec(mine.body)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(branches);
    expect(mine.body).toContain('href="/console/grades" class="on"');
  });

  it('refuses a bad or future month with a clear Chinese message', async () => {
    const bad = await get('/console/grades?period=2026-Q4');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('无效的月份');
    const future = await get('/console/grades?period=2099-01');
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('尚未开始');
    expect(NOW).toBeGreaterThan(0);
  });
});
