/** `orglife users …` as a process: password from stdin or generated once, scoped org, passwd, disable; on the store tempStore() gives. */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/console/passwords.js';
import { importRecords } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { BIN } from '../ops/setup.js';
import { COUNTY_ORGS, NOW } from './setup.js';

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
  await importRecords(t.store, 'orgs', COUNTY_ORGS, 'test', { now: NOW }); // the import session: both stores
});
afterAll(() => t.cleanup());
const findUserByName = (name: string) => t.store.accounts.userByName(name);

const run = (args: string[], input = '') =>
  spawnSync(process.execPath, [BIN, 'users', ...args], { input, encoding: 'utf8', env: { ...process.env, ORGLIFE_DB: t.spec }, timeout: 60_000 });

describe('orglife users', () => {
  it('adds with a password from stdin, or generates one and prints it once', async () => {
    const a = run(['add', '李四', '--org', 'C01', '--role', 'admin'], 'a-long-password-1\n');
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).not.toContain('a-long-password-1');
    expect(await verifyPassword('a-long-password-1', (await findUserByName('李四'))!.passwordHash)).toBe(true);
    const b = run(['add', 'wang', '--org', 'C00']);
    expect(b.status, b.stderr).toBe(0);
    const generated = /password \(shown once\): (\S+)/.exec(b.stdout)![1]!;
    expect(generated).toHaveLength(16);
    expect(await findUserByName('wang')).toMatchObject({ role: 'viewer', org: 'C00' });
    expect((await findUserByName('wang'))!.passwordHash).not.toContain(generated);
  }, 120_000);

  it('refuses an unknown org, a bad role and a short password in Chinese without a stack trace', () => {
    for (const [args, input, text] of [
      [['add', 'x1', '--org', 'NOPE'], 'a-long-password-1', '未找到组织编码'],
      [['add', 'x2', '--org', 'C01', '--role', 'root'], 'a-long-password-1', '角色无效'],
      [['add', 'x3', '--org', 'C01'], 'short', '密码至少'],
    ] as const) {
      const r = run([...args], input);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(text);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('lists, changes a password and disables', async () => {
    expect(run(['passwd', '李四'], 'another-password-2\n').status).toBe(0);
    expect(await verifyPassword('another-password-2', (await findUserByName('李四'))!.passwordHash)).toBe(true);
    expect(run(['disable', 'wang']).status).toBe(0);
    const list = run(['list']);
    expect(list.stdout).toMatch(/李四\s+C01\s+管理员\s+正常/);
    expect(list.stdout).toMatch(/wang\s+C00\s+只读\s+已停用/);
    const audit = (await t.store.accounts.auditPage({ orgs: null, limit: 10, offset: 0 })).rows.map((r) => r.action).reverse();
    expect(audit).toEqual(['user-add', 'user-add', 'user-passwd', 'user-disable']);
    // A disabled user cannot sign in; enabling again restores it.
    expect((await findUserByName('wang'))!.disabled).toBe(true);
    expect(run(['disable', 'wang', '--enable']).status).toBe(0);
    expect((await findUserByName('wang'))!.disabled).toBe(false);
  }, 120_000);
});
