/**
 * `orglife users add NAME --org CODE --role admin|viewer`, `users list`, `users passwd NAME`,
 * `users disable NAME` (and `--enable`): console accounts. A password comes from stdin (first
 * line) when stdin is not a terminal and not empty; otherwise one is generated and printed once.
 */
import type { Command } from 'commander';
import { AccountError, ROLE_NAMES_ZH, addUser, changePassword, disableUser, listUsers } from '../../app/accounts.js';
import { table } from '../../alerts/format.js';
import { shanghaiDateTime } from '../../domain/calendar.js';
import { generatePassword } from '../../console/passwords.js';
import { defaultStoreSpec, openStore } from '../../store/open.js';
import type { Store } from '../../store/port.js';
import { UserError } from '../errors.js';

/** Run fn on the existing store (ORGLIFE_DB: a SQLite file or a postgres:// URL), closing it afterwards. */
async function withDb<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(defaultStoreSpec(), { mustExist: true });
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof AccountError) throw new UserError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

/** The first line of stdin when it is piped, else null. */
async function passwordFromStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]?.trim() ?? '';
  return line || null;
}

async function passwordOrGenerated(): Promise<{ password: string; generated: boolean }> {
  const given = await passwordFromStdin();
  return given ? { password: given, generated: false } : { password: generatePassword(), generated: true };
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('控制台账号 / console accounts');
  users
    .command('add')
    .argument('<name>', '用户名 / username')
    .requiredOption('--org <code>', '所属组织编码：只能查看和处理该组织及其下级 / the org subtree this user sees')
    .option('--role <role>', 'admin（管理员，可认领、销号、导入）或 viewer（只读）/ admin or viewer', 'viewer')
    .description('新建账号（密码从标准输入读取，否则自动生成并只显示这一次）/ add a user')
    .action((name: string, flags: { org: string; role: string }) =>
      withDb(async (db) => {
        const { password, generated } = await passwordOrGenerated();
        const u = await addUser(db, { username: name, org: flags.org, role: flags.role, password }, 'cli', Date.now());
        process.stdout.write(`已创建账号 ${u.username}（${ROLE_NAMES_ZH[u.role]}，${u.org}）/ user created\n`);
        if (generated) process.stdout.write(`初始密码（只显示这一次）/ password (shown once): ${password}\n`);
      }),
    );
  users
    .command('list')
    .description('列出账号 / list users')
    .action(() =>
      withDb(async (db) => {
        const rows = (await listUsers(db)).map((u) => [
          u.username,
          u.org,
          ROLE_NAMES_ZH[u.role],
          u.disabled ? '已停用' : u.lockedUntil && u.lockedUntil > Date.now() ? `锁定至 ${shanghaiDateTime(u.lockedUntil)}` : '正常',
          shanghaiDateTime(u.createdAt),
        ]);
        process.stdout.write(rows.length ? `${table(['用户名', '组织', '角色', '状态', '创建时间'], rows)}\n` : '还没有账号 / no users yet\n');
      }),
    );
  users
    .command('passwd')
    .argument('<name>', '用户名 / username')
    .description('重设密码（从标准输入读取，否则自动生成），并退出该用户的所有登录 / set a new password')
    .action((name: string) =>
      withDb(async (db) => {
        const { password, generated } = await passwordOrGenerated();
        await changePassword(db, name, password, 'cli', Date.now());
        process.stdout.write(`已重设 ${name} 的密码 / password changed\n`);
        if (generated) process.stdout.write(`新密码（只显示这一次）/ password (shown once): ${password}\n`);
      }),
    );
  users
    .command('disable')
    .argument('<name>', '用户名 / username')
    .option('--enable', '重新启用 / enable again')
    .description('停用账号（立即退出登录）/ disable a user')
    .action((name: string, flags: { enable?: boolean }) =>
      withDb(async (db) => {
        await disableUser(db, name, !flags.enable, 'cli', Date.now());
        process.stdout.write(flags.enable ? `已启用 ${name} / enabled\n` : `已停用 ${name} / disabled\n`);
      }),
    );
}
