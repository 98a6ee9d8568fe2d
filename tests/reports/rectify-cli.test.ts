/** `orglife rectify list|close`: the rectification items of the reports, run as users run it (child processes). */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeRectificationItem, RectificationError, rectificationView } from '../../src/reports/rectification.js';
import type { NewRectification } from '../../src/store/types/reports.js';
import { CONFIG_DIR } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { at } from '../jobs/setup.js';
import { seedStore } from './seed.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ORGLIFE_DB: t.spec, ORGLIFE_CONFIG: CONFIG_DIR, LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });

// Each test spawns the CLI (node + tsx start-up), which takes seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

const item = (org: string, rule: string, title: string, problemPeriod: string, reportPeriod: string, due: string): NewRectification => ({
  org, rule, title, problemPeriod, reportPeriod, dueAt: at(due),
});

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
  await seedStore(t.store, [
    { code: 'T1', name: '甲镇党委', kind: 'committee' },
    { code: 'B1', name: '一村党支部', parent: 'T1' },
    { code: 'B2', name: '二村党支部', parent: 'T1' },
  ]);
  const created = await t.store.reports.store(
    [],
    [
      item('B1', 'committee-monthly', '每月召开支委会', '2026-09', '2026-Q3', '2026-11-02T00:00'), // id 1: deadline 2026-11-01
      item('B2', 'theme-day-monthly', '每月开展主题党日', '2026-10', '2026-10', '2026-12-03T00:00'), // id 2: deadline 2026-12-02
      item('B1', 'lecture-yearly', '书记讲党课', '2025', '2026-Q3', '2026-11-02T00:00'), // id 3: closed below
    ],
    at('2026-10-02T09:00'),
  );
  expect(created).toBe(3);
  expect(await t.store.reports.closeRectification(3, '10月20日已讲党课', at('2026-10-20T15:00'))).toBe(true);
});
afterAll(() => t.cleanup());

const AT = ['--at', '2026-11-10T09:00'];

describe('orglife rectify', () => {
  it('lists open items as a Chinese table or JSON lines, filtered by org or overdue, and closed ones with --all', async () => {
    const [text, overdue, byOrg, all] = await Promise.all([
      run(['rectify', 'list', ...AT]),
      run(['rectify', 'list', '--overdue', '--json', ...AT]),
      run(['rectify', 'list', '--org', 'B2', '--json', ...AT]),
      run(['rectify', 'list', '--all', ...AT]),
    ]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    for (const h of ['编号', '组织', '问题', '问题期间', '报告期间', '整改期限', '状态']) expect(lines[0]).toContain(h);
    expect(lines.slice(2)).toHaveLength(2);
    expect(lines[2]).toMatch(/^1\s+一村党支部（B1）\s+每月召开支委会\s+2026年9月\s+2026年第三季度\s+2026-11-01\s+已逾期/);
    expect(lines[3]).toMatch(/^2\s+二村党支部（B2）\s+每月开展主题党日\s+2026年10月\s+2026年10月\s+2026-12-02\s+整改中/);

    expect(overdue.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ id: 1, org: 'B1', rule: 'committee-monthly', deadline: '2026-11-01', status: 'open', overdue: true, closedAt: null }),
    ]);
    expect(byOrg.stdout.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([2]);
    expect(all.stdout).toMatch(/3\s+一村党支部（B1）\s+书记讲党课.*已销号\s+2026-10-20 15:00\s+10月20日已讲党课/);
  });

  it('closes an item with a note, and explains in Chinese what cannot be closed', async () => {
    const errors = await Promise.all([
      run(['rectify', 'close', '999', '--note', '已整改']),
      run(['rectify', 'close', '1']),
      run(['rectify', 'close', '3', '--note', '再次销号']),
      run(['rectify', 'close', 'B1', '--note', '已整改']),
    ]);
    expect(errors.map((e) => e.code)).toEqual([1, 1, 1, 1]);
    expect(errors[0]!.stderr).toContain('整改事项 999 不存在');
    expect(errors[1]!.stderr).toContain('缺少整改说明');
    expect(errors[2]!.stderr).toContain('整改事项 3 已于 2026-10-20 15:00 销号');
    expect(errors[3]!.stderr).toContain('无效的整改事项编号 "B1"');
    for (const e of errors) expect(e.stderr).not.toMatch(/\n\s+at /); // no stack traces

    const ok = await run(['rectify', 'close', '1', '--note', '11月9日已补开支委会', '--at', '2026-11-10T10:00']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('已销号：整改事项 1（超过期限后完成）');
    expect(await t.store.reports.rectification(1)).toMatchObject({ status: 'closed', closedAt: at('2026-11-10T10:00'), note: '11月9日已补开支委会' });
    expect(await t.store.reports.rectification(2)).toMatchObject({ status: 'open', closedAt: null });
    expect(await t.store.reports.rectifications({ overdueAt: at('2026-11-10T09:00') })).toEqual([]);
  });
});

describe('closing a rectification item in process (what the CLI and an API call)', () => {
  it('returns the closed item, and refuses unknown, closed or note-less ones with a code and a bilingual message', async () => {
    const u = await tempStore();
    try {
      await u.store.reports.store([], [item('B9', 'committee-monthly', '每月召开支委会', '2026-09', '2026-Q3', '2026-11-02T00:00')], 0);
      const codeOf = async (f: () => Promise<unknown>) => {
        try {
          await f();
          return 'none';
        } catch (e) {
          return e instanceof RectificationError ? `${e.code}: ${e.message}` : String(e);
        }
      };
      expect(await codeOf(() => closeRectificationItem(u.store, 1, '  ', at('2026-10-20T09:00')))).toMatch(/^note_required: 缺少整改说明.* \/ a note/);
      expect(await codeOf(() => closeRectificationItem(u.store, 7, '已整改', at('2026-10-20T09:00')))).toBe('not_found: 整改事项 7 不存在 / no rectification item with id 7');
      const closed = await closeRectificationItem(u.store, 1, ' 已补开 ', at('2026-10-20T09:00'));
      expect(rectificationView(closed, at('2026-11-10T09:00'))).toMatchObject({ status: 'closed', overdue: false, note: '已补开', deadline: '2026-11-01', closedAt: '2026-10-20T01:00:00.000Z' });
      expect(await codeOf(() => closeRectificationItem(u.store, 1, '再次', at('2026-10-21T09:00')))).toMatch(/^already_closed: 整改事项 1 已于 2026-10-20 09:00 销号/);
      expect((await u.store.reports.rectifications({ all: true })).map((r) => [r.id, r.status, r.note])).toEqual([[1, 'closed', '已补开']]);
    } finally {
      await u.cleanup();
    }
  });
});
