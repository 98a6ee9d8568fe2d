/**
 * Helpers for commands that read an existing database and take an optional --at time.
 *
 * `openExistingStore()` opens the store named by `--db` / ORGLIFE_DB (a SQLite file or a
 * postgres:// URL) and turns every way that can fail into one bilingual line: no database yet,
 * a malformed URL, a server that refuses, is unknown, does not answer (bounded: the adapter waits
 * at most its connect timeout), a database or role that does not exist.
 */
import { parseTimestamp } from '../domain/calendar.js';
import { StoreMissingError, StoreSpecError } from '../store/errors.js';
import { defaultStoreSpec, describeSpec, openStore, type OpenStoreOptions } from '../store/open.js';
import type { Store } from '../store/port.js';
import { UserError } from './errors.js';

/** Exit code of a database server that cannot be reached (EX_UNAVAILABLE, as for Redis). */
export const EXIT_STORE_UNAVAILABLE = 69;

/** The store spec of this command: `--db`, else ORGLIFE_DB, else ./data/orglife.db. */
export function storeSpec(): string {
  return defaultStoreSpec();
}

/**
 * The bilingual UserError for a failure to open the store `spec`, or null when `e` is something
 * else (a bug, a fault of the machine that src/cli/faults.ts describes).
 */
export function storeOpenError(e: unknown, spec: string): UserError | null {
  if (e instanceof UserError) return e;
  if (e instanceof StoreMissingError || e instanceof StoreSpecError) return new UserError(e.message, 2);
  if (!(e instanceof Error)) return null;
  const where = describeSpec(spec);
  const code = String((e as { code?: unknown }).code ?? '');
  const isUrl = /^postgres(ql)?:\/\//i.test(spec);
  if (!isUrl) return null;
  if (code === 'ERR_INVALID_URL' || e instanceof TypeError) {
    return new UserError(`ORGLIFE_DB 地址格式错误：${where}（应为 postgres://用户:密码@主机:端口/数据库）/ malformed ORGLIFE_DB URL: ${where} (expected postgres://user:password@host:port/database)`, 2);
  }
  if (code === '3D000') {
    return new UserError(`PostgreSQL 上没有这个数据库：${where}，请先创建（createdb）/ no such database on the PostgreSQL server: ${where} (create it first: createdb)`, 2);
  }
  if (code === '28P01' || code === '28000') {
    return new UserError(`PostgreSQL 拒绝登录（用户名或密码不对，或无访问权限）：${where} / PostgreSQL refused the login (wrong user or password, or no access): ${where}`, 2);
  }
  const unreachable =
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', '57P03'].includes(code) ||
    /timeout|terminated/i.test(e.message);
  if (unreachable) {
    return new UserError(
      `无法连接 PostgreSQL：${where}（${code || e.message}），请确认数据库服务已启动、地址正确 / cannot reach PostgreSQL at ${where} (${code || e.message}): is the server running and the address right?`,
      EXIT_STORE_UNAVAILABLE,
    );
  }
  return null;
}

/**
 * Open the existing store of this command (never creates one: a clear error when there is none
 * yet). Failures to open are UserErrors with one bilingual line.
 */
export async function openExistingStore(opts: Omit<OpenStoreOptions, 'mustExist'> & { spec?: string } = {}): Promise<Store> {
  const { spec = storeSpec(), ...open } = opts;
  try {
    return await openStore(spec, { ...open, mustExist: true });
  } catch (e) {
    throw storeOpenError(e, spec) ?? e;
  }
}

/** Open the store of this command, creating (and migrating) it when it does not exist yet. */
export async function openOrCreateStore(opts: Omit<OpenStoreOptions, 'mustExist'> & { spec?: string } = {}): Promise<Store> {
  const { spec = storeSpec(), ...open } = opts;
  try {
    return await openStore(spec, open);
  } catch (e) {
    throw storeOpenError(e, spec) ?? e;
  }
}

/**
 * Run fn on the existing store, closing it afterwards. Errors of the listed domain classes carry
 * messages meant for the user: they lose their stack.
 */
export async function withExistingStore<T>(fn: (store: Store) => T | Promise<T>, userErrors: (new (...a: never[]) => Error)[] = []): Promise<T> {
  const store = await openExistingStore();
  try {
    return await fn(store);
  } catch (e) {
    if (userErrors.some((cls) => e instanceof cls)) throw new UserError((e as Error).message);
    throw e;
  } finally {
    await store.close();
  }
}

/** The --at option as epoch ms (now when absent), or a clear error. */
export function parseAtOption(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const t = parseTimestamp(at);
  if (t === null) throw new UserError(`无效的时间 --at "${at}"：请使用 ISO 8601 格式，如 2026-11-28T08:30 / invalid --at time`);
  return t;
}
