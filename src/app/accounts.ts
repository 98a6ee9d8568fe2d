/**
 * People's accounts, shared by `orglife users` and the console: add, change password, disable,
 * list, and sign-in with lockout. Every change is written to the audit log.
 */
import type { Store } from '../store/port.js';
import type { UserRole, UserRow } from '../store/types/accounts.js';
import { DUMMY_HASH, MIN_PASSWORD_CHARS, hashPassword, verifyPassword } from '../console/passwords.js';

export type { UserRole, UserRow };

/** A problem with an account request; the message is bilingual and safe to show. */
export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

export const ROLES: readonly UserRole[] = ['admin', 'viewer'];
export const ROLE_NAMES_ZH: Record<UserRole, string> = { admin: '管理员', viewer: '只读' };

/** Failed sign-ins before an account is locked, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_CHARS) throw new AccountError(`密码至少 ${MIN_PASSWORD_CHARS} 个字符 / the password needs at least ${MIN_PASSWORD_CHARS} characters`);
}

export async function addUser(store: Store, u: { username: string; org: string; role: string; password: string }, actor: string, now: number): Promise<UserRow> {
  const username = u.username.trim();
  if (!/^[\p{L}\p{N}_.@-]{2,64}$/u.test(username)) throw new AccountError(`用户名无效：2–64 个字母、数字或 _ . @ - / invalid username "${username}"`);
  if (!ROLES.includes(u.role as UserRole)) throw new AccountError(`角色无效：admin（管理员）或 viewer（只读）/ invalid role "${u.role}"`);
  if (!(await store.orgs.kindOf(u.org))) throw new AccountError(`未找到组织编码 ${u.org} / unknown organization code: ${u.org}`);
  checkPassword(u.password);
  const taken = () => new AccountError(`用户名已存在：${username} / username already exists`);
  if (await store.accounts.userByName(username)) throw taken();
  const passwordHash = await hashPassword(u.password);
  const user = await store.accounts.addUser({ username, org: u.org, role: u.role as UserRole, passwordHash }, now, {
    actor,
    action: 'user-add',
    target: username,
    detail: { org: u.org, role: u.role },
    org: u.org,
  });
  if (!user) throw taken(); // added meanwhile by someone else
  return user;
}

async function mustFind(store: Store, username: string): Promise<UserRow> {
  const u = await store.accounts.userByName(username);
  if (!u) throw new AccountError(`没有这个用户：${username} / no such user`);
  return u;
}

export async function changePassword(store: Store, username: string, password: string, actor: string, now: number): Promise<void> {
  const u = await mustFind(store, username);
  checkPassword(password);
  const hash = await hashPassword(password);
  await store.accounts.setPassword(u.id, hash, now, { actor, action: 'user-passwd', target: u.username, org: u.org });
}

export async function disableUser(store: Store, username: string, disabled: boolean, actor: string, now: number): Promise<void> {
  const u = await mustFind(store, username);
  await store.accounts.setDisabled(u.id, disabled, now, { actor, action: disabled ? 'user-disable' : 'user-enable', target: u.username, org: u.org });
}

export function listUsers(store: Store): Promise<UserRow[]> {
  return store.accounts.users();
}

export type LoginOutcome = { ok: true; user: UserRow } | { ok: false; reason: 'bad' | 'locked' | 'disabled'; until?: number };

/**
 * Check a sign-in. Unknown users cost the same scrypt as known ones. After MAX_FAILED_LOGINS
 * failures the account is locked for LOCKOUT_MS (counted atomically by the store, so attempts
 * spread over several daemons add up); while locked even the right password is refused.
 * Writes need a writable database; a read-only console still signs people in (counts not kept).
 */
export async function login(store: Store, username: string, password: string, now: number, ip: string): Promise<LoginOutcome> {
  const u = await store.accounts.userByName(username.trim());
  const good = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
  const write = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch {
      return undefined; // read-only database: nothing to record
    }
  };
  if (!u) {
    await write(() => store.accounts.audit([{ actor: username.slice(0, 64), action: 'login-failed', detail: { ip, reason: 'unknown-user' } }], now));
    return { ok: false, reason: 'bad' };
  }
  if (u.disabled) return { ok: false, reason: 'disabled' };
  if (u.lockedUntil !== null && u.lockedUntil > now) return { ok: false, reason: 'locked', until: u.lockedUntil };
  if (!good) {
    const locked = !!(await write(async () => {
      const { locked } = await store.accounts.noteFailedLogin(u.id, MAX_FAILED_LOGINS, now + LOCKOUT_MS, now);
      await store.accounts.audit([{ actor: u.username, action: locked ? 'login-locked' : 'login-failed', detail: { ip }, org: u.org }], now);
      return locked;
    }));
    return locked ? { ok: false, reason: 'locked', until: now + LOCKOUT_MS } : { ok: false, reason: 'bad' };
  }
  await write(async () => {
    await store.accounts.noteGoodLogin(u.id, now);
    await store.accounts.audit([{ actor: u.username, action: 'login', detail: { ip }, org: u.org }], now);
  });
  return { ok: true, user: u };
}
