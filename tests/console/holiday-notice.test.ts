/**
 * The console's 总览 shows the holiday calendar's gap as the daemon, `orglife check` and /readyz
 * find it (src/config/warnings.ts), by the console's clock: quiet while the calendar reaches 60 days
 * ahead, the Chinese notice once it does not (config/holidays.yaml ships up to 2026).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestConsole, type TestConsole } from './setup.js';

let t: TestConsole;
let clock = Date.parse('2026-10-15T09:00:00+08:00');
beforeAll(async () => {
  t = await startTestConsole({ clock: () => clock });
});
afterAll(async () => {
  await t.close();
});

async function overview(now: string): Promise<string> {
  clock = Date.parse(`${now}+08:00`);
  const s = await signIn(t.app, 'county');
  const res = await t.app.inject({ method: 'GET', url: '/console/overview', headers: { cookie: s.cookie } });
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('the 总览 holiday calendar card', () => {
  it('covered: says how far; from 60 days before its end: 节假日日历未覆盖 2027 年, 请更新 config/holidays.yaml; past its end: already counted without holidays', async () => {
    const oct = await overview('2026-10-15T09:00');
    expect(oct).toContain('已覆盖至 2026-12-31');
    expect(oct).not.toContain('未覆盖');
    const dec = await overview('2026-12-03T09:00');
    expect(dec).toMatch(/<p class="error" role="alert">节假日日历未覆盖 2027 年，请更新 config\/holidays\.yaml：/);
    expect(dec).toContain('2027 年将按无节假日计算');
    const jan = await overview('2027-01-05T09:00');
    expect(jan).toContain('节假日日历未覆盖 2027 年');
    expect(jan).toContain('自 2027-01-01 起已按无节假日计算');
  });
});
