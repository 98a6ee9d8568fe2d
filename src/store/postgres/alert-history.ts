/** PostgreSQL mirror of ../alert-history.ts: when each alert's warning first reached its branch. */
import { rows, type Q } from './q.js';

/**
 * Per alert id: first sent_at of a branch delivery carrying it at warning level or above since it last (re)opened.
 * Driven alert by alert (its items by alert_digest_items_alert, their deliveries by deliveries_digest;
 * OFFSET 0 keeps each lateral from being flattened, the status tested after the read so no index on it
 * is combined in): joined and filtered, a planner without statistics (autovacuum off) started from
 * every sent delivery of the city and probed the items for each — 6.2 s for a chunk of 250 open
 * warnings once 19,439 deliveries were sent at 20,000 branches; 17 ms so.
 */
export async function warningsDeliveredAt(q: Q, alertIds: readonly number[]): Promise<Map<number, number>> {
  if (!alertIds.length) return new Map();
  const r = await rows<{ alertId: number; warnedAt: number }>(
    q,
    `SELECT x.alert_id AS "alertId", w.warned_at AS "warnedAt"
       FROM unnest($1::bigint[]) AS x(alert_id)
       CROSS JOIN LATERAL (${warnedSql('x.alert_id')}) w
      WHERE w.n > 0`,
    [[...new Set(alertIds)]],
  );
  return new Map(r.map((x) => [Number(x.alertId), Number(x.warnedAt)]));
}

/**
 * The lateral body of warningsDeliveredAt for the alert whose id is the SQL expression `alertId`:
 * one row, `warned_at` (the first sent_at) and `n` (sent deliveries; 0 = never delivered). `only`: a
 * condition on the outer row, tested before any item is read (a one-time filter: n = 0 when false).
 */
export function warnedSql(alertId: string, only = 'true'): string {
  return `SELECT min(d.sent_at) FILTER (WHERE d.status = 'sent') AS warned_at, count(*) FILTER (WHERE d.status = 'sent') AS n
           FROM (SELECT i.digest_id FROM alert_digest_items i
                  WHERE (${only}) AND i.alert_id = ${alertId} AND i.level <> 'reminder' AND i.role <> 'committee'
                    AND i.event_id >= (SELECT max(e.id) FROM alert_events e WHERE e.alert_id = ${alertId} AND e.kind IN ('opened', 'reopened'))
                 OFFSET 0) i
           CROSS JOIN LATERAL (SELECT d.sent_at, d.status FROM deliveries d WHERE d.digest_id = i.digest_id OFFSET 0) d`;
}
