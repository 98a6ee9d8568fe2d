/**
 * A cheap "has the database changed?" token for caches of computed views (the API's report cache):
 * SQLite's data_version moves when another connection commits, total_changes() when this one writes.
 * Equal tokens mean no row changed in between.
 */
import type { Db } from './sqlite/db.js';

export function dataVersion(db: Db): string {
  const c = db.$client;
  const other = c.pragma('data_version', { simple: true }) as number;
  const own = c.prepare('SELECT total_changes()').pluck().get() as number;
  return `${other}:${own}`;
}
