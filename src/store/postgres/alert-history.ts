/** PostgreSQL mirror of ../alert-history.ts: when each alert's warning first reached its branch. */
import { rows, type Q } from './q.js';

/** Per alert id: first sent_at of a branch delivery carrying it at warning level or above since it last (re)opened. */
export async function warningsDeliveredAt(q: Q, alertIds: readonly number[]): Promise<Map<number, number>> {
  if (!alertIds.length) return new Map();
  const r = await rows<{ alertId: number; warnedAt: number }>(
    q,
    `SELECT i.alert_id AS "alertId", min(d.sent_at) AS "warnedAt"
       FROM alert_digest_items i
       JOIN deliveries d ON d.digest_id = i.digest_id AND d.status = 'sent'
      WHERE i.alert_id = ANY($1::bigint[])
        AND i.level <> 'reminder' AND i.role <> 'committee'
        AND i.event_id >= (SELECT max(e.id) FROM alert_events e WHERE e.alert_id = i.alert_id AND e.kind IN ('opened', 'reopened'))
      GROUP BY i.alert_id`,
    [alertIds],
  );
  return new Map(r.map((x) => [Number(x.alertId), Number(x.warnedAt)]));
}
