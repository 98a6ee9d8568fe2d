/** PostgreSQL counterparts of the outbox chunking (src/store/plan-chunks.ts): counts per committee, one chunk's rows. */
import type { DigestItem } from '../../domain/digest.js';
import type { OutboxEntry } from '../types/deliveries.js';
import { one, rows, type Q } from './q.js';

export async function unplannedByCommittee(q: Q): Promise<{ committee: string; rows: number }[]> {
  return rows<{ committee: string; rows: number }>(
    q,
    `SELECT coalesce(g.parent, '') AS committee, count(*) AS rows
       FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id LEFT JOIN orgs g ON g.code = a.org
      WHERE o.planned_at IS NULL
      GROUP BY 1 ORDER BY coalesce(g.parent, '') COLLATE "C"`,
  );
}

export async function unplannedOutboxUnder(q: Q, committees: readonly string[]): Promise<OutboxEntry[]> {
  const r = await rows<Omit<DigestItem, 'repeat'> & { detail: string | null; alertState: OutboxEntry['alertState'] }>(
    q,
    `SELECT o.event_id AS "eventId", o.alert_id AS "alertId", e.kind, e.reason, e.level, e.detail,
            a.org, a.rule, a.period, a.due_at AS "dueAt", a.message, a.state AS "alertState"
       FROM alert_outbox o
       JOIN alert_events e ON e.id = o.event_id
       JOIN alerts a ON a.id = o.alert_id
       LEFT JOIN orgs g ON g.code = a.org
      WHERE o.planned_at IS NULL AND coalesce(g.parent, '') = ANY($1::text[])
      ORDER BY o.event_id`,
    [committees],
  );
  return r.map(({ detail, alertState, ...x }) => {
    const d = detail ? (JSON.parse(detail) as { repeat?: number }) : null;
    return { alertState, item: d?.repeat ? { ...x, repeat: d.repeat } : x };
  });
}

/**
 * A cheap "has the database changed?" token: the sum of the tables' insert/update/delete counters
 * (pg_stat_xact_* of this transaction plus pg_stat_user_tables of committed ones); equal tokens mean
 * no row changed in between, as far as the statistics collector has seen.
 */
export async function dataVersion(q: Q): Promise<string> {
  const r = await one<{ v: string }>(
    q,
    `SELECT (coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0))::text AS v FROM pg_stat_user_tables`,
  );
  return `pg:${r!.v}`;
}
