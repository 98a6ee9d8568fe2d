/**
 * The unplanned outbox in chunks, for planning a province in bounded memory: the outbox rows of the
 * branches under a set of committees at a time. A committee's branches always fall in one chunk, so
 * the recipients that gather many branches' alerts (the committee's secretary, its robots) still get
 * one digest; chunks are cut in committee-code order, so a re-run after a crash cuts the rest alike.
 */
import type { DigestItem } from '../alerts/digest-model.js';
import type { Db } from './sqlite/db.js';
import { prepared } from './sqlite/alerts.js';
import type { OutboxEntry } from './sqlite/deliveries.js';

/** Unplanned outbox rows per parent committee code ('' for branches without one), in code order. */
export function unplannedByCommittee(db: Db): { committee: string; rows: number }[] {
  return prepared(
    db,
    `SELECT coalesce(g.parent, '') AS committee, count(*) AS rows
       FROM alert_outbox o
       JOIN alerts a ON a.id = o.alert_id
       LEFT JOIN orgs g ON g.code = a.org
      WHERE o.planned_at IS NULL
      GROUP BY 1
      ORDER BY 1`,
  ).all() as { committee: string; rows: number }[];
}

/** Committee codes grouped into chunks of about `target` outbox rows (a big committee is a chunk alone). */
export function committeeChunks(counts: readonly { committee: string; rows: number }[], target: number): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let rows = 0;
  for (const c of counts) {
    if (cur.length && rows + c.rows > target) {
      chunks.push(cur);
      cur = [];
      rows = 0;
    }
    cur.push(c.committee);
    rows += c.rows;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** The unplanned outbox rows of the branches under these committees, oldest event first. */
export function unplannedOutboxUnder(db: Db, committees: readonly string[]): OutboxEntry[] {
  const rows = prepared(
    db,
    `SELECT o.event_id AS eventId, o.alert_id AS alertId, e.kind, e.reason, e.level, e.detail,
              a.org, a.rule, a.period, a.due_at AS dueAt, a.message, a.state AS alertState
         FROM alert_outbox o
         JOIN alert_events e ON e.id = o.event_id
         JOIN alerts a ON a.id = o.alert_id
         LEFT JOIN orgs g ON g.code = a.org
        WHERE o.planned_at IS NULL
          AND coalesce(g.parent, '') IN (SELECT value FROM json_each(@committees))
        ORDER BY o.event_id`,
  ).all({ committees: JSON.stringify(committees) }) as (Omit<DigestItem, 'repeat'> & { detail: string | null; alertState: OutboxEntry['alertState'] })[];
  return rows.map(({ detail, alertState, ...r }) => {
    const d = detail ? (JSON.parse(detail) as { repeat?: number }) : null;
    return { alertState, item: d?.repeat ? { ...r, repeat: d.repeat } : r };
  });
}
