/** `orglife rectify list|close`: the rectification items of the reports, run as users run it (child processes). */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, openDb } from '../../src/store/sqlite/db.js';
import { closeRectificationItem, RectificationError, rectificationView } from '../../src/reports/rectification.js';
import { getRectification, listRectifications } from '../../src/store/sqlite/reports.js';
import { orgs, rectificationItems } from '../../src/store/sqlite/schema.js';
import { CONFIG_DIR } from '../helpers/config.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { at } from '../jobs/setup.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ORGLIFE_DB: t.path, ORGLIFE_CONFIG: CONFIG_DIR, LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });

// Each test spawns the CLI (node + tsx start-up), which takes seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

let t: TempDb;
beforeAll(() => {
  t = tempDb();
  t.db
    .insert(orgs)
    .values([
      { code: 'T1', name: '甲镇党委', kind: 'committee', updatedAt: 0 },
      { code: 'B1', name: '一村党支部', kind: 'branch', parent: 'T1', updatedAt: 0 },
      { code: 'B2', name: '二村党支部', kind: 'branch', parent: 'T1', updatedAt: 0 },
    ])
    .run();
  const item = (org: string, rule: string, title: string, problemPeriod: string, reportPeriod: string, due: string) => ({
    org, rule, title, problemPeriod, reportPeriod, createdAt: at('2026-10-02T09:00'), dueAt: at(due),
  });
  t.db
    .insert(rectificationItems)
    .values([
      item('B1', 'committee-monthly', '每月召开支委会', '2026-09', '2026-Q3', '2026-11-02T00:00'), // id 1: deadline 2026-11-01
      item('B2', 'theme-day-monthly', '每月开展主题党日', '2026-10', '2026-10', '2026-12-03T00:00'), // id 2: deadline 2026-12-02
      { ...item('B1', 'lecture-yearly', '书记讲党课', '2025', '2026-Q3', '2026-11-02T00:00'), status: 'closed' as const, closedAt: at('2026-10-20T15:00'), note: '10月20日已讲党课' },
    ])
    .run();
  closeDb(t.db);
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
    const db = openDb(t.path);
    try {
      expect(getRectification(db, 1)).toMatchObject({ status: 'closed', closedAt: at('2026-11-10T10:00'), note: '11月9日已补开支委会' });
      expect(getRectification(db, 2)).toMatchObject({ status: 'open', closedAt: null });
      expect(listRectifications(db, { overdueAt: at('2026-11-10T09:00') })).toEqual([]);
    } finally {
      closeDb(db);
    }
  });
});

describe('closing a rectification item in process (what the CLI and an API call)', () => {
  it('returns the closed item, and refuses unknown, closed or note-less ones with a code and a bilingual message', () => {
    const u = tempDb();
    try {
      u.db.insert(rectificationItems).values({ org: 'B9', rule: 'committee-monthly', title: '每月召开支委会', problemPeriod: '2026-09', reportPeriod: '2026-Q3', createdAt: 0, dueAt: at('2026-11-02T00:00') }).run();
      const codeOf = (f: () => unknown) => {
        try {
          f();
          return 'none';
        } catch (e) {
          return e instanceof RectificationError ? `${e.code}: ${e.message}` : String(e);
        }
      };
      expect(codeOf(() => closeRectificationItem(u.db, 1, '  ', at('2026-10-20T09:00')))).toMatch(/^note_required: 缺少整改说明.* \/ a note/);
      expect(codeOf(() => closeRectificationItem(u.db, 7, '已整改', at('2026-10-20T09:00')))).toBe('not_found: 整改事项 7 不存在 / no rectification item with id 7');
      const closed = closeRectificationItem(u.db, 1, ' 已补开 ', at('2026-10-20T09:00'));
      expect(rectificationView(closed, at('2026-11-10T09:00'))).toMatchObject({ status: 'closed', overdue: false, note: '已补开', deadline: '2026-11-01', closedAt: '2026-10-20T01:00:00.000Z' });
      expect(codeOf(() => closeRectificationItem(u.db, 1, '再次', at('2026-10-21T09:00')))).toMatch(/^already_closed: 整改事项 1 已于 2026-10-20 09:00 销号/);
      expect(listRectifications(u.db, { all: true }).map((r) => [r.id, r.status, r.note])).toEqual([[1, 'closed', '已补开']]);
    } finally {
      u.cleanup();
    }
  });
});
