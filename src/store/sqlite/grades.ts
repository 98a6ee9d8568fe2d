/** Colour-grade reads: when each alert stood at warning or worse (see src/grades). */
import type { WarningSpan } from '../types/alerts.js';
import { prepared } from './alerts.js';
import type { Db } from './db.js';

export function warningSpans(db: Db, since: number, until: number): Map<string, WarningSpan[]> {
  const rows = prepared(
    db,
    `WITH w AS (SELECT alert_id, min(at) AS warned_at FROM alert_events WHERE level IN ('warning', 'escalation') GROUP BY alert_id)
     SELECT a.org, a.rule, a.period, w.warned_at, CASE WHEN a.state = 'resolved' THEN a.resolved_at END
       FROM alerts a JOIN w ON w.alert_id = a.id
      WHERE w.warned_at < ? AND (a.state <> 'resolved' OR a.resolved_at IS NULL OR a.resolved_at > ?)
      ORDER BY a.org, w.warned_at, a.id`,
  )
    .raw()
    .all(until, since) as [string, string, string, number, number | null][];
  const out = new Map<string, WarningSpan[]>();
  for (const [org, rule, period, from, to] of rows) {
    const span = { rule, period, from, to };
    const list = out.get(org);
    if (list) list.push(span);
    else out.set(org, [span]);
  }
  return out;
}
