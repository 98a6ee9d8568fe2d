/** The `orglife report` and `orglife ranking` commands, run as users run them (child processes). */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIG_DIR } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { goodMonths, seedStore } from './seed.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const run = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ORGLIFE_DB: t.spec, ORGLIFE_CONFIG: CONFIG_DIR },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
};

// Each test spawns the CLI (node + tsx start-up), which takes seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 90_000 });

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
  await seedStore(
    t.store,
    [
      { code: 'CITY', name: '市委', kind: 'committee' },
      { code: 'T1', name: '甲镇党委', kind: 'committee', parent: 'CITY' },
      { code: 'B1', name: '一村党支部', parent: 'T1' },
      { code: 'B2', name: '二村/党支部', parent: 'T1' },
      { code: 'S1', name: '一中党支部', parent: 'T1', domain: 'school' },
    ],
    [...goodMonths('B1', ['2026-07', '2026-08', '2026-09']), ...goodMonths('S1', ['2026-07'])],
  );
});
afterAll(() => t.cleanup());

describe('orglife report', () => {
  it('prints one branch report as JSON with its rank and problems; --save stores that report alone', async () => {
    const r = await run(['report', '--org', 'B2', '--period', '2026-08', '--format', 'json', '--at', '2026-09-02T09:00', '--save']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ org: 'B2', period: '2026-08', rank: 2, rankOf: 2 });
    expect(j.problems.length).toBeGreaterThan(0);
    const items = await t.store.reports.rectifications({ org: 'B2' });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.reportPeriod === '2026-08')).toBe(true);
    expect(r.stderr).toContain(`新建整改事项 ${items.length} 项`);
    expect(await t.store.reports.stored('B2', '2026-08', 'branch')).toEqual(j);
    expect(await t.store.reports.stored('B1', '2026-08', 'branch')).toBeUndefined();
    expect(await t.store.reports.stored('T1', '2026-08', 'committee')).toBeUndefined();
  });

  it('explains a bad period label in Chinese', async () => {
    const bad = await run(['report', '--org', 'B1', '--period', '2026-13']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('无效的期间 "2026-13"');
  });

  it('explains an unknown org in Chinese', async () => {
    const unknown = await run(['report', '--org', 'NOPE', '--period', '2026-Q3', '--at', '2026-10-02T09:00']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('未找到组织编码 "NOPE"');
  });

  it('refuses a period that is not over yet', async () => {
    const early = await run(['report', '--org', 'B1', '--period', '2026-10', '--at', '2026-10-20T09:00']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('期间 2026-10 尚未结束');
  });

  it('writes every branch report, committee summary and the XLSX ranking with --all, and stores them with --save', async () => {
    const out = join(t.dir, 'out');
    const r = await run(['report', '--all', '--period', '2026-Q3', '--out', out, '--at', '2026-10-02T09:00', '--save']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('体检报告 3 份、党委汇总 2 份');
    expect(readdirSync(join(out, 'branches')).sort()).toEqual(['B1.html', 'B2.html', 'S1.html']);
    expect(readdirSync(join(out, 'committees')).sort()).toEqual(['CITY.html', 'T1.html']);
    expect(readFileSync(join(out, 'committees', 'T1.html'), 'utf8')).toContain('甲镇党委 2026年第三季度党支部组织生活体检汇总');
    expect(existsSync(join(out, 'ranking.xlsx'))).toBe(true);
    expect(existsSync(join(out, 'rating.xlsx'))).toBe(true);
    expect((await t.store.reports.rectifications({ org: 'B2' })).filter((i) => i.reportPeriod === '2026-Q3').length).toBeGreaterThan(0);
    expect(await t.store.reports.stored('CITY', '2026-Q3', 'committee')).toMatchObject({ org: 'CITY', branchCount: 3 });
  });
});

describe('orglife ranking', () => {
  it('prints the ranking of one domain and exports it to XLSX', async () => {
    const file = join(t.dir, 'ranking.xlsx');
    const r = await run(['ranking', '--period', '2026-Q3', '--domain', '农村', '--xlsx', file, '--at', '2026-10-02T09:00']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2026年第三季度 农村领域党支部排名（2 个参评）');
    expect(r.stdout).not.toContain('一中党支部');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['农村']);
    expect(wb.getWorksheet('农村')!.getRow(3).getCell(2).value).toBe('B1');
  });

  it('rejects an unknown domain', async () => {
    const r = await run(['ranking', '--period', '2026', '--domain', '火星']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('无效的领域 --domain "火星"');
  });
});
