/** Colour-grade reads: when each alert stood at warning or worse (mirror of the SQLite module). */
import type { WarningSpan } from '../types/alerts.js';
import { arrays, type Q } from './q.js';

/** Per org code, the alerts that stood at warning or worse in [since, until); with `orgs`, only theirs (by alerts_key and alert_events_alert, never the whole table). */
export async function warningSpans(q: Q, since: number, until: number, orgs?: readonly string[]): Promise<Map<string, WarningSpan[]>> {
  const rows = await arrays<[string, string, string, number | string, number | string | null]>(
    q,
    orgs
      ? // Driven from the code list (one alerts_key range per org), whatever the planner's statistics say (see reports.ts loadReportAlerts).
        `SELECT a.org, a.rule, a.period, w.warned_at, CASE WHEN a.state = 'resolved' THEN a.resolved_at END
           FROM (SELECT DISTINCT unnest($3::text[]) AS code) o JOIN alerts a ON a.org = o.code
           CROSS JOIN LATERAL (SELECT min(e.at) AS warned_at FROM alert_events e WHERE e.alert_id = a.id AND e.level IN ('warning', 'escalation')) w
          WHERE w.warned_at IS NOT NULL AND w.warned_at < $1 AND (a.state <> 'resolved' OR a.resolved_at IS NULL OR a.resolved_at > $2)
          ORDER BY a.org, w.warned_at, a.id`
      : `WITH w AS (SELECT alert_id, min(at) AS warned_at FROM alert_events WHERE level IN ('warning', 'escalation') GROUP BY alert_id)
         SELECT a.org, a.rule, a.period, w.warned_at, CASE WHEN a.state = 'resolved' THEN a.resolved_at END
           FROM alerts a JOIN w ON w.alert_id = a.id
          WHERE w.warned_at < $1 AND (a.state <> 'resolved' OR a.resolved_at IS NULL OR a.resolved_at > $2)
          ORDER BY a.org, w.warned_at, a.id`,
    [until, since, ...(orgs ? [orgs] : [])],
  );
  const out = new Map<string, WarningSpan[]>();
  for (const [org, rule, period, from, to] of rows) {
    const span = { rule, period, from: Number(from), to: to === null ? null : Number(to) };
    const list = out.get(org);
    if (list) list.push(span);
    else out.set(org, [span]);
  }
  return out;
}
