import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { rejectionText } from '../../src/cli/commands/import.js';
import { ImportRejected } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { query } from './helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const run = promisify(execFile);

/** Run `node bin/orglife.js import …` with ORGLIFE_DB = the test's store (a SQLite file or a PostgreSQL URL); never throws on a non-zero exit. */
async function orglifeImport(dbPath: string, files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'import', ...files], {
      env: { ...process.env, ORGLIFE_DB: dbPath },
      cwd: resolve(import.meta.dirname, '../fixtures/import'),
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('orglife import (the real CLI)', () => {
  let t: TempStore;
  let dbPath: string;
  beforeEach(async () => {
    t = await tempStore();
    dbPath = t.spec;
  });
  afterEach(async () => t.cleanup());

  const count = async (table: string) => Number((await query(t, `SELECT count(*) AS n FROM ${table}`))[0]!.n);

  it('imports files, prints one Chinese summary line per file and exits 0; a second run changes nothing', async () => {
    const first = await orglifeImport(dbPath, ['meetings.csv', 'orgs.csv']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('meetings.csv：会议记录 5 行，新增 5，更新 0，未变 0\norgs.csv：组织 5 行，新增 5，更新 0，未变 0\n');
    expect(first.stderr).toBe(''); // no progress bar without a TTY
    const second = await orglifeImport(dbPath, ['orgs.csv', 'meetings.csv']);
    expect(second.stdout).toBe('orgs.csv：组织 5 行，新增 0，更新 0，未变 5\nmeetings.csv：会议记录 5 行，新增 0，更新 0，未变 5\n');
    expect(await count('meetings')).toBe(5);
  });

  it('rejects a bad file with exit code 1, lists every problem in Chinese and English, and writes nothing', async () => {
    const r = await orglifeImport(dbPath, ['orgs.csv', 'meetings-unparseable-held-at.bad.csv', 'no-such-file.csv']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('导入被拒绝，未写入任何数据：共 3 处错误 / import rejected, nothing was written: 3 issues');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}no-such-file\.csv: 文件不存在或无法读取 \/ file not found/),
      expect.stringMatching(/^ {2}meetings-unparseable-held-at\.bad\.csv:2 列「召开时间」\(held_at\): 时间「2026-02-30 14:30」无效.* \/ invalid timestamp/),
      expect.stringMatching(/^ {2}meetings-unparseable-held-at\.bad\.csv:3 列「召开时间」\(held_at\): 时间「下周二」无效/),
    ]);
    expect(await count('orgs')).toBe(0);
    expect(await count('imports')).toBe(0);
  });

  it('caps the printed list at 200 and says how many more problems there are', () => {
    const issues = Array.from({ length: 250 }, (_, i) => ({ source: 'm.csv', line: i + 2, reasonZh: '错', reasonEn: 'bad' }));
    const lines = rejectionText(new ImportRejected(issues, 1234)).split('\n');
    expect(lines).toHaveLength(1 + 200 + 1);
    expect(lines[1]).toBe('  m.csv:2: 错 / bad');
    expect(lines.at(-1)).toBe('  …… 还有 1,034 处错误 / 1034 more');
  });
});
