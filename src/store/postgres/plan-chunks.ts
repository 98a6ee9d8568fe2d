/** PostgreSQL counterparts of the outbox chunking (src/store/plan-chunks.ts) and alert history reads. */
import type { DigestItem } from '../../domain/digest.js';
import type { OutboxEntry } from '../types/deliveries.js';
import { one, rows, type Q } from './q.js';

export async function unplannedByCommittee(q: Q): Promise<{ committee: string; rows: number }[]> {
  return rows<{ committee: string; rows: number }>(
    q,
    `SELECT coalesce(g.parent, '') AS committee, count(*) AS rows
       FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id LEFT JOIN orgs g ON g.code = a.org
      WHERE o.planned_at IS NULL
      GROUP BY 1 ORDER BY 1 COLLATE "C"`,
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

export async function warningsDeliveredAt(q: Q, alertIds: readonly number[]): Promise<Map<number, number>> {
  if (!alertIds.length) return new Map();
  const r = await rows<{ alertId: number; warnedAt: number }>(
    q,
    `SELECT i.alert_id AS "alertId", min(d.sent_at) AS "warnedAt"
       FROM alert_digest_items i
       JOIN deliveries d ON d.digest_id = i.digest_id AND d.status = 'sent'
      WHERE i.alert_id = ANY($1::int[])
        AND i.level <> 'reminder' AND i.role <> 'committee'
        AND i.event_id >= (SELECT max(e.id) FROM alert_events e WHERE e.alert_id = i.alert_id AND e.kind IN ('opened', 'reopened'))
      GROUP BY i.alert_id`,
    [alertIds],
  );
  return new Map(r.map((x) => [x.alertId, x.warnedAt]));
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
