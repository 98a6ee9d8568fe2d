/**
 * Facts of alerts' own history that the lifecycle decides on (src/alerts/lifecycle.ts): when a
 * warning of an alert was first delivered to its branch. Read per reconcile chunk in one query.
 */
import type { Db } from './sqlite/db.js';
import { prepared } from './sqlite/alerts.js';

/**
 * Per alert id: the first sent_at of a delivery to the branch (role secretary or clerk) of a digest
 * carrying the alert at warning level or above, counting only events since the alert last opened
 * or reopened (a reopened alert's escalation clock starts again). Alerts never warned are absent.
 */
export function warningsDeliveredAt(db: Db, alertIds: readonly number[]): Map<number, number> {
  if (!alertIds.length) return new Map();
  const rows = prepared(
    db,
    `SELECT i.alert_id AS alertId, min(d.sent_at) AS warnedAt
       FROM alert_digest_items i
       JOIN deliveries d ON d.digest_id = i.digest_id AND d.status = 'sent'
      WHERE i.alert_id IN (SELECT value FROM json_each(?))
        AND i.level <> 'reminder' AND i.role <> 'committee'
        AND i.event_id >= (SELECT max(e.id) FROM alert_events e WHERE e.alert_id = i.alert_id AND e.kind IN ('opened', 'reopened'))
      GROUP BY i.alert_id`,
  ).all(JSON.stringify(alertIds)) as { alertId: number; warnedAt: number }[];
  return new Map(rows.map((r) => [r.alertId, r.warnedAt]));
}
