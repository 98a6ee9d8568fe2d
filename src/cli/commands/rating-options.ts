/** Options shared by the `orglife rating …` commands: --year, --by, the config and the database. */
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { UserError } from '../errors.js';
import { RatingError } from '../../rating/errors.js';
import { StoreBusyError, StoreMissingError, StoreSpecError } from '../../store/errors.js';
import { defaultStoreSpec, openStore } from '../../store/open.js';
import type { Store } from '../../store/port.js';

/** --year as a number, or a clear error. */
export function parseYearFlag(flag: string | undefined): number {
  if (flag === undefined) throw new UserError('请用 --year 指定年度，如 --year 2026 / --year is required');
  if (!/^\d{4}$/.test(flag.trim())) throw new UserError(`无效的年度 --year "${flag}"：应为四位年份，如 2026 / invalid year`);
  return Number(flag.trim());
}

/** Who is acting (--by, else the login name): recorded with every transition. */
export function actorOf(flag: string | undefined): string {
  const who = flag?.trim() || process.env.USER || process.env.LOGNAME || '';
  if (!who) throw new UserError('请用 --by 说明操作人 / --by is required (who is acting)');
  return who;
}

/**
 * Run fn with the configuration and the existing store (the port: a SQLite file or a postgres://
 * URL in ORGLIFE_DB), closing it afterwards; store and rating errors become one-line user errors.
 */
export async function withRatingStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const { config } = loadConfig(defaultConfigPath());
  let store: Store;
  try {
    store = await openStore(defaultStoreSpec(), { mustExist: true });
  } catch (e) {
    if (e instanceof StoreMissingError || e instanceof StoreSpecError) throw new UserError(e.message);
    throw e;
  }
  try {
    return await fn(store, config);
  } catch (e) {
    if (e instanceof RatingError || e instanceof StoreBusyError) throw new UserError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}
