/** Colour-grade reads: when each alert stood at warning or worse (mirror of the SQLite module). */
import type { WarningSpan } from '../types/alerts.js';
import { arrays, type Q } from './q.js';

export async function warningSpans(q: Q, since: number, until: number): Promise<Map<string, WarningSpan[]>> {
  const rows = await arrays<[string, string, string, number | string, number | string | null]>(
    q,
    `WITH w AS (SELECT alert_id, min(at) AS warned_at FROM alert_events WHERE level IN ('warning', 'escalation') GROUP BY alert_id)
     SELECT a.org, a.rule, a.period, w.warned_at, CASE WHEN a.state = 'resolved' THEN a.resolved_at END
       FROM alerts a JOIN w ON w.alert_id = a.id
      WHERE w.warned_at < $1 AND (a.state <> 'resolved' OR a.resolved_at IS NULL OR a.resolved_at > $2)
      ORDER BY a.org, w.warned_at, a.id`,
    [until, since],
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
