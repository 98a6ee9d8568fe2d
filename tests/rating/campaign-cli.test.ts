import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { orglife } from './cli.js';
import { seedOrgs } from './seed.js';

// Each case spawns the real CLI a few times: on a loaded 2-core machine that takes longer than the default.
describe('orglife rating (the real CLI)', { timeout: 120_000 }, () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [['C0', '市委', 'committee', null], ['B1', '一村', 'branch', 'C0', 'rural']]);
  });
  afterEach(async () => t.cleanup());

  it('--help is Chinese and English', async () => {
    const r = await orglife(t.spec, ['rating', '--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['open', 'advance', 'status', 'self', 'score', 'review', 'object', 'answer', 'subsidies', 'change', 'history', 'movement', 'weak', 'demo-site']) {
      expect(r.stdout).toMatch(new RegExp(`\\b${cmd}\\b.*[\\u4e00-\\u9fff].*/ ?[a-z]`));
    }
  });

  it('opens a campaign and shows it; a step out of order is a one-line bilingual error, exit 1', async () => {
    expect((await orglife(t.spec, ['rating', 'open', '--year', '2026', '--by', '组织部', '--at', '2026-12-01T09:00'])).stdout).toMatch(/已启动 2026 年度评星定级/);
    const wrong = await orglife(t.spec, ['rating', 'score', '--year', '2026', '--org', 'B1', '--stars', '4', '--by', '党委']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/支部自评.*不能录入党委考评.*\/ the 2026 campaign is at self_assessment/);
    const s = await orglife(t.spec, ['rating', 'status', '--year', '2026', '--json', '--at', '2026-12-01T10:00']);
    expect(JSON.parse(s.stdout)).toMatchObject({ campaign: { year: 2026, state: 'self_assessment', openedBy: '组织部' }, entries: [], transitions: [{ toState: 'self_assessment', actor: '组织部' }] });
  });
});
