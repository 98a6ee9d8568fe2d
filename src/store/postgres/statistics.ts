/**
 * Planner statistics after bulk writes. PostgreSQL plans every read from pg_statistic and
 * pg_class.reltuples, which only ANALYZE (or autovacuum's) refreshes. The evaluate tick writes a
 * table's worth of alerts, events, outbox rows, deliveries and live figures in a minute; a table the
 * planner still believes empty or a tenth of its size gets nested loops over every row: at 250,000
 * branches, re-evaluating 1,000 of them read the live figures' alert facts in 6.1 s instead of 58 ms
 * (a join filter over all 195,592 alerts), because nothing had analyzed the alerts written minutes
 * before. Autovacuum would, a minute or more later, and not at all where it is off (this machine's
 * server runs with autovacuum = off). So the writer analyzes what it changed a lot, at the points
 * where its next reads depend on it (jobs call Store.refreshStatistics).
 */
import type { Q } from './q.js';

/** A table this small (pages of 8 KiB) is planned well enough without statistics. */
const MIN_PAGES = 8;
/** Re-analyze when the table grew by this share of its size at the last analyze (autovacuum's default scale is 0.1 of rows). */
const GROWTH = 0.2;
/** …or when this share of its rows changed since (counted by the server's statistics, which may lag a second). */
const CHANGED = 0.2;

interface TableState {
  name: string;
  /** Rows at the last analyze; -1 when never analyzed. */
  reltuples: number;
  /** Pages at the last analyze or vacuum. */
  relpages: number;
  /** Pages now (the file's size: exact at once, unlike the counters). */
  pages: number;
  changed: number;
}

/** Which tables need an ANALYZE now (pure). */
export function staleTables(tables: readonly TableState[]): string[] {
  return tables
    .filter((t) => t.pages >= MIN_PAGES && (t.reltuples < 0 || t.pages > t.relpages * (1 + GROWTH) + MIN_PAGES || t.changed > Math.max(t.reltuples, 0) * CHANGED + 1000))
    .map((t) => t.name);
}

/**
 * ANALYZE the project's tables that changed a lot since their last analyze; returns their names.
 * SKIP_LOCKED: a table another daemon (or autovacuum) is analyzing right now is left to it, not waited for.
 */
export async function refreshStatistics(q: Q): Promise<string[]> {
  const r = await q.query<{ name: string; reltuples: string; relpages: string; pages: string; changed: string }>(
    `SELECT c.relname AS name, c.reltuples, c.relpages,
            pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
            coalesce(s.n_mod_since_analyze, 0) AS changed
       FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname NOT LIKE '\\_\\_%'`,
  );
  const stale = staleTables(r.rows.map((x) => ({ name: x.name, reltuples: Number(x.reltuples), relpages: Number(x.relpages), pages: Number(x.pages), changed: Number(x.changed) })));
  if (stale.length) await q.query(`ANALYZE (SKIP_LOCKED) ${stale.map((t) => `"${t.replace(/"/g, '""')}"`).join(', ')}`);
  return stale;
}
