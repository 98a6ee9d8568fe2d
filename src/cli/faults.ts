/**
 * Faults of the machine, not of the input, as one bilingual line and a documented exit code instead
 * of a stack trace: the database file read-only or its folder unwritable, the database locked by
 * another process, the HTTP port taken. `main.ts` asks here before giving up on an error.
 *
 * Exit codes (README "Exit codes"): 73 the database cannot be created or written, 75 the database is
 * locked by another process (try again), 76 the HTTP port is in use.
 */
import { resolve } from 'node:path';

export const EXIT_CANT_WRITE = 73;
export const EXIT_LOCKED = 75;
export const EXIT_PORT_IN_USE = 76;

/** The one-line message and exit code for a known fault, or null. */
export function describeFault(e: unknown, env: NodeJS.ProcessEnv = process.env): { message: string; exitCode: number } | null {
  if (!(e instanceof Error)) return null;
  const code = String((e as { code?: unknown }).code ?? '');
  const db = env.ORGLIFE_DB || resolve('data/orglife.db');
  const path = (e as { path?: unknown }).path;
  if (e.name === 'StoreBusyError' || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return {
      message: `数据库 ${db} 正被其他进程占用（锁定），未写入任何数据，请稍后重试 / the database ${db} is locked by another process; nothing was written, try again later`,
      exitCode: EXIT_LOCKED,
    };
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) {
    return {
      message: `无法写入数据库 ${db}（文件或其所在目录只读、无权限或不存在）/ cannot write the database ${db} (the file or its folder is read-only, not permitted or missing)`,
      exitCode: EXIT_CANT_WRITE,
    };
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const where = typeof path === 'string' ? path : db;
    return { message: `没有写入权限：${where} / permission denied: ${where}`, exitCode: EXIT_CANT_WRITE };
  }
  if (code === 'EADDRINUSE') {
    const port = (e as { port?: unknown }).port;
    return {
      message: `HTTP 端口${port !== undefined ? ` ${port}` : ''}已被其他程序占用：请设置 ORGLIFE_HTTP_PORT 或 http.port，或 http.enabled: false / the HTTP port${port !== undefined ? ` ${port}` : ''} is already in use: set ORGLIFE_HTTP_PORT or http.port, or http.enabled: false`,
      exitCode: EXIT_PORT_IN_USE,
    };
  }
  if (e.name === 'StoreMissingError' || e.name === 'StoreSpecError') return { message: e.message, exitCode: 1 };
  return null;
}
