/** Colour-grade reads: when each alert stood at warning or worse (see src/grades). */
import type { WarningSpan } from '../types/alerts.js';
import { prepared } from './alerts.js';
import type { Db } from './db.js';

/**
 * Per org code, the alerts that stood at warning or worse in [since, until). Every org: one grouping
 * pass over alert_events; some orgs (`orgs`): their alerts by alerts_key (org first) and each one's
 * first warning by alert_events_alert, never the whole table.
 */
export function warningSpans(db: Db, since: number, until: number, orgs?: readonly string[]): Map<string, WarningSpan[]> {
  const sql = orgs
    ? // MATERIALIZED: each alert's first warning computed once (flattened, the WHERE re-ran the subquery per use).
      `WITH s AS MATERIALIZED (SELECT a.id, a.org, a.rule, a.period, a.state, a.resolved_at,
                         (SELECT min(e.at) FROM alert_events e WHERE e.alert_id = a.id AND e.level IN ('warning', 'escalation')) AS warned_at
                    FROM alerts a WHERE a.org IN (SELECT value FROM json_each(?)))
       SELECT org, rule, period, warned_at, CASE WHEN state = 'resolved' THEN resolved_at END FROM s
        WHERE warned_at IS NOT NULL AND warned_at < ? AND (state <> 'resolved' OR resolved_at IS NULL OR resolved_at > ?)
        ORDER BY org, warned_at, id`
    : `WITH w AS (SELECT alert_id, min(at) AS warned_at FROM alert_events WHERE level IN ('warning', 'escalation') GROUP BY alert_id)
       SELECT a.org, a.rule, a.period, w.warned_at, CASE WHEN a.state = 'resolved' THEN a.resolved_at END
         FROM alerts a JOIN w ON w.alert_id = a.id
        WHERE w.warned_at < ? AND (a.state <> 'resolved' OR a.resolved_at IS NULL OR a.resolved_at > ?)
        ORDER BY a.org, w.warned_at, a.id`;
  const rows = prepared(db, sql)
    .raw()
    .all(...(orgs ? [JSON.stringify(orgs)] : []), until, since) as [string, string, string, number, number | null][];
  const out = new Map<string, WarningSpan[]>();
  for (const [org, rule, period, from, to] of rows) {
    const span = { rule, period, from, to };
    const list = out.get(org);
    if (list) list.push(span);
    else out.set(org, [span]);
  }
  return out;
}
