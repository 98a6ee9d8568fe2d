/** Helpers for commands that read an existing database and take an optional --at time. */
import { existsSync } from 'node:fs';
import { parseTimestamp } from '../domain/calendar.js';
import { closeDb, defaultDbPath, openDb, type Db } from '../store/sqlite/db.js';
import { UserError } from './errors.js';

/**
 * Run fn on the existing database (a clear error when there is none yet), closing it afterwards.
 * Errors of the listed domain classes carry messages meant for the user: they lose their stack.
 */
export function withExistingDb<T>(fn: (db: Db) => T, userErrors: (new (...a: never[]) => Error)[] = []): T {
  const path = defaultDbPath();
  if (!existsSync(path)) throw new UserError(`数据库不存在：${path}，请先导入数据或设置 ORGLIFE_DB / database not found`);
  const db = openDb(path);
  try {
    return fn(db);
  } catch (e) {
    if (userErrors.some((cls) => e instanceof cls)) throw new UserError((e as Error).message);
    throw e;
  } finally {
    closeDb(db);
  }
}

/** The --at option as epoch ms (now when absent), or a clear error. */
export function parseAtOption(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const t = parseTimestamp(at);
  if (t === null) throw new UserError(`无效的时间 --at "${at}"：请使用 ISO 8601 格式，如 2026-11-28T08:30 / invalid --at time`);
  return t;
}
