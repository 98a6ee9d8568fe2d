/** Errors of the store port that callers show to people (bilingual messages, no stack). */

/** Another writer holds the database longer than the store waits (SQLITE_BUSY, a PostgreSQL lock timeout). */
export class StoreBusyError extends Error {
  constructor(where: string, cause?: unknown) {
    super(`数据库正被其他进程写入，未写入任何数据，请稍后重试 / the database is busy (another writer holds it); nothing was written, try again later: ${where}`, { cause });
    this.name = 'StoreBusyError';
  }
}

/** openStore({ mustExist: true }) found no database. */
export class StoreMissingError extends Error {
  constructor(where: string) {
    super(`数据库不存在：${where}，请先导入数据（orglife import）或设置 ORGLIFE_DB / database not found: ${where} (import records first, or set ORGLIFE_DB)`);
    this.name = 'StoreMissingError';
  }
}

/** ORGLIFE_DB names a store this build cannot open (bad URL, adapter missing). */
export class StoreSpecError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StoreSpecError';
  }
}
