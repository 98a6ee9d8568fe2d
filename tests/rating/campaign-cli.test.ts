import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { NOW, writeCsv } from '../import/helpers.js';
import { orglife } from './cli.js';

// Each case spawns the real CLI a few times: on a loaded 2-core machine that takes longer than the default.
describe('orglife rating (the real CLI)', { timeout: 120_000 }, () => {
  let t: TempDb;
  beforeEach(async () => {
    t = tempDb();
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['C0', '市委', 'committee', '', '', '', ''],
      ['B1', '一村', 'branch', 'C0', 'rural', 20, '2000-01-01'],
    ]);
    await importFiles(t.db, [orgs], { now: NOW });
  });
  afterEach(() => t.cleanup());

  it('--help is Chinese and English', async () => {
    const r = await orglife(t.path, ['rating', '--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['open', 'advance', 'status', 'self', 'score', 'review', 'object', 'answer', 'subsidies', 'change', 'history', 'movement', 'weak', 'demo-site']) {
      expect(r.stdout).toMatch(new RegExp(`\\b${cmd}\\b.*[\\u4e00-\\u9fff].*/ ?[a-z]`));
    }
  });

  it('opens a campaign and shows it; a step out of order is a one-line bilingual error, exit 1', async () => {
    expect((await orglife(t.path, ['rating', 'open', '--year', '2026', '--by', '组织部', '--at', '2026-12-01T09:00'])).stdout).toMatch(/已启动 2026 年度评星定级/);
    const wrong = await orglife(t.path, ['rating', 'score', '--year', '2026', '--org', 'B1', '--stars', '4', '--by', '党委']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/支部自评.*不能录入党委考评.*\/ the 2026 campaign is at self_assessment/);
    const s = await orglife(t.path, ['rating', 'status', '--year', '2026', '--json', '--at', '2026-12-01T10:00']);
    expect(JSON.parse(s.stdout)).toMatchObject({ campaign: { year: 2026, state: 'self_assessment', openedBy: '组织部' }, entries: [], transitions: [{ toState: 'self_assessment', actor: '组织部' }] });
  });
});
