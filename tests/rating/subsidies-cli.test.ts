import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { tempStore, type TempStore } from '../helpers/store.js';
import { orglife } from './cli.js';
import { NOW, seedOrgs, seedRatings } from './seed.js';

// Each case spawns the real CLI: on a loaded 2-core machine that takes longer than the default.
describe('orglife rating subsidies (the real CLI)', { timeout: 120_000 }, () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [
      ['C0', '市委', 'committee', null],
      ['C1', '城关镇党委', 'committee', 'C0'],
      ['B1', '=HYPERLINK("http://x","点我")', 'branch', 'C1', 'rural', { secretary: '+8613800000000' }],
      ['B2', '西村党支部', 'branch', 'C1', 'rural', { secretary: '王五' }],
      ['B3', '东街社区党支部', 'branch', 'C0', 'community', { secretary: '@张三' }],
    ]);
    await seedRatings(t, ['B1', 'B2', 'B3'].map((org) => ({ org, year: 2025, stars: 5, ratedOn: null })));
    await t.store.rating.saveStarChange({ id: 'X1', org: 'B2', effectiveOn: '2026-06-15', stars: 3, channel: 'inspection', reason: null, evidence: null }, NOW);
  });
  afterEach(async () => t.cleanup());

  it('--json: one object per branch with org, subsidy_yuan and fund_yuan', async () => {
    const r = await orglife(t.spec, ['rating', 'subsidies', '--year', '2026', '--json']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.org, x.subsidy_yuan, x.fund_yuan])).toEqual([
      ['B1', 6000, 10_000],
      ['B2', 4800, 0],
      ['B3', 0, 0],
    ]);
  });

  it('prints totals per committee and city, and writes the payment roll with formula-like cells neutralised', async () => {
    const file = join(t.dir, 'roll.xlsx');
    const r = await orglife(t.spec, ['rating', 'subsidies', '--year', '2026', '--xlsx', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/城关镇党委\t2\t2\t10,800\t10,000/);
    expect(r.stdout).toMatch(/全市合计：3 个支部，2 个享受激励，书记补贴 10,800 元，五星工作经费 10,000 元/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('发放名册')!;
    expect(ws.getRow(2).values).toContain('书记补贴');
    const b1 = ws.getRow(3).values as unknown[];
    expect(b1).toContain(`'=HYPERLINK("http://x","点我")`);
    expect(b1).toContain(`'+8613800000000`);
    expect(ws.getRow(3).getCell(3).formula).toBeUndefined();
    expect(ws.getRow(5).values).toContain(`'@张三`);
    const b2 = ws.getRow(4).values as unknown[];
    expect(b2.slice(7, 19)).toEqual([5, 5, 5, 5, 5, 5, 3, 3, 3, 3, 3, 3]);
    expect(b2.slice(-4)).toEqual([12, 4800, 0, 4800]);
    expect(wb.getWorksheet('分党委汇总')!.getRow(3).values).toEqual([, 'C1', '城关镇党委', 2, 2, 10_800, 10_000, 20_800]);
  });

  it('a missing or bad --year is a bilingual one-line error', async () => {
    const r = await orglife(t.spec, ['rating', 'subsidies', '--year', '26']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/无效的年度.*invalid year/);
    expect(r.stderr).not.toMatch(/at .*\.ts/);
  });
});
