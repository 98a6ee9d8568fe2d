/**
 * PostgreSQL queries of the alert lifecycle (mirror of the SQLite module): open alerts in one
 * read, a writer of alert changes, events and outbox rows, and the read side of `orglife alerts`.
 */
import type { AlertState } from '../../domain/alerts.js';
import type { RuleId } from '../../domain/types.js';
import type { EvalRequest } from '../../domain/facts.js';
import type { AlertEventRow, AlertListRow, AlertRow, OrgAlertSummary } from '../types/alerts.js';
import { ALERT_COLUMNS } from '../rows/alert-columns.js';
import { one, rows, type Q } from './q.js';
import { warnedSql } from './alert-history.js';


const SELECT_ALERT = `SELECT ${Object.entries(ALERT_COLUMNS)
  .map(([f, c]) => `a.${c} AS "${f}"`)
  .join(', ')} FROM alerts a`;

/**
 * The open and acknowledged alerts of the orgs (codes), each with when its warning first reached its
 * branch (warnedAt; absent = never), in one round trip: `orglife check`'s standing of a chunk's
 * findings. The alerts are read org by org (alerts_state_org; OFFSET 0 keeps the lateral from being
 * flattened, as reconcile's read does): with `a.org = ANY(…)` as a filter, the planner read every
 * open alert of the city for each chunk and compared it with each code (12 ms a chunk once a
 * 20,000-branch city has 15,812 open alerts, growing with the city); each alert's deliveries are
 * then probed as warningsDeliveredAt does, in the same statement instead of a second round trip.
 */
export async function standingOf(q: Q, orgs: readonly string[]): Promise<{ alerts: AlertRow[]; warnedAt: Map<number, number> }> {
  const warnedAt = new Map<number, number>();
  if (!orgs.length) return { alerts: [], warnedAt };
  const list = await rows<AlertRow & { __warnedAt: number | null }>(
    q,
    `${SELECT_ALERT.replace(' FROM alerts a', '')}, w.warned_at AS "__warnedAt"
       FROM (SELECT DISTINCT unnest($1::text[]) AS code) o
       CROSS JOIN LATERAL (SELECT * FROM alerts x WHERE x.org = o.code AND x.state IN ('open', 'acknowledged') OFFSET 0) a
       CROSS JOIN LATERAL (${warnedSql('a.id')}) w
      ORDER BY a.id`,
    [orgs],
  );
  const alerts = list.map(({ __warnedAt, ...a }) => {
    if (__warnedAt !== null) warnedAt.set(Number(a.id), Number(__warnedAt));
    return a as AlertRow;
  });
  return { alerts, warnedAt };
}

export async function openAlertPeriods(q: Q, orgs?: readonly string[]): Promise<Map<string, EvalRequest[]>> {
  const r = await rows<{ org: string; rule: RuleId; period: string }>(
    q,
    `SELECT org, rule, period FROM alerts WHERE state IN ('open', 'acknowledged') AND rule NOT IN ('member-absence', 'probation-due')
      ${orgs === undefined ? '' : 'AND org = ANY($1::text[])'}
      GROUP BY org, rule, period ORDER BY org COLLATE "C", rule COLLATE "C", period COLLATE "C"`,
    orgs === undefined ? [] : [orgs],
  );
  const map = new Map<string, EvalRequest[]>();
  for (const x of r) {
    let list = map.get(x.org);
    if (!list) map.set(x.org, (list = []));
    list.push({ rule: x.rule, period: x.period });
  }
  return map;
}

export async function getAlert(q: Q, id: number): Promise<AlertRow | undefined> {
  return one<AlertRow>(q, `${SELECT_ALERT} WHERE a.id = $1`, [id]);
}

export async function activeAlertsOf(q: Q, org: string): Promise<AlertRow[]> {
  return rows<AlertRow>(q, `${SELECT_ALERT} WHERE a.org = $1 AND a.state IN ('open', 'acknowledged') ORDER BY a.id`, [org]);
}

export async function listAlerts(q: Q, opts: { open?: boolean; org?: string; limit?: number } = {}): Promise<AlertListRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.open) where.push(`a.state IN ('open', 'acknowledged')`);
  if (opts.org) {
    params.push(opts.org);
    where.push(`a.org = $${params.length}`);
  }
  const sql =
    `${SELECT_ALERT.replace(' FROM alerts a', ', o.name AS "orgName", o.parent AS parent FROM alerts a')} LEFT JOIN orgs o ON o.code = a.org` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY a.id DESC' +
    (opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : '');
  return rows<AlertListRow>(q, sql, params);
}

export async function alertHistory(q: Q, alertId: number): Promise<AlertEventRow[]> {
  const r = await rows<Omit<AlertEventRow, 'detail'> & { detail: string | null }>(
    q,
    'SELECT id, alert_id AS "alertId", at, kind, level, from_level AS "fromLevel", reason, detail FROM alert_events WHERE alert_id = $1 ORDER BY id',
    [alertId],
  );
  return r.map((x) => ({ ...x, detail: x.detail ? (JSON.parse(x.detail) as Record<string, unknown>) : null }));
}

export async function orgKindOf(q: Q, code: string): Promise<'committee' | 'branch' | undefined> {
  return (await one<{ kind: 'committee' | 'branch' }>(q, 'SELECT kind FROM orgs WHERE code = $1', [code]))?.kind;
}

export async function countAlertsByState(q: Q): Promise<Record<AlertState, number>> {
  const out: Record<AlertState, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const r of await rows<{ state: AlertState; n: number }>(q, 'SELECT state, count(*) AS n FROM alerts GROUP BY state')) out[r.state] = r.n;
  return out;
}

export async function alertSummaryByOrg(q: Q, start: number, end: number): Promise<Map<string, OrgAlertSummary>> {
  const r = await rows<OrgAlertSummary>(
    q,
    `SELECT a.org,
            count(*) AS opened,
            count(*) FILTER (WHERE m.r >= 2) AS warnings,
            count(*) FILTER (WHERE m.r = 3) AS escalations,
            count(*) FILTER (WHERE a.ack_at IS NOT NULL) AS acknowledged,
            avg(CASE WHEN a.ack_at IS NOT NULL THEN (a.ack_at - a.opened_at) / 3600000.0 END)::float8 AS "meanHoursToAck",
            count(*) FILTER (WHERE a.state <> 'resolved') AS unresolved
       FROM alerts a
       JOIN (SELECT e.alert_id, max(CASE e.level WHEN 'escalation' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END) AS r
               FROM alert_events e JOIN alerts x ON x.id = e.alert_id
              WHERE x.opened_at >= $1 AND x.opened_at < $2
              GROUP BY e.alert_id) m ON m.alert_id = a.id
      GROUP BY a.org`,
    [start, end],
  );
  return new Map(r.map((x) => [x.org, { ...x, meanHoursToAck: x.meanHoursToAck === null ? null : Math.round(x.meanHoursToAck * 10) / 10 }]));
}
